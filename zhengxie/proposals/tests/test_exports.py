import re
import subprocess
from io import BytesIO
from urllib.parse import quote

import docx
import openpyxl
from django.urls import reverse
from django.utils import timezone

from zhengxie.core.tests import factories as f
from zhengxie.core.tests.helpers import count_queries
from zhengxie.proposals import exports, services
from zhengxie.proposals.models import Category, Proposal, Reply

from .builders import answered, draft, handled, submitted

S = Proposal.State
REGISTER = reverse("proposals:register_xlsx")


def filed_titled(pw, title, **kwargs):
    return services.file_proposal(actor=pw.actor(pw.staff), proposal=submitted(pw, title=title, **kwargs))


def joint_filed(pw, title):
    """Led by bob, co-signed by dave; erin declined and is no proposer."""
    proposal = draft(pw, title=title)
    services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave, pw.erin])
    services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    services.sign_proposal(actor=pw.actor(pw.dave), proposal=proposal)
    services.decline_proposal(actor=pw.actor(pw.erin), proposal=proposal)
    proposal.refresh_from_db()
    return services.file_proposal(actor=pw.actor(pw.staff), proposal=proposal)


def sheet_rows(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == exports.XLSX
    book = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book["提案登记表"].iter_rows(values_only=True)]


def by_title(rows):
    return {row[2]: dict(zip(rows[0], row, strict=False)) for row in rows[1:]}


# ---------------------------------------------------------------- register (Excel)


def test_register_xlsx_has_the_headers_and_only_the_filtered_rows(client, pw):
    filed_titled(pw, "关于加强社区养老服务的建议")
    filed_titled(pw, "关于完善校园安全管理的建议")
    submitted(pw, title="关于尚未立案的建议")
    answered(pw)
    client.force_login(pw.staff)
    rows = sheet_rows(client.get(REGISTER, {"state": S.FILED}))
    assert rows[0] == [title for title, _ in exports.REGISTER_HEADERS]
    assert set(by_title(rows)) == {"关于加强社区养老服务的建议", "关于完善校园安全管理的建议"}
    row = by_title(rows)["关于加强社区养老服务的建议"]
    assert row["会次"] == "第六届第四次会议"
    assert row["状态"] == "已立案"
    assert row["待办方"] == "待交办"
    assert row["类别"] == pw.category.name
    assert row["提交时间"] is not None and row["立案时间"] is not None


def test_register_xlsx_without_filters_matches_the_register_page(client, pw):
    filed_titled(pw, "关于加强社区养老服务的建议")
    submitted(pw, title="关于尚未立案的建议")
    draft(pw, title="关于仍是草稿的建议")
    client.force_login(pw.staff)
    rows = sheet_rows(client.get(REGISTER))
    assert set(by_title(rows)) == {"关于加强社区养老服务的建议", "关于尚未立案的建议"}


def test_register_xlsx_lists_every_signed_proposer_lead_first(client, pw):
    joint_filed(pw, "关于推进老旧小区改造的建议")
    client.force_login(pw.staff)
    row = by_title(sheet_rows(client.get(REGISTER)))["关于推进老旧小区改造的建议"]
    assert row["提案人"] == "李博、赵大伟"
    assert row["提案类型"] == "联名提案"


def test_register_xlsx_shows_units_reply_class_and_lead_rating(client, pw):
    proposal, reply = answered(pw)
    services.rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="basic")
    client.force_login(pw.leader)
    row = by_title(sheet_rows(client.get(REGISTER)))[proposal.title]
    assert row["主办单位"] == "发展改革委"
    assert row["协办单位"] == "教育局"
    assert row["分办单位"] is None
    assert row["答复类别"] == "A类"
    assert row["满意度"] == "基本满意"
    assert row["办理期限"] is not None and row["答复时间"] is not None


def test_register_xlsx_holds_no_mobile_numbers(client, pw):
    pw.bob.mobile = "13912345678"
    pw.bob.save(update_fields=["mobile"])
    answered(pw)
    client.force_login(pw.staff)
    rows = sheet_rows(client.get(REGISTER))
    assert len(rows) == 2
    assert not any("13912345678" in str(value) for row in rows for value in row)


