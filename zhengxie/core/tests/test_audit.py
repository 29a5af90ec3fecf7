import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from zhengxie.core import services
from zhengxie.core.models import AuditEvent
from zhengxie.core.permissions import actor_for
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.helpers import count_queries


def _event(world):
    services.set_member_status(
        actor=actor_for(world.alice, world.org), member=world.bob_member, status="inactive"
    )
    return AuditEvent.objects.get()


def test_audit_rows_refuse_change_in_python(world):
    event = _event(world)
    event.action = "tampered"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_trigger_refuses_update_and_delete(world):
    event = _event(world)
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "core.member.deactivate"


def test_audit_page_filters_by_object_and_actor_and_hides_other_orgs(client, world):
    event = _event(world)
    services.set_member_status(
        actor=actor_for(world.charlie, world.other_org), member=world.charlie_member, status="inactive"
    )
    client.force_login(world.alice)
    body = client.get(
        reverse("core:audit"), {"object_type": "core.member", "object_id": event.object_id}
    ).content.decode()
    assert world.bob_member.name in body and world.charlie_member.name not in body
    by_actor = client.get(reverse("core:audit"), {"actor": world.charlie.pk}).content.decode()
    assert "没有符合条件的记录" in by_actor


def test_only_admins_see_the_audit_log(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("core:audit")).status_code == 403


def test_audit_page_query_count_is_constant(client, world):
    client.force_login(world.alice)
    admin = actor_for(world.alice, world.org)
    services.set_member_status(actor=admin, member=world.bob_member, status="inactive")
    small = count_queries(client, reverse("core:audit"))
    for _ in range(20):
        member = f.MemberFactory(organization=world.org, term=world.term)
        services.set_member_status(actor=admin, member=member, status="inactive")
    assert count_queries(client, reverse("core:audit")) == small
