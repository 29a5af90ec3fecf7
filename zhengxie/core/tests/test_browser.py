"""The foundation pages in a real browser, used as each kind of user would: by role and Chinese label."""

import re
from io import BytesIO

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from zhengxie.core import services
from zhengxie.core.models import Member, Person, RosterImport
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.xlsx import workbook_bytes
from zhengxie.testing.browser import assert_fits_phone, follow, go, login, nav, submit

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["姓名", "性别", "手机号", "界别", "专委会", "是否常委", "工作单位及职务"]
ALL_NAV = [
    "首页",
    "提案登记",
    "社情民意期刊",
    "信息分析",
    "统计看板",
    "委员名册",
    "全文检索",
    "组织设置",
    "提案设置",
    "信息员",
    "角色授权",
    "审计日志",
]
STAFF_NAV = ["首页", "委员名册", "全文检索", "组织设置"]
MEMBER_NAV = ["首页", "我的提案", "提案线索", "社情民意", "全文检索"]
EDITOR_NAV = ["首页", "信息采编", "社情民意期刊", "信息分析", "统计看板", "委员名册", "全文检索", "组织设置"]
HANDLER_NAV = ["首页", "承办提案", "全文检索"]


def expect_field_error(page: Page, label: str, message: str) -> None:
    """The error is shown at the field and tied to it, so a screen reader reads it with the field."""
    field = page.get_by_label(label)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(message)
    expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()


def roster_xlsx(rows) -> bytes:
    return workbook_bytes(rows).getvalue()


def upload_roster(page: Page, data: bytes, filename: str) -> None:
    page.get_by_label("名册文件").set_input_files({"name": filename, "mimeType": XLSX, "buffer": data})
    submit(page, "检查并导入")


def _person_with_role(world, role: Role) -> Person:
    person = f.PersonFactory(username=f"r-{role.value}", full_name=f"{role.label}甲")
    if role == Role.MEMBER:
        f.MemberFactory(organization=world.org, person=person, term=world.term)
    else:
        extra = {}
        if role == Role.HANDLER:
            extra["handling_unit"] = f.HandlingUnitFactory(organization=world.org, name="市教育局")
        if role == Role.COMMITTEE_STAFF:
            extra["committee"] = f.CommitteeFactory(organization=world.org, name="提案委员会")
        f.RoleGrantFactory(organization=world.org, person=person, role=role, **extra)
    return person


ROLE_NAVIGATION = [
    (Role.MEMBER, MEMBER_NAV),
    (
        Role.PROPOSAL_STAFF,
        [
            "首页",
            "提案审查",
            "交办督办",
            "提案登记",
            "重点提案",
            "统计看板",
            "委员名册",
            "全文检索",
            "组织设置",
            "提案设置",
        ],
    ),
    (Role.OPINION_EDITOR, EDITOR_NAV),
    (Role.COMMITTEE_STAFF, ["首页", "我的提案", "提案线索", "社情民意", "委员名册", "全文检索", "组织设置"]),
    (Role.STUDIO_KEEPER, STAFF_NAV),
    (Role.HANDLER, HANDLER_NAV),
    (
        Role.LEADER,
        [
            "首页",
            "提案登记",
            "重点提案",
            "社情民意期刊",
            "信息分析",
            "统计看板",
            "委员名册",
            "全文检索",
            "组织设置",
        ],
    ),
    (Role.ORG_ADMIN, ALL_NAV),
]


