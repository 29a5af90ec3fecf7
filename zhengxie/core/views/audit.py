from django.shortcuts import render

from .. import selectors
from ..audit import action_label
from ..decorators import requires
from ..forms import AuditFilterForm


@requires("audit.view")
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "object_type": data["object_type"].strip(),
            "object_id": data["object_id"].strip(),
            "actor_id": data["actor"],
            "action": data["action"].strip(),
            "since": data["since"],
            "until": data["until"],
        }
    page = selectors.paginate(selectors.audit_events(**filters), request.GET.get("page"), per_page=30)
    rows = [(event, action_label(event.action)) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
