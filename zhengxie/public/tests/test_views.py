"""The public portal as an anonymous visitor sees it: published replies only, leads with brakes on."""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhengxie.core.models import Notification, PlenarySession
from zhengxie.core.tests import factories as f
from zhengxie.proposals import services
from zhengxie.proposals.models import Lead, Proposal
from zhengxie.proposals.tests.builders import answered, handled
from zhengxie.public import throttle

MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def _no_fill_delay(settings):
    """Most tests post the form at once; the delay has its own tests below."""
    settings.ZHENGXIE_LEAD_MIN_SECONDS = 0


def replies_url(org):
    return reverse("public:replies", args=[org.slug])


def proposal_url(proposal):
    return reverse("public:proposal", args=[proposal.organization.slug, proposal.pk])


def lead_url(org):
    return reverse("public:new_lead", args=[org.slug])


def publish(pw, title):
    proposal, _ = answered(pw)
    Proposal.objects.filter(pk=proposal.pk).update(title=title)
    proposal.title = title
    return proposal


def foreign_published(pw):
    """An answered proposal of the other organisation; built directly, it only has to be read."""
    world = pw.world
    return Proposal.objects.create(
        organization=world.other_org,
        term=world.other_term,
        session=PlenarySession.objects.get(organization=world.other_org),
        number=1,
        title="乙市关于老旧小区加装电梯的建议",
        proposer=world.charlie,
        proposer_name="王查理",
        state=Proposal.State.ANSWERED,
        answered_at=timezone.now(),
    )


