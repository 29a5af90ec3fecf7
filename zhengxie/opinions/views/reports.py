"""Placeholder while the pages are written (replaced in this session)."""

from django.http import HttpResponse


def _todo(request, pk=None):
    return HttpResponse("建设中")


attach = _todo
create = _todo
detail = _todo
download = _todo
edit = _todo
exclude = _todo
feedback = _todo
forward = _todo
inbox = _todo
include = _todo
instruct = _todo
merge = _todo
mine = _todo
not_adopt = _todo
receive = _todo
register = _todo
remove_attachment = _todo
revise = _todo
submit = _todo
withdraw = _todo
