"""What the report pages share: back to the report's page, and a service run from a small form there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from zhengxie.core.views.helpers import apply_errors, error_text, form_errors_text, query_without_page

__all__ = ["apply_errors", "back", "error_text", "form_error", "query_without_page", "run"]


def back(record, anchor: str = "", name: str = "opinions:detail"):
    response = redirect(name, pk=record.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def run(request, record, action, success: str, anchor: str = "", name: str = "opinions:detail"):
    """Run a service from a small form on a page; a validation error comes back as a message there.

    Wrong role (403) and wrong state (409) propagate to the error pages, with nothing changed."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return back(record, anchor, name)


def form_error(request, record, form, name: str = "opinions:detail"):
    messages.error(request, form_errors_text(form))
    return back(record, name=name)
