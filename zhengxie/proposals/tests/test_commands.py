from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

from zhengxie.core.models import Notification
from zhengxie.proposals import services
from zhengxie.proposals.models import Assignment
from zhengxie.proposals.tasks import next_run, send_reminders
from zhengxie.proposals.workflow import STEPS

from .builders import filed

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_workflow_command_prints_every_step_with_who_takes_it():
    out = StringIO()
    call_command("workflow", "proposals", stdout=out)
    text = out.getvalue()
    assert len(text.strip().splitlines()) == len(STEPS)
    assert "立案（file）：已提交、审查中 → 已立案；执行人：提案工作人员" in text
    assert "签收（accept）" in text and "承办单位用户" in text


def test_workflow_command_names_the_known_workflows_for_an_unknown_one():
    from django.core.management.base import CommandError

    try:
        call_command("workflow", "nothing")
    except CommandError as error:
        assert "proposals" in str(error)
    else:
        raise AssertionError("an unknown workflow must be refused")


def test_remind_command_sends_once_per_day(pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    Assignment.objects.update(deadline=timezone.localdate())
    out = StringIO()
    call_command("remind", stdout=out)
    call_command("remind", stdout=out)
    assert "已发送 1 条期限提醒" in out.getvalue() and "已发送 0 条期限提醒" in out.getvalue()
    assert Notification.objects.filter(recipient=pw.handlers[0], kind="deadline").count() == 1


def test_reminder_task_sends_and_queues_itself_for_the_next_eight_oclock(pw):
    from django_tasks_db.models import DBTaskResult

    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    Assignment.objects.update(deadline=timezone.localdate())
    assert send_reminders.call(reschedule=True) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("send_reminders")
    assert timezone.localtime(queued.run_after).hour == 8
    assert queued.run_after > timezone.now()


def test_next_run_is_the_coming_eight_oclock():
    morning = datetime(2026, 11, 23, 7, 0, tzinfo=SHANGHAI)
    evening = datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI)
    assert timezone.localtime(next_run(morning)).hour == 8
    assert timezone.localtime(next_run(morning)).date() == morning.date()
    assert timezone.localtime(next_run(evening)).date() == morning.date() + timedelta(days=1)
