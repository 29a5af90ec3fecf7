from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..models import Member


@login_required
def home(request):
    actor = request.actor
    context = {"memberships": [], "roles": []}
    if actor is not None:
        context["roles"] = sorted(actor.roles, key=lambda r: list(type(r)).index(r))
        context["memberships"] = list(
            Member.objects.filter(person=request.user, status=Member.Status.ACTIVE).select_related(
                "term", "sector"
            )
        )
    return render(request, "core/home.html", context)
