"""The import of past years from Excel, on a staff page: upload, then the summary or every problem."""

import openpyxl
from django import forms
from django.shortcuts import render
from openpyxl.styles import Font

from zhengxie.core.decorators import requires
from zhengxie.core.exports import xlsx_response
from zhengxie.core.forms import ExcelUploadForm
from zhengxie.opinions import history as opinions
from zhengxie.proposals import history as proposals

from .history import SHOWN_ERRORS, summary_lines
from .history import import_history as run_import

EXAMPLES = {
    proposals.SHEET: [
        "第十四届", "十四届二次会议", 2023, 12, "关于加快城乡公交一体化的建议", "张三、李四", "联名", "",
        "2023-01-10", "大会期间", "立案", "", "", "城乡建设", "市交通运输局", "市财政局", "2023-02-20",
        "2023-05-20", "2023-04-28", "A", "满意", "否", "是",
    ],
    opinions.SHEET: ["关于老旧小区加装电梯的建议", "王五", "委员", "2023-03-05", "已采用", 8, "是", "市", "2023-04-02"],
}  # fmt: skip


class HistoryForm(ExcelUploadForm):
    file = forms.FileField(label="往年数据文件(.xlsx)")


def template_workbook() -> openpyxl.Workbook:
    """Both sheets with their headers, the required ones bold, and one example row each."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for part in (proposals, opinions):
        sheet = book.create_sheet(part.SHEET)
        sheet.append(part.HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=cell.value in part.REQUIRED)
        sheet.append(EXAMPLES[part.SHEET])
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 14
    return book


@requires("figures.import")
def import_history(request):
    if request.GET.get("template"):
        return xlsx_response(template_workbook(), "往年数据导入模板.xlsx")
    posted = request.method == "POST"
    form = HistoryForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form, "parts": [proposals, opinions]}
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        result = run_import(actor=request.actor, file=upload, filename=upload.name)
        context.update(
            result=result,
            errors=result.errors[:SHOWN_ERRORS],
            summary=summary_lines(result.summary),
            filename=upload.name,
        )
    return render(request, "figures/history_import.html", context)
