"""One public-opinion report carried through its life in a real browser by everyone it passes through:
the member who writes it, the editor who edits it, places it in an issue and sends it for signing, the
leader who signs, then printing, forwarding to the party committee, the leader's instruction and the
department's feedback — and the member reading the instruction on a phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from zhengxie.opinions.models import Issue, Report
from zhengxie.testing.browser import follow, go, save_screenshot, sign_in_as, submit, told

pytestmark = pytest.mark.browser

TITLE = "关于规范电动自行车集中充电设施建设的建议"
BODY = "近年来电动自行车保有量快速增长，楼道飞线充电现象普遍，存在较大火灾隐患。\n建议将集中充电设施纳入老旧小区改造内容。"
EDITED = "电动自行车保有量快速增长，楼道飞线充电普遍，火灾隐患突出。\n建议将集中充电设施纳入老旧小区改造内容，并给予运营补贴。"


def expect_state(page: Page, text: str) -> None:
    expect(page.locator(".status-line")).to_contain_text(text)


def test_a_report_from_submission_to_feedback(page: Page, phone_page: Page, live_server, ow):
    # The member writes and submits.
    sign_in_as(page, live_server, "bob")
    go(page, "社情民意")
    follow(page, "撰写信息")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("类别").select_option(label=ow.category.name)
    page.get_by_label("正文").fill(BODY)
    save_screenshot(page, "opinions-write")
    submit(page, "报送")
    told(page, "已报送。编辑接收后您可在此查看采编进展。")
    expect_state(page, "已报送")

    # The editor takes it up and edits it; the original is kept and the difference shown.
    sign_in_as(page, live_server, "editor")
    go(page, "信息采编")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    save_screenshot(page, "opinions-inbox")
    follow(page, TITLE)
    submit(page, "接收采编")
    expect_state(page, "采编中")
    page.get_by_label("编辑后正文").fill(EDITED)
    page.get_by_label("修改说明").fill("精简文字，补充建议")
    submit(page, "保存编辑稿")
    told(page, "编辑稿已保存，原稿保留不变。")
    page.get_by_text("与原稿对比").click()
    expect(page.locator(".diff ins").first).to_be_visible()
    save_screenshot(page, "opinions-edited")

    # Into a new issue, sent to the leader for signing.
    page.get_by_label("期刊").select_option(label="新建下一期")
    submit(page, "编入")
    follow(page, "打开期刊")
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1期")
    expect(page.get_by_role("heading", name=f"1. {TITLE}")).to_be_visible()
    page.get_by_label("报送", exact=True).fill("市委、市政府主要领导")
    page.get_by_label("抄送", exact=True).fill("市委办公室、市政府办公室")
    submit(page, "保存")
    page.get_by_label("签发领导").select_option(label="周主席")
    submit(page, "送签")
    told(page, "已送周主席签发。")
    issue_url = page.url

    # The leader signs.
    sign_in_as(page, live_server, "leader")
    page.goto(issue_url)
    expect(page.get_by_role("heading", name="请审阅签发")).to_be_visible()
    page.get_by_label("签发意见").fill("同意印发")
    submit(page, "签发")
    told(page, "已签发。")

    # The editor prints it: the report is adopted.
    sign_in_as(page, live_server, "editor")
    page.goto(issue_url)
    submit(page, "印发")
    told(page, "已印发，所载信息均已标记为采用。")
    save_screenshot(page, "opinions-issue")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Word").click()
    assert download.value.suggested_filename.endswith(".docx")
    follow(page, TITLE)
    expect_state(page, "已采用")

    # Forwarded to the party committee, instructed by a city leader, with the department's feedback.
    page.get_by_label("党委政府").check()
    page.get_by_label("报送单位").fill("市委办公室")
    submit(page, "登记报送")
    expect_state(page, "已报送上级/党政")
    submit(page, "登记批示")  # no leader, no date: refused, nothing recorded
    told(page, "请填写批示领导。；请选择批示领导的级别（区县/市/省/全国）。；请填写批示日期。")
    page.get_by_label("批示领导").fill("王书记")
    page.get_by_label("职务").fill("市委书记")
    page.get_by_label("级别").select_option(label="市")
    page.get_by_label("批示日期").fill(timezone.localdate().isoformat())
    page.get_by_label("批示内容").fill("请市住建局会同消防部门研究落实。")
    submit(page, "登记批示")
    expect_state(page, "已批示")
    page.get_by_label("反馈单位").fill("市住房和城乡建设局")
    page.get_by_label("反馈日期").fill(timezone.localdate().isoformat())
    page.get_by_label("反馈内容").fill("已将集中充电设施纳入2027年老旧小区改造计划。")
    submit(page, "登记反馈")
    expect_state(page, "已反馈")
    save_screenshot(page, "opinions-feedback")

    report = Report.objects.get(title=TITLE)
    assert report.state == Report.State.FEEDBACK
    assert "楼道飞线充电现象普遍" in report.body  # the original is kept
    assert "运营补贴" in report.edited_body
    assert Issue.objects.get().state == Issue.State.PUBLISHED

    # The member reads the instruction on a phone.
    sign_in_as(phone_page, live_server, "bob")
    go(phone_page, "社情民意")
    follow(phone_page, TITLE)
    expect(phone_page.get_by_role("heading", name="王书记（市委书记）批示 市级")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(phone_page, "opinions-phone-instruction")


def test_the_editor_changes_the_settings_on_a_phone(phone_page: Page, live_server, ow):
    page = phone_page
    sign_in_as(page, live_server, "editor")
    go(page, "信息采编")
    follow(page, "设置")
    expect(page.get_by_role("heading", name="社情民意设置", level=1)).to_be_visible()
    expect(page.get_by_text("如“甲市政协办公室”，留空则用组织名称。")).to_be_visible()
    page.get_by_label("委员年度报送任务（篇）").fill("2")
    page.get_by_label("编印单位").fill("甲市政协办公室")
    submit(page, "保存")
    told(page, "社情民意设置已保存。")
    expect(page.get_by_label("委员年度报送任务（篇）")).to_have_value("2")
    expect(page.get_by_label("编印单位")).to_have_value("甲市政协办公室")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, "opinions-settings-phone")
