"""Placeholder while the pages are written (replaced in this session)."""

from django.http import HttpResponse


def _todo(request, pk=None):
    return HttpResponse("建设中")


delete = _todo
issue_create = _todo
issue_detail = _todo
issue_docx = _todo
issue_lines = _todo
issue_list = _todo
item_edit = _todo
item_move = _todo
publish = _todo
recall = _todo
send_back = _todo
sign = _todo
signoff = _todo
