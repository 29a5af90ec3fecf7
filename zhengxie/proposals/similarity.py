"""Similar proposals and suggested handling units, on top of zhengxie.search.

Similar: the ten closest proposals of the organisation, of this and earlier years, by TF-IDF cosine, with
the words they share. Staff see every submitted proposal; anyone else sees their own and the filed ones
(filed proposals are public inside the committee: they are printed in the proposal book), never someone
else's unfiled text.
"""

from dataclasses import dataclass

from django.urls import reverse

from zhengxie.core.permissions import Actor
from zhengxie.search import similar

from .models import Proposal, Proposer
from .workflow import IN_HANDLING

S = Proposal.State
KNOWN_STATES = {S.FILED, *IN_HANDLING, S.ANSWERED, S.CLOSED}
MERGE_TARGETS = {S.SUBMITTED, S.REVIEWING, S.FILED, *IN_HANDLING}
MIN_CHARS = 8  # fewer characters than this say too little to compare


@dataclass
class Similar:
    proposal: Proposal
    score: float
    shared: list[str]
    url: str  # empty when the person may not open it
    can_merge_into: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def similar_proposals(
    actor: Actor,
    *,
    title: str,
    body: str,
    year: int | None = None,
    exclude: int | None = None,
    limit: int = similar.LIMIT,
) -> list[Similar]:
    if len((title + body).strip()) < MIN_CHARS:
        return []
    query = similar.query_for(title, body)
    if not query.cut:
        return []
    org = actor.organization
    staff = actor.can("proposals.view_all")
    own = set()
    if not staff:
        own = set(
            Proposer.objects.filter(organization=org, person=actor.person).values_list(
                "proposal_id", flat=True
            )
        )
    matches = similar.nearest(
        org.pk,
        "proposal",
        query,
        year=year,
        exclude={exclude} if exclude else set(),
        states=None if staff else KNOWN_STATES,
        also=own,
        limit=limit,
    )
    if not matches:
        return []
    found = {
        p.pk: p
        for p in Proposal.objects.filter(
            organization=org, pk__in=[m.object_id for m in matches]
        ).select_related("session")
    }
    out = []
    for match in matches:
        proposal = found.get(match.object_id)
        if proposal is None or proposal.state == S.DRAFT:
            continue
        if not staff and proposal.pk not in own and proposal.state not in KNOWN_STATES:
            continue  # its state changed since the index was read
        opens = staff or proposal.pk in own
        out.append(
            Similar(
                proposal=proposal,
                score=match.score,
                shared=match.shared,
                url=reverse("proposals:detail", args=[proposal.pk]) if opens else "",
                can_merge_into=staff and proposal.state in MERGE_TARGETS,
            )
        )
    return out
