import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhengxie.core import services
from zhengxie.core.errors import ConflictError, WorkflowError
from zhengxie.core.models import AuditEvent, Member, Person, RoleGrant, Sector, Term
from zhengxie.core.permissions import actor_for
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f


@pytest.fixture
def admin(world):
    return actor_for(world.alice, world.org)


def _create(admin, world, **kwargs):
    values = {"full_name": "赵新民", "mobile": "13912345678", "term": world.term}
    values.update(kwargs)
    return services.create_member(actor=admin, **values)


def test_create_member_writes_person_member_and_audit(world, admin):
    sector = f.SectorFactory(organization=world.org, name="经济界")
    committee = f.CommitteeFactory(organization=world.org, name="经济委员会")
    member = _create(admin, world, sector=sector, committees=[committee], is_standing=True)
    assert member.person.mobile == "13912345678"
    assert member.person.has_usable_password() is False
    assert list(member.committees.all()) == [committee]
    event = AuditEvent.objects.get(action="core.member.create")
    assert event.actor == world.alice
    assert event.organization == world.org
    assert event.object_id == str(member.pk)
    assert event.changes["sector"] == [None, "经济界"]
    assert event.changes["is_standing"] == [None, True]


def test_same_mobile_in_another_organization_is_the_same_person(world, admin):
    member = _create(admin, world)
    charlie = actor_for(world.charlie, world.other_org)
    other = services.create_member(
        actor=charlie, full_name="赵新民", mobile="13912345678", term=world.other_term
    )
    assert other.person == member.person
    assert Person.objects.filter(mobile="13912345678").count() == 1


def test_mobile_of_someone_else_is_refused(world, admin):
    _create(admin, world)
    with pytest.raises(ValidationError) as error:
        _create(admin, world, full_name="钱多多")
    assert "姓名不一致" in str(error.value)


def test_member_twice_in_one_term_is_refused(world, admin):
    _create(admin, world)
    with pytest.raises(ValidationError):
        _create(admin, world)
    assert Member.objects.filter(organization=world.org).count() == 2  # bob and the new one


def test_member_cannot_create_members_and_nothing_changes(world):
    bob = actor_for(world.bob, world.org)
    with pytest.raises(PermissionDenied):
        _create(bob, world)
    assert not Person.objects.filter(mobile="13912345678").exists()
    assert not AuditEvent.objects.exists()


def test_foreign_term_or_sector_is_not_found(world, admin):
    with pytest.raises(Http404):
        _create(admin, world, term=world.other_term)
    with pytest.raises(Http404):
        _create(admin, world, sector=f.SectorFactory(organization=world.other_org))
    assert not Person.objects.filter(mobile="13912345678").exists()


def test_update_member_records_before_and_after(world, admin):
    member = world.bob_member
    services.update_member(
        actor=admin,
        member=member,
        version=member.version,
        values={
            "full_name": "李博文",
            "mobile": "13700000001",
            "workplace": "示范大学 教授",
            "term": world.term,
        },
    )
    member.refresh_from_db()
    assert member.name == "李博文" and member.person.full_name == "李博文"
    assert member.version == 2
    event = AuditEvent.objects.get(action="core.member.update")
    assert event.changes["full_name"] == ["李博", "李博文"]
    assert event.changes["workplace"] == ["", "示范大学 教授"]
    assert "term" not in event.changes


def test_stale_edit_is_refused_with_a_clear_message(world, admin):
    member = world.bob_member
    values = {"full_name": "李博", "mobile": world.bob.mobile, "term": world.term, "workplace": "甲"}
    services.update_member(actor=admin, member=member, version=1, values=values)
    with pytest.raises(ConflictError) as error:
        services.update_member(actor=admin, member=member, version=1, values={**values, "workplace": "乙"})
    assert "已被他人修改" in error.value.message
    member.refresh_from_db()
    assert member.workplace == "甲"


