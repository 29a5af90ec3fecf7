import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def test_404_page_is_chinese(client, world):
    client.force_login(world.alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_403_page_is_chinese(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("core:audit"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_500_page_is_chinese(rf):
    from zhengxie.core.views.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "系统错误" in response.content.decode()


def _django(args, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    } | env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _django(["check"], ZHENGXIE_ENV="production", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_deploy_check_reports_nothing():
    key = "k" + "x9Q#2mP!vL7" * 6
    result = _django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        ZHENGXIE_ENV="production",
        SECRET_KEY=key,
        ZHENGXIE_ALLOWED_HOSTS="zhengxie.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@override_settings(DEBUG=False)
def test_static_assets_are_served_locally(client, world):
    client.force_login(world.alice)
    body = client.get(reverse("core:home")).content.decode()
    assert "/static/vendor/htmx.min.js" in body
    assert "http://" not in body.split("<body")[0] and "https://" not in body.split("<body")[0]
