"""The statistics pages in a real browser: the city's leader opens the dashboard from the navigation, reads a
district's figures and the total, follows a number and a chart segment to the records behind them, and reads
the year's report; the same on a phone."""

import pytest
from playwright.sync_api import Page, expect

from zhengxie.testing.browser import assert_fits_phone, follow, go, save_screenshot, sign_in_as, submit

from .builders import year_of_work
from .test_parent import _district

pytestmark = pytest.mark.browser


def shot(page: Page, name: str) -> None:
    save_screenshot(page, f"figures-{name}")


@pytest.fixture
def city(pw):
    year_of_work(pw)
    _district(pw, "甲市东区政协", "jia-dong", received=4, filed=3)
    _district(pw, "甲市西区政协", "jia-xi", received=2, filed=1)
    return pw


def test_the_leader_reads_the_dashboard_follows_numbers_and_reads_the_report(page, live_server, city):
    page.emulate_media(reduced_motion="reduce")  # finished charts in the screenshots
    sign_in_as(page, live_server, "leader")
    go(page, "统计看板")
    expect(page.get_by_role("heading", name="统计看板", level=1)).to_be_visible()
    tree = page.get_by_role("region", name="本级及下级政协")
    expect(tree.get_by_role("row", name="甲市东区政协 4 3")).to_be_visible()
    expect(tree.get_by_role("row", name="合计 12 8")).to_be_visible()
    expect(page.get_by_role("img", name="提案按状态图").locator("canvas")).to_be_visible()
    expect(page.get_by_role("img", name="社情民意采用情况图").locator("canvas")).to_be_visible()
    shot(page, "dashboard")

    # A number in the parent's table: the district's filed proposals.
    follow(page, "3", tree.get_by_role("row", name="甲市东区政协 4 3"))
    expect(page.get_by_role("heading", name="提案·立案", level=1)).to_be_visible()
    expect(page.locator(".figure-total")).to_have_text("3")
    expect(page.get_by_role("cell", name="关于甲市东区政协第1件事的建议")).to_be_visible()

    # The total of the city and its districts, chosen in the picker.
    follow(page, "返回统计看板")
    page.get_by_label("范围").select_option(label="本级及下级合计")
    submit(page, "查看")
    stats = page.get_by_role("region", name="提案", exact=True).locator("dl.stats")
    expect(stats.get_by_role("link", name="12", exact=True)).to_be_visible()

    # A chart segment: the one-segment 提交阶段 pie of the city's own year (all six at the plenary).
    page.get_by_label("范围").select_option(label="甲市政协（本级）")
    submit(page, "查看")
    chart = page.get_by_role("img", name="提案按提交阶段图")
    expect(chart.locator("canvas")).to_be_visible()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    with page.expect_navigation():
        # On the ring of the doughnut, left of its centre.
        page.mouse.click(box["x"] + box["width"] / 2 - box["height"] * 0.25, box["y"] + box["height"] * 0.45)
    expect(page.get_by_role("heading", name="提案·大会期间提案", level=1)).to_be_visible()
    expect(page.locator(".figure-total")).to_have_text("6")
    shot(page, "segment")

    follow(page, "返回统计看板")
    follow(page, "年度报告")
    expect(page.get_by_role("heading", name="年度报告", level=1)).to_be_visible()
    expect(page.get_by_text("共收到提案6件")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word").click()
    assert download.value.suggested_filename.endswith("年度统计.docx")
    shot(page, "report")


def test_the_statistics_pages_fit_a_phone(phone_page, live_server, city):
    page = phone_page
    page.emulate_media(reduced_motion="reduce")
    sign_in_as(page, live_server, "staff")
    go(page, "统计看板")
    expect(page.get_by_role("img", name="提案按状态图").locator("canvas")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "phone-dashboard")
    follow(page, "年度报告")
    expect(page.get_by_text("共收到提案6件")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "phone-report")
    page.go_back()
    follow(page, "6")
    expect(page.get_by_role("heading", name="提案·收到提案", level=1)).to_be_visible()
    assert_fits_phone(page)
    shot(page, "phone-records")


def test_staff_import_past_years_and_read_them_on_the_dashboard(phone_page, live_server, pw):
    from .test_history import PROPOSALS, REPORTS, SESSION, workbook

    page = phone_page
    sign_in_as(page, live_server, "staff")
    go(page, "统计看板")
    follow(page, "导入往年数据")
    expect(page.get_by_role("heading", name="导入往年数据", level=1)).to_be_visible()
    bad = [SESSION + list(row) for row in PROPOSALS]
    bad[0][18] = "2023-02-01"  # 答复时间 before 交办时间
    page.get_by_label("往年数据文件(.xlsx)").set_input_files(
        {"name": "往年.xlsx", "mimeType": "application/octet-stream", "buffer": workbook(bad, REPORTS)}
    )
    submit(page, "检查并导入")
    errors = page.get_by_role("alert")
    expect(errors.get_by_role("heading")).to_have_text("未导入任何数据：共 1 处错误")
    # On a phone each cell is labelled with its column.
    expect(
        errors.get_by_role(
            "row", name="工作表：提案 行：2 列：答复时间 内容：2023-02-01 原因：答复时间早于交办时间"
        )
    ).to_be_visible()
    assert_fits_phone(page)
    shot(page, "phone-import-errors")

    good = workbook([SESSION + list(row) for row in PROPOSALS], REPORTS)
    page.get_by_label("往年数据文件(.xlsx)").set_input_files(
        {"name": "往年.xlsx", "mimeType": "application/octet-stream", "buffer": good}
    )
    submit(page, "检查并导入")
    done = page.get_by_role("status")
    expect(done).to_contain_text("已导入提案 10 件（2023年 10 件）")
    expect(done).to_contain_text("新建往届委员（不能登录） 9 个")
    assert_fits_phone(page)
    shot(page, "phone-import-done")
    follow(page, "到统计看板查看")
    page.get_by_label("年度", exact=True).select_option("2023")
    submit(page, "查看")
    stats = page.get_by_role("region", name="提案", exact=True).locator("dl.stats")
    expect(stats.get_by_role("link", name="10", exact=True)).to_be_visible()
