"""Chinese error pages. They render without the request context so they never fail themselves."""

from django.http import HttpResponse
from django.template import loader


def _page(template: str, status: int, message: str = "") -> HttpResponse:
    body = loader.get_template(template).render({"message": message})
    return HttpResponse(body, status=status)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return _page("403.html", 403, message)


def not_found(request, exception=None):
    return _page("404.html", 404)


def server_error(request):
    return _page("500.html", 500)


def conflict(request, message: str):
    return _page("409.html", 409, message)
