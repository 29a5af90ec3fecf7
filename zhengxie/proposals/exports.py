"""Exports: the register (Excel), the proposal book (Word) and reply letters (PDF).

Each export reads through the same filters and permission checks as the page it belongs to, so a file
never shows what its page would not.
"""

import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from io import BytesIO

import openpyxl
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from zhengxie.core.decorators import requires
from zhengxie.core.exports import XLSX
from zhengxie.core.models import Organization, PlenarySession
from zhengxie.core.word import DOCX, SANS, SERIF, centered, chinese_date, field, fonts, page_setup

from . import forms, selectors
from .models import Assignment, Proposal, Proposer, Rating, Reply

S = Proposal.State

# ---------------------------------------------------------------- shared


def _proposer_names(proposal: Proposal, signed: list[Proposer]) -> str:
    """The lead first (by the proposal's own name, a unit's for a collective one), then the others who
    signed, from the proposal's signed `Proposer` rows."""
    return "、".join([proposal.proposer_name, *(p.name for p in signed if p.role != Proposer.Role.LEAD)])


def _signed_prefetch() -> Prefetch:
    return Prefetch(
        "proposers",
        queryset=Proposer.objects.filter(state=Proposer.State.SIGNED).order_by("id"),
        to_attr="signed",
    )


# ---------------------------------------------------------------- register (Excel)

REGISTER_HEADERS = [
    ("会次", 20),
    ("提案号", 8),
    ("案由", 40),
    ("提案人", 24),
    ("提案类型", 10),
    ("提交阶段", 10),
    ("类别", 12),
    ("状态", 10),
    ("待办方", 14),
    ("提交时间", 17),
    ("立案时间", 17),
    ("主办单位", 18),
    ("协办单位", 18),
    ("分办单位", 18),
    ("办理期限", 12),
    ("答复时间", 17),
    ("答复类别", 10),
    ("满意度", 10),
    ("重点提案", 12),
]
# Beyond this an Excel file stops being something a person reads; the last row says it was cut.
REGISTER_CAP = 100_000
REGISTER_CHUNK = 2_000


def _register_rows(actor, filters: dict) -> QuerySet[Proposal]:
    """The register page's list with what every column needs: a fixed number of queries per chunk."""
    return (
        selectors.proposal_list(actor, **filters)
        .select_related("session__term")
        .prefetch_related(
            _signed_prefetch(),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(state=Assignment.State.REROUTED)
                .select_related("unit")
                .order_by("id"),
                to_attr="live_assignments",
            ),
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(state=Reply.State.APPROVED)
                .order_by("round", "id")
                .prefetch_related(
                    Prefetch("ratings", queryset=Rating.objects.filter(is_lead=True), to_attr="lead_ratings")
                ),
                to_attr="approved_replies",
            ),
        )
    )


def _latest_replies(proposal: Proposal) -> list[tuple[str, Reply]]:
    """Each replying unit's latest approved reply (a re-handled unit's second one), with the unit's name."""
    latest: dict[int, Reply] = {}
    for reply in proposal.approved_replies:
        latest[reply.assignment_id] = reply
    return [(a.unit.name, latest[a.pk]) for a in proposal.live_assignments if a.pk in latest]


def _per_unit(replies: list[tuple[str, Reply]], value) -> str:
    if len(replies) == 1:
        return value(replies[0][1])
    return "；".join(f"{unit}：{value(reply)}" for unit, reply in replies)


def _lead_rating(reply: Reply) -> str:
    return reply.lead_ratings[0].get_result_display() if reply.lead_ratings else "未评价"


