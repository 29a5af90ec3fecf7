"""The one permission helper: what a person may do in an organisation.

Views start from `request.actor`; services take `actor` first and call `require`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
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


@dataclass(frozen=True)
class Access:
    """Everything the person may reach: their organisations in tree order, their grants and memberships."""

    person: Person
    organizations: list[Organization]
    grants: tuple[RoleGrant, ...]
    member_of: frozenset[int]

    def actor(self, organization: Organization) -> Actor:
        """The actor in one of these organisations, built without another query."""
        grants = tuple(g for g in self.grants if g.organization_id == organization.pk)
        roles = {Role(g.role) for g in grants}
        if organization.pk in self.member_of:
            roles.add(Role.MEMBER)
        return Actor(person=self.person, organization=organization, roles=frozenset(roles), grants=grants)


def access_of(person: Person) -> Access:
    """The person's grants (with their units and organisation) and active memberships: two queries per request."""
    if not person.is_authenticated:
        return Access(person=person, organizations=[], grants=(), member_of=frozenset())
    grants = tuple(
        RoleGrant.objects.with_scopes_disabled()
        .filter(person=person)
        .select_related("organization", "handling_unit", "committee", "participating_unit")
    )
    memberships = list(
        Member.objects.with_scopes_disabled()
        .filter(person=person, status=Member.Status.ACTIVE)
        .select_related("organization")
        .only("organization")
        .order_by()
    )
    found = {g.organization_id: g.organization for g in grants}
    found.update((m.organization_id, m.organization) for m in memberships)
    organizations = sorted((o for o in found.values() if o.is_active), key=lambda o: o.path)
    return Access(
        person=person,
        organizations=organizations,
        grants=grants,
        member_of=frozenset(m.organization_id for m in memberships),
    )


def organizations_of(person: Person) -> list[Organization]:
    """Organisations where the person holds a role or an active membership, in tree order."""
    return access_of(person).organizations


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
