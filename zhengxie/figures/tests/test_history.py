"""The import of past years: a hand-made workbook gives the figures counted by hand; any bad row and
nothing is written, each problem reported with its sheet, row, column and reason; never a 500."""

from decimal import Decimal
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from zhengxie.core.models import HandlingUnit, Member, Person, PlenarySession, Term
from zhengxie.figures import registry
from zhengxie.figures.history import chinese_number, import_history
from zhengxie.opinions import history as opinions
from zhengxie.opinions.models import Issue, Report
from zhengxie.proposals import facts
from zhengxie.proposals import history as proposals
from zhengxie.proposals.models import Proposal, Reply
from zhengxie.search.models import Entry

pytestmark = pytest.mark.django_db

P = proposals.HEADERS
# 届次, 会议, 年度, 提案号, 案由, 提案人, 提案类型, 提交单位, 提交时间, 提交阶段, 审查结果, 处理方式, 并入提案号, 类别,
# 主办单位, 协办单位, 交办时间, 办理期限, 答复时间, 答复类别, 满意度, 重点提案, 面商
SESSION = ["第十四届", "十四届二次会议", 2023]
PROPOSALS = [
    [1, "关于加快城乡公交一体化的建议", "张三", "个人", "", "2023-01-10", "大会期间", "立案", "", "", "城乡建设",
     "交通运输局", "", "2023-02-20", "2023-05-20", "2023-04-28", "A", "满意", "是", "是"],
    [2, "关于推进学前教育普惠发展的建议", "李四、王五", "联名", "", "2023/1/11", "大会期间", "立案", "", "", "教育",
     "教育局", "财政局", "2023-02-20", "2023-05-20", "2023年6月1日", "B", "基本满意", "否", "否"],
    [3, "关于农村道路养护的建议", "赵六", "集体", "民盟市委", "2023-06-01", "平时", "立案", "", "", "",
     "交通运输局", "", "2023-07-01", "", "2023-08-01", "C", "不满意", "", ""],
    [4, "关于社区医院建设的建议", "张三", "个人", "", "2023-06-02", "平时", "立案", "", "", "",
     "卫生健康委", "", "2023-07-01", "", "", "", "", "", ""],
    [5, "关于图书馆延时开放的建议", "钱七", "个人", "", "2023-01-12", "大会期间", "立案", "", "", "", "", "", "", "",
     "", "", "", "", ""],
    [6, "关于某企业纠纷的建议", "孙八", "个人", "", "2023-01-12", "大会期间", "不予立案", "工作参考", "", "", "", "",
     "", "", "", "", "", "", ""],
    [7, "关于小区停车难的建议", "孙八", "个人", "", "2023-01-13", "大会期间", "不予立案", "转社情民意", "", "", "",
     "", "", "", "", "", "", "", ""],
    [8, "关于城乡公交票价的建议", "张三、李四", "联名", "", "2023-01-13", "大会期间", "并案", "", 1, "", "", "", "",
     "", "", "", "", "", ""],
    [9, "关于夜市管理的建议", "周九", "个人", "", "2023-06-05", "平时", "退回修改", "", "", "", "", "", "", "", "",
     "", "", "", ""],
    [10, "关于中小学课后服务的建议", "吴十", "个人", "", "2023-01-14", "大会期间", "立案", "", "", "教育", "教育局",
     "", "2023-02-20", "", "2023-04-01", "A", "", "", "是"],
]  # fmt: skip
REPORTS = [
    ["老旧小区加装电梯难", "张三", "委员", "2023-03-05", "已采用", 1, "是", "市", "2023-04-02"],
    ["农贸市场秩序混乱", "李四", "委员", "2023-03-06", "已采用", 1, "", "", ""],
    ["独居老人就餐困难", "新人甲", "信息员", "2023-05-01", "已采用", 2, "否", "省", "2023-06-01"],
    ["公园照明不足", "王五", "委员", "2023-05-02", "未采用", "", "", "", ""],
    ["校车安全隐患", "王五", "参加单位", "2023-06-01", "", "", "", "", ""],
]
COUNTED = {
    "proposals": {
        "received": 10, "received_plenary": 7, "received_ordinary": 3, "received_member": 9,
        "received_collective": 1, "filed": 6, "filed_member": 5, "filed_collective": 1, "not_filed": 2,
        "not_filed_reference": 1, "not_filed_opinion": 1, "not_filed_letter": 0, "returned": 1, "merged": 1,
        "assigned": 5, "handling_units": 4, "replied": 4, "replied_on_time": 3, "replied_late": 1,
        "on_time_rate": Decimal("75.00"), "class_a": 2, "class_b": 1, "class_c": 1, "rated": 3, "satisfied": 1,
        "basically_satisfied": 1, "unsatisfied": 1, "satisfied_rate": Decimal("33.33"),
        "basically_satisfied_rate": Decimal("33.33"), "unsatisfied_rate": Decimal("33.33"), "face_to_face": 2,
        "face_to_face_rate": Decimal("40.00"), "key": 1, "rehandled": 0,
    },
    "opinions": {
        "received": 5, "adopted": 3, "not_adopted": 1, "pending": 1, "issues": 2, "forwarded": 1, "instructed": 2,
        "instructed_county": 0, "instructed_city": 1, "instructed_province": 1, "instructed_national": 0,
    },
}  # fmt: skip


