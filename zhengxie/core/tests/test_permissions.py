import pytest
from django.core.exceptions import PermissionDenied

from zhengxie.core.models import Member
from zhengxie.core.permissions import actor_for, organizations_of, require
from zhengxie.core.roles import PERMISSIONS, Role
from zhengxie.core.tests import factories as f


def test_member_role_comes_from_an_active_membership(world):
    actor = actor_for(world.bob, world.org)
    assert actor.roles == {Role.MEMBER}
    world.bob_member.status = Member.Status.INACTIVE
    world.bob_member.save(update_fields=["status"])
    assert actor_for(world.bob, world.org).roles == frozenset()


def test_roles_are_per_organization(world):
    assert actor_for(world.alice, world.org).roles == {Role.ORG_ADMIN}
    assert actor_for(world.alice, world.other_org).roles == frozenset()


def test_person_can_hold_several_roles_and_levels(world):
    f.RoleGrantFactory(organization=world.org, person=world.bob, role=Role.LEADER)
    f.MemberFactory(organization=world.other_org, person=world.bob, term=world.other_term)
    assert actor_for(world.bob, world.org).roles == {Role.MEMBER, Role.LEADER}
    assert organizations_of(world.bob) == [world.org, world.other_org]


def test_require_raises_for_missing_permission(world):
    bob = actor_for(world.bob, world.org)
    with pytest.raises(PermissionDenied):
        require(bob, "roster.manage")
    with pytest.raises(PermissionDenied):
        require(None, "roster.view")
    assert require(actor_for(world.alice, world.org), "roster.manage")


def test_every_permission_names_known_roles():
    for roles in PERMISSIONS.values():
        assert roles and all(isinstance(r, Role) for r in roles)


def test_unknown_permission_is_a_programming_error(world):
    with pytest.raises(KeyError):
        actor_for(world.alice, world.org).can("no.such.permission")
