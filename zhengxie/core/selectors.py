"""Reads: scoped by the request's organisation, paginated on the server, with their joins."""

from datetime import date, datetime, time

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import AuditEvent, Member, SpecialCommittee, TenantModel
from .permissions import Actor

PAGE_SIZE = 20


def paginate(queryset: QuerySet, page: str | int | None, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)


def get_for_actor(model: type[TenantModel], *, actor: Actor, pk) -> TenantModel:
    """The record if it belongs to the actor's organisation; otherwise 404, exactly like a missing one."""
    try:
        return model.objects.get(pk=pk, organization=actor.organization)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("记录不存在。") from exc


def roster(
    *,
    q: str = "",
    sector: int | None = None,
    committee: int | None = None,
    term: int | None = None,
    standing: bool | None = None,
    status: str | None = Member.Status.ACTIVE,
) -> QuerySet[Member]:
    """The organisation's members, filtered; joins and prefetches what the list shows."""
    members = Member.objects.select_related("person", "sector", "term").prefetch_related(
        Prefetch("committees", queryset=SpecialCommittee.objects.only("id", "name").order_by("sort_order"))
    )
    if status:
        members = members.filter(status=status)
    if sector:
        members = members.filter(sector_id=sector)
    if term:
        members = members.filter(term_id=term)
    if committee:
        members = members.filter(committees__id=committee)
    if standing is not None:
        members = members.filter(is_standing=standing)
    q = q.strip()
    if q:
        if q.isdigit():
            members = members.filter(person__mobile__startswith=q) if len(q) >= 3 else members.none()
        else:
            members = members.filter(Q(name__contains=q) | Q(workplace__contains=q))
    return members.order_by("name", "id")


def audit_events(
    *,
    object_type: str = "",
    object_id: str = "",
    actor_id: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action__startswith=action)
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        events = events.filter(created_at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return events.order_by("-created_at", "-id")


def mask_mobile(mobile: str | None) -> str:
    """138****5678 — the form lists and exports show when the role does not need the number."""
    if not mobile:
        return ""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else "****"
