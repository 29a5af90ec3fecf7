"""Proposals and proposal leads in the platform's full-text search (zhengxie.search)."""

from django.urls import reverse

from zhengxie.core.models import PlenarySession
from zhengxie.search.registry import ALL, Document, Source, register

from . import selectors
from .models import Lead, Proposal

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
