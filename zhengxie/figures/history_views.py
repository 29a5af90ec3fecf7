"""Placeholder until the history import page lands (being written now)."""

from django.http import Http404


def import_history(request):
    raise Http404