def _excel_time(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: write the local wall-clock time.
    return moment and timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _register_row(proposal: Proposal) -> list:
    units = {
        kind: "、".join(a.unit.name for a in proposal.live_assignments if a.kind == kind)
        for kind in Assignment.Kind
    }
    replies = _latest_replies(proposal)
    return [
        str(proposal.session),
        proposal.number,
        proposal.title,
        _proposer_names(proposal, proposal.signed),
        proposal.get_kind_display(),
        proposal.get_stage_display(),
        proposal.category.name if proposal.category else "",
        proposal.get_state_display(),
        proposal.get_waiting_display() if proposal.waiting else "",
        _excel_time(proposal.submitted_at),
        _excel_time(proposal.filed_at),
        units[Assignment.Kind.LEAD],
        units[Assignment.Kind.CO],
        units[Assignment.Kind.SEPARATE],
        # A proposal's own deadline is its nearest open one and clears once answered; the register
        # keeps showing the units' deadline.
        proposal.deadline or min((a.deadline for a in proposal.live_assignments), default=None),
        _excel_time(proposal.answered_at),
        _per_unit(replies, lambda r: f"{r.result_class}类"),
        _per_unit(replies, _lead_rating),
        proposal.get_key_status_display(),
    ]


def _formatted(sheet, values: list) -> list:
    """Dates and times in the formats the offices read; everything else as it is."""
    cells = []
    for value in values:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = "yyyy-mm-dd"
        else:
            cell = value
        cells.append(cell)
    return cells


@requires("proposals.view_all")
def register_xlsx(request):
    """提案登记表 with the register page's filters, written row by row to a temporary file."""
    actor = request.actor
    filters = forms.ListFilterForm(request.GET or None, organization=actor.organization)
    chosen = filters.filters() if request.GET else {}
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("提案登记表")
    for index, (_, width) in enumerate(REGISTER_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _ in REGISTER_HEADERS:
        cell = WriteOnlyCell(sheet, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    rows = _register_rows(actor, chosen)[: REGISTER_CAP + 1]
    for count, proposal in enumerate(rows.iterator(chunk_size=REGISTER_CHUNK), start=1):
        if count > REGISTER_CAP:
            sheet.append([f"仅导出了前{REGISTER_CAP}条，请缩小筛选范围后分批导出。"])
            break
        sheet.append(_formatted(sheet, _register_row(proposal)))
    target = tempfile.TemporaryFile()  # FileResponse closes it once sent
    book.save(target)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"提案登记表-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX,
    )


# ---------------------------------------------------------------- proposal book (Word)

BOOK_STATES = (S.FILED, S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW, S.ANSWERED, S.CLOSED)
BOOK_CHUNK = 500
SECTION_STYLE = "提案小标题"


def _book_proposals(actor, session: PlenarySession) -> Iterator[Proposal]:
    """The session's filed proposals by number, read a chunk at a time (keyset on the number)."""
    rows = (
        Proposal.objects.filter(organization=actor.organization, session=session, state__in=BOOK_STATES)
        .select_related("category")
        .prefetch_related(_signed_prefetch())
        .order_by("number")
    )
    last = 0
    while True:
        chunk = list(rows.filter(number__gt=last)[:BOOK_CHUNK])
        yield from chunk
        if len(chunk) < BOOK_CHUNK:
            return
        last = chunk[-1].number


def _book_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    fonts(normal.element, SERIF)
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.5
    for name, size in (("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        style = styles[name]
        fonts(style.element, SANS)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
    heading = styles["Heading 1"].paragraph_format
    heading.space_before = Pt(24)
    heading.space_after = Pt(12)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.page_break_before = True
    # 提案理由 and 具体建议 look like headings but stay out of the outline, so the table of contents
    # lists proposals, not two identical lines under each of them.
    section = styles.add_style(SECTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    section.base_style = normal
    section.next_paragraph_style = normal
    fonts(section.element, SANS)
    section.font.size = Pt(14)
    section.font.bold = True
    section.paragraph_format.space_before = Pt(12)
    section.paragraph_format.keep_with_next = True


def _title_page(document, organization: Organization, session: PlenarySession) -> None:
    centered(document, organization.name, 22, bold=True).paragraph_format.space_before = Pt(150)
    centered(document, str(session), 18)
    centered(document, "提案汇编", 36, bold=True).paragraph_format.space_before = Pt(36)
    centered(
        document, f"{organization.name}提案委员会编", 14, east_asia=SERIF
    ).paragraph_format.space_before = Pt(240)
    centered(document, f"{session.year}年", 14, east_asia=SERIF)


LIST_WIDTHS = (Mm(24), Mm(96), Mm(36))


def _contents(document):
    """The Word table of contents, then a plain list that reads without updating it; returns the list."""
    centered(document, "目　　录", 18, bold=True).paragraph_format.page_break_before = True
    field(
        document.add_paragraph(),
        r'TOC \o "1-3" \h \z \u',
        "（在此处单击右键，选择“更新域”，即可生成带页码的目录。）",
    )
    centered(document, "提案目录", 14, bold=True).paragraph_format.space_before = Pt(18)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, LIST_WIDTHS, strict=True):
        column.width = width
    _list_cells(table.rows[0].cells, ("提案号", "案由", "提案人"))
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True
    return table


def _list_cells(cells, texts: tuple[str, str, str]) -> None:
    # Word reads the cell widths, LibreOffice the grid's: set both.
    for cell, text, width in zip(cells, texts, LIST_WIDTHS, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.2
        paragraph.add_run(text)


def _list_row(table, proposal: Proposal, proposers: str) -> None:
    _list_cells(table.add_row().cells, (proposal.display_number, proposal.title, proposers))


def _body(document, title: str, text: str) -> None:
    document.add_paragraph(title, style=SECTION_STYLE)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines or ["（无）"]:
        document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)


def _footer_page_numbers(document) -> None:
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(paragraph, "PAGE")


def book_document(organization: Organization, session: PlenarySession, proposals: Iterator[Proposal]):
    """提案汇编: title page, table of contents, then every proposal with its reason and suggestions."""
    document = Document()
    document.core_properties.title = f"{organization.name}{session}提案汇编"
    _book_styles(document)
    page_setup(document)
    _footer_page_numbers(document)
    _title_page(document, organization, session)
    table = _contents(document)
    empty = True
    for proposal in proposals:
        empty = False
        proposers = _proposer_names(proposal, proposal.signed)
        _list_row(table, proposal, proposers)
        document.add_heading(f"{proposal.display_number} {proposal.title}", level=1)
        document.add_paragraph(f"提案人：{proposers}")
        document.add_paragraph(f"类别：{proposal.category.name if proposal.category else '未分类'}")
        _body(document, "提案理由", proposal.reason)
        _body(document, "具体建议", proposal.suggestions)
    if empty:
        document.add_paragraph("本次会议暂无已立案提案。")
    return document


@requires("proposals.view_all")
def book_docx(request, session_id):
    actor = request.actor
    session = (
        PlenarySession.objects.filter(organization=actor.organization, pk=session_id)
        .select_related("term")
        .first()
    )
    if session is None:
        raise Http404("会次不存在。")
    document = book_document(actor.organization, session, _book_proposals(actor, session))
    buffer = BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"提案汇编-{session}.docx", content_type=DOCX)


# ---------------------------------------------------------------- reply letter (PDF)

ORG_TITLES = {
    Organization.Level.NATIONAL: "全国政协",
    Organization.Level.PROVINCE: "省政协",
    Organization.Level.CITY: "市政协",
}


def _may_preview(actor, reply: Reply) -> bool:
    """Before approval only the office and the unit that wrote it see the letter."""
    return actor.can("proposals.manage") or selectors.handler_unit_id(actor) == reply.assignment.unit_id


def _salutation(proposal: Proposal) -> str:
    signed = list(Proposer.objects.filter(proposal=proposal, state=Proposer.State.SIGNED).order_by("id"))
    names = _proposer_names(proposal, signed)
    return f"{names}：" if proposal.kind == Proposal.Kind.COLLECTIVE else f"{names}委员："


def letter_pdf(organization: Organization, reply: Reply, proposal: Proposal) -> bytes:
    """答复函 as a PDF; the letter's only resources are the installed CJK fonts, nothing is fetched."""
    unit = reply.assignment.unit
    org_title = ORG_TITLES.get(organization.level, organization.display_name)
    contact = [
        f"{label}：{value}"
        for label, value in (("联系人", unit.contact_person), ("联系电话", unit.contact_phone))
        if value
    ]
    html = render_to_string(
        "proposals/letter_pdf.html",
        {
            "unit": unit,
            "title": f"关于{org_title}{proposal.session}{proposal.display_number}提案的答复",
            "result_class": f"（{reply.result_class}类）",
            "signer": reply.signer,
            "salutation": _salutation(proposal),
            "paragraphs": [line.strip() for line in reply.body.splitlines() if line.strip()],
            "date": chinese_date(timezone.localdate(reply.approved_at)) if reply.approved_at else "",
            "contact": "；".join(contact),
            "is_draft": reply.state != Reply.State.APPROVED,
        },
    )
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def reply_pdf(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    actor = request.actor
    if actor is None:
        raise Http404("答复不存在。")
    reply = (
        Reply.objects.filter(organization=actor.organization, pk=pk)
        .select_related("assignment__unit")
        .first()
    )
    if reply is None:
        raise Http404("答复不存在。")
    proposal = selectors.get_proposal_for_actor(actor, reply.proposal_id)
    if reply.state != Reply.State.APPROVED and not _may_preview(actor, reply):
        # A reply still under review is as unknown to proposers as a missing one.
        raise Http404("答复不存在。")
    filename = f"答复函-{proposal.display_number}-{reply.assignment.unit.name}.pdf"
    return FileResponse(
        BytesIO(letter_pdf(actor.organization, reply, proposal)),
        filename=filename,
        content_type="application/pdf",
    )
