"""Exports: the register (Excel), the proposal book (Word) and reply letters (PDF). Filled in next."""

from django.http import Http404


def register_xlsx(request):
    raise Http404


def book_docx(request, session_id):
    raise Http404


def reply_pdf(request, pk):
    raise Http404
