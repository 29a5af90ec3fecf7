"""The in-platform notification centre: every event that needs someone's action lands here."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification, Organization, Person, RoleGrant
from .roles import Role


def notify(
    *,
    organization: Organization,
    recipients: Iterable[Person | int],
    kind: str,
    message: str,
    url: str = "",
    dedupe_key: str = "",
) -> int:
    """Deliver one notification to each recipient (once per person); with a key, never twice for it."""
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    rows = [
        Notification(
            organization=organization,
            recipient_id=pk,
            kind=kind,
            message=message[:300],
            url=url,
            dedupe_key=dedupe_key,
        )
        for pk in sorted(ids)
    ]
    if not rows:
        return 0
    if not dedupe_key:
        Notification.objects.bulk_create(rows)
        return len(rows)
    before = Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=ids).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=ids).count() - before


def holders(organization: Organization, role: Role, **grant_filter) -> list[int]:
    """The people holding a role in the organisation (e.g. a handling unit's users)."""
    return list(
        RoleGrant.objects.filter(organization=organization, role=role, **grant_filter).values_list(
            "person_id", flat=True
        )
    )


def inbox(person: Person) -> QuerySet[Notification]:
    """A person's notifications from every organisation they belong to (三级委员: one inbox)."""
    return Notification.objects.with_scopes_disabled().filter(recipient=person).select_related("organization")


def unread_count(person: Person) -> int:
    return inbox(person).filter(read_at=None).count()


def mark_read(person: Person, ids: Iterable[int] | None = None) -> int:
    rows = inbox(person).filter(read_at=None)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
