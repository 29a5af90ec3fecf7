"""The office's side: registered information officers (managed by the org admin) and the report settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zhengxie.core.decorators import requires
from zhengxie.core.selectors import paginate
from zhengxie.core.views.helpers import settings_page

from .. import forms, selectors, services
from ..models import InfoOfficer
from .common import apply_errors


@requires("opinions.officers")
def officer_list(request):
    actor = request.actor
    page = paginate(selectors.officers(actor), request.GET.get("page"))
    year = timezone.localdate().year
    counts = selectors.report_counts(actor, [o.person_id for o in page.object_list], year)
    for officer in page.object_list:
        officer.report_count = counts.get(officer.person_id, 0)
    return render(request, "opinions/officers.html", {"page": page, "year": year, "query": ""})


@requires("opinions.officers")
def officer_create(request):
    form = forms.OfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            officer = services.register_officer(
                actor=request.actor,
                full_name=data["full_name"],
                mobile=data["mobile"],
                kind=data["kind"],
                workplace=data["workplace"],
                note=data["note"],
                username=data["username"],
                password=data["password"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"已登记信息员{officer.person.full_name}，可用手机号或用户名登录报送信息。"
            )
            return redirect("opinions:officers")
    return render(request, "opinions/officer_form.html", {"form": form, "title": "登记信息员"})


@requires("opinions.officers")
def officer_edit(request, pk):
    officer = get_object_or_404(
        InfoOfficer.objects.select_related("person"), organization=request.actor.organization, pk=pk
    )
    initial = {
        "kind": officer.kind,
        "workplace": officer.workplace,
        "note": officer.note,
        "is_active": officer.is_active,
    }
    form = forms.OfficerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_officer(
            actor=request.actor,
            officer=officer,
            kind=data["kind"],
            workplace=data["workplace"],
            note=data["note"],
            is_active=data["is_active"],
        )
        messages.success(request, "已保存。" if data["is_active"] else "已移出信息员名册，不能再报送信息。")
        return redirect("opinions:officers")
    return render(
        request,
        "opinions/officer_form.html",
        {"form": form, "title": f"信息员：{officer.person.full_name}", "officer": officer},
    )


@requires("opinions.settings")
def settings_view(request):
    return settings_page(
        request,
        form_class=forms.PolicyForm,
        update=services.update_policy,
        template="opinions/settings.html",
        saved="社情民意设置已保存。",
        url="opinions:settings",
    )
