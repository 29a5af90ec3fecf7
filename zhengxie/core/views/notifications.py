from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..middleware import SESSION_ORG_KEY
from ..notifications import inbox, mark_read
from ..services import switch_organization


@login_required
def notification_list(request):
    rows = inbox(request.user)
    if request.GET.get("show") == "unread":
        rows = rows.filter(read_at=None)
    # Plain pagination: the inbox spans every organisation of the person, outside the request's scope.
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    query = "show=unread" if request.GET.get("show") == "unread" else ""
    return render(
        request,
        "core/notifications.html",
        {"page": page, "query": query, "show": request.GET.get("show", "")},
    )


@login_required
def notification_open(request, pk):
    """Mark one notification read and go to what it is about, in its organisation."""
    note = get_object_or_404(inbox(request.user), pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.organization is None or note.organization_id != request.organization.pk:
        org = next((o for o in request.organizations if o.pk == note.organization_id), None)
        if org is not None:
            request.session[SESSION_ORG_KEY] = org.pk
            switch_organization(person=request.user, organization=org)
    return redirect(note.url or "core:notifications")


@require_POST
@login_required
def notification_read_all(request):
    count = mark_read(request.user)
    messages.success(request, f"已将 {count} 条通知标记为已读。")
    return redirect("core:notifications")