def workbook(proposal_rows=None, report_rows=None, *, proposal_headers=None) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    if proposal_rows is not None:
        sheet = book.create_sheet(proposals.SHEET)
        sheet.append(proposal_headers or P)
        for row in proposal_rows:
            sheet.append(row)
    if report_rows is not None:
        sheet = book.create_sheet(opinions.SHEET)
        sheet.append(opinions.HEADERS)
        for row in report_rows:
            sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good() -> bytes:
    return workbook([SESSION + row for row in PROPOSALS], REPORTS)


def run(pw, data: bytes, filename: str = "往年.xlsx"):
    with scope(organization=pw.org):
        return import_history(actor=pw.actor(pw.staff), file=BytesIO(data), filename=filename)


def _counts() -> tuple[int, ...]:
    with scopes_disabled():
        return (
            Proposal.objects.count(),
            Report.objects.count(),
            Person.objects.count(),
            HandlingUnit.objects.count(),
            PlenarySession.objects.count(),
            Issue.objects.count(),
        )


def test_chinese_numbers_of_terms_sessions_and_years():
    assert chinese_number("第十四届") == 14
    assert chinese_number("十四届二次会议") == 2
    assert chinese_number("第三次会议") == 3
    assert chinese_number("14") == 14
    assert chinese_number("二十") == 20
    assert chinese_number("一百零五") == 105
    assert chinese_number("会议") is None


def test_an_imported_year_gives_the_figures_counted_by_hand(pw):
    result = run(pw, good())
    assert result.ok, result.errors
    with scope(organization=pw.org):
        assert registry.compute(pw.org, 2023) == COUNTED
        assert not facts.drift(Proposal.objects.all()).exists()
        # What the rows became, as an office would look them up.
        merged = Proposal.objects.get(session__year=2023, number=8)
        assert merged.merged_into.number == 1
        assert Proposal.objects.get(session__year=2023, number=4).state == Proposal.State.HANDLING
        assert Reply.objects.get(proposal__number=2).result_class == "B"
        issue = Issue.objects.get(year=2023, number=1)
        assert issue.state == Issue.State.PUBLISHED and issue.items.count() == 2
        assert Report.objects.get(title="老旧小区加装电梯难").points > 0
    # Found by the full-text search like any record.
    with scopes_disabled():
        assert Entry.objects.filter(source="proposal").count() == 10
        assert Entry.objects.filter(source="opinion").count() == 5
    summary = result.summary
    assert summary["提案"] == {"total": 10, "years": {"2023": 10}}
    assert summary["社情民意"] == {"total": 5, "years": {"2023": 5}, "issues": 2}
    created = summary["created"]
    assert set(created["people"]) == {
        "张三",
        "李四",
        "王五",
        "赵六",
        "钱七",
        "孙八",
        "周九",
        "吴十",
        "新人甲",
    }
    # 交通运输局 and 教育局 are the organisation's already.
    assert set(created["units"]) == {"财政局", "卫生健康委", "民盟市委"}
    assert created["terms"] == ["第14届"] and created["sessions"] == ["第14届第2次会议（2023年）"]
    with scopes_disabled():
        zhang = Person.objects.get(full_name="张三")
        assert not zhang.has_usable_password()
        member = Member.objects.get(person=zhang)
        assert (member.status, member.organization, member.term.number) == (Member.Status.FORMER, pw.org, 14)


