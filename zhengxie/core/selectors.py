"""Reads: scoped by the request's organisation, paginated on the server, with their joins."""

from datetime import date, datetime, time

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.db.models.lookups import Contains, IContains
from django.http import Http404
from django.utils import timezone

from .lookups import Has
from .models import AuditEvent, Member, MemberSearchGram, Person, SpecialCommittee, TenantModel
from .permissions import Actor
from .search_grams import query_grams

PAGE_SIZE = 20


def _rows_for_keys(queryset: QuerySet, keys) -> QuerySet:
    """The queryset's rows for these keys: its joins, prefetches and order, but none of its filters.

    Repeating the filters would invite SQLite, which has no statistics, to walk the whole
    organisation in name order again instead of fetching the keys by primary key.
    """
    query = queryset.query
    if (
        query.annotations
        or query.distinct
        or query.extra
        or query.extra_order_by
        or query.deferred_loading[0]
        or queryset._fields is not None
    ):
        return queryset.filter(pk__in=keys)
    rows = queryset.model._default_manager.filter(pk__in=keys)
    if query.select_related is True:
        rows = rows.select_related()
    elif query.select_related:
        rows = rows.select_related(*_related_paths(query.select_related))
    if query.order_by:
        rows = rows.order_by(*query.order_by)
    return rows.prefetch_related(*queryset._prefetch_related_lookups)


def _related_paths(tree: dict, prefix: str = "") -> list[str]:
    paths = []
    for name, below in tree.items():
        paths.extend(_related_paths(below, f"{prefix}{name}__") if below else [f"{prefix}{name}"])
    return paths


class DeferredJoinPaginator(Paginator):
    """Finds the page's keys first and joins only those rows: OFFSET then skips index entries.

    With a plain slice the database builds every joined row before the offset and throws it away
    (page 2,000 of 100,000 members: 110 ms on SQLite, 260 ms on PostgreSQL). Still one query for
    the rows, so a page's query count does not change.
    """

    def page(self, number) -> Page:
        queryset = self.object_list
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = queryset.prefetch_related(None).values("pk")[bottom:top]
        return self._get_page(_rows_for_keys(queryset, keys), number, self)


class SearchPaginator(DeferredJoinPaginator):
    """A substring search reads every row whatever the index; its count comes with the page's keys.

    COUNT(*) and then the page would scan the organisation twice; one query with COUNT(*) OVER ()
    scans it once. A page past the end falls back to counting first and showing the last page.
    """

    def get_page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number < 1:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        keyed = self.object_list.prefetch_related(None).annotate(_total=Window(Count("pk")))
        rows = list(keyed.values_list("pk", "_total")[bottom : bottom + self.per_page])
        if not rows and number > 1:
            return super().get_page(number)
        self.__dict__["count"] = rows[0][1] if rows else 0
        keys = [pk for pk, _ in rows]
        object_list = _rows_for_keys(self.object_list, keys) if keys else self.object_list.none()
        return self._get_page(object_list, number, self)


def _substring_search(queryset: QuerySet) -> bool:
    """Whether a filter is LIKE '%…%', which no B-tree index serves."""
    nodes = [queryset.query.where]
    while nodes:
        node = nodes.pop()
        for child in getattr(node, "children", ()):
            if isinstance(child, Contains | IContains | Has):
                return True
            nodes.append(child)
    return False


def paginate(
    queryset: QuerySet, page: str | int | None, per_page: int = PAGE_SIZE, *, count: int | None = None
) -> Page:
    """One page; `count`, when the caller already knows it, spares the COUNT(*) over every row."""
    if not isinstance(queryset, QuerySet) or queryset.query.is_sliced:
        return Paginator(queryset, per_page).get_page(page)
    query = queryset.query
    single_scan = (
        count is None and _substring_search(queryset) and not query.distinct and query.group_by is None
    )
    paginator = (SearchPaginator if single_scan else DeferredJoinPaginator)(queryset, per_page)
    if count is not None:
        paginator.__dict__["count"] = count
    return paginator.get_page(page)


ROSTER_COUNT_SECONDS = 30


def _roster_count_key(organization_id: int) -> str:
    return f"zhengxie:roster-count:{organization_id}"


def active_member_count(organization_id: int) -> int:
    """The unfiltered roster's size, cached: COUNT(*) over 100,000 members is most of the page's time.

    Member services clear it; with several processes and no shared cache (REDIS_URL) another
    process's figure may lag by at most ROSTER_COUNT_SECONDS.
    """
    key = _roster_count_key(organization_id)
    count = cache.get(key)
    if count is None:
        count = Member.objects.filter(organization_id=organization_id, status=Member.Status.ACTIVE).count()
        cache.set(key, count, ROSTER_COUNT_SECONDS)
    return count


def forget_member_count(organization_id: int) -> None:
    cache.delete(_roster_count_key(organization_id))


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
            members = members.filter(person__in=_mobile_prefix(q)) if len(q) >= 3 else members.none()
        else:
            for gram in query_grams(q):
                members = members.filter(
                    pk__in=MemberSearchGram.objects.filter(gram=gram).values("member_id")
                )
            members = members.filter(Q(name__has=q) | Q(workplace__has=q))
    return members.order_by("name", "id")


def roster_page(*, organization_id: int, page: str | int | None, **filters) -> Page:
    """One page of the roster; the unfiltered roster takes its size from the cached count."""
    unfiltered = (
        not any(v for k, v in filters.items() if k != "status")
        and filters.get("status", Member.Status.ACTIVE) == Member.Status.ACTIVE
    )
    count = active_member_count(organization_id) if unfiltered else None
    return paginate(roster(**filters), page, count=count)


def _mobile_prefix(digits: str) -> QuerySet[Person]:
    """People whose mobile starts with the digits, found on the unique mobile index.

    SQLite's LIKE is case-insensitive and so never uses an index; the equivalent range
    [digits, next prefix) does, on both databases. The subquery lets the roster start from the few
    matching people instead of joining every member to their person (300 ms at 100,000 members).
    """
    people = Person.objects.filter(mobile__startswith=digits)
    if digits.isascii():
        people = people.filter(mobile__gte=digits)
        stem = digits.rstrip("9")
        if stem:
            people = people.filter(mobile__lt=stem[:-1] + str(int(stem[-1]) + 1))
    return people.values("pk")


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
