import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django_scopes import ScopeError, scope

from zhengxie.core.models import Member, Organization, TenantModel
from zhengxie.core.permissions import actor_for, children_scope
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f

TENANT_MODELS = [m for m in apps.get_models() if issubclass(m, TenantModel)]


def test_every_tenant_model_is_found():
    names = {m.__name__ for m in TENANT_MODELS}
    assert {"Member", "RoleGrant", "AuditEvent", "Term", "HandlingUnit", "RosterImport"} <= names


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_unscoped_query_raises_for_every_tenant_model(db, model):
    with scope():
        with pytest.raises(ScopeError):
            list(model.objects.all())
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()


def test_scope_returns_only_own_organization(world):
    with scope(organization=world.org):
        assert list(Member.objects.all()) == [world.bob_member]
    with scope(organization=world.other_org):
        assert list(Member.objects.all()) == [world.charlie_member]


def test_organization_path_and_descendants(db):
    city = f.OrganizationFactory()
    district = f.OrganizationFactory(parent=city, level=Organization.Level.COUNTY)
    sub = f.OrganizationFactory(parent=district)
    other = f.OrganizationFactory()
    assert district.path == f"{city.path}{district.pk}/"
    assert set(city.descendant_ids()) == {city.pk, district.pk, sub.pk}
    assert set(district.descendant_ids(include_self=False)) == {sub.pk}
    assert other.pk not in city.descendant_ids()


def _tree():
    city = f.OrganizationFactory(name="市政协")
    d1 = f.OrganizationFactory(name="一区政协", parent=city)
    d2 = f.OrganizationFactory(name="二区政协", parent=city)
    members = {org: f.MemberFactory(organization=org) for org in (city, d1, d2)}
    return city, d1, d2, members


def test_parent_reads_children_through_children_scope(db):
    city, d1, d2, members = _tree()
    leader = f.PersonFactory()
    f.RoleGrantFactory(organization=city, person=leader, role=Role.LEADER)
    with children_scope(actor_for(leader, city)) as ids:
        assert set(ids) == {city.pk, d1.pk, d2.pk}
        assert set(Member.objects.all()) == set(members.values())


def test_child_never_reaches_parent_or_sibling(db):
    city, d1, d2, members = _tree()
    admin = f.PersonFactory()
    f.RoleGrantFactory(organization=d1, person=admin, role=Role.ORG_ADMIN)
    with children_scope(actor_for(admin, d1)):
        assert list(Member.objects.all()) == [members[d1]]


def test_children_scope_needs_the_permission(db):
    city, *_ = _tree()
    member = f.MemberFactory(organization=city)
    with pytest.raises(PermissionDenied):
        with children_scope(actor_for(member.person, city)):
            pass
