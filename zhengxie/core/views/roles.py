from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..decorators import requires
from ..forms import RoleGrantForm
from ..models import RoleGrant
from ..roles import Role
from .roster import _apply_errors


@requires("roles.manage")
def role_list(request):
    grants = RoleGrant.objects.select_related("person", "handling_unit", "committee", "participating_unit")
    role = request.GET.get("role", "")
    if role in Role.values:
        grants = grants.filter(role=role)
    page = selectors.paginate(grants.order_by("role", "person__full_name", "id"), request.GET.get("page"))
    return render(
        request,
        "core/role_list.html",
        {"page": page, "roles": Role.choices, "role": role, "query": f"role={role}" if role else ""},
    )


@requires("roles.manage")
def role_grant(request):
    actor = request.actor
    form = RoleGrantForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_role(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已授予{grant.person.full_name}“{grant.get_role_display()}”角色。")
            return redirect("core:roles")
    return render(request, "core/role_form.html", {"form": form})


@require_POST
@requires("roles.manage")
def role_revoke(request, pk):
    grant = selectors.get_for_actor(RoleGrant, actor=request.actor, pk=pk)
    services.revoke_role(actor=request.actor, grant=grant)
    messages.success(request, f"已撤销{grant.person.full_name}的“{grant.get_role_display()}”角色。")
    return redirect("core:roles")
