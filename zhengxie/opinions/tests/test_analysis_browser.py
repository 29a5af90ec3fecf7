"""The analysis pages in a real browser: an editor reads the quarter's figures and charts, switches to a
month and a week, goes through the rankings, the quotas and the scoring rules; the same on a phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from zhengxie.core.tests import factories as f
from zhengxie.opinions.analysis import Period
from zhengxie.opinions.models import Level
from zhengxie.testing.browser import DESKTOP, assert_fits_phone, login, save_screenshot

from . import builders as b

pytestmark = pytest.mark.browser

CHARTS = ("各状态信息篇数饼图", "各类别信息篇数条形图", "各类报送人信息篇数条形图", "热点话题词条形图")


@pytest.fixture
def reports(ow):
    """A few reports of the city this quarter, in several states, categories and capacities."""
    b.submitted(ow, ow.bob, title="关于老旧小区加装电梯的建议")
    b.adopted(ow, ow.erin, title="老旧小区停车位严重不足")
    b.instructed(ow, ow.bob, title="城市内涝治理资金缺口较大", level=Level.CITY)
    b.submitted(
        ow,
        ow.liaison,
        title="农村学校校车安全隐患",
        submitter_type="unit",
        participating_unit_id=ow.liaison_unit.pk,
    )
    b.editing(ow, ow.officer, title="社区养老食堂运营困难", submitter_type="officer")
    return ow


def shot(page: Page, name: str) -> None:
    save_screenshot(page, f"opinions-analysis-{name}")


def follow(page: Page, name: str, exact: bool = True) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=exact).first.click()


def expect_charts_drawn(page: Page, names=CHARTS) -> None:
    for name in names:
        chart = page.get_by_role("img", name=name)
        expect(chart.locator("canvas").first).to_be_visible()


def test_editor_reads_the_analysis_switches_period_and_keeps_the_rules(page, live_server, reports):
    today = timezone.localdate()
    quarter = Period.containing("quarter", today)
    month = Period.containing("month", today)
    page.emulate_media(reduced_motion="reduce")  # finished charts in the screenshots
    login(page, live_server, "editor", f.PASSWORD)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="信息分析").click()
    expect(page.get_by_role("heading", name="信息分析", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=quarter.title)).to_be_visible()
    expect(page.get_by_text("批示率 50.00%")).to_be_visible()
    expect(page.get_by_role("rowheader", name="民建甲市委（参加单位）")).to_be_visible()
    expect_charts_drawn(page)
    shot(page, "quarter")

    follow(page, "月分析")
    expect(page.get_by_role("heading", name=month.title)).to_be_visible()
    expect_charts_drawn(page)
    follow(page, "‹ 上个月")
    expect(page.get_by_role("heading", name=month.previous.title)).to_be_visible()
    follow(page, "本月")
    expect(page.get_by_role("heading", name=month.title)).to_be_visible()
    follow(page, "周研判")
    expect(page.get_by_role("heading", name=Period.containing("week", today).title)).to_be_visible()
    expect_charts_drawn(page, CHARTS[:1])
    shot(page, "week")

    follow(page, "采用排名")
    expect(page.get_by_role("heading", name="采用排名", level=1)).to_be_visible()
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("李博")
    expect(first).to_contain_text("10")
    follow(page, "参加单位")
    expect(page.get_by_role("cell", name="民建甲市委")).to_be_visible()
    shot(page, "rankings")

    follow(page, "报送任务")
    expect(page.get_by_role("heading", name="报送任务完成情况", level=1)).to_be_visible()
    page.get_by_label("只看未完成").check()
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("cell", name="钱尔宁")).to_be_visible()
    expect(page.get_by_role("cell", name="李博", exact=True)).to_have_count(0)
    shot(page, "quotas")

    follow(page, "信息分析")
    follow(page, "计分规则")
    expect(page.get_by_role("heading", name="社情民意计分规则", level=1)).to_be_visible()
    page.get_by_label("本级采用").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并重新计分").click()
    expect(page.get_by_role("status")).to_have_text("计分规则已保存，1 篇信息的得分已按新规则重新计算。")
    expect(page.get_by_label("本级采用")).to_have_value("2.0")
    shot(page, "rules")


def test_the_analysis_pages_work_at_phone_width(phone_page, live_server, reports):
    page = phone_page
    page.emulate_media(reduced_motion="reduce")
    login(page, live_server, "editor", f.PASSWORD)
    page.goto(f"{live_server.url}/opinions/analysis/")
    expect(page.get_by_role("heading", name="信息分析", level=1)).to_be_visible()
    expect_charts_drawn(page)
    assert_fits_phone(page)
    shot(page, "phone-quarter")
    follow(page, "下一季度 ›")
    expect(page.get_by_text("本期没有报送的信息")).to_be_visible()
    assert_fits_phone(page)
    for link, heading, name in (
        ("采用排名", "采用排名", "phone-rankings"),
        ("报送任务", "报送任务完成情况", "phone-quotas"),
        ("计分规则", "社情民意计分规则", "phone-rules"),
    ):
        page.goto(f"{live_server.url}/opinions/analysis/")
        follow(page, link)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert_fits_phone(page)
        shot(page, name)


def test_without_javascript_the_figures_are_in_the_tables(browser, live_server, reports):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport=DESKTOP)
    try:
        page = context.new_page()
        login(page, live_server, "editor", f.PASSWORD)
        page.goto(f"{live_server.url}/opinions/analysis/")
        states = page.get_by_role("region", name="按状态")
        expect(states.get_by_role("row", name="已报送 2")).to_be_visible()
        expect(states.get_by_role("row", name="合计 5")).to_be_visible()
        expect(page.get_by_role("img", name=CHARTS[0])).to_be_hidden()
    finally:
        context.close()
