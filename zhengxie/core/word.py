"""Word documents in the offices' layout: A4, 宋体 body, 黑体 headings, fonts named outright."""

from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

SERIF, SANS, LATIN = "宋体", "黑体", "Times New Roman"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fonts(element, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts outright: the template's theme fonts would otherwise win over the East Asian one."""
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for name in list(rfonts.attrib):
        del rfonts.attrib[name]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def page_setup(document) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(30), Mm(28)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (begin, instruction, separate, shown result, end) that Word fills in when updated."""

    def run_with(tag: str, **attrs: str):
        run = paragraph.add_run()
        child = OxmlElement(tag)
        for key, value in attrs.items():
            child.set(qn(key), value)
        run._r.append(child)
        return child

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    instr = run_with("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    if placeholder:
        paragraph.add_run(placeholder)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def centered(document, text: str, size: int, *, bold: bool = False, east_asia: str = SANS):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    fonts(run._r, east_asia)
    return paragraph


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
