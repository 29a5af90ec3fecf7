"""The annual report pack as Word and Excel: the organisation's name and year, the sentences, the full table."""

from io import BytesIO

import openpyxl
from docx import Document
from docx.shared import Pt
from openpyxl.styles import Font

from zhengxie.core.word import SANS, SERIF, centered, fonts, page_setup

from . import registry, sentences


def _shown(value) -> str:
    if value is None:
        return "—"
    return f"{value}%" if not isinstance(value, int) else str(value)


def as_json(name: str, year: int, values: dict) -> dict:
    """The report as JSON: counts as integers, rates as strings with two decimals ("98.03"), none as null."""
    shown = {
        group: {k: (str(v) if v is not None and not isinstance(v, int) else v) for k, v in figures.items()}
        for group, figures in values.items()
    }
    return {"organization": name, "year": year, **shown}


def _rows(values: dict):
    for group in registry.groups():
        for figure in registry.figures(group):
            yield group, figure, values.get(group, {}).get(figure.name)


def report_docx(name: str, year: int, values: dict) -> bytes:
    document = Document()
    document.core_properties.title = f"{name}{year}年度统计"
    normal = document.styles["Normal"]
    fonts(normal.element, SERIF)
    normal.font.size = Pt(12)
    page_setup(document)
    centered(document, f"{name}{year}年度工作统计", 18, bold=True)
    for group in registry.groups():
        heading = document.add_paragraph()
        run = heading.add_run(registry.group(group).heading)
        run.bold = True
        fonts(run._r, SANS)
        lines = sentences.write(group, values.get(group, {}))
        paragraph = document.add_paragraph("".join(lines) or "本年度无数据。")
        paragraph.paragraph_format.first_line_indent = Pt(24)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("项目", "数值", "统计口径"), strict=True):
        cell.text = text
    for group, figure, value in _rows(values):
        cells = table.add_row().cells
        cells[0].text = f"{registry.group(group).heading}·{figure.label}"
        cells[1].text = _shown(value)
        cells[2].text = figure.definition
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_xlsx(name: str, year: int, values: dict) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "年度统计"
    sheet.append([f"{name}{year}年度工作统计"])
    sheet["A1"].font = Font(bold=True, size=14)
    for group in registry.groups():
        sheet.append([registry.group(group).heading, "".join(sentences.write(group, values.get(group, {})))])
    sheet.append([])
    sheet.append(["分类", "项目", "代码", "数值", "统计口径"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for group, figure, value in _rows(values):
        shown = value if isinstance(value, int) else (float(value) if value is not None else None)
        sheet.append(
            [registry.group(group).heading, figure.label, f"{group}.{figure.name}", shown, figure.definition]
        )
    for column, width in zip("ABCDE", (16, 22, 34, 10, 60), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
