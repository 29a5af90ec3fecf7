from django.urls import reverse

from zhengxie.core.models import RoleGrant
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.helpers import count_queries


def test_grant_handler_role_to_new_person(client, world):
    unit = f.HandlingUnitFactory(organization=world.org, name="市交通运输局")
    client.force_login(world.alice)
    data = {
        "full_name": "孙办理",
        "mobile": "13600000001",
        "role": "handler",
        "handling_unit": unit.pk,
        "password": "Handler2026",
    }
    assert client.post(reverse("core:role_grant"), data).status_code == 302
    grant = RoleGrant.objects.get(role=Role.HANDLER)
    assert grant.handling_unit == unit and grant.organization == world.org
    assert "孙办理" in client.get(reverse("core:roles")).content.decode()


def test_handler_without_unit_gets_field_error(client, world):
    client.force_login(world.alice)
    data = {"full_name": "孙办理", "mobile": "13600000001", "role": "handler", "password": "Handler2026"}
    body = client.post(reverse("core:role_grant"), data).content.decode()
    assert "必须选择所属承办单位" in body
    assert not RoleGrant.objects.filter(role=Role.HANDLER).exists()


def test_member_cannot_manage_roles(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("core:roles")).status_code == 403
    assert (
        client.post(
            reverse("core:role_grant"), {"full_name": "x", "mobile": "13600000001", "role": "org_admin"}
        ).status_code
        == 403
    )
    assert not RoleGrant.objects.filter(person__mobile="13600000001").exists()


def test_foreign_grant_cannot_be_revoked(client, world):
    foreign = RoleGrant.objects.get(person=world.charlie)
    client.force_login(world.alice)
    assert client.post(reverse("core:role_revoke", args=[foreign.pk])).status_code == 404
    assert RoleGrant.objects.filter(pk=foreign.pk).exists()


def test_revoking_own_admin_role_is_forbidden(client, world):
    own = RoleGrant.objects.get(person=world.alice)
    client.force_login(world.alice)
    assert client.post(reverse("core:role_revoke", args=[own.pk])).status_code == 403


def test_role_list_query_count_is_constant(client, world):
    client.force_login(world.alice)
    url = reverse("core:roles")
    small = count_queries(client, url)
    for _ in range(25):
        f.RoleGrantFactory(
            organization=world.org,
            role=Role.HANDLER,
            handling_unit=f.HandlingUnitFactory(organization=world.org),
        )
    assert count_queries(client, url) == small
