"""Excel files the staff download."""

from io import BytesIO
from urllib.parse import quote

import openpyxl
from django.http import HttpResponse
from openpyxl.styles import Font

from .imports import HEADERS
from .models import RosterImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file to save, its Chinese name kept (RFC 5987)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(book: openpyxl.Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    book.save(buffer)
    return download(buffer.getvalue(), filename, XLSX)


def _sheet(book: openpyxl.Workbook, title: str, headers: list[str]):
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def import_report_workbook(record: RosterImport) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = _sheet(book, "错误报告", ["行号", "列", "内容", "原因"])
    for error in record.errors:
        sheet.append([error["row"], error["column"], error["value"], error["reason"]])
    sheet.column_dimensions["D"].width = 50
    return book


def roster_template_workbook() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = _sheet(book, "委员名册", HEADERS)
    sheet.append(["张三", "男", "13800000000", "经济界", "经济委员会、提案委员会", "否", "某某公司 总经理"])
    return book
