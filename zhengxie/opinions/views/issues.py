"""Issues (期) of 《社情民意》: compile, send for signing, sign, print, export to Word."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhengxie.core.decorators import requires
from zhengxie.core.exports import download
from zhengxie.core.selectors import paginate
from zhengxie.core.word import DOCX

from .. import exports, forms, selectors, services
from ..models import Issue
from ..workflow import issue_allowed
from .common import apply_errors, form_error, query_without_page, run

ISSUE = "opinions:issue"


@requires("opinions.view_all")
def issue_list(request):
    actor = request.actor
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    state = request.GET.get("state", "")
    if state not in Issue.State.values:
        state = ""
    page = paginate(selectors.issues(actor, year=year, state=state), request.GET.get("page"))
    return render(
        request,
        "opinions/issues.html",
        {
            "page": page,
            "year": year,
            "state": state,
            "states": Issue.State.choices,
            "is_editor": actor.can("opinions.edit"),
            "create_form": forms.IssueCreateForm(initial={"year": timezone.localdate().year}),
            "query": query_without_page(request),
        },
    )


@require_POST
@requires("opinions.edit")
def issue_create(request):
    form = forms.IssueCreateForm(request.POST)
    if form.is_valid():
        try:
            issue = services.create_issue(
                actor=request.actor, year=form.cleaned_data["year"], number=form.cleaned_data["number"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已新建{issue}，请编入条目。")
            return redirect(ISSUE, pk=issue.pk)
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("opinions:issues")


@requires("opinions.view_all")
def issue_detail(request, pk):
    actor = request.actor
    issue = selectors.get_issue_for_actor(actor, pk)
    is_editor = actor.can("opinions.edit")
    context = {
        "issue": issue,
        "items": selectors.items(issue),
        "is_editor": is_editor,
        "can": {
            name: issue_allowed(name, actor, issue)
            for name in (
                "compose",
                "request_signoff",
                "recall",
                "sign",
                "return_signoff",
                "publish",
                "delete_issue",
            )
        },
        "is_signer": issue.signer_id == actor.person.pk,
    }
    if is_editor and issue.state == Issue.State.DRAFT:
        context.update(
            candidates=selectors.candidates(actor),
            lines_form=forms.IssueLinesForm(
                initial={"send_to": issue.send_to, "copy_to": issue.copy_to}, auto_id="lines_%s"
            ),
            signoff_form=forms.SignoffForm(organization=actor.organization, auto_id="signoff_%s"),
        )
    if is_editor and issue.state == Issue.State.SIGNED:
        context["publish_form"] = forms.PublishForm()
    return render(request, "opinions/issue.html", context)


def _issue(request, pk) -> Issue:
    return selectors.get_issue_for_actor(request.actor, pk)


@require_POST
@requires("opinions.edit")
def issue_lines(request, pk):
    issue = _issue(request, pk)
    form = forms.IssueLinesForm(request.POST)
    if not form.is_valid():
        return form_error(request, issue, form, ISSUE)
    data = form.cleaned_data
    return run(
        request,
        issue,
        lambda: services.update_issue(
            actor=request.actor, issue=issue, send_to=data["send_to"], copy_to=data["copy_to"]
        ),
        "报送、抄送已保存。",
        name=ISSUE,
    )


@require_POST
@requires("opinions.edit")
def signoff(request, pk):
    issue = _issue(request, pk)
    form = forms.SignoffForm(request.POST, organization=request.actor.organization)
    if not form.is_valid():
        return form_error(request, issue, form, ISSUE)
    signer = form.cleaned_data["signer"]
    return run(
        request,
        issue,
        lambda: services.request_signoff(actor=request.actor, issue=issue, signer=signer),
        f"已送{signer.full_name}签发。",
        name=ISSUE,
    )


@require_POST
@requires("opinions.edit")
def recall(request, pk):
    issue = _issue(request, pk)
    return run(
        request,
        issue,
        lambda: services.recall_issue(actor=request.actor, issue=issue),
        "已撤回，可继续编辑。",
        name=ISSUE,
    )


@require_POST
@requires("opinions.sign")
def sign(request, pk):
    issue = _issue(request, pk)
    note = request.POST.get("note", "")
    return run(
        request,
        issue,
        lambda: services.sign_issue(actor=request.actor, issue=issue, note=note),
        "已签发。",
        name=ISSUE,
    )


@require_POST
@requires("opinions.sign")
def send_back(request, pk):
    issue = _issue(request, pk)
    note = request.POST.get("note", "")
    return run(
        request,
        issue,
        lambda: services.return_issue(actor=request.actor, issue=issue, note=note),
        "已退回修改。",
        name=ISSUE,
    )


@require_POST
@requires("opinions.edit")
def publish(request, pk):
    issue = _issue(request, pk)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        return form_error(request, issue, form, ISSUE)
    return run(
        request,
        issue,
        lambda: services.publish_issue(
            actor=request.actor, issue=issue, published_on=form.cleaned_data["published_on"]
        ),
        "已印发，所载信息均已标记为采用。",
        name=ISSUE,
    )


@require_POST
@requires("opinions.edit")
def delete(request, pk):
    issue = _issue(request, pk)
    services.delete_issue(actor=request.actor, issue=issue)
    messages.success(request, f"已删除{issue}。")
    return redirect("opinions:issues")


@requires("opinions.edit")
def item_edit(request, pk):
    item = selectors.get_item_for_actor(request.actor, pk)
    form = forms.ItemForm(request.POST or None, initial={"title": item.title, "body": item.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(
                actor=request.actor,
                item=item,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "条目已保存。")
            return redirect(ISSUE, pk=item.issue_id)
    reports = list(item.reports.order_by("id"))
    return render(request, "opinions/item_form.html", {"form": form, "item": item, "reports": reports})


@require_POST
@requires("opinions.edit")
def item_move(request, pk):
    item = selectors.get_item_for_actor(request.actor, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.move_item(actor=request.actor, item=item, offset=offset)
    response = redirect(ISSUE, pk=item.issue_id)
    response["Location"] += f"#item-{item.pk}"
    return response


@requires("opinions.view_all")
def issue_docx(request, pk):
    """The issue in the office's layout, as a Word document."""
    issue = _issue(request, pk)
    content = exports.issue_docx(issue, selectors.items(issue))
    return download(content, f"{issue.title}{issue.year}年第{issue.number}期.docx", DOCX)
