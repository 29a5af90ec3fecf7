"""The report and issue pages as their users reach them: allowed, forbidden (403), wrong state (409), foreign (404)."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from zhengxie.core.models import AuditEvent, Person
from zhengxie.opinions import services
from zhengxie.opinions.models import Instruction, Issue, Report

from . import builders as b

pytestmark = pytest.mark.django_db
S = Report.State


def login(client, person):
    client.force_login(person)
    return client


def test_member_writes_and_submits_a_report_through_the_form(client, ow):
    login(client, ow.bob)
    page = client.get(reverse("opinions:create"))
    assert page.status_code == 200
    assert "撰写社情民意信息" in page.content.decode()
    token = page.context["form"]["token"].value()
    response = client.post(
        reverse("opinions:create"),
        {
            "title": "关于规范校外培训收费的建议",
            "category": ow.category.pk,
            "urgency": "normal",
            "body": "部分机构预收费用过高。建议纳入资金监管。",
            "token": token,
            "then": "submit",
        },
    )
    report = Report.objects.get(title="关于规范校外培训收费的建议")
    assert response.status_code == 302
    assert report.state == S.SUBMITTED
    assert report.submitter_type == Report.SubmitterType.MEMBER
    mine = client.get(reverse("opinions:mine"))
    assert "关于规范校外培训收费的建议" in mine.content.decode()


def test_submitting_without_a_body_stays_a_draft_with_the_reason(client, ow):
    login(client, ow.bob)
    response = client.post(
        reverse("opinions:create"),
        {"title": "空稿", "category": ow.category.pk, "urgency": "normal", "body": "", "then": "submit"},
        follow=True,
    )
    assert "报送前请填写正文" in response.content.decode()
    assert Report.objects.get(title="空稿").state == S.DRAFT


def test_body_over_the_limit_is_refused_on_the_form(client, ow):
    login(client, ow.bob)
    response = client.post(
        reverse("opinions:create"),
        {
            "title": "过长",
            "category": ow.category.pk,
            "urgency": "normal",
            "body": "字" * 1501,
            "then": "save",
        },
    )
    assert response.status_code == 200
    assert "1500" in response.content.decode()
    assert not Report.objects.filter(title="过长").exists()


def test_editor_inbox_lists_waiting_reports_with_constant_queries(client, ow, django_assert_max_num_queries):
    b.submitted(ow, title="第一篇")
    login(client, ow.editor)
    client.get(reverse("opinions:inbox"))
    with django_assert_max_num_queries(12) as first:
        response = client.get(reverse("opinions:inbox"))
    assert "第一篇" in response.content.decode()
    for i in range(5):
        b.submitted(ow, title=f"再一篇{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("opinions:inbox"))
    assert "再一篇4" in response.content.decode()


def test_member_may_not_open_the_inbox(client, ow):
    login(client, ow.bob)
    assert client.get(reverse("opinions:inbox")).status_code == 403


def test_another_organisations_report_is_not_found(client, ow):
    report = b.submitted(ow)
    login(client, ow.other_editor)
    assert client.get(reverse("opinions:detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("opinions:receive", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert report.state == S.SUBMITTED


def test_receiving_twice_answers_409_and_changes_nothing(client, ow):
    report = b.editing(ow)
    events = AuditEvent.objects.count()
    login(client, ow.editor)
    response = client.post(reverse("opinions:receive", args=[report.pk]))
    assert response.status_code == 409
    assert "采编中" in response.content.decode()
    assert AuditEvent.objects.count() == events


def test_submitter_cannot_take_editor_steps(client, ow):
    report = b.submitted(ow)
    login(client, ow.bob)
    assert client.post(reverse("opinions:receive", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.state == S.SUBMITTED


def test_editor_revises_and_sees_the_difference_from_the_original(client, ow):
    report = b.editing(ow, body="原来的第一句。原来的第二句。")
    login(client, ow.editor)
    client.post(
        reverse("opinions:revise", args=[report.pk]),
        {"title": "编辑后的标题", "body": "原来的第一句。改写的第二句。", "note": "精简"},
    )
    report.refresh_from_db()
    assert report.body == "原来的第一句。原来的第二句。"
    assert report.edited_body == "原来的第一句。改写的第二句。"
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert "<ins>改写</ins>" in page
    assert "<del>原来</del>" in page
    assert "与原稿对比" in page


def test_the_whole_path_from_inclusion_to_feedback_through_the_pages(client, ow):
    report = b.editing(ow, title="关于治理噪声扰民的建议")
    login(client, ow.editor)
    client.post(reverse("opinions:include", args=[report.pk]), {"issue": "new"})
    report.refresh_from_db()
    issue = report.item.issue
    page = client.get(reverse("opinions:issue", args=[issue.pk])).content.decode()
    assert "关于治理噪声扰民的建议" in page
    client.post(reverse("opinions:signoff", args=[issue.pk]), {"signer": ow.leader.pk})
    client.logout()
    login(client, ow.leader)
    client.post(reverse("opinions:sign", args=[issue.pk]), {"note": "同意"})
    client.logout()
    login(client, ow.editor)
    client.post(reverse("opinions:publish", args=[issue.pk]), {"published_on": b.today().isoformat()})
    issue.refresh_from_db()
    report.refresh_from_db()
    assert issue.state == Issue.State.PUBLISHED
    assert report.state == S.ADOPTED
    client.post(
        reverse("opinions:forward", args=[report.pk]),
        {"target": "party_gov", "recipient": "市委办公室", "forwarded_on": b.today().isoformat()},
    )
    response = client.post(
        reverse("opinions:instruct", args=[report.pk]),
        {"leader": "", "level": "city", "instructed_on": ""},
        follow=True,
    )
    assert "请填写批示领导" in response.content.decode()
    assert not Instruction.objects.exists()
    client.post(
        reverse("opinions:instruct", args=[report.pk]),
        {
            "leader": "王书记",
            "leader_title": "市委书记",
            "level": "city",
            "instructed_on": b.today().isoformat(),
            "text": "请研究",
        },
    )
    client.post(
        reverse("opinions:feedback", args=[report.pk]),
        {"department": "市生态环境局", "received_on": b.today().isoformat(), "text": "已开展专项整治"},
    )
    report.refresh_from_db()
    assert report.state == S.FEEDBACK
    assert report.points == 10
    client.logout()
    login(client, ow.bob)
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert "王书记" in page and "市生态环境局" in page


def test_publishing_an_empty_issue_is_refused(client, ow):
    issue = b.issue(ow)
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SIGNED)
    login(client, ow.editor)
    response = client.post(
        reverse("opinions:publish", args=[issue.pk]), {"published_on": b.today().isoformat()}
    )
    assert response.status_code == 409
    assert "空白期刊" in response.content.decode()


def test_creating_an_issue_with_a_gap_in_numbers_is_refused(client, ow):
    b.issue(ow)
    login(client, ow.editor)
    response = client.post(
        reverse("opinions:issue_create"), {"year": b.today().year, "number": 5}, follow=True
    )
    assert "不能跳号" in response.content.decode()
    assert Issue.objects.count() == 1


def test_issue_exports_to_word_with_title_block_items_and_lines(client, ow):
    report = b.adopted(ow, title="关于加强食品安全监管的建议")
    issue = report.item.issue
    Issue.objects.filter(pk=issue.pk).update(send_to="市委、市政府主要领导", copy_to="市委办公室")
    login(client, ow.editor)
    response = client.get(reverse("opinions:issue_docx", args=[issue.pk]))
    assert response.status_code == 200
    document = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "社情民意" in text
    assert f"第{issue.number}期" in text
    assert "关于加强食品安全监管的建议" in text
    assert "报送：市委、市政府主要领导" in text
    assert "抄送：市委办公室" in text
    assert "李博反映" in text


def test_member_cannot_read_issues(client, ow):
    report = b.adopted(ow)
    login(client, ow.bob)
    assert client.get(reverse("opinions:issues")).status_code == 403
    assert client.get(reverse("opinions:issue", args=[report.item.issue_id])).status_code == 403


def test_admin_registers_an_information_officer_who_can_then_submit(client, ow):
    login(client, ow.world.alice)
    response = client.post(
        reverse("opinions:officer_create"),
        {
            "full_name": "林信息",
            "mobile": "13900001111",
            "kind": "invited",
            "workplace": "甲市电视台",
            "username": "linxinxi",
            "password": "Xinxi-2026-pass",
        },
    )
    assert response.status_code == 302
    client.logout()
    officer = Person.objects.get(username="linxinxi")
    assert officer.check_password("Xinxi-2026-pass")
    login(client, officer)
    page = client.get(reverse("opinions:create"))
    assert "报送身份：林信息（信息员）" in page.content.decode()
    client.post(
        reverse("opinions:create"),
        {
            "title": "信息员来稿",
            "category": ow.category.pk,
            "urgency": "urgent",
            "body": "正文",
            "then": "submit",
        },
    )
    report = Report.objects.get(title="信息员来稿")
    assert (report.submitter_type, report.state) == (Report.SubmitterType.OFFICER, S.SUBMITTED)


def test_member_may_not_manage_officers(client, ow):
    login(client, ow.bob)
    assert client.get(reverse("opinions:officers")).status_code == 403


def test_a_report_forwarded_up_reaches_the_city_editors_inbox_and_its_fate_comes_back(client, ow):
    county_editor = ow.actor(ow.county_editor, ow.county)
    report = b.editing(
        ow,
        person=ow.county_member,
        org=ow.county,
        editor=ow.county_editor,
        title="关于乡镇卫生院人才流失的建议",
    )
    county_issue = b.issue(ow, org=ow.county, editor=ow.county_editor)
    services.include_report(actor=county_editor, report=report, issue=county_issue)
    b.publish(ow, county_issue, org=ow.county, editor=ow.county_editor, leader=ow.county_leader)
    report.refresh_from_db()
    services.forward_report(actor=county_editor, report=report, target="upper")

    login(client, ow.editor)
    inbox = client.get(reverse("opinions:inbox")).content.decode()
    assert "关于乡镇卫生院人才流失的建议" in inbox
    assert "乙区政协（冯区委员）" in inbox
    copy = Report.objects.get(organization=ow.org, forwarded_from=report)
    assert copy.submitter_type == Report.SubmitterType.LOWER_ORG
    city_editor = ow.actor(ow.editor)
    services.receive_report(actor=city_editor, report=copy)
    city_issue = b.issue(ow)
    services.include_report(actor=city_editor, report=copy, issue=city_issue)
    b.publish(ow, city_issue)

    client.logout()
    login(client, ow.county_editor)
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert "上级采用" in page
    assert "甲市政协：已采用" in page
    # The county never opens the city's copy.
    assert client.get(reverse("opinions:detail", args=[copy.pk])).status_code == 404


def test_members_see_their_yearly_task_and_how_far_they_are(client, ow):
    b.submitted(ow, person=ow.erin)  # a standing member: 3 a year by default
    login(client, ow.erin)
    page = client.get(reverse("opinions:mine")).content.decode()
    assert f"{b.today().year}年报送任务3篇，已报送1篇，还差2篇" in page
    client.logout()
    b.submitted(ow)
    login(client, ow.bob)
    page = client.get(reverse("opinions:mine")).content.decode()
    assert f"{b.today().year}年报送任务1篇，已报送1篇。" in page


def test_workflow_command_prints_both_graphs():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("workflow", "opinions", stdout=out)
    text = out.getvalue()
    assert "报送（submit）：草稿 → 已报送" in text
    assert "印发（publish）：已签发 → 已印发" in text
    assert "登记领导批示（instruct）" in text


def test_settings_out_of_bounds_are_refused_by_the_service_too(ow):
    from django.core.exceptions import ValidationError

    from zhengxie.opinions.policy import policy_for

    with pytest.raises(ValidationError) as refused:
        services.update_policy(actor=ow.actor(ow.editor), values={"body_max": 0, "colour": "red"})
    assert "正文字数上限" in str(refused.value) and "colour" in str(refused.value)
    ow.org.refresh_from_db()
    assert policy_for(ow.org).body_max == 1500


def test_editor_changes_the_settings_on_the_page(client, ow):
    login(client, ow.editor)
    data = {
        "title_max": 60,
        "body_max": 2000,
        "standing_quota": 4,
        "member_quota": 2,
        "publication_title": "社情民意",
        "editor_office": "甲市政协办公室",
        "send_to": "市委、市政府",
        "copy_to": "",
        "attachment_max_mb": 10,
    }
    assert client.post(reverse("opinions:settings"), data).status_code == 302
    ow.org.refresh_from_db()
    assert b.issue(ow).send_to == "市委、市政府"
    response = client.post(reverse("opinions:settings"), {**data, "body_max": 20})
    assert response.status_code == 200
    assert "300" in response.content.decode()


def test_the_timeline_names_each_step_and_the_state_it_led_to(client, ow):
    report = b.editing(ow)
    page = login(client, ow.editor).get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert "报送 → 已报送" in page and "接收采编 → 采编中" in page