@pytest.mark.parametrize(("role", "expected_nav"), ROLE_NAVIGATION, ids=[r.value for r, _ in ROLE_NAVIGATION])
def test_each_role_signs_in_and_sees_its_navigation(page, live_server, world, screenshot, role, expected_nav):
    person = _person_with_role(world, role)
    # A member signs in with the mobile number, everyone else with the username.
    login(page, live_server, person.mobile if role == Role.MEMBER else person.username, f.PASSWORD)

    expect(page.get_by_role("heading", name=f"您好，{person.full_name}")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("当前组织：甲市政协")
    expect(main.get_by_text(role.label, exact=True)).to_be_visible()
    expect(nav(page).get_by_role("link")).to_have_text(expected_nav)
    screenshot(page)


def test_wrong_password_shows_chinese_error(page, live_server, world):
    login(page, live_server, "alice", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("用户名（或手机号）与密码不匹配，请重新输入。")
    expect(page.get_by_label("用户名或手机号")).to_have_value("alice")
    expect(nav(page)).to_have_count(0)


def test_five_failures_lock_the_account_even_for_the_right_password(page, live_server, world, screenshot):
    for _ in range(4):
        login(page, live_server, "alice", "wrong-password-1")
        expect(page.get_by_role("alert")).to_contain_text("与密码不匹配")
    login(page, live_server, "alice", "wrong-password-1")
    expect(page.get_by_role("alert")).to_contain_text("登录失败次数过多")

    login(page, live_server, "alice", f.PASSWORD)

    expect(page.get_by_role("alert")).to_contain_text("登录失败次数过多，该账号或地址已被锁定 15 分钟")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    expect(nav(page)).to_have_count(0)
    screenshot(page)


def test_admin_creates_edits_and_finds_a_member_and_the_audit_log_records_it(
    page, live_server, world, screenshot
):
    f.SectorFactory(organization=world.org, name="经济界")
    education = f.SectorFactory(organization=world.org, name="教育界")
    f.CommitteeFactory(organization=world.org, name="经济委员会")
    f.MemberFactory(organization=world.org, term=world.term, person__full_name="欧阳明", sector=education)
    login(page, live_server, "alice", f.PASSWORD)

    go(page, "委员名册")
    follow(page, "新增委员")
    page.get_by_label("姓名").fill("司马光明")
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("手机号").fill("1390000")
    page.get_by_label("界别").select_option(label="经济界")
    page.get_by_role("checkbox", name="经济委员会").check()
    page.get_by_role("checkbox", name="常委").check()
    page.get_by_label("工作单位及职务").fill("甲市发展和改革委员会副主任")
    submit(page, "保存")

    expect_field_error(page, "手机号", "请输入 11 位中国大陆手机号，例如 13812345678。")
    expect(page.get_by_label("姓名")).to_have_value("司马光明")
    screenshot(page, "field-error")
    assert not Member.objects.filter(name="司马光明").exists()

    page.get_by_label("手机号").fill("13900001111")
    submit(page, "保存")
    expect(page.get_by_role("status")).to_have_text("已添加委员“司马光明”。")
    expect(page.get_by_role("heading", name="司马光明")).to_contain_text("常委")
    facts = page.get_by_role("definition")
    expect(facts.filter(has_text="经济委员会")).to_have_count(1)
    expect(facts.filter(has_text="13900001111")).to_have_count(1)

    follow(page, "编辑")
    page.get_by_label("工作单位及职务").fill("甲市财政局局长")
    submit(page, "保存")
    expect(page.get_by_role("status")).to_have_text("委员信息已保存。")
    expect(facts.filter(has_text="甲市财政局局长")).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has_text="修改")).to_contain_text(
        "工作单位及职务：甲市发展和改革委员会副主任 → 甲市财政局局长"
    )
    screenshot(page, "detail")

    go(page, "委员名册")
    page.get_by_label("搜索").fill("司马")
    submit(page, "查询")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="司马光明")).to_be_visible()
    expect(table.get_by_role("link")).to_have_count(1)

    page.get_by_label("搜索").fill("")
    page.get_by_label("界别").select_option(label="教育界")
    submit(page, "查询")
    expect(table.get_by_role("link")).to_have_text(["欧阳明"])
    screenshot(page, "roster")

    go(page, "审计日志")
    created = page.get_by_role("row").filter(has_text="司马光明").filter(has_text="新建")
    expect(created).to_contain_text("张爱丽")
    expect(created).to_contain_text("姓名：（空） → 司马光明")
    # Audited values read as Chinese, not as stored codes.
    expect(created).to_contain_text("专委会：（空） → 经济委员会")
    expect(created).to_contain_text("常委：（空） → 是")
    expect(created).to_contain_text("状态：（空） → 在职")
    expect(created).not_to_contain_text("True")
    expect(page.get_by_role("row").filter(has_text="司马光明").filter(has_text="修改")).to_have_count(1)
    screenshot(page, "audit")