def test_register_xlsx_query_count_does_not_grow_with_rows(client, pw):
    client.force_login(pw.staff)
    answered(pw)
    filed_titled(pw, "关于第二件提案的建议")
    small = count_queries(client, REGISTER)
    for i in range(3):
        answered(pw)
        filed_titled(pw, f"关于第{i}件新增提案的建议")
    joint_filed(pw, "关于联名提案的建议")
    joint_filed(pw, "关于另一件联名提案的建议")
    assert Proposal.objects.filter(organization=pw.org).count() == 10
    assert count_queries(client, REGISTER) == small


def test_register_xlsx_says_when_it_was_cut(client, pw, monkeypatch):
    monkeypatch.setattr(exports, "REGISTER_CAP", 2)
    for i in range(3):
        filed_titled(pw, f"关于第{i}件提案的建议")
    client.force_login(pw.staff)
    rows = sheet_rows(client.get(REGISTER))
    assert len(rows) == 1 + 2 + 1
    assert "仅导出了前2条" in rows[-1][0]


def test_register_xlsx_has_a_chinese_filename(client, pw):
    client.force_login(pw.staff)
    response = client.get(REGISTER)
    assert f"filename*=utf-8''{quote('提案登记表-')}" in response["Content-Disposition"]


def test_register_xlsx_is_forbidden_to_a_member(client, pw):
    client.force_login(pw.bob)
    assert client.get(REGISTER).status_code == 403


def test_register_xlsx_of_another_organisation_holds_none_of_ours(client, pw):
    filed_titled(pw, "关于加强社区养老服务的建议")
    theirs = services.create_proposal(
        actor=pw.actor(pw.world.charlie_member.person, pw.world.other_org),
        title="关于乙市自己的建议",
        reason="理由",
        suggestions="建议",
        category=Category.objects.filter(organization=pw.world.other_org).first(),
    )
    services.submit_proposal(
        actor=pw.actor(pw.world.charlie_member.person, pw.world.other_org), proposal=theirs
    )
    client.force_login(pw.other_staff)
    assert set(by_title(sheet_rows(client.get(REGISTER)))) == {"关于乙市自己的建议"}
    # Our session's id in their filter is refused by the form, not used to reach our rows.
    assert set(by_title(sheet_rows(client.get(REGISTER, {"session": pw.session.pk})))) == {
        "关于乙市自己的建议"
    }


# ---------------------------------------------------------------- proposal book (Word)


def book_url(session):
    return reverse("proposals:book", args=[session.pk])


