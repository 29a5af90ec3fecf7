"""Reads for the public portal: the published list, cheap enough for anonymous traffic."""

import hashlib

from django.core.cache import cache
from django.core.paginator import Page
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhengxie.core.selectors import paginate
from zhengxie.proposals import selectors as proposals
from zhengxie.proposals.models import Proposal, Reply

# The portal is read far more often than replies are published: a list's size (and, in the view, an
# unfiltered page) may lag a publication or a reply made confidential by this long. The proposal page
# page is kept per version of the proposal (see `published_version`).
CACHE_SECONDS = 30
PAGE_SECONDS = 300
QUERY_MAX = 50
# The list never shows the long texts; 20 rows stay a few kilobytes instead of a few hundred.
LIST_FIELDS = (
    "number",
    "title",
    "proposer_name",
    "answered_at",
    "session_id",
    "session__name",
    "category_id",
    "category__name",
)


def page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def published_page(organization_id: int, *, q: str = "", number: int = 1) -> Page:
    """One page of the organisation's published replies, newest reply first, optionally by title.

    The count is cached per search for CACHE_SECONDS: no index serves "published" alone, and on SQLite
    the filter reads every published row's long texts to reach its state (45 ms at 10,000 rows).
    """
    q = q.strip()[:QUERY_MAX]
    digest = hashlib.sha256(q.encode()).hexdigest()[:32]
    count_key = f"zhengxie:public:published-count:{organization_id}:{digest}"
    rows = proposals.published(organization_id).only(*LIST_FIELDS)
    if q:
        rows = rows.filter(title__contains=q)
    count = cache.get(count_key)
    page = paginate(rows, number, count=count)
    page.object_list = list(page.object_list)
    if count is None:
        cache.set(count_key, page.paginator.count, CACHE_SECONDS)
    return page


def published_version(organization_id: int, pk: int):
    """When a published proposal last changed (every step updates it); 404 when it is not published."""
    version = proposals.published(organization_id).filter(pk=pk).values_list("updated_at", flat=True).first()
    if version is None:
        raise Http404("提案不存在或未公开。")
    return version


def published_proposal(organization_id: int, pk: int) -> tuple[Proposal, list[Reply]]:
    """A published proposal of the organisation with its approved replies; anything else is 404."""
    proposal = get_object_or_404(proposals.published(organization_id).select_related("term"), pk=pk)
    replies = list(
        proposal.replies.filter(state=Reply.State.APPROVED)
        .select_related("assignment__unit")
        .order_by("approved_at", "id")
    )
    return proposal, replies
