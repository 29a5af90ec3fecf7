from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from ..forms import LoginForm
from ..middleware import SESSION_ORG_KEY
from ..services import switch_organization


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None):
    """django-axes calls this when an account or an address is locked."""
    form = LoginForm(request, data=request.POST or None)
    form.errors.clear()
    return render(
        request,
        "core/login.html",
        {"form": form, "locked": True},
        status=429,
    )


@require_POST
@login_required
def switch_org(request):
    """The switcher for people who belong to several organisations."""
    wanted = request.POST.get("organization")
    org = next((o for o in request.organizations if str(o.pk) == wanted), None)
    if org is None:
        messages.error(request, "您不属于该组织。")
        return redirect("core:home")
    request.session[SESSION_ORG_KEY] = org.pk
    switch_organization(person=request.user, organization=org)
    messages.success(request, f"已切换到“{org.name}”。")
    return HttpResponseRedirect(reverse_lazy("core:home"))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改。")
        return super().form_valid(form)
