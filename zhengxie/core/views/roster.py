from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import exports, imports, selectors, services
from ..decorators import requires
from ..errors import ConflictError
from ..forms import ImportForm, MemberForm, PasswordSetForm, RosterFilterForm
from ..models import Member, RosterImport


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


@requires("roster.view")
def roster_list(request):
    actor = request.actor
    filters = RosterFilterForm(request.GET or None, organization=actor.organization)
    chosen = filters.filters() if request.GET else {}
    page = selectors.roster_page(
        organization_id=actor.organization.pk, page=request.GET.get("page"), **chosen
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/roster_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "show_contact": actor.can("roster.view_contact"),
            "can_manage": actor.can("roster.manage"),
        },
    )


@requires("roster.manage")
def member_create(request):
    actor = request.actor
    form = MemberForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.create_member(
                actor=actor,
                full_name=data["full_name"],
                gender=data["gender"],
                mobile=data["mobile"],
                term=data["term"],
                sector=data["sector"],
                committees=list(data["committees"]),
                is_standing=data["is_standing"],
                workplace=data["workplace"],
                joined_on=data["joined_on"],
                note=data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已添加委员“{member.name}”。")
            return redirect("core:member_detail", pk=member.pk)
    return render(request, "core/member_form.html", {"form": form, "title": "新增委员"})


@requires("roster.view")
def member_detail(request, pk):
    actor = request.actor
    member = selectors.get_for_actor(Member, actor=actor, pk=pk)
    events = selectors.audit_events(object_type="core.member", object_id=str(member.pk))[:20]
    return render(
        request,
        "core/member_detail.html",
        {
            "member": member,
            "events": events,
            "show_contact": actor.can("roster.view_contact"),
            "can_manage": actor.can("roster.manage"),
            "password_form": PasswordSetForm(),
        },
    )


@requires("roster.manage")
def member_edit(request, pk):
    actor = request.actor
    member = selectors.get_for_actor(Member, actor=actor, pk=pk)
    form = MemberForm(
        request.POST or None, organization=actor.organization, initial=MemberForm.initial_for(member)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_member(
                actor=actor,
                member=member,
                version=data["version"] or 0,
                values={**data, "committees": list(data["committees"])},
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "委员信息已保存。")
            return redirect("core:member_detail", pk=member.pk)
    return render(
        request,
        "core/member_form.html",
        {"form": form, "title": f"编辑委员：{member.name}", "member": member},
        status=status,
    )


@require_POST
@requires("roster.manage")
def member_status(request, pk):
    member = selectors.get_for_actor(Member, actor=request.actor, pk=pk)
    status = request.POST.get("status", "")
    services.set_member_status(actor=request.actor, member=member, status=status)
    messages.success(request, f"委员“{member.name}”已{'恢复' if status == 'active' else '停用'}。")
    return redirect("core:member_detail", pk=member.pk)


@require_POST
@requires("roster.manage")
def member_password(request, pk):
    member = selectors.get_for_actor(Member, actor=request.actor, pk=pk)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.set_member_password(
                actor=request.actor, member=member, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            messages.error(request, "密码未设置：" + ";".join(error.messages))
        else:
            messages.success(
                request, f"已为“{member.name}”设置登录密码，可用手机号 {member.person.mobile} 登录。"
            )
    return redirect("core:member_detail", pk=member.pk)


@requires("roster.manage")
def roster_import(request):
    actor = request.actor
    form = ImportForm(request.POST or None, request.FILES or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.import_roster(
            actor=actor, file=upload, filename=upload.name, term=form.cleaned_data["term"]
        )
        return redirect("core:import_detail", pk=result.pk)
    history = RosterImport.objects.select_related("actor", "term")[:10]
    return render(
        request, "core/roster_import.html", {"form": form, "history": history, "headers": imports.HEADERS}
    )


@requires("roster.manage")
def import_detail(request, pk):
    record = selectors.get_for_actor(RosterImport, actor=request.actor, pk=pk)
    errors = record.errors[:500]
    return render(request, "core/import_detail.html", {"record": record, "errors": errors})


@requires("roster.manage")
def import_report(request, pk):
    record = selectors.get_for_actor(RosterImport, actor=request.actor, pk=pk)
    return exports.xlsx_response(exports.import_report_workbook(record), f"名册导入错误报告-{record.pk}.xlsx")


@requires("roster.manage")
def import_template(request) -> HttpResponse:
    return exports.xlsx_response(exports.roster_template_workbook(), "委员名册导入模板.xlsx")
