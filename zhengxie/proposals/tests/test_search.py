"""Proposals in the full-text search: the index follows every write, hits are ranked, highlighted,
filtered and limited to what the person may open; bad queries answer a message, never a 500."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from zhengxie.core.tests.helpers import count_queries
from zhengxie.proposals import services
from zhengxie.proposals.models import Lead, Proposal
from zhengxie.search.models import Entry
from zhengxie.search.query import PER_PAGE, search

from .builders import answered, draft, draft_reply, filed, handled, submitted

pytestmark = pytest.mark.django_db

RURAL = {
    "title": "关于推进乡村振兴人才队伍建设的建议",
    "reason": "农村青年外流严重，乡村振兴缺少懂技术、会经营的人才。",
    "suggestions": "一是设立返乡创业扶持资金；二是建立农技人员下乡服务制度。",
}
PARKING = {
    "title": "关于缓解老旧小区停车难的建议",
    "reason": "老旧小区车位紧张，夜间乱停乱放影响消防通道。",
    "suggestions": "一是挖潜建设立体停车库；二是推动机关单位停车场错时共享。",
}


def titles(results):
    return [hit.record.title for hit in results.hits]


def test_a_submitted_proposal_is_found_by_its_words_and_a_draft_is_not(pw):
    staff = pw.actor(pw.staff)
    proposal = draft(pw, **RURAL)
    assert search(staff, "乡村振兴").total == 0  # a draft is its writer's alone
    services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    results = search(staff, "乡村振兴")
    assert titles(results) == [RURAL["title"]]
    # Search mode indexes the words inside a long word: 振兴 finds 乡村振兴.
    assert search(staff, "振兴").total == 1
    assert search(staff, "返乡创业").total == 1
    assert search(staff, "停车").total == 0


def test_the_index_follows_edits_and_state_changes(pw):
    staff = pw.actor(pw.staff)
    proposal = submitted(pw, **RURAL)
    services.not_file_proposal(
        actor=staff, proposal=proposal, ground=pw.ground, reason="请补充具体建议。", disposition="return"
    )
    proposal.refresh_from_db()
    assert search(staff, "人才", state=Proposal.State.RETURNED).total == 1
    services.update_proposal(
        actor=pw.actor(pw.bob),
        proposal=proposal,
        version=proposal.version,
        title=PARKING["title"],
        reason=PARKING["reason"],
        suggestions=PARKING["suggestions"],
        category=pw.category,
    )
    assert search(staff, "人才").total == 0
    assert search(staff, "停车").total == 1
    assert search(staff, "停车", state=Proposal.State.SUBMITTED).total == 0


def test_title_words_rank_above_body_words(pw):
    staff = pw.actor(pw.staff)
    submitted(
        pw, title="关于优化营商环境的建议", reason="停车收费不透明也影响营商环境。", suggestions="规范收费。"
    )
    submitted(pw, **PARKING)
    assert titles(search(staff, "停车"))[0] == PARKING["title"]


def test_hits_are_highlighted_and_escaped(pw):
    staff = pw.actor(pw.staff)
    submitted(
        pw, title="关于<b>停车</b>收费的建议", reason="小区停车收费<script>x</script>。", suggestions="公开"
    )
    hit = search(staff, "停车").hits[0]
    assert "<mark>停车</mark>" in hit.title
    assert "&lt;b&gt;" in hit.title and "<b>" not in hit.title
    assert "<script>" not in hit.snippet and "<mark>停车</mark>" in hit.snippet


def test_a_person_finds_only_what_they_may_open(pw):
    mine = submitted(pw, **RURAL)
    other = draft(pw, person=pw.dave, **PARKING)
    services.submit_proposal(actor=pw.actor(pw.dave), proposal=other)
    assert titles(search(pw.actor(pw.bob), "建议")) == [RURAL["title"]]
    assert titles(search(pw.actor(pw.dave), "建议")) == [PARKING["title"]]
    assert search(pw.actor(pw.staff), "建议").total == 2
    assert search(pw.actor(pw.leader), "建议").total == 2
    # Another organisation's staff find nothing here, whatever they type.
    assert search(pw.actor(pw.other_staff, pw.world.other_org), "建议").total == 0
    # A handler finds the proposals assigned to their unit.
    handler = pw.actor(pw.handlers[0])
    assert search(handler, "建议").total == 0
    services.file_proposal(actor=pw.actor(pw.staff), proposal=mine)
    services.assign_units(actor=pw.actor(pw.staff), proposal=mine, lead=pw.units[0], co=[])
    assert titles(search(handler, "建议")) == [RURAL["title"]]


def test_filters_year_kind_state_and_source(pw):
    staff = pw.actor(pw.staff)
    filed_one = filed(pw)
    submitted(pw, **PARKING)
    year = pw.session.year
    assert search(staff, "建议", year=year).total == 2
    assert search(staff, "建议", year=year - 1).total == 0
    assert search(staff, "建议", state=Proposal.State.FILED).hits[0].record.pk == filed_one.pk
    assert search(staff, "建议", kind=Proposal.Kind.INDIVIDUAL).total == 2
    assert search(staff, "建议", kind=Proposal.Kind.COLLECTIVE).total == 0
    assert search(staff, "建议", source="proposal").total == 2
    assert search(staff, "建议", source="lead").total == 0


def test_leads_are_searchable_once_published_for_members_and_always_for_staff(pw):
    lead = services.submit_lead(
        organization=pw.org,
        title="河道垃圾清理",
        body="建议增加河道保洁频次。",
        contact="",
        address="1.2.3.4",
    )
    assert search(pw.actor(pw.staff), "河道").total == 1
    assert search(pw.actor(pw.bob), "河道").total == 0
    services.moderate_lead(actor=pw.actor(pw.staff), lead=lead, publish=True)
    hit = search(pw.actor(pw.bob), "河道").hits[0]
    assert hit.source.name == "lead" and hit.state == Lead.State.PUBLISHED.label


def test_results_are_paginated(pw):
    staff = pw.actor(pw.staff)
    for i in range(PER_PAGE + 3):
        submitted(pw, title=f"关于公交线路优化的第{i}号建议", reason="公交", suggestions="优化")
    first, second = search(staff, "公交"), search(staff, "公交", page=2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (PER_PAGE + 3, 2, PER_PAGE, 3)
    assert not {h.record.pk for h in first.hits} & {h.record.pk for h in second.hits}
    assert search(staff, "公交", page=99).page == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "请输入检索词"),
        ("   ", "请输入检索词"),
        ("，。！？……", "只含标点"),
        ('"*:&|!()^-+', "只含标点"),
        ("车", "单字"),
        ("停车" * 5000, "只按前200个字"),
        ("NEAR", "没有找到"),
        ('NEAR("停车" "小区")', ""),
        ("停车 OR 人才 AND NOT 乡村", ""),
        ("title_words:停车 facets:o1", ""),
        ("停车*", ""),
        ("停车'; DROP TABLE search_entry; --", ""),
    ],
)
def test_bad_queries_answer_a_message_not_an_error(pw, query, message):
    submitted(pw, **PARKING)
    results = search(pw.actor(pw.staff), query)
    assert message in results.message
    assert Entry.objects.count() == 1


def test_syntax_characters_do_not_widen_or_break_the_search(pw):
    submitted(pw, **PARKING)
    staff = pw.actor(pw.staff)
    assert search(staff, '"停车"').total == 1
    assert search(staff, "停车*").total == 1
    assert search(staff, "facets:o1 停车").total == 0  # facets is a word here, not a column filter


def test_reindex_rebuilds_every_entry(pw):
    submitted(pw, **RURAL)
    submitted(pw, **PARKING)
    draft(pw, title="关于草稿的建议")
    Entry.objects.all().delete()
    assert search(pw.actor(pw.staff), "停车").total == 0
    call_command("reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Entry.objects.filter(source="proposal").count() == 2
    assert search(pw.actor(pw.staff), "停车").total == 1


def test_search_page_shows_highlighted_hits_with_constant_queries(client, pw):
    submitted(pw, **PARKING)
    client.force_login(pw.staff)
    url = reverse("search:search") + "?q=停车"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "共找到 1 条" in html and "<mark>停车</mark>" in html
    small = count_queries(client, url)
    for i in range(8):
        submitted(pw, title=f"关于停车场建设的第{i}号建议", reason="停车", suggestions="建设")
    assert count_queries(client, url) == small
    assert client.get(reverse("search:search") + "?q=" + "停" * 10000).status_code == 200
    assert client.get(reverse("search:search") + "?q=x&page=abc&year=zz").status_code == 200


def test_search_needs_sign_in(client, pw):
    response = client.get(reverse("search:search") + "?q=停车")
    assert response.status_code == 302
    handled(pw)  # noqa - a handler's search page opens too
    client.force_login(pw.handlers[0])
    assert client.get(reverse("search:search") + "?q=建议").status_code == 200


def test_reply_letters_are_searchable_by_who_may_read_them(pw):
    proposal, reply = answered(pw)
    staff, handler, lead_unit_co = pw.actor(pw.staff), pw.actor(pw.handlers[0]), pw.actor(pw.handlers[1])
    hit = search(staff, "答复如下", source="reply").hits[0]
    assert hit.record == reply and hit.kind == "A类答复" and "#replies" in hit.url
    assert search(handler, "答复如下", source="reply").total == 1
    assert search(lead_unit_co, "答复如下", source="reply").total == 0  # another unit's letter
    assert search(pw.actor(pw.bob), "答复如下", source="reply").total == 1  # approved, to the proposer
    assert search(pw.actor(pw.dave), "答复如下", source="reply").total == 0


def test_a_reply_under_review_is_hidden_from_the_proposer(pw):
    reply = draft_reply(pw, handled(pw), body="关于停车场建设，答复如下", result_class="B", signer="王")
    assert search(pw.actor(pw.staff), "停车场", source="reply").total == 0  # a draft is the unit's alone
    services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=reply)
    assert search(pw.actor(pw.staff), "停车场", source="reply").total == 1
    assert search(pw.actor(pw.bob), "停车场", source="reply").total == 0


def test_a_common_word_is_counted_only_as_far_as_the_pages_go(pw, monkeypatch):
    from zhengxie.search import query

    monkeypatch.setattr(query, "COUNT_LIMIT", 5)
    for i in range(7):
        submitted(pw, title=f"关于公交站点的第{i}号建议", reason="公交", suggestions="优化")
    results = search(pw.actor(pw.staff), "公交")
    assert results.more and results.shown == 5 and results.total == 6


def test_past_the_counted_matches_the_newest_are_ranked(pw, monkeypatch):
    """A common word: the newest matches are ranked (title first), not every match: on SQLite the newest
    RANK_POOL, on PostgreSQL those of the newest years holding at least RANK_POOL."""
    from zhengxie.search import query
    from zhengxie.search.index import facet_tokens

    monkeypatch.setattr(query, "COUNT_LIMIT", 4)
    monkeypatch.setattr(query, "RANK_POOL", 3)
    oldest = submitted(pw, title="关于公交站点改造的建议", reason="公交", suggestions="优化")
    body_only = [
        submitted(pw, title=f"关于道路优化的第{i}号建议", reason="沿线公交班次少。", suggestions="加密")
        for i in range(4)
    ]
    newest = submitted(pw, title="关于公交票价的建议", reason="公交", suggestions="优惠")
    earlier = pw.session.year - 6  # the oldest was written six years before the others
    Entry.objects.filter(source="proposal", object_id=oldest.pk).update(
        year=earlier, facets=" ".join(facet_tokens(pw.org.pk, "proposal", earlier, oldest.kind, oldest.state))
    )
    results = search(pw.actor(pw.staff), "公交")
    assert results.more
    pks = [hit.record.pk for hit in results.hits]
    # The newest matches, the one with the word in its title first; the oldest is past the pool: SQLite ranks
    # the three newest, PostgreSQL the five of this year.
    assert pks[:3] == [newest.pk, body_only[3].pk, body_only[2].pk]
    assert oldest.pk not in pks
    assert len(pks) == (3 if connection.vendor == "sqlite" else 5)


@pytest.mark.parametrize("reach", [500, 0])
def test_a_member_searches_their_own_proposals_the_same_either_way(pw, monkeypatch, reach):
    """A member's few proposals are searched directly (SMALL_REACH); the index path gives the same hits."""
    from zhengxie.search import query

    monkeypatch.setattr(query, "SMALL_REACH", reach)
    body = submitted(pw, title="关于优化营商环境的建议", reason="停车收费不透明。", suggestions="规范收费。")
    title = submitted(pw, **PARKING)
    services.submit_proposal(
        actor=pw.actor(pw.dave), proposal=draft(pw, person=pw.dave, **PARKING)
    )  # not his
    bob = pw.actor(pw.bob)
    assert [h.record.pk for h in search(bob, "停车").hits] == [title.pk, body.pk]
    assert [h.record.pk for h in search(bob, "停车 收费").hits] == [body.pk]
    assert search(bob, "停车", state=Proposal.State.FILED).total == 0
    assert search(bob, "停车", year=pw.session.year).total == 2
    assert search(bob, "停车", source="lead").total == 0
    assert search(bob, "人才").total == 0


