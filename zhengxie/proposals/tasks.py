"""Background work of proposals, run by `zhengxie worker`."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from zhengxie.core.upkeep import refresh_statistics

from .services import expire_cosign_invitations, send_deadline_reminders

REMINDER_HOUR = 8


def next_run(now: datetime | None = None) -> datetime:
    """The next 08:00 local time after `now`."""
    now = timezone.localtime(now)
    day = now.date() if now.time() < time(REMINDER_HOUR) else now.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(REMINDER_HOUR)))


@task()
def send_reminders(reschedule: bool = True) -> int:
    """Let lapsed co-sign invitations go, send today's deadline reminders, refresh SQLite's planner
    statistics, then queue itself for 08:00 tomorrow.

    Reminders carry a per-day key, so a second run on the same day (a retry, a manual
    `zhengxie remind`) sends nothing twice.
    """
    expire_cosign_invitations()
    sent = send_deadline_reminders()
    refresh_statistics()
    if reschedule:
        send_reminders.using(run_after=next_run()).enqueue(reschedule=True)
    return sent