def test_foreign_member_cannot_be_edited(world, admin):
    with pytest.raises(Http404):
        services.set_member_status(actor=admin, member=world.charlie_member, status="inactive")
    world.charlie_member.refresh_from_db()
    assert world.charlie_member.status == Member.Status.ACTIVE


def test_deactivate_and_reactivate_member(world, admin):
    services.set_member_status(actor=admin, member=world.bob_member, status="inactive")
    assert actor_for(world.bob, world.org).roles == frozenset()
    with pytest.raises(WorkflowError):
        services.set_member_status(actor=admin, member=world.bob_member, status="inactive")
    services.set_member_status(actor=admin, member=world.bob_member, status="active")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["core.member.deactivate", "core.member.reactivate"]


def test_set_member_password_validates_and_enables_sign_in(world, admin):
    with pytest.raises(ValidationError):
        services.set_member_password(actor=admin, member=world.bob_member, password="123")
    services.set_member_password(actor=admin, member=world.bob_member, password="Zhengxie2026ok")
    world.bob.refresh_from_db()
    assert world.bob.check_password("Zhengxie2026ok")


def test_save_org_record_creates_and_updates_with_audit(world, admin):
    sector = services.save_org_record(
        actor=admin, record=Sector(), values={"name": "经济界", "sort_order": 1}
    )
    assert sector.organization == world.org
    services.save_org_record(actor=admin, record=sector, values={"name": "经济界别", "sort_order": 1})
    update = AuditEvent.objects.get(action="core.sector.update")
    assert update.changes == {"name": ["经济界", "经济界别"]}


def test_only_one_current_term(world, admin):
    new = services.save_org_record(
        actor=admin,
        record=Term(),
        values={"number": 7, "name": "第七届", "starts_on": "2028-01-01", "is_current": True},
    )
    assert list(Term.objects.filter(organization=world.org, is_current=True)) == [new]


def test_org_records_need_the_admin_role(world):
    bob = actor_for(world.bob, world.org)
    with pytest.raises(PermissionDenied):
        services.save_org_record(actor=bob, record=Sector(), values={"name": "经济界"})
    assert not Sector.objects.exists()


def test_grant_role_creates_account_and_handler_needs_unit(world, admin):
    unit = f.HandlingUnitFactory(organization=world.org, name="市教育局")
    with pytest.raises(ValidationError):
        services.grant_role(
            actor=admin, full_name="孙办", mobile="13500000001", role=Role.HANDLER, password="Pass2026word"
        )
    with pytest.raises(ValidationError) as error:
        services.grant_role(
            actor=admin, full_name="孙办", mobile="13500000001", role=Role.HANDLER, handling_unit=unit
        )
    assert "初始密码" in str(error.value)
    grant = services.grant_role(
        actor=admin,
        full_name="孙办",
        mobile="13500000001",
        role=Role.HANDLER,
        handling_unit=unit,
        password="Pass2026word",
    )
    assert grant.handling_unit == unit
    assert grant.person.check_password("Pass2026word")
    assert actor_for(grant.person, world.org).roles == {Role.HANDLER}


def test_grant_same_role_twice_is_refused(world, admin):
    services.grant_role(actor=admin, full_name="李博", mobile=world.bob.mobile, role=Role.LEADER)
    with pytest.raises(ValidationError):
        services.grant_role(actor=admin, full_name="李博", mobile=world.bob.mobile, role=Role.LEADER)
    assert RoleGrant.objects.filter(person=world.bob).count() == 1


def test_admin_cannot_revoke_own_admin_role(world, admin):
    grant = RoleGrant.objects.get(person=world.alice)
    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=admin, grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_revoke_role_is_audited(world, admin):
    grant = services.grant_role(actor=admin, full_name="李博", mobile=world.bob.mobile, role=Role.LEADER)
    pk = grant.pk
    services.revoke_role(actor=admin, grant=grant)
    assert not RoleGrant.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="core.rolegrant.revoke", object_id=str(pk)).exists()