def test_the_pool_reaches_back_as_many_years_as_it_needs(pw, monkeypatch):
    """PostgreSQL widens its pool year by year until it holds RANK_POOL matches; SQLite takes the newest."""
    from zhengxie.search import query
    from zhengxie.search.index import facet_tokens

    monkeypatch.setattr(query, "COUNT_LIMIT", 2)
    monkeypatch.setattr(query, "RANK_POOL", 3)
    this_year = pw.session.year
    ages = [20, 3, 3, 0, 0]  # years before this one, oldest written first
    written = []
    for i, age in enumerate(ages):
        proposal = submitted(pw, title=f"关于公交线路的第{i}号建议", reason="公交", suggestions="优化")
        year = this_year - age
        Entry.objects.filter(source="proposal", object_id=proposal.pk).update(
            year=year,
            facets=" ".join(facet_tokens(pw.org.pk, "proposal", year, proposal.kind, proposal.state)),
        )
        written.append(proposal.pk)
    results = search(pw.actor(pw.staff), "公交")
    assert results.more
    found = {hit.record.pk for hit in results.hits}
    if connection.vendor == "sqlite":
        assert found == set(written[2:])  # the three newest
    else:
        assert found == set(written[1:])  # this year's two are too few: back to the year holding three more


def test_communications_are_searchable_by_who_may_open_the_proposal(pw):
    from django.utils import timezone

    proposal = handled(pw)
    lead = proposal.assignments.order_by("id").first()
    communication = services.record_communication(
        actor=pw.actor(pw.handlers[0]),
        assignment=lead,
        method="face",
        day=timezone.localdate(),
        summary="与提案人当面沟通，商定分期建设立体停车库。",
    )
    hit = search(pw.actor(pw.staff), "立体停车库", source="communication").hits[0]
    assert hit.record == communication and hit.kind == "面商" and hit.title.startswith("面商：")
    assert search(pw.actor(pw.handlers[0]), "立体停车库").total == 1
    assert search(pw.actor(pw.bob), "立体停车库").total == 1  # the proposer reads it on the proposal's page
    assert search(pw.actor(pw.dave), "立体停车库").total == 0
    assert search(pw.actor(pw.other_staff, pw.world.other_org), "立体停车库").total == 0
    # An edit is followed: the old words are gone, the new ones found.
    communication.summary = "电话沟通，提案人同意延期。"
    communication.save()
    assert search(pw.actor(pw.staff), "立体停车库").total == 0
    assert search(pw.actor(pw.staff), "延期", source="communication").total == 1
