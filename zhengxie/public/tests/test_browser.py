"""The public portal in a real browser, as a citizen without an account uses it."""

import re

import pytest
from playwright.sync_api import Page, expect

from zhengxie.proposals.models import Lead, Proposal
from zhengxie.proposals.tests.builders import answered
from zhengxie.public import throttle
from zhengxie.testing.browser import assert_fits_phone

pytestmark = pytest.mark.browser

LONG_TITLE = "关于进一步推进城乡公交一体化和农村客运网络全覆盖的建议"
MIN_SECONDS = 2


@pytest.fixture
def published(pw, settings, monkeypatch):
    settings.ZHENGXIE_LEAD_MIN_SECONDS = MIN_SECONDS
    monkeypatch.setattr(throttle, "LEADS_PER_HOUR", 1)
    older, _ = answered(pw)
    Proposal.objects.filter(pk=older.pk).update(title="关于增加中小学学位供给的建议")
    proposal, _ = answered(pw)
    Proposal.objects.filter(pk=proposal.pk).update(
        title=LONG_TITLE,
        reason="目前全市仍有部分行政村未通公交，" * 12 + "\n群众出行不便，尤其是老人和学生。",
    )
    return proposal


def follow(page: Page, name) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name).first.click()


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="提交线索").click()


def walk_portal_and_send_a_lead(page: Page, live_server, screenshot, check=lambda page: None) -> None:
    page.goto(f"{live_server.url}/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("提案答复公开")
    check(page)
    screenshot(page, "organisations")

    follow(page, re.compile("甲市政协"))
    expect(page.get_by_role("heading", level=1)).to_have_text("甲市政协提案答复公开")
    rows = page.get_by_role("row").filter(has=page.get_by_role("link"))
    expect(rows).to_have_count(2)  # the two published proposals, the latest reply first
    expect(rows.nth(0)).to_contain_text(LONG_TITLE)
    expect(rows.nth(0)).to_contain_text("李博")
    expect(rows.nth(1)).to_contain_text("关于增加中小学学位供给的建议")
    check(page)
    screenshot(page, "replies")

    follow(page, LONG_TITLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
    expect(page.get_by_role("heading", name="提案理由")).to_be_visible()
    reply = page.get_by_role("article")
    expect(reply.get_by_role("heading")).to_have_text("发展改革委的答复")
    expect(reply).to_contain_text("A类（所提问题已经解决或基本解决/已采纳）")
    expect(reply).to_contain_text("经研究，答复如下")
    check(page)
    screenshot(page, "proposal")

    with page.expect_navigation():
        page.get_by_role("navigation", name="门户导航").get_by_role("link", name="提交提案线索").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交提案线索")
    expect(page.locator("input[name=website]")).not_to_be_in_viewport()
    page.get_by_label("标题").fill("幸福路小区门口路灯坏了")
    page.get_by_label("情况和建议").fill("幸福路小区门口的路灯坏了一个多月，晚上出行很不安全，建议尽快修复。")
    page.get_by_label("联系方式").fill("13800000000")
    check(page)
    screenshot(page, "lead-form")

    # Sent back at once, the form looks like a script's work: the citizen is asked to send it again.
    submit(page)
    expect(page.get_by_role("alert")).to_have_text("提交过快，请稍候几秒再提交一次。")
    expect(page.get_by_label("标题")).to_have_value("幸福路小区门口路灯坏了")
    check(page)
    screenshot(page, "lead-too-fast")
    assert not Lead.objects.exists()

    page.wait_for_timeout(MIN_SECONDS * 1000 + 300)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢您的提案线索！")
    check(page)
    screenshot(page, "lead-thanks")
    lead = Lead.objects.get()
    assert lead.title == "幸福路小区门口路灯坏了"
    assert lead.state == Lead.State.PENDING

    # The published fixture allows one lead an hour: the next visit to the form is turned away.
    follow(page, "再提交一条线索")
    expect(page.get_by_role("heading", level=1)).to_have_text("提交过于频繁")
    expect(page.get_by_role("alert")).to_contain_text("每小时最多可以提交1条提案线索")
    check(page)
    screenshot(page, "lead-limit")


def test_citizen_reads_a_published_reply_and_sends_a_lead(page, live_server, published, screenshot):
    walk_portal_and_send_a_lead(page, live_server, screenshot)


def test_portal_works_on_a_phone(phone_page, live_server, published, screenshot):
    walk_portal_and_send_a_lead(phone_page, live_server, screenshot, check=assert_fits_phone)
