"""Reads of proposals: who may see what, every list paginated on the server with its joins."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from zhengxie.core.permissions import Actor
from zhengxie.core.roles import Role

from .models import (
    Assignment,
    Attachment,
    Communication,
    Lead,
    Proposal,
    Proposer,
    Rating,
    Reply,
    RerouteRequest,
    SupervisionEvent,
    Transition,
)

S = Proposal.State
LIST_RELATED = ("session", "category")
OPEN_ASSIGNMENT = (Assignment.State.ASSIGNED, Assignment.State.ACCEPTED, Assignment.State.REROUTE)


def handler_unit_id(actor: Actor) -> int | None:
    grant = actor.grant(Role.HANDLER)
    return grant.handling_unit_id if grant else None


def visible_proposals(actor: Actor) -> QuerySet[Proposal]:
    """The proposals of the actor's organisation this person may open."""
    rows = Proposal.objects.filter(organization=actor.organization)
    if actor.can("proposals.view_all"):
        return rows
    reach = Q(
        pk__in=Proposer.objects.filter(person=actor.person, organization=actor.organization).values(
            "proposal"
        )
    )
    if unit := handler_unit_id(actor):
        reach |= Q(
            pk__in=Assignment.objects.filter(organization=actor.organization, unit_id=unit).values("proposal")
        )
    return rows.filter(reach)