def test_roster_import_with_errors_lists_them_imports_nothing_and_offers_the_report(
    page, live_server, world, screenshot
):
    f.SectorFactory(organization=world.org, name="经济界")
    members_before = Member.objects.filter(organization=world.org).count()
    bad = roster_xlsx(
        [
            ("王一", "男", "13900000001", "经济界", "", "否", "甲市商务局"),
            ("王二", "女", "13900000001", "经济界", "", "否", ""),
            ("王三", "男", "13900000003", "不存在的界别", "", "否", ""),
            ("", "男", "13900000004", "经济界", "", "否", ""),
            ("王五", "男", "12345", "经济界", "", "否", ""),
        ]
    )
    login(page, live_server, "alice", f.PASSWORD)
    go(page, "委员名册")
    follow(page, "从 Excel 导入")

    upload_roster(page, bad, "名册-有错.xlsx")

    expect(page.get_by_role("heading", name="导入结果：名册-有错.xlsx")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("文件中有 4 处错误，未导入任何数据。请修改后重新上传。")
    expected = [
        ["3", "手机号", "13900000001", "与第 2 行的手机号重复"],
        ["4", "界别", "不存在的界别", "未知的界别，请先在“组织设置”中添加"],
        ["5", "姓名", "", "姓名不能为空"],
        ["6", "手机号", "12345", "手机号格式不正确，应为 11 位数字"],
    ]
    body_rows = page.get_by_role("row").filter(has=page.get_by_role("cell"))
    expect(body_rows).to_have_count(len(expected))
    for index, cells in enumerate(expected):
        expect(body_rows.nth(index).get_by_role("cell")).to_have_text(cells)
    screenshot(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载错误报告(Excel)").click()
    download = download_info.value
    record = RosterImport.objects.get()
    assert download.suggested_filename == f"名册导入错误报告-{record.pk}.xlsx"
    sheet = openpyxl.load_workbook(BytesIO(download.path().read_bytes())).active
    report = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    assert report == [["行号", "列", "内容", "原因"], *expected]

    assert record.status == RosterImport.Status.REJECTED
    assert Member.objects.filter(organization=world.org).count() == members_before
    assert not Person.objects.filter(mobile="13900000001").exists()
    go(page, "委员名册")
    expect(page.get_by_role("table")).not_to_contain_text("王一")


def test_roster_import_of_a_good_file_adds_the_members(page, live_server, world, screenshot):
    f.SectorFactory(organization=world.org, name="经济界")
    f.SectorFactory(organization=world.org, name="教育界")
    f.CommitteeFactory(organization=world.org, name="经济委员会")
    good = roster_xlsx(
        [
            ("欧阳青", "女", "13900002001", "经济界", "经济委员会", "是", "甲市科技局局长"),
            ("上官云", "男", "13900002002", "教育界", "", "否", "甲市第一中学校长"),
        ]
    )
    login(page, live_server, "alice", f.PASSWORD)
    go(page, "委员名册")
    follow(page, "从 Excel 导入")

    upload_roster(page, good, "名册.xlsx")

    expect(page.get_by_role("status")).to_have_text("已导入 2 名委员（共 2 行）。")
    follow(page, "查看委员名册")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="欧阳青"))
    expect(row.get_by_role("cell")).to_have_text(
        ["欧阳青", "女", "经济界", "经济委员会", "是", "甲市科技局局长", "139****2001", "在职"]
    )
    expect(page.get_by_role("link", name="上官云")).to_be_visible()
    screenshot(page)