def open_book(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == exports.DOCX
    return docx.Document(BytesIO(b"".join(response.streaming_content)))


def headings(document):
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_book_lists_the_sessions_filed_proposals_in_number_order(client, pw):
    first = joint_filed(pw, "关于推进老旧小区改造的建议")
    filed_titled(pw, "关于加强社区养老服务的建议", reason="养老床位不足。\n护理人员短缺。")
    answered(pw)
    submitted(pw, title="关于尚未立案的建议")
    moved = filed_titled(pw, "关于另一会次提案的建议")
    other_session = f.SessionFactory(organization=pw.org, term=pw.world.term, number=5, name="第五次会议")
    Proposal.objects.filter(pk=moved.pk).update(session=other_session)
    client.force_login(pw.staff)
    document = open_book(client.get(book_url(pw.session)))
    assert headings(document) == [
        "第1号 关于推进老旧小区改造的建议",
        "第2号 关于加强社区养老服务的建议",
        "第3号 关于加快城乡公交一体化的建议",
    ]
    texts = [p.text for p in document.paragraphs]
    assert "第六届第四次会议" in texts and "提案汇编" in texts and pw.org.name in texts
    assert "提案人：李博、赵大伟" in texts
    assert "养老床位不足。" in texts and "护理人员短缺。" in texts
    assert texts.count("提案理由") == 3 and texts.count("具体建议") == 3
    listed = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert listed[0] == ["提案号", "案由", "提案人"]
    assert listed[1] == ["第1号", first.title, "李博、赵大伟"]
    assert len(listed) == 4


def test_book_has_a_word_table_of_contents_field(client, pw):
    filed_titled(pw, "关于加强社区养老服务的建议")
    client.force_login(pw.staff)
    document = open_book(client.get(book_url(pw.session)))
    instructions = [node.text for node in document.element.body.iter(docx.oxml.ns.qn("w:instrText"))]
    assert ' TOC \\o "1-3" \\h \\z \\u ' in instructions


def test_book_names_a_chinese_font_for_east_asian_text(client, pw):
    client.force_login(pw.staff)
    document = open_book(client.get(book_url(pw.session)))
    for name in ("Normal", "Heading 1"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) in ("宋体", "黑体")
        assert fonts.get(docx.oxml.ns.qn("w:eastAsiaTheme")) is None


def test_book_reads_proposals_in_chunks(client, pw, monkeypatch):
    monkeypatch.setattr(exports, "BOOK_CHUNK", 2)
    for i in range(5):
        filed_titled(pw, f"关于第{i + 1}件提案的建议")
    client.force_login(pw.staff)
    document = open_book(client.get(book_url(pw.session)))
    assert headings(document) == [f"第{i + 1}号 关于第{i + 1}件提案的建议" for i in range(5)]


def test_book_query_count_does_not_grow_with_proposals(client, pw):
    client.force_login(pw.staff)
    joint_filed(pw, "关于推进老旧小区改造的建议")
    filed_titled(pw, "关于第二件提案的建议")
    small = count_queries(client, book_url(pw.session))
    for i in range(8):
        filed_titled(pw, f"关于第{i}件新增提案的建议")
    assert count_queries(client, book_url(pw.session)) == small


def test_book_of_another_organisations_session_is_not_found(client, pw):
    filed_titled(pw, "关于加强社区养老服务的建议")
    client.force_login(pw.other_staff)
    assert client.get(book_url(pw.session)).status_code == 404


def test_book_is_forbidden_to_a_member(client, pw):
    client.force_login(pw.bob)
    assert client.get(book_url(pw.session)).status_code == 403


# ---------------------------------------------------------------- reply letter (PDF)


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", text.decode())


def letter_url(reply):
    return reverse("proposals:reply_pdf", args=[reply.pk])


def draft_reply(pw):
    proposal = handled(pw)
    lead, co = proposal.assignments.order_by("id")
    services.countersign(actor=pw.actor(pw.handlers[1]), assignment=co, opinion="同意。")
    return services.save_reply(
        actor=pw.actor(pw.handlers[0]),
        assignment=lead,
        body="正在研究中。",
        result_class="B",
        signer="王局长",
    )


def test_approved_letter_renders_chinese_for_the_proposer(client, pw):
    unit = pw.units[0]
    unit.contact_person, unit.contact_phone = "刘联络", "0571-87001234"
    unit.save(update_fields=["contact_person", "contact_phone"])
    _, reply = answered(pw)
    client.force_login(pw.bob)
    text = pdf_text(client.get(letter_url(reply)))
    approved = timezone.localdate(reply.approved_at)
    assert "关于市政协第六届第四次会议第1号提案的答复" in text
    assert "李博委员：" in text
    assert "经研究，答复如下" in text
    assert "（A类）" in text and "签发人：王局长" in text
    assert "发展改革委" in text
    assert "联系人：刘联络" in text and "联系电话：0571-87001234" in text
    assert f"{approved.year}年{approved.month}月{approved.day}日" in text
    assert "草稿" not in text


def test_letter_of_a_draft_reply_is_not_found_for_the_member(client, pw):
    reply = draft_reply(pw)
    assert reply.state == Reply.State.DRAFT
    client.force_login(pw.bob)
    assert client.get(letter_url(reply)).status_code == 404


def test_the_writing_unit_and_the_office_preview_a_draft_letter(client, pw):
    reply = draft_reply(pw)
    for person in (pw.handlers[0], pw.staff):
        client.force_login(person)
        text = pdf_text(client.get(letter_url(reply)))
        assert "草稿" in text and "正在研究中。" in text


def test_a_co_handling_unit_cannot_preview_the_lead_units_draft(client, pw):
    reply = draft_reply(pw)
    client.force_login(pw.handlers[1])
    assert client.get(letter_url(reply)).status_code == 404


def test_letter_is_not_found_for_another_organisation(client, pw):
    _, reply = answered(pw)
    for person in (pw.world.charlie, pw.other_staff):
        client.force_login(person)
        assert client.get(letter_url(reply)).status_code == 404


def test_letter_is_not_found_for_a_member_who_is_no_proposer(client, pw):
    _, reply = answered(pw)
    client.force_login(pw.erin)
    assert client.get(letter_url(reply)).status_code == 404


def test_letter_asks_a_visitor_to_sign_in(client, pw):
    _, reply = answered(pw)
    response = client.get(letter_url(reply))
    assert response.status_code == 302 and "login" in response["Location"]
