from django.conf import settings
from django.urls import reverse

from zhengxie.core.middleware import SESSION_ORG_KEY
from zhengxie.core.tests import factories as f

LOGIN = reverse("core:login")


def _login(client, username, password=f.PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_with_username_or_mobile(client, world):
    assert _login(client, "alice").status_code == 302
    client.logout()
    assert _login(client, world.alice.mobile).status_code == 302


def test_wrong_password_is_told_in_chinese(client, world):
    response = _login(client, "alice", "wrong-pass")
    assert response.status_code == 200
    assert "用户名（或手机号）与密码不匹配" in response.content.decode()


def test_five_failures_lock_the_account_even_from_another_address(client, world):
    for i in range(5):
        _login(client, "alice", "wrong-pass", ip=f"10.0.0.{i + 1}")
    response = _login(client, world.alice.mobile, ip="10.9.9.9")  # right password, by mobile, new address
    assert response.status_code == 429
    assert "锁定 15 分钟" in response.content.decode()


def test_five_failures_lock_the_address_for_every_account(client, world):
    for i in range(5):
        _login(client, f"nobody{i}", "wrong-pass", ip="10.0.0.7")
    assert _login(client, "alice", ip="10.0.0.7").status_code == 429
    assert _login(client, "alice", ip="10.0.0.8").status_code == 302


def test_sessions_expire_after_thirty_idle_minutes(client, world):
    assert settings.SESSION_COOKIE_AGE == 1800
    _login(client, "alice")
    client.get(reverse("core:home"))
    assert 1700 < client.session.get_expiry_age() <= 1800


def test_password_rules_are_enforced_in_chinese(client, world):
    client.force_login(world.alice)
    url = reverse("core:password_change")
    data = {"old_password": f.PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    body = client.post(url, data).content.decode()
    assert "密码必须同时包含字母和数字" in body
    ok = {"old_password": f.PASSWORD, "new_password1": "Zx-2026-strong", "new_password2": "Zx-2026-strong"}
    assert client.post(url, ok).status_code == 302


def test_switcher_changes_organization_only_to_ones_the_person_belongs_to(client, world):
    f.MemberFactory(organization=world.other_org, person=world.alice, term=world.other_term)
    client.force_login(world.alice)
    assert "乙市政协" in client.get(reverse("core:home")).content.decode()
    client.post(reverse("core:switch_org"), {"organization": world.other_org.pk})
    assert client.session[SESSION_ORG_KEY] == world.other_org.pk
    assert client.get(reverse("core:roster")).status_code == 403  # a member there, not an admin
    stranger = f.OrganizationFactory()
    client.post(reverse("core:switch_org"), {"organization": stranger.pk})
    assert client.session[SESSION_ORG_KEY] == world.other_org.pk


def test_sign_out_is_post_and_ends_the_session(client, world):
    client.force_login(world.alice)
    assert client.post(reverse("core:logout")).status_code == 302
    assert client.get(reverse("core:roster")).status_code == 302


def test_person_without_organization_sees_a_notice(client, db):
    client.force_login(f.PersonFactory())
    assert "尚未加入任何政协组织" in client.get(reverse("core:home")).content.decode()
