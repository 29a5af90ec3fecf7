"""Proposals, proposal leads, reply letters and the units' records of contact with proposers in the
platform's full-text search (zhengxie.search)."""

from django.urls import reverse

from zhengxie.core.models import PlenarySession
from zhengxie.search.registry import ALL, Document, Source, register

from . import selectors
from .models import Communication, Lead, Proposal, Reply

S = Proposal.State


def _year(proposal: Proposal) -> int:
    cached = proposal._state.fields_cache.get("session")
    if cached is not None:
        return cached.year
    return (
        PlenarySession.objects.with_scopes_disabled()
        .values_list("year", flat=True)
        .get(pk=proposal.session_id)
    )


def proposal_document(proposal: Proposal) -> Document | None:
    # A draft is its writer's alone until it is submitted: not in anyone's search.
    if proposal.state == S.DRAFT:
        return None
    return Document(
        organization_id=proposal.organization_id,
        title=proposal.title,
        body=f"{proposal.reason}\n{proposal.suggestions}",
        year=_year(proposal),
        kind=proposal.kind,
        state=proposal.state,
    )


def visible_proposals(actor):
    if actor.can("proposals.view_all"):
        return ALL
    return selectors.visible_proposals(actor)


def lead_document(lead: Lead) -> Document:
    return Document(
        organization_id=lead.organization_id,
        title=lead.title,
        body=lead.body,
        year=lead.submitted_at.year,
        state=lead.state,
    )


def visible_leads(actor):
    if actor.can("proposals.manage"):
        return ALL
    if actor.can("proposals.submit"):
        return selectors.leads(actor)
    return None


def reply_document(reply: Reply) -> Document | None:
    """A reply letter is searchable once submitted; who may read it is decided by `visible_replies`."""
    if reply.state == Reply.State.DRAFT:
        return None
    proposal = reply.proposal
    at = reply.approved_at or reply.submitted_at
    return Document(
        organization_id=reply.organization_id,
        title=f"{reply.assignment.unit}答复：{proposal.title}"[:300],
        body=reply.body,
        year=at.year if at else None,
        kind=reply.result_class,
        state=reply.state,
    )


def visible_replies(actor):
    """Staff read every submitted reply; a unit its own; proposers the approved replies to them."""
    if actor.can("proposals.view_all"):
        return ALL
    rows = Reply.objects.filter(organization=actor.organization)
    if unit := selectors.handler_unit_id(actor):
        return rows.filter(assignment__unit_id=unit)
    return rows.filter(state=Reply.State.APPROVED, proposal__in=selectors.visible_proposals(actor))


def communication_document(communication: Communication) -> Document:
    """A unit's record of its contact with the proposer (办前面商), shown on the proposal's page."""
    return Document(
        organization_id=communication.organization_id,
        title=f"{communication.get_method_display()}：{communication.proposal.title}"[:300],
        body=communication.summary,
        year=communication.date.year,
        kind=communication.method,
    )


def visible_communications(actor):
    """Whoever may open the proposal reads its communications there: the same here."""
    if actor.can("proposals.view_all"):
        return ALL
    return Communication.objects.filter(
        organization=actor.organization, proposal__in=selectors.visible_proposals(actor)
    )


def register_sources() -> None:
    register(
        Source(
            name="proposal",
            label="提案",
            model=Proposal,
            document=proposal_document,
            visible=visible_proposals,
            url=lambda p: reverse("proposals:detail", args=[p.pk]),
            text_fields=frozenset({"title", "reason", "suggestions", "session"}),
            kinds=dict(Proposal.Kind.choices),
            similar=True,
            states=dict(S.choices),
            rows=lambda: Proposal.objects.select_related("session"),
        )
    )
    register(
        Source(
            name="lead",
            label="提案线索",
            model=Lead,
            document=lead_document,
            visible=visible_leads,
            url=lambda lead: f"{reverse('proposals:leads')}#lead-{lead.pk}",
            text_fields=frozenset({"title", "body"}),
            states=dict(Lead.State.choices),
        )
    )
    register(
        Source(
            name="reply",
            label="答复函",
            model=Reply,
            document=reply_document,
            visible=visible_replies,
            url=lambda r: reverse("proposals:detail", args=[r.proposal_id]) + "#replies",
            text_fields=frozenset({"body", "result_class"}),
            kinds={c: f"{c}类答复" for c in Reply.ResultClass.values},
            states={k: v for k, v in Reply.State.choices if k != Reply.State.DRAFT},
            rows=lambda: Reply.objects.select_related("proposal", "assignment__unit"),
        )
    )
    register(
        Source(
            name="communication",
            label="沟通情况",
            model=Communication,
            document=communication_document,
            visible=visible_communications,
            url=lambda c: reverse("proposals:detail", args=[c.proposal_id]),
            text_fields=frozenset({"summary", "method", "date"}),
            kinds=dict(Communication.Method.choices),
            rows=lambda: Communication.objects.select_related("proposal"),
        )
    )
