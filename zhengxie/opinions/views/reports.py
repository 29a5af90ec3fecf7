"""Reports: the submitter writes and follows them; the editor takes them up, edits, places, forwards,
records instructions and feedback. Thin views: read through selectors, write through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengxie.core.decorators import requires
from zhengxie.core.selectors import paginate

from .. import forms, selectors, services
from ..models import Forwarding, IssueItem, Report
from ..workflow import allowed
from .common import apply_errors, back, error_text, form_error, query_without_page, run

S = Report.State


# ---------------------------------------------------------------- submitter


@requires("opinions.submit")
def mine(request):
    actor = request.actor
    state = request.GET.get("state", "")
    if state not in S.values:
        state = ""
    page = paginate(selectors.my_reports(actor, state=state), request.GET.get("page"))
    return render(
        request,
        "opinions/mine.html",
        {
            "page": page,
            "state": state,
            "states": S.choices,
            "quota": selectors.my_quota(actor),
            "query": query_without_page(request),
        },
    )


def _save_form(request, form, report=None):
    """Create or update the draft from a valid form; errors go back onto the form."""
    actor = request.actor
    data = form.cleaned_data
    try:
        if report is None:
            kind, unit_id, committee_id = forms.parse_capacity(
                data.get("capacity") or form.fields["capacity"].initial or ""
            )
            report = services.create_report(
                actor=actor,
                title=data["title"],
                body=data["body"],
                category=data["category"],
                urgency=data["urgency"],
                submitter_type=kind,
                participating_unit_id=unit_id,
                committee_id=committee_id,
                token=data.get("token", ""),
            )
        else:
            report = services.update_report(
                actor=actor,
                report=report,
                title=data["title"],
                body=data["body"],
                category=data["category"],
                urgency=data["urgency"],
                version=data.get("version"),
            )
        if data.get("attachment"):
            services.add_attachment(actor=actor, report=report, upload=data["attachment"])
    except ValidationError as error:
        apply_errors(form, error)
        return None
    return report


@requires("opinions.submit")
def create(request):
    actor = request.actor
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, organization=actor.organization, actor=actor
    )
    if not form.fields["capacity"].choices:
        raise PermissionDenied("您没有可用的报送身份。")
    if request.method == "POST" and form.is_valid():
        report = _save_form(request, form)
        if report is not None:
            if request.POST.get("then") == "submit":
                return _submit(request, report)
            messages.success(request, "草稿已保存。确认无误后请点击“报送”。")
            return redirect("opinions:detail", pk=report.pk)
    return render(
        request, "opinions/form.html", {"form": form, "title": "撰写社情民意信息", **_capacity(form)}
    )


@requires("opinions.submit")
def edit(request, pk):
    actor = request.actor
    report = selectors.get_report_for_actor(actor, pk)
    if not report.is_editable or report.submitter_id != actor.person.pk:
        raise PermissionDenied("只有报送人可以修改草稿。")
    initial = {
        "title": report.title,
        "body": report.body,
        "category": report.category_id,
        "urgency": report.urgency,
        "version": report.version,
    }
    form = forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        organization=actor.organization,
        actor=actor,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form, report)
        if saved is not None:
            if request.POST.get("then") == "submit":
                return _submit(request, saved)
            messages.success(request, "修改已保存。")
            return redirect("opinions:detail", pk=report.pk)
    return render(
        request, "opinions/form.html", {"form": form, "title": "修改社情民意信息", "report": report}
    )


def _capacity(form) -> dict:
    """With one capacity the choice is hidden: the page still says in whose name the report goes."""
    choices = form.fields["capacity"].choices
    return {"capacity_label": choices[0][1]} if len(choices) == 1 else {}


def _submit(request, report):
    try:
        services.submit_report(actor=request.actor, report=report)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("opinions:edit", pk=report.pk)
    messages.success(request, "已报送。编辑接收后您可在此查看采编进展。")
    return redirect("opinions:detail", pk=report.pk)


@require_POST
@requires("opinions.submit")
def submit(request, pk):
    return _submit(request, selectors.get_report_for_actor(request.actor, pk))


@require_POST
@requires("opinions.submit")
def withdraw(request, pk):
    report = selectors.get_report_for_actor(request.actor, pk)
    reason = request.POST.get("reason", "")
    return run(
        request,
        report,
        lambda: services.withdraw_report(actor=request.actor, report=report, reason=reason),
        "已撤回。",
    )


@require_POST
def attach(request, pk):
    actor = request.actor
    report = selectors.get_report_for_actor(actor, pk)
    form = forms.ReportForm.base_fields["attachment"]
    try:
        upload = form.clean(request.FILES.get("attachment"))
    except ValidationError as error:
        messages.error(request, error_text(error))
        return back(report, "files")
    if not upload:
        messages.error(request, "请选择要上传的文件。")
        return back(report, "files")
    return run(
        request,
        report,
        lambda: services.add_attachment(actor=actor, report=report, upload=upload),
        "附件已上传。",
        "files",
    )


def download(request, pk):
    attachment = selectors.get_attachment_for_actor(request.actor, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@require_POST
def remove_attachment(request, pk):
    actor = request.actor
    attachment = selectors.get_attachment_for_actor(actor, pk)
    report = attachment.report
    services.remove_attachment(actor=actor, attachment=attachment)
    messages.success(request, "附件已删除。")
    return back(report, "files")


# ---------------------------------------------------------------- the report's page


def detail(request, pk):
    actor = request.actor
    report = selectors.get_report_for_actor(actor, pk)
    is_editor = actor.can("opinions.edit")
    context = {
        "report": report,
        "is_editor": is_editor,
        "is_submitter": report.submitter_id == actor.person.pk,
        "can": {
            name: allowed(name, actor, report)
            for name in (
                "submit",
                "withdraw",
                "receive",
                "edit",
                "include",
                "merge",
                "exclude",
                "not_adopt",
                "forward",
                "instruct",
                "feedback",
            )
        },
        "timeline": selectors.timeline(report),
        "files": selectors.attachments(report),
        "instructions": list(report.instructions.all()),
        "feedbacks": list(report.feedbacks.all()),
        "forwardings": list(report.forwardings.all()),
        "upper_copy": selectors.forwarded_copy(report) if report.forwarded_at else None,
        "diff": selectors.diff(report.body, report.edited_body) if report.edited_body else None,
        "title_changed": bool(report.edited_title and report.edited_title != report.title),
    }
    if is_editor:
        context.update(
            revise_form=forms.ReviseForm(
                initial={"title": report.display_title, "body": report.display_body}, auto_id="revise_%s"
            ),
            reason_form=forms.ReasonForm(auto_id="reason_%s"),
            open_issues=selectors.open_issues(actor) if allowed("include", actor, report) else [],
            merge_items=(
                IssueItem.objects.filter(organization=actor.organization, issue__state="draft")
                .exclude(pk=report.item_id)
                .select_related("issue")
                .order_by("issue__year", "issue__number", "position")[:50]
                if allowed("merge", actor, report)
                else []
            ),
            forward_form=forms.ForwardForm(auto_id="forward_%s"),
            instruction_form=forms.InstructionForm(auto_id="instruction_%s"),
            feedback_form=forms.FeedbackForm(auto_id="feedback_%s"),
            has_parent=actor.organization.parent_id is not None,
            forwarded_up=any(f.target == Forwarding.Target.UPPER for f in context["forwardings"]),
            revisions=list(report.revisions.select_related("editor")[:20]),
        )
    return render(request, "opinions/detail.html", context)


# ---------------------------------------------------------------- editor


@requires("opinions.edit")
def inbox(request):
    actor = request.actor
    state = request.GET.get("state", "")
    if state not in (S.SUBMITTED, S.EDITING):
        state = ""
    urgent = request.GET.get("urgent") == "1"
    page = paginate(selectors.inbox(actor, state=state, urgent=urgent), request.GET.get("page"))
    return render(
        request,
        "opinions/inbox.html",
        {
            "page": page,
            "state": state,
            "urgent": urgent,
            "counts": selectors.state_counts(actor, selectors.INBOX_STATES),
            "query": query_without_page(request),
        },
    )


@requires("opinions.view_all")
def register(request):
    actor = request.actor
    form = forms.RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.register(
        actor,
        state=filters.get("state") or "",
        year=filters.get("year"),
        submitter_type=filters.get("submitter_type") or "",
    )
    page = paginate(rows, request.GET.get("page"))
    return render(
        request, "opinions/register.html", {"page": page, "form": form, "query": query_without_page(request)}
    )


@require_POST
@requires("opinions.edit")
def receive(request, pk):
    report = selectors.get_report_for_actor(request.actor, pk)
    return run(
        request,
        report,
        lambda: services.receive_report(actor=request.actor, report=report),
        "已接收，进入采编。",
    )


@require_POST
@requires("opinions.edit")
def include(request, pk):
    actor = request.actor
    report = selectors.get_report_for_actor(actor, pk)
    issue_id = request.POST.get("issue", "")
    if issue_id == "new":
        issue = services.create_issue(actor=actor)
    else:
        issue = selectors.get_issue_for_actor(actor, int(issue_id) if issue_id.isdigit() else 0)
    return run(
        request,
        report,
        lambda: services.include_report(actor=actor, report=report, issue=issue),
        f"已编入{issue}。",
    )


@require_POST
@requires("opinions.edit")
def merge(request, pk):
    actor = request.actor
    report = selectors.get_report_for_actor(actor, pk)
    item_id = request.POST.get("item", "")
    item = selectors.get_item_for_actor(actor, int(item_id) if item_id.isdigit() else 0)
    return run(
        request,
        report,
        lambda: services.merge_report(actor=actor, report=report, item=item),
        f"已并入{item.issue}“{item.title}”，请在期刊页修改合并后的条目正文。",
    )


@require_POST
@requires("opinions.edit")
def exclude(request, pk):
    report = selectors.get_report_for_actor(request.actor, pk)
    return run(
        request, report, lambda: services.exclude_report(actor=request.actor, report=report), "已移出期刊。"
    )


def _form_step(request, pk, form_class, service, success: str, anchor: str = ""):
    """An editor's step from a small form on the report's page whose fields are the service's arguments."""
    report = selectors.get_report_for_actor(request.actor, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return form_error(request, report, form)
    return run(
        request,
        report,
        lambda: service(actor=request.actor, report=report, **form.cleaned_data),
        success,
        anchor,
    )


@require_POST
@requires("opinions.edit")
def revise(request, pk):
    return _form_step(
        request, pk, forms.ReviseForm, services.edit_report, "编辑稿已保存，原稿保留不变。", "edited"
    )


@require_POST
@requires("opinions.edit")
def not_adopt(request, pk):
    return _form_step(
        request, pk, forms.ReasonForm, services.not_adopt_report, "已标记为不予采用，报送人会收到原因。"
    )


@require_POST
@requires("opinions.edit")
def forward(request, pk):
    return _form_step(request, pk, forms.ForwardForm, services.forward_report, "已登记报送。", "forwardings")


@require_POST
@requires("opinions.edit")
def instruct(request, pk):
    return _form_step(
        request, pk, forms.InstructionForm, services.record_instruction, "已登记领导批示。", "instructions"
    )


@require_POST
@requires("opinions.edit")
def feedback(request, pk):
    return _form_step(
        request, pk, forms.FeedbackForm, services.record_feedback, "已登记部门反馈。", "instructions"
    )
