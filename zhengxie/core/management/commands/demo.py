from django.core.management.base import BaseCommand

from ...demo import CITY_SLUG, build_demo
from ...models import Organization


class Command(BaseCommand):
    help = "创建演示组织、人员和每个角色的演示账号（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="数据量倍数（基准测试用）")
        parser.add_argument("--if-empty", action="store_true", help="已有演示数据时跳过")

    def handle(self, *args, scale, if_empty, **options):
        if if_empty and Organization.objects.filter(slug=CITY_SLUG).exists():
            self.stdout.write("演示数据已存在，跳过。")
            return
        build_demo(scale=max(1, scale), log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