def test_admin_adds_a_handling_unit_and_a_plenary_session(page, live_server, world, screenshot):
    login(page, live_server, "alice", f.PASSWORD)
    go(page, "组织设置")
    follow(page, re.compile("^承办单位"))
    follow(page, "新增承办单位")
    page.get_by_label("名称").fill("甲市住房和城乡建设委员会")
    page.get_by_label("简称").fill("市住建委")
    page.get_by_label("联系人").fill("陈红")
    submit(page, "保存")

    expect(page.get_by_role("status")).to_have_text("承办单位“甲市住房和城乡建设委员会”已保存。")
    expect(page.get_by_role("row").filter(has_text="甲市住房和城乡建设委员会")).to_contain_text("市住建委")
    follow(page, "返回组织设置")
    expect(page.get_by_role("link", name=re.compile("^承办单位"))).to_have_text("承办单位1")

    follow(page, re.compile("^全体会议"))
    follow(page, "新增全体会议")
    page.get_by_label("届次").select_option(label="第六届")
    page.get_by_label("会次序号").fill("1")
    page.get_by_label("名称").fill("第一次会议")
    page.get_by_label("年度").fill("2024")
    page.get_by_label("开幕日期").fill("2024-01-15")
    page.get_by_label("闭幕日期").fill("2024-01-12")
    page.get_by_label("大会提案征集开始").fill("2023-10-15")
    page.get_by_label("大会提案截止").fill("2024-01-14")
    submit(page, "保存")
    expect_field_error(page, "闭幕日期", "闭幕日期不能早于开幕日期。")

    page.get_by_label("闭幕日期").fill("2024-01-18")
    submit(page, "保存")
    expect(page.get_by_role("status")).to_have_text("全体会议“第六届第一次会议”已保存。")
    expect(page.get_by_role("row").filter(has_text="第一次会议").get_by_role("cell")).to_have_text(
        ["第六届", "第一次会议", "2024", "2024年1月15日", "2024年1月14日", "编辑"]
    )
    screenshot(page)


def test_admin_grants_the_handler_role_to_a_new_person_who_can_then_sign_in(
    page, live_server, world, screenshot
):
    f.HandlingUnitFactory(organization=world.org, name="甲市教育局")
    login(page, live_server, "alice", f.PASSWORD)
    go(page, "角色授权")
    follow(page, "授予角色")
    page.get_by_label("姓名").fill("赵承办")
    page.get_by_label("手机号").fill("13700001234")
    page.get_by_label("角色").select_option(label="承办单位用户")
    page.get_by_label("初始密码").fill("Chengban-2026")
    submit(page, "授予")
    expect_field_error(page, "承办单位（承办单位用户必选）", "承办单位用户必须选择所属承办单位。")

    page.get_by_label("承办单位（承办单位用户必选）").select_option(label="甲市教育局")
    page.get_by_label("初始密码").fill("Chengban-2026")
    submit(page, "授予")

    expect(page.get_by_role("status")).to_have_text("已授予赵承办“承办单位用户”角色。")
    row = page.get_by_role("row").filter(has_text="赵承办")
    expect(row).to_contain_text("承办单位用户")
    expect(row).to_contain_text("甲市教育局")
    page.get_by_label("角色").select_option(label="承办单位用户")
    submit(page, "查询")
    expect(page.get_by_role("row").filter(has=page.get_by_role("cell"))).to_have_count(1)
    screenshot(page)

    submit(page, "退出")
    login(page, live_server, "13700001234", "Chengban-2026")
    expect(page.get_by_role("main").get_by_text("承办单位用户", exact=True)).to_be_visible()
    expect(nav(page).get_by_role("link")).to_have_text(HANDLER_NAV)


def test_person_in_two_organisations_switches_between_them(page, live_server, world, screenshot):
    dora = f.PersonFactory(username="dora", full_name="孙多拉")
    f.RoleGrantFactory(organization=world.org, person=dora, role=Role.ORG_ADMIN)
    f.MemberFactory(organization=world.other_org, person=dora, term=world.other_term)
    login(page, live_server, "dora", f.PASSWORD)
    switcher = page.get_by_label("切换组织")
    expect(switcher).to_have_value(str(world.org.pk))
    expect(nav(page).get_by_role("link")).to_have_text(ALL_NAV)

    with page.expect_navigation():
        switcher.select_option(label="乙市政协")

    expect(page.get_by_role("status")).to_have_text("已切换到“乙市政协”。")
    expect(page.get_by_role("main")).to_contain_text("当前组织：乙市政协")
    expect(switcher).to_have_value(str(world.other_org.pk))
    expect(nav(page).get_by_role("link")).to_have_text(MEMBER_NAV)
    screenshot(page)

    # The choice is remembered at the next sign-in.
    submit(page, "退出")
    login(page, live_server, "dora", f.PASSWORD)
    expect(page.get_by_role("main")).to_contain_text("当前组织：乙市政协")