def test_the_same_file_twice_is_refused_and_the_second_time_writes_nothing(pw):
    assert run(pw, good()).ok
    before = _counts()
    result = run(pw, good())
    assert not result.ok
    assert _counts() == before
    reasons = {(e.sheet, e.column) for e in result.errors}
    assert ("提案", "提案号") in reasons and ("社情民意", "期号") in reasons


def test_the_command_imports_and_says_what_it_created(pw, tmp_path):
    path = tmp_path / "往年.xlsx"
    path.write_bytes(good())
    out = StringIO()
    call_command("import_history", str(path), "--org", "jia", "--by", "staff", stdout=out)
    text = out.getvalue()
    assert "已导入提案 10 件（2023年 10 件）" in text
    assert "已导入社情民意 5 篇（2023年 5 篇），编入期刊 2 期" in text
    assert "新建往届委员（不能登录） 9 个" in text
    with scope(organization=pw.org):
        assert registry.compute(pw.org, 2023)["proposals"]["received"] == 10


def test_the_command_reports_each_problem_and_imports_nothing(pw, tmp_path):
    rows = [SESSION + row for row in PROPOSALS]
    rows[2][10] = "已立案"  # 审查结果 of spreadsheet row 4
    path = tmp_path / "坏.xlsx"
    path.write_bytes(workbook(rows, REPORTS))
    err = StringIO()
    with pytest.raises(CommandError, match="有 1 处错误，未导入任何数据"):
        call_command("import_history", str(path), "--org", "jia", "--by", "staff", stderr=err)
    assert "[提案] 第 4 行 [审查结果] 已立案：无法识别的审查结果“已立案”" in err.getvalue()
    assert _counts()[0] == 0
    with pytest.raises(CommandError, match="不是.*机关管理员或提案工作人员"):
        call_command("import_history", str(path), "--org", "jia", "--by", "bob")


def _problems(pw, data) -> list[tuple]:
    before = _counts()
    result = run(pw, data)
    assert not result.ok
    assert _counts() == before, "a refused workbook wrote something"
    return [(e.sheet, e.row, e.column, e.reason) for e in result.errors]