def get_proposal_for_actor(actor: Actor, pk: int) -> Proposal:
    """Another organisation's proposal, or one the person may not open, answers 404 like a missing one."""
    if actor is None:
        raise Http404("提案不存在。")
    # Only what the page always shows is joined; its collective unit, merge target and not-filing
    # ground are read when the proposal has one (a nine-table join cost PostgreSQL 2.7 ms to plan).
    proposal = (
        visible_proposals(actor)
        .select_related("session", "term", "category", "key_leader")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404("提案不存在。")
    return proposal


@dataclass
class Detail:
    proposers: list[Proposer]
    attachments: list[Attachment]
    assignments: list[Assignment]
    reroutes: list[RerouteRequest]
    replies: list[Reply]
    supervision: list[SupervisionEvent]
    timeline: list[Transition]
    merged: list[Proposal]


def detail(proposal: Proposal) -> Detail:
    """Everything the detail page shows, one query per kind of record whatever their number. Records a
    proposal cannot have yet are not asked for: assignments before it was assigned, ratings before a reply
    was approved, supervision unless key. Every record of a step is written with the step's Transition, so
    the timeline says whether there are communications, re-route requests or merged proposals to read."""
    files = list(proposal.attachments.all())
    timeline = list(proposal.transitions.all())
    steps = {t.action for t in timeline}
    assignments: list[Assignment] = []
    replies: list[Reply] = []
    reroutes: list[RerouteRequest] = []
    if proposal.assigned_at is not None:
        assignments = list(proposal.assignments.select_related("unit"))
        if "communicate" in steps:
            prefetch_related_objects(assignments, "communications")
        else:
            for assignment in assignments:
                assignment._prefetched_objects_cache = {"communications": Communication.objects.none()}
        replies = list(proposal.replies.select_related("assignment__unit"))
        approved = [r for r in replies if r.state == Reply.State.APPROVED]
        prefetch_related_objects(
            approved,
            Prefetch("ratings", queryset=Rating.objects.select_related("person").order_by("-is_lead", "id")),
        )
        for reply in replies:
            if reply.state != Reply.State.APPROVED:
                reply._prefetched_objects_cache = {"ratings": Rating.objects.none()}
        if "request_reroute" in steps:
            reroutes = list(
                RerouteRequest.objects.filter(assignment__in=[a.pk for a in assignments]).select_related(
                    "assignment__unit", "new_unit"
                )
            )
    for reply in replies:
        reply.attachment_list = [f for f in files if f.reply_id == reply.pk]
    return Detail(
        proposers=list(proposal.proposers.all()),
        attachments=[f for f in files if f.reply_id is None],
        assignments=assignments,
        reroutes=reroutes,
        replies=replies,
        supervision=list(proposal.supervision.all()) if proposal.key_status == "key" else [],
        timeline=timeline,
        merged=list(proposal.merged.all()) if "merge_in" in steps else [],
    )


# The page's records change only through the services, and every service that changes them moves the
# proposal's updated_at; a renamed unit or person shows within DETAIL_SECONDS.
DETAIL_SECONDS = 600


def cached_detail(proposal: Proposal) -> Detail:
    """`detail`, kept in the cache for this version of the proposal (the same for every viewer: the page
    decides per role what to show of it)."""
    key = f"proposals:detail:{proposal.pk}:{proposal.updated_at.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = detail(proposal)
        cache.set(key, data, DETAIL_SECONDS)
    return data


def my_proposals(actor: Actor, *, state: str = "") -> QuerySet[Proposal]:
    """Proposals the person leads, co-signed or joined through a merge, newest first."""
    mine = Proposer.objects.filter(
        person=actor.person, organization=actor.organization, state=Proposer.State.SIGNED
    ).values("proposal")
    rows = Proposal.objects.filter(organization=actor.organization, pk__in=mine).select_related(*LIST_RELATED)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-id")


def invitations(actor: Actor) -> list[Proposer]:
    """Co-sign invitations waiting for this person's answer."""
    return list(
        Proposer.objects.filter(
            person=actor.person,
            organization=actor.organization,
            state=Proposer.State.INVITED,
            proposal__state=S.COSIGNING,
        ).select_related("proposal")[:50]
    )


def ratings_due(actor: Actor) -> list[Reply]:
    """Published replies of the person's proposals they have not rated yet."""
    mine = Proposer.objects.filter(
        person=actor.person, organization=actor.organization, state=Proposer.State.SIGNED
    ).values("proposal")
    rated = Rating.objects.filter(person=actor.person, organization=actor.organization).values("reply")
    return list(
        Reply.objects.filter(
            organization=actor.organization,
            proposal__in=mine,
            state=Reply.State.APPROVED,
            proposal__state__in=[S.ANSWERED, S.CLOSED, S.HANDLING, S.REPLY_REVIEW],
        )
        .exclude(pk__in=rated)
        .select_related("proposal", "assignment__unit")[:50]
    )


REVIEW_STATES = (S.SUBMITTED, S.REVIEWING)


def proposal_list(
    actor: Actor,
    *,
    states=(),
    kind: str = "",
    stage: str = "",
    category: int | None = None,
    session: int | None = None,
    waiting: str = "",
    key: str = "",
    overdue: bool = False,
    q: str = "",
    order: str | tuple[str, ...] = "-id",
) -> QuerySet[Proposal]:
    """The staff lists (review queue, register): the organisation's proposals with the chosen filters."""
    rows = Proposal.objects.filter(organization=actor.organization).select_related(*LIST_RELATED)
    if states:
        rows = rows.filter(state__in=list(states))
    elif waiting in ("", Proposal.Waiting.PROPOSER):
        # Other waiting values never occur on drafts or withdrawn proposals; leaving the exclusion out
        # keeps the count an index-only count on (organization, waiting, id).
        rows = rows.exclude(state__in=[S.DRAFT, S.WITHDRAWN])
    if kind:
        rows = rows.filter(kind=kind)
    if stage:
        rows = rows.filter(stage=stage)
    if category:
        rows = rows.filter(category_id=category)
    if session:
        rows = rows.filter(session_id=session)
    if waiting:
        rows = rows.filter(waiting=waiting)
    if key:
        rows = rows.filter(key_status=key)
    if overdue:
        rows = rows.filter(state__in=[S.ASSIGNED, S.HANDLING], deadline__lt=timezone.localdate())
    if q:
        rows = rows.filter(title__contains=q.strip()[:50])
    return rows.order_by(*([order] if isinstance(order, str) else order))


def inbox(actor: Actor, *, show: str = "todo") -> QuerySet[Assignment]:
    """A handling unit's assignments, nearest deadline first; `todo` is what still needs its move."""
    unit = handler_unit_id(actor)
    rows = Assignment.objects.filter(organization=actor.organization, unit_id=unit).select_related(
        "proposal", "proposal__session"
    )
    if show == "todo":
        return rows.filter(state__in=OPEN_ASSIGNMENT).order_by("deadline", "id")
    if show == "done":
        return rows.filter(state__in=[Assignment.State.DONE, Assignment.State.REROUTED]).order_by("-id")
    return rows.order_by("-id")


def due_assignments(actor: Actor, *, overdue: bool) -> QuerySet[Assignment]:
    today = timezone.localdate()
    rows = Assignment.objects.filter(organization=actor.organization, state__in=OPEN_ASSIGNMENT)
    if overdue:
        rows = rows.filter(deadline__lt=today)
    else:
        rows = rows.filter(deadline__gte=today, deadline__lte=today + timedelta(days=7))
    return rows.select_related("proposal", "unit").order_by("deadline", "id")


def pending_reroutes(actor: Actor) -> QuerySet[RerouteRequest]:
    return (
        RerouteRequest.objects.filter(
            organization=actor.organization, decision=RerouteRequest.Decision.PENDING
        )
        .select_related("assignment__unit", "assignment__proposal")
        .order_by("id")
    )


def replies_in_review(actor: Actor) -> QuerySet[Reply]:
    return (
        Reply.objects.filter(organization=actor.organization, state=Reply.State.REVIEW)
        .select_related("assignment__unit", "proposal")
        .order_by("submitted_at", "id")
    )


def key_proposals(actor: Actor) -> QuerySet[Proposal]:
    rows = Proposal.objects.filter(organization=actor.organization).select_related(
        *LIST_RELATED, "key_leader"
    )
    if actor.has_role(Role.PROPOSAL_STAFF):
        return rows.filter(key_status__in=["proposed", "key"]).order_by("-id")
    return rows.filter(key_status="key", key_leader=actor.person).order_by("-id")


def leads(actor: Actor, *, state: str = "") -> QuerySet[Lead]:
    rows = Lead.objects.filter(organization=actor.organization)
    if actor.can("proposals.manage"):
        return rows.filter(state=state) if state else rows
    return rows.filter(state=Lead.State.PUBLISHED)


def published(organization_id: int) -> QuerySet[Proposal]:
    """Filed proposals with a published reply, not confidential: the public portal's list."""
    return (
        Proposal.objects.filter(
            organization_id=organization_id,
            state__in=[S.ANSWERED, S.CLOSED],
            is_confidential=False,
        )
        .select_related("session", "category")
        .order_by("-answered_at", "-id")
    )
