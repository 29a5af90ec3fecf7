"""The application's URLs plus `/bench/ceiling/`: a fixed 6 kB page from a minimal view.

It passes the full middleware stack like any page but reads no database and renders no template,
so its requests/s is what the server settings allow at most on this machine.
"""

from django.http import HttpResponse
from django.urls import path

from zhengxie import urls

CEILING_BYTES = 6 * 1024
_PAGE = ("<!doctype html><html lang=zh-hans><title>ceiling</title><p>" + "政" * 2000)[: CEILING_BYTES // 3]
BODY = _PAGE.encode().ljust(CEILING_BYTES, b" ")


def ceiling(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/ceiling/", ceiling), *urls.urlpatterns]
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