def test_missing_headers_are_named(pw):
    headers = [h for h in P if h not in ("审查结果", "提交时间")]
    problems = _problems(pw, workbook([], None, proposal_headers=headers))
    assert problems == [("提案", 1, "提交时间、审查结果", "缺少必需的列：提交时间、审查结果")]


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        (0, "审查结果", "同意", "无法识别的审查结果“同意”，应为立案、不予立案、并案、退回修改之一"),
        (7, "并入提案号", 99, "同一会议中没有立案的第99号提案可以并入"),
        (0, "答复时间", "2023-02-01", "答复时间早于交办时间"),
        (0, "交办时间", "2023-01-01", "交办时间早于提交时间"),
        (0, "提交时间", "去年春天", "提交时间不是有效的日期，请填写如 2023-03-05 的日期"),
        (0, "答复类别", "D", "无法识别的答复类别“D”，应为A、B、C、A类、B类、C类之一"),
        (
            5,
            "处理方式",
            "",
            "处理方式不能为空，应为工作参考、转为工作参考、转社情民意、转为社情民意、委员来信、转为委员来信之一",
        ),
        (2, "提交单位", "", "集体提案须填写提交单位"),
        (1, "提案人", "李四", "联名提案应有两位以上提案人，以“、”分隔"),
        (5, "主办单位", "交通运输局", "只有立案的提案才填写主办单位（本行审查结果为“不予立案”）"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(pw, row, column, value, reason):
    rows = [SESSION + list(r) for r in PROPOSALS]
    rows[row][P.index(column)] = value
    assert _problems(pw, workbook(rows, REPORTS)) == [("提案", row + 2, column, reason)]


def test_bad_report_rows_are_reported_too(pw):
    rows = [list(r) for r in REPORTS]
    rows[0][8] = "2023-01-01"  # instructed before it was submitted
    rows[1][5] = ""  # adopted without an issue number
    rows[3][3] = 20230502  # a number, not a date
    assert _problems(pw, workbook(None, rows)) == [
        ("社情民意", 2, "批示时间", "批示时间早于报送时间"),
        ("社情民意", 3, "期号", "期号不能为空"),
        ("社情民意", 5, "报送时间", "报送时间不是有效的日期，请填写如 2023-03-05 的日期"),
    ]


def test_duplicate_numbers_in_one_session_are_reported_on_the_second(pw):
    rows = [SESSION + list(r) for r in PROPOSALS]
    rows[4][3] = 1
    assert _problems(pw, workbook(rows, None)) == [("提案", 6, "提案号", "与第 2 行同一会议的提案号重复")]


def test_ten_thousand_rows_with_one_bad_one_import_nothing_and_name_that_row(pw):
    rows = [
        SESSION + [n, f"关于第{n}件事的建议", f"委员{n % 300}", "个人", "", "2023-01-10", "大会期间", "立案"]
        for n in range(1, 10_002)
    ]
    rows = [r + [""] * (len(P) - len(r)) for r in rows]
    rows[6_000][P.index("提交时间")] = "2023-02-30"
    assert _problems(pw, workbook(rows, None)) == [
        ("提案", 6_002, "提交时间", "提交时间不是有效的日期，请填写如 2023-03-05 的日期")
    ]


def test_files_that_are_not_workbooks_or_lack_the_sheets_are_refused(pw):
    assert [e.reason for e in run(pw, b"not a workbook").errors] == [
        "无法读取文件，请上传 Excel 工作簿（.xlsx）"
    ]
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    buffer = BytesIO()
    book.save(buffer)
    assert [e.reason for e in run(pw, buffer.getvalue()).errors] == [
        "工作簿中没有名为“提案”或“社情民意”的工作表"
    ]


def _upload(data: bytes, name: str = "往年.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_the_page_imports_and_shows_the_summary(client, pw):
    client.force_login(pw.staff)
    url = reverse("figures:import_history")
    assert client.get(url).status_code == 200
    template = client.get(url, {"template": "1"})
    sheets = openpyxl.load_workbook(BytesIO(template.content)).sheetnames
    assert sheets == ["提案", "社情民意"]
    page = client.post(url, {"file": _upload(good())})
    assert page.status_code == 200
    text = page.content.decode()
    assert "导入完成" in text and "已导入提案 10 件" in text and "新建单位 3 个" in text


def test_the_page_shows_every_problem_and_never_fails(client, pw):
    client.force_login(pw.staff)
    url = reverse("figures:import_history")
    rows = [SESSION + list(r) for r in PROPOSALS]
    rows[0][P.index("答复时间")] = "2023-02-01"
    page = client.post(url, {"file": _upload(workbook(rows, REPORTS))})
    assert page.status_code == 200
    text = page.content.decode()
    assert "未导入任何数据：共 1 处错误" in text and "答复时间早于交办时间" in text
    for data, name, message in (
        (b"hello", "a.txt", "只接受 Excel 文件(.xlsx)。"),
        (b"hello", "a.xlsx", "文件内容不是有效的 Excel(.xlsx)文件。"),
        (b"PK\x03\x04 broken", "b.xlsx", "无法读取文件，请上传 Excel 工作簿（.xlsx）"),
    ):
        page = client.post(url, {"file": _upload(data, name)})
        assert page.status_code == 200
        assert message in page.content.decode()
    empty = client.post(url, {})
    assert empty.status_code == 200 and empty.context["form"].errors["file"]
    assert _counts()[0] == 0


def test_members_and_leaders_may_not_import(client, pw):
    for person in (pw.bob, pw.leader):
        client.force_login(person)
        assert client.get(reverse("figures:import_history")).status_code == 403
        assert client.post(reverse("figures:import_history"), {"file": _upload(good())}).status_code == 403
    assert _counts()[0] == 0


def test_an_import_stays_in_its_organisation(pw):
    assert run(pw, good()).ok
    with scopes_disabled():
        assert not Proposal.objects.exclude(organization=pw.org).exists()
        assert not Term.objects.filter(organization=pw.world.other_org, number=14).exists()
    with scope(organization=pw.world.other_org):
        values = registry.compute(pw.world.other_org, 2023)
    assert all(v in (0, None) for group in values.values() for v in group.values())
