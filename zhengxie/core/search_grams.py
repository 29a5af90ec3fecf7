"""Two-character index of the roster (name and workplace), kept by every service that writes members."""

from collections.abc import Iterable

from .models import Member, MemberSearchGram


def pieces(text: str) -> list[str]:
    """The two-character pieces of a text, lower-cased, none spanning white space."""
    text = text.lower()
    return [text[i : i + 2] for i in range(len(text) - 1) if not any(c.isspace() for c in text[i : i + 2])]


def member_grams(member: Member) -> list[MemberSearchGram]:
    return [
        MemberSearchGram(organization_id=member.organization_id, member_id=member.pk, gram=gram)
        for gram in sorted(set(pieces(member.name)) | set(pieces(member.workplace)))
    ]


def index_members(members: Iterable[Member], *, replace: bool = True) -> None:
    """Write the grams of these members (saved, with their name and workplace loaded)."""
    members = list(members)
    if replace:
        MemberSearchGram.objects.with_scopes_disabled().filter(member__in=[m.pk for m in members]).delete()
    rows = [row for member in members for row in member_grams(member)]
    MemberSearchGram.objects.bulk_create(rows, batch_size=2000)


def query_grams(q: str) -> list[str]:
    """The grams a search must all contain: first, middle and last are enough to narrow it down."""
    found = pieces(q)
    if len(found) <= 3:
        return found
    return [found[0], found[len(found) // 2], found[-1]]


def index_unindexed(organization_ids: Iterable[int]) -> int:
    """Index the members of these organisations that have no grams yet (e.g. made outside the services)."""
    members = list(
        Member.objects.with_scopes_disabled()
        .filter(organization_id__in=list(organization_ids), search_grams__isnull=True)
        .only("pk", "organization_id", "name", "workplace")
    )
    index_members(members, replace=False)
    return len(members)
