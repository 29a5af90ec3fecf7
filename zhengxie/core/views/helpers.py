"""Small pieces every app's views share: form errors from a service, list query strings, a settings page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def error_text(error: ValidationError) -> str:
    """A service's validation error as one Chinese sentence for a message."""
    return "；".join(error.messages)


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (or above it when no field matches)."""
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def form_errors_text(form) -> str:
    """A small form's errors as one message: “label：error、error；…”."""
    return "；".join(
        f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{'、'.join(e)}"
        for f, e in form.errors.items()
    )


def query_without_page(request) -> str:
    """The list's filters as a query string, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def settings_page(request, *, form_class, update, template: str, saved: str, url: str):
    """An application's settings page (a `core.policies.PolicyForm`): the form with the organisation's rules,
    saved through the service `update(actor=, values=)`, whose refusals land on the form's fields."""
    actor = request.actor
    form = form_class(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        try:
            update(actor=actor, values=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(url)
    return render(request, template, {"form": form})
