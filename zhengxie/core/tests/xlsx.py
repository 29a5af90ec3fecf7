"""Build small Excel workbooks in memory for tests."""

from io import BytesIO

import openpyxl

ROSTER_HEADERS = ["姓名", "性别", "手机号", "界别", "专委会", "是否常委", "工作单位及职务"]


def workbook_bytes(rows, headers=ROSTER_HEADERS) -> BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer
