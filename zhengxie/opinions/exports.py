"""《社情民意》 issues as Word documents in the office's layout.

Title block: the publication's name in large red type, 第N期, the editing office and the date, a red rule;
then the items, each with its title, text and the names behind it; at the foot, the 报送 and 抄送 lines.
"""

from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from zhengxie.core.word import SANS, SERIF, centered, chinese_date, field, fonts, page_setup

from .models import Issue, IssueItem
from .policy import policy_for

RED = RGBColor(0xC0, 0x00, 0x00)
KAITI = "楷体"


def _rule(paragraph, color: str = "C00000", size: int = 18) -> None:
    """A rule under the paragraph: the red line of an official publication's masthead."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _masthead(document, issue: Issue, office: str) -> None:
    title = centered(document, issue.title, 40, bold=True)
    title.runs[0].font.color.rgb = RED
    title.paragraph_format.space_before = Pt(24)
    centered(document, f"第{issue.number}期", 16, east_asia=SERIF)
    line = document.add_paragraph()
    line.paragraph_format.tab_stops.add_tab_stop(Pt(440))
    left = line.add_run(f"{office}编")
    # A draft shows today's date: the office prints the date of issue, known once it is printed.
    day = issue.published_on or timezone.localdate()
    right = line.add_run(f"\t{chinese_date(day)}")
    for run in (left, right):
        fonts(run._r, SERIF)
        run.font.size = Pt(14)
    _rule(line)


def _item(document, item: IssueItem) -> None:
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(18)
    heading.paragraph_format.keep_with_next = True
    run = heading.add_run(item.title)
    run.bold = True
    run.font.size = Pt(16)
    fonts(run._r, SANS)
    for line in [part.strip() for part in item.body.splitlines() if part.strip()] or ["（无）"]:
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.first_line_indent = Pt(32)
    if item.sources:
        source = document.add_paragraph()
        source.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = source.add_run(f"（{item.sources}反映）")
        fonts(run._r, KAITI)


def _closing(document, issue: Issue) -> None:
    rows = [(label, text) for label, text in (("报送", issue.send_to), ("抄送", issue.copy_to)) if text]
    if not rows:
        return
    first = True
    for label, text in rows:
        paragraph = document.add_paragraph()
        if first:
            paragraph.paragraph_format.space_before = Pt(36)
            top = OxmlElement("w:pBdr")
            edge = OxmlElement("w:top")
            for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
                edge.set(qn(key), value)
            top.append(edge)
            paragraph._p.get_or_add_pPr().append(top)
            first = False
        run = paragraph.add_run(f"{label}：")
        run.bold = True
        fonts(run._r, SANS)
        paragraph.add_run(text)
        _rule(paragraph, "000000", 6)


def _footer(document) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(paragraph, "PAGE")


def issue_document(issue: Issue, items: list[IssueItem]):
    document = Document()
    organization = issue.organization
    office = policy_for(organization).editor_office or organization.name
    document.core_properties.title = f"{issue.title}{issue.year}年第{issue.number}期"
    normal = document.styles["Normal"]
    fonts(normal.element, SERIF)
    normal.font.size = Pt(15)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    page_setup(document)
    _footer(document)
    _masthead(document, issue, office)
    if len(items) > 1:
        contents = document.add_paragraph()
        contents.paragraph_format.space_before = Pt(12)
        run = contents.add_run("本期要目")
        run.bold = True
        fonts(run._r, SANS)
        for number, item in enumerate(items, start=1):
            document.add_paragraph(f"{number}. {item.title}")
    for item in items:
        _item(document, item)
    _closing(document, issue)
    return document


def issue_docx(issue: Issue, items: list[IssueItem]) -> bytes:
    buffer = BytesIO()
    issue_document(issue, items).save(buffer)
    return buffer.getvalue()
