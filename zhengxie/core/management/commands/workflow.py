from django.core.management.base import BaseCommand, CommandError

from zhengxie.core import workflows


class Command(BaseCommand):
    help = "打印业务流程的状态图：每一步从哪些状态出发、到达哪些状态、由谁执行。"

    def add_arguments(self, parser):
        parser.add_argument("app", help="业务名称，如 proposals")

    def handle(self, *args, app, **options):
        if app not in workflows.names():
            raise CommandError(f"没有名为“{app}”的流程。可用：{'、'.join(workflows.names())}")
        for line in workflows.describe(app):
            self.stdout.write(line)
