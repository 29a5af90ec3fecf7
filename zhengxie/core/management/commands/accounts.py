from django.core.management.base import BaseCommand

from ...demo import ACCOUNTS, DEFAULT_PASSWORD, demo_password


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        password = demo_password()
        shown = password if password == DEFAULT_PASSWORD else "（ZHENGXIE_DEMO_PASSWORD 的值）"
        self.stdout.write("演示账号（市政协；加后缀 -d1 为东湖区政协），密码：" + shown)
        for username, _, label in ACCOUNTS:
            self.stdout.write(f"  {username:<24} {username + '-d1':<27} {label}")
        self.stdout.write("打开 http://127.0.0.1:8000 登录。")
