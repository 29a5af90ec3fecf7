"""The search page as its users use it: proposal staff look for earlier proposals on a subject, narrow
them by state, and open one; a member on a phone finds their own."""

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.models import Proposal
from zhengxie.testing.browser import PHONE

from .builders import filed, submitted
from .test_browser import assert_fits_phone, go, shot, sign_in_as, submit

pytestmark = pytest.mark.browser


def test_staff_search_filter_and_open_a_hit(page, live_server, pw):
    filed(pw)  # 关于加快城乡公交一体化的建议
    submitted(
        pw, title="关于优化公交站点布局的建议", reason="部分公交站点距离小区过远。", suggestions="增设站点。"
    )
    submitted(pw, title="关于老旧小区加装电梯的建议", reason="老年人上下楼难。", suggestions="简化审批。")
    sign_in_as(page, live_server, "staff")
    go(page, "全文检索")
    page.get_by_label("检索词").fill("公交")
    submit(page, "检索")
    expect(page.get_by_text("共找到 2 条")).to_be_visible()
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    expect(hits.first.locator("mark").first).to_have_text("公交")
    shot(page, "search-staff")

    page.get_by_label("状态").select_option(label=Proposal.State.FILED.label)
    submit(page, "检索")
    expect(page.get_by_text("共找到 1 条")).to_be_visible()
    with page.expect_navigation():
        hits.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("关于加快城乡公交一体化的建议")

    page.goto(f"{live_server.url}/search/?q=" + "%22*%3A%26%7C!")
    expect(page.get_by_role("status")).to_contain_text("只含标点")


def test_member_searches_own_proposals_on_a_phone(phone_page, live_server, pw):
    submitted(
        pw,
        title="关于建设社区嵌入式托育中心的建议",
        reason="双职工家庭托育需求大。",
        suggestions="普惠托育。",
    )
    sign_in_as(phone_page, live_server, "bob")
    phone_page.goto(f"{live_server.url}/search/")
    phone_page.get_by_label("检索词").fill("托育")
    submit(phone_page, "检索")
    expect(phone_page.get_by_text("共找到 1 条")).to_be_visible()
    assert phone_page.viewport_size["width"] == PHONE["width"]
    assert_fits_phone(phone_page)
    shot(phone_page, "search-member-phone")
