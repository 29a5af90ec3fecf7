"""Placeholder while the pages are written (replaced in this session)."""

from django.http import HttpResponse


def _todo(request, pk=None):
    return HttpResponse("建设中")


officer_create = _todo
officer_edit = _todo
officer_list = _todo
settings_view = _todo
