"""The one permission helper: what a person may do in an organisation.

Views start from `request.actor`; services take `actor` first and call `require`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django_scopes import scope

from .models import Member, Organization, Person, RoleGrant
from .roles import Role, roles_with


@dataclass(frozen=True)
class Actor:
    """A person acting in one organisation, with the roles they hold there."""

    person: Person
    organization: Organization
    roles: frozenset[Role] = field(default_factory=frozenset)
    grants: tuple[RoleGrant, ...] = ()

    def can(self, permission: str) -> bool:
        return bool(self.roles & roles_with(permission))

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def grant(self, role: Role) -> RoleGrant | None:
        return next((g for g in self.grants if g.role == role), None)


def require(actor: Actor | None, permission: str) -> Actor:
    """Raise PermissionDenied (403) unless the actor holds the permission."""
    if actor is None or not actor.can(permission):
        raise PermissionDenied("您没有执行此操作的权限。")
    return actor


def organizations_of(person: Person) -> list[Organization]:
    """Organisations where the person holds a role or an active membership, in tree order."""
    if not person.is_authenticated:
        return []
    granted = RoleGrant.objects.with_scopes_disabled().filter(person=person).values("organization_id")
    member_of = (
        Member.objects.with_scopes_disabled()
        .filter(person=person, status=Member.Status.ACTIVE)
        .values("organization_id")
    )
    return list(
        Organization.objects.filter(is_active=True)
        .filter(Q(pk__in=granted) | Q(pk__in=member_of))
        .order_by("path")
    )


def actor_for(person: Person, organization: Organization) -> Actor:
    """Build the actor from the person's grants and membership in the organisation."""
    grants = tuple(
        RoleGrant.objects.with_scopes_disabled()
        .filter(person=person, organization=organization)
        .select_related("handling_unit", "committee", "participating_unit")
    )
    roles = {Role(g.role) for g in grants}
    if (
        Member.objects.with_scopes_disabled()
        .filter(person=person, organization=organization, status=Member.Status.ACTIVE)
        .exists()
    ):
        roles.add(Role.MEMBER)
    return Actor(person=person, organization=organization, roles=frozenset(roles), grants=grants)


@contextmanager
def children_scope(actor: Actor) -> Iterator[list[int]]:
    """The one explicit path by which a parent organisation reads its descendants' records.

    Opens a scope over the actor's organisation and every organisation below it; a child never
    reaches its parent or siblings this way because the path only goes down the tree.
    """
    require(actor, "children.view")
    ids = actor.organization.descendant_ids(include_self=True)
    with scope(organization=ids):
        yield ids