def lead_data(org, **changes):
    data = {
        "title": "小区门口路灯坏了",
        "body": "幸福路小区门口的路灯坏了一个多月，晚上出行很不安全，建议尽快修复。",
        "contact": "13800000000",
        "website": "",
        "stamp": throttle.form_stamp(org.pk),
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- organisations


def test_portal_lists_active_organisations_only(client, world):
    f.OrganizationFactory(name="停用区政协", slug="closed", is_active=False)
    response = client.get(reverse("public:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "甲市政协" in body and "乙市政协" in body
    assert replies_url(world.org) in body
    assert "停用区政协" not in body


def test_unknown_or_inactive_organisation_answers_404(client, world):
    f.OrganizationFactory(name="停用区政协", slug="closed", is_active=False)
    assert client.get("/public/closed/").status_code == 404
    assert client.get("/public/nowhere/").status_code == 404
    assert client.get("/public/closed/leads/new/").status_code == 404


# ---------------------------------------------------------------- published replies


def test_list_shows_only_published_public_replies_of_that_organisation(client, pw):
    shown = publish(pw, "关于城乡公交一体化的建议")
    secret = publish(pw, "关于某涉密事项的建议")
    services.set_confidential(actor=pw.actor(pw.staff), proposal=secret, confidential=True)
    in_hand = handled(pw)
    Proposal.objects.filter(pk=in_hand.pk).update(title="关于尚在办理事项的建议")
    foreign = foreign_published(pw)

    body = client.get(replies_url(pw.org)).content.decode()

    assert shown.title in body
    assert proposal_url(shown) in body
    assert shown.proposer_name in body
    assert f"第{shown.number}号" in body
    assert secret.title not in body
    assert "关于尚在办理事项的建议" not in body
    assert foreign.title not in body
    assert "共 1 条" in body


def test_list_is_paginated_on_the_server_newest_reply_first(client, pw):
    first = publish(pw, "最早答复的提案")
    for i in range(20):
        publish(pw, f"第{i}件较新的提案")
    newest = publish(pw, "最新答复的提案")

    page1 = client.get(replies_url(pw.org)).content.decode()
    page2 = client.get(replies_url(pw.org) + "?page=2").content.decode()

    assert "第 1 / 2 页，共 22 条" in page1
    assert page1.index(newest.title) < page1.index("第19件较新的提案") < page1.index("第1件较新的提案")
    assert "第0件较新的提案" not in page1 and first.title not in page1
    assert "第0件较新的提案" in page2 and first.title in page2 and newest.title not in page2


def test_list_filters_by_title(client, pw):
    bus = publish(pw, "关于城乡公交一体化的建议")
    school = publish(pw, "关于增加学位供给的建议")
    body = client.get(replies_url(pw.org), {"q": "公交"}).content.decode()
    assert bus.title in body and school.title not in body
    assert 'value="公交"' in body


@pytest.mark.parametrize("path", ["list", "filtered", "page2"])
def test_list_stays_within_a_few_queries_as_proposals_grow(client, pw, path):
    url = replies_url(pw.org) + {"list": "", "filtered": "?q=提案", "page2": "?page=2"}[path]

    def cold_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        publish(pw, f"第{i}件提案")
    small = cold_queries()
    for i in range(3, 30):
        publish(pw, f"第{i}件提案")
    big = cold_queries()
    assert small <= MAX_QUERIES
    assert big == small


def test_unfiltered_page_is_kept_briefly_then_shows_new_replies(client, pw):
    publish(pw, "关于城乡公交一体化的建议")
    client.get(replies_url(pw.org))
    later = publish(pw, "稍后答复的提案")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(replies_url(pw.org)).content.decode()
    assert len(ctx.captured_queries) == 1  # the organisation only
    assert later.title not in body
    cache.clear()  # what CACHE_SECONDS later brings
    assert later.title in client.get(replies_url(pw.org)).content.decode()


def test_search_keeps_its_count_but_reads_its_rows_each_time(client, pw):
    bus = publish(pw, "关于城乡公交一体化的建议")
    client.get(replies_url(pw.org), {"q": "公交"})
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(replies_url(pw.org), {"q": "公交"}).content.decode()
    sql = [q["sql"].upper() for q in ctx.captured_queries]
    assert not any("COUNT(" in q for q in sql)
    assert any("PROPOSALS_PROPOSAL" in q for q in sql)
    assert bus.title in body and "共 1 条" in body


# ---------------------------------------------------------------- one proposal


def test_proposal_page_shows_the_proposal_and_its_approved_replies(client, pw):
    proposal, reply = answered(pw)
    response = client.get(proposal_url(proposal))
    body = response.content.decode()
    assert response.status_code == 200
    for text in [
        proposal.title,
        f"第{proposal.number}号",
        pw.session.name,
        proposal.proposer_name,
        pw.category.name,
        "城乡公交线路覆盖不足",
        "优化线路",
        "发展改革委的答复",
        "A类（所提问题已经解决或基本解决/已采纳）",
        "经研究，答复如下",
        f"答复时间：{timezone.localtime(reply.approved_at):%Y年%-m月%-d日}",
    ]:
        assert text in body, text


def test_proposal_page_leaves_out_replies_still_under_review(client, pw):
    proposal, _ = answered(pw)
    proposal.replies.update(state="review")
    assert "经研究，答复如下" not in client.get(proposal_url(proposal)).content.decode()


@pytest.mark.parametrize("case", ["in_handling", "confidential", "foreign", "other_portal"])
def test_proposal_page_answers_404_unless_published_here(client, pw, case):
    if case == "in_handling":
        url = proposal_url(handled(pw))
    elif case == "confidential":
        proposal, _ = answered(pw)
        services.set_confidential(actor=pw.actor(pw.staff), proposal=proposal, confidential=True)
        url = proposal_url(proposal)
    elif case == "foreign":
        url = reverse("public:proposal", args=[pw.org.slug, foreign_published(pw).pk])
    else:
        proposal, _ = answered(pw)
        url = reverse("public:proposal", args=[pw.world.other_org.slug, proposal.pk])
    assert client.get(url).status_code == 404


def test_proposal_page_is_kept_per_version_so_hiding_it_takes_effect_at_once(client, pw):
    proposal, _ = answered(pw)
    url = proposal_url(proposal)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) == 2  # the organisation and the proposal's version
    services.set_confidential(actor=pw.actor(pw.staff), proposal=proposal, confidential=True)
    assert client.get(url).status_code == 404


def test_proposal_page_stays_within_a_few_queries(client, pw):
    proposal, _ = answered(pw)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(proposal_url(proposal)).status_code == 200
    assert len(ctx.captured_queries) <= MAX_QUERIES


# ---------------------------------------------------------------- leads


def test_lead_form_is_shown_with_a_hidden_trap_field(client, pw):
    body = client.get(lead_url(pw.org)).content.decode()
    assert "提交提案线索" in body and 'name="stamp"' in body
    assert 'class="hp" aria-hidden="true"' in body
    assert 'type="hidden" name="website"' not in body


def test_lead_is_saved_pending_and_proposal_staff_are_told(client, pw):
    response = client.post(lead_url(pw.org), lead_data(pw.org), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("public:lead_thanks", args=[pw.org.slug])
    lead = Lead.objects.get()
    assert lead.organization == pw.org
    assert lead.state == Lead.State.PENDING
    assert lead.title == "小区门口路灯坏了" and lead.contact == "13800000000"
    assert lead.address_hash == services.address_hash("203.0.113.7")
    assert Notification.objects.filter(recipient=pw.staff, kind="lead", organization=pw.org).count() == 1
    assert not Notification.objects.filter(recipient=pw.other_staff).exists()
    assert "感谢您的提案线索" in client.get(response["Location"]).content.decode()


def test_lead_with_too_little_content_is_refused_in_chinese(client, pw):
    response = client.post(lead_url(pw.org), lead_data(pw.org, body="路灯坏了"))
    assert response.status_code == 200
    assert "请把情况和建议写清楚（至少10个字）。" in response.content.decode()
    assert not Lead.objects.exists()


def test_filled_trap_field_pretends_success_and_saves_nothing(client, pw):
    response = client.post(lead_url(pw.org), lead_data(pw.org, website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:lead_thanks", args=[pw.org.slug])
    assert not Lead.objects.exists()
    assert not Notification.objects.filter(kind="lead").exists()


def test_sixth_lead_within_an_hour_from_one_address_is_refused(client, pw):
    for i in range(throttle.LEADS_PER_HOUR):
        data = lead_data(pw.org, title=f"线索{i}")
        assert client.post(lead_url(pw.org), data, REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(lead_url(pw.org), lead_data(pw.org, title="第六条"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "每小时最多可以提交5条提案线索" in response.content.decode()
    assert Lead.objects.count() == throttle.LEADS_PER_HOUR
    assert not Lead.objects.filter(title="第六条").exists()
    assert client.get(lead_url(pw.org), REMOTE_ADDR="203.0.113.7").status_code == 429
    # Another address, and the same address at another organisation, are counted on their own.
    assert client.post(lead_url(pw.org), lead_data(pw.org), REMOTE_ADDR="203.0.113.8").status_code == 302
    other = pw.world.other_org
    assert client.post(lead_url(other), lead_data(other), REMOTE_ADDR="203.0.113.7").status_code == 302


def test_refused_content_does_not_use_up_the_hourly_allowance(client, pw):
    for _ in range(throttle.LEADS_PER_HOUR + 1):
        client.post(lead_url(pw.org), lead_data(pw.org, body="太短"), REMOTE_ADDR="203.0.113.7")
    assert client.post(lead_url(pw.org), lead_data(pw.org), REMOTE_ADDR="203.0.113.7").status_code == 302


def test_behind_proxies_the_limit_counts_the_client_not_the_proxy(client, pw, settings):
    settings.ZHENGXIE_PROXY_COUNT = 1
    for i in range(throttle.LEADS_PER_HOUR):
        # The left-most entry is whatever the client sent; only the proxy's own entry counts.
        xff = f"10.9.9.{i}, 198.51.100.1"
        response = client.post(
            lead_url(pw.org), lead_data(pw.org), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=xff
        )
        assert response.status_code == 302
    response = client.post(
        lead_url(pw.org), lead_data(pw.org), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert response.status_code == 429
    response = client.post(
        lead_url(pw.org), lead_data(pw.org), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert response.status_code == 302
    assert Lead.objects.filter(address_hash=services.address_hash("198.51.100.1")).count() == 5


def test_lead_sent_back_faster_than_a_person_types_is_refused(client, pw, settings):
    settings.ZHENGXIE_LEAD_MIN_SECONDS = 3
    response = client.post(lead_url(pw.org), lead_data(pw.org))
    assert response.status_code == 200
    assert "提交过快，请稍候几秒再提交一次。" in response.content.decode()
    assert not Lead.objects.exists()


def test_lead_sent_back_after_a_few_seconds_is_accepted(client, pw, settings):
    settings.ZHENGXIE_LEAD_MIN_SECONDS = 3
    shown_4_seconds_ago = signing.dumps(time.time() - 4, salt=f"{throttle.STAMP_SALT}:{pw.org.pk}")
    assert client.post(lead_url(pw.org), lead_data(pw.org, stamp=shown_4_seconds_ago)).status_code == 302
    assert Lead.objects.count() == 1


@pytest.mark.parametrize("stamp", ["", "forged", "other-org"])
def test_lead_without_a_genuine_stamp_is_refused(client, pw, stamp):
    if stamp == "other-org":
        stamp = throttle.form_stamp(pw.world.other_org.pk)
    elif stamp == "forged":
        stamp = signing.dumps(0.0, salt="something else")
    response = client.post(lead_url(pw.org), lead_data(pw.org, stamp=stamp))
    assert response.status_code == 200
    assert "页面已过期，请检查内容后再提交一次。" in response.content.decode()
    assert not Lead.objects.exists()