def test_sign_out_returns_to_sign_in_and_pages_need_it_again(page, live_server, world):
    login(page, live_server, "alice", f.PASSWORD)

    submit(page, "退出")

    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.goto(f"{live_server.url}/roster/")
    assert "/accounts/login/?next=/roster/" in page.url
    page.get_by_label("用户名或手机号").fill("alice")
    page.get_by_label("密码").fill(f.PASSWORD)
    submit(page, "登录")
    expect(page.get_by_role("heading", name="委员名册")).to_be_visible()


def test_error_pages_are_in_chinese(page, live_server, world, screenshot):
    login(page, live_server, "bob", f.PASSWORD)
    response = page.goto(f"{live_server.url}/roster/")
    assert response.status == 403
    expect(page.get_by_role("heading")).to_have_text("403 无权访问")
    expect(page.get_by_role("main")).to_contain_text("您没有执行此操作的权限。")
    expect(page).to_have_title("无权访问 · 数字政协履职平台")
    screenshot(page, "403")

    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading")).to_have_text("404 页面不存在")
    # The message card is as tall as its text, not stretched to the window.
    assert page.get_by_role("main").bounding_box()["height"] < 300
    screenshot(page, "404")
    follow(page, "返回首页")
    expect(page.get_by_role("heading", name="您好，李博")).to_be_visible()

    # Another organisation's record answers exactly like a missing one.
    submit(page, "退出")
    login(page, live_server, "alice", f.PASSWORD)
    response = page.goto(f"{live_server.url}/roster/{world.charlie_member.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading")).to_have_text("404 页面不存在")


def test_pages_fit_a_phone_and_the_menu_opens_the_navigation(
    phone_page, live_server, world, as_actor, screenshot
):
    page = phone_page
    sector = f.SectorFactory(organization=world.org, name="中国国民党革命委员会")
    f.SessionFactory(term=world.term)
    f.HandlingUnitFactory(organization=world.org, name="甲市住房和城乡建设委员会", short_name="市住建委")
    services.create_member(
        actor=as_actor(world.alice, world.org),
        full_name="欧阳青云",
        mobile="13900003001",
        term=world.term,
        sector=sector,
        is_standing=True,
        workplace="甲市人民政府发展研究中心宏观经济研究处副处长（主持工作）兼市经济学会秘书长",
    )
    page.goto(f"{live_server.url}/accounts/login/")
    assert_fits_phone(page)
    screenshot(page, "login")
    login(page, live_server, "alice", f.PASSWORD)

    menu_link = nav(page).get_by_role("link", name="委员名册")
    expect(menu_link).to_be_hidden()
    assert_fits_phone(page)
    screenshot(page, "home")
    page.get_by_text("☰ 菜单").click()
    expect(menu_link).to_be_visible()
    screenshot(page, "menu-open")
    with page.expect_navigation():
        menu_link.click()
    expect(page.get_by_role("heading", name="委员名册")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "roster")

    follow(page, "欧阳青云")
    assert_fits_phone(page)
    screenshot(page, "member")

    upload = roster_xlsx([("", "男", "1390000", "无此界别", "", "也许", "")])
    pages = {
        "member-new": "/roster/new/",
        "import": "/roster/import/",
        "org": "/org/",
        "sessions": "/org/sessions/",
        "session-new": "/org/sessions/new/",
        "units": "/org/handling-units/",
        "roles": "/roles/",
        "role-new": "/roles/new/",
        "audit": "/audit/",
        "password": "/accounts/password/",
        "404": "/no-such-page/",
    }
    for step, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_fits_phone(page)
        screenshot(page, step)
        if step == "import":
            upload_roster(page, upload, "名册.xlsx")
            expect(page.get_by_role("alert")).to_contain_text("未导入任何数据")
            assert_fits_phone(page)
            screenshot(page, "import-result")
