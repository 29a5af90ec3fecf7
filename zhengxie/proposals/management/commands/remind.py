from django.core.management.base import BaseCommand

from zhengxie.proposals.services import expire_cosign_invitations, send_deadline_reminders
from zhengxie.proposals.tasks import next_run, send_reminders


class Command(BaseCommand):
    help = "发送提案办理期限提醒（到期前7天、当天、超期后每天），同一天不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="不立即发送，而是交给后台任务（zhengxie worker）每天 08:00 自动发送。",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            send_reminders.using(run_after=next_run()).enqueue(reschedule=True)
            self.stdout.write(f"已安排每日提醒，下次运行：{next_run():%Y-%m-%d %H:%M}")
            return
        lapsed = expire_cosign_invitations()
        if lapsed:
            self.stdout.write(f"{lapsed} 份联名邀请逾期未确认，已失效。")
        sent = send_deadline_reminders()
        self.stdout.write(f"已发送 {sent} 条期限提醒。")
