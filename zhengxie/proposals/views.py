"""Thin views: read through selectors, write through services, answer in Chinese."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhengxie.core.decorators import requires
from zhengxie.core.errors import WorkflowError
from zhengxie.core.models import HandlingUnit, Person
from zhengxie.core.notifications import holders
from zhengxie.core.roles import Role
from zhengxie.core.selectors import paginate
from zhengxie.core.views.helpers import (
    apply_errors,
    error_text,
    form_errors_text,
    query_without_page,
    settings_page,
)
from zhengxie.opinions import selectors as opinion_selectors

from . import forms, selectors, services, similarity, suggest
from .models import Assignment, Attachment, Award, Lead, Proposal, Reply, RerouteRequest
from .policy import policy_for
from .workflow import allowed, guard

S = Proposal.State


def _back(proposal: Proposal, anchor: str = ""):
    response = redirect("proposals:detail", pk=proposal.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _act(request, proposal: Proposal, action, success: str, anchor: str = ""):
    """Run a service from a small form on the detail page; a form error comes back as a message there."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return _back(proposal, anchor)


def _form_error(request, proposal: Proposal, form):
    messages.error(request, form_errors_text(form))
    return _back(proposal)


# ---------------------------------------------------------------- member


@requires("proposals.submit")
def mine(request):
    actor = request.actor
    state = request.GET.get("state", "")
    if state not in S.values:
        state = ""
    page = paginate(selectors.my_proposals(actor, state=state), request.GET.get("page"))
    return render(
        request,
        "proposals/mine.html",
        {
            "page": page,
            "state": state,
            "states": S.choices,
            "invitations": selectors.invitations(actor),
            "ratings_due": selectors.ratings_due(actor),
            "query": query_without_page(request),
        },
    )


@requires("proposals.submit")
def create(request):
    actor = request.actor
    form = forms.ProposalForm(
        request.POST or None, request.FILES or None, organization=actor.organization, actor=actor
    )
    lead = None
    if lead_id := request.GET.get("lead"):
        lead = get_object_or_404(
            Lead.objects.filter(organization=actor.organization, state=Lead.State.PUBLISHED), pk=lead_id
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people = (
                services.resolve_members(actor.organization, data["cosigners"])
                if data.get("cosigners")
                else []
            )
            proposal = services.create_proposal(
                actor=actor,
                title=data["title"],
                reason=data["reason"],
                suggestions=data["suggestions"],
                category=data["category"],
                kind=Proposal.Kind.JOINT if people else data["kind"],
                participating_unit=data.get("participating_unit"),
                committee=data.get("committee"),
                token=data.get("token", ""),
            )
            if people and not proposal.proposers.filter(person__in=people).exists():
                services.invite_cosigners(actor=actor, proposal=proposal, people=people)
            if data.get("attachment"):
                services.add_attachment(actor=actor, proposal=proposal, upload=data["attachment"])
        except ValidationError as error:
            if hasattr(error, "error_dict") and "names" in error.error_dict:
                form.add_error("cosigners", error.error_dict["names"])
            else:
                apply_errors(form, error)
        else:
            messages.success(request, "草稿已保存。确认无误后请点击“提交”。")
            return redirect("proposals:detail", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form, "title": "撰写提案", "lead": lead})


@requires("proposals.submit")
def edit(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    if not proposal.is_editable or proposal.proposer_id != actor.person.pk:
        raise PermissionDenied("只有领衔提案人可以修改草稿或退回修改的提案。")
    initial = {
        "title": proposal.title,
        "reason": proposal.reason,
        "suggestions": proposal.suggestions,
        "category": proposal.category_id,
        "version": proposal.version,
    }
    form = forms.ProposalForm(
        request.POST or None,
        request.FILES or None,
        organization=actor.organization,
        actor=actor,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_proposal(
                actor=actor,
                proposal=proposal,
                version=data["version"] or 0,
                title=data["title"],
                reason=data["reason"],
                suggestions=data["suggestions"],
                category=data["category"],
            )
            if data.get("attachment"):
                services.add_attachment(actor=actor, proposal=proposal, upload=data["attachment"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "修改已保存。")
            return redirect("proposals:detail", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form, "title": "修改提案", "proposal": proposal})


@require_POST
@requires("proposals.submit")
def invite(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.NamesForm(request.POST)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    return _act(
        request,
        proposal,
        lambda: services.invite_cosigners(
            actor=actor,
            proposal=proposal,
            people=services.resolve_members(actor.organization, form.cleaned_data["names"]),
        ),
        "已邀请联名。提交后受邀委员会收到通知。" if proposal.state != S.COSIGNING else "已发出联名邀请。",
        "proposers",
    )


@require_POST
@requires("proposals.submit")
def uninvite(request, pk, person_id):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    person = get_object_or_404(Person, pk=person_id)
    return _act(
        request,
        proposal,
        lambda: services.remove_cosigner(actor=actor, proposal=proposal, person=person),
        "已移除受邀委员。",
        "proposers",
    )


def _simple(service, success: str, permission: str = "proposals.submit", anchor: str = ""):
    """A POST that takes only the proposal (submit, sign, decline, withdraw, precheck, close …)."""

    @require_POST
    @requires(permission)
    def view(request, pk):
        actor = request.actor
        proposal = selectors.get_proposal_for_actor(actor, pk)
        note = request.POST.get("reason", "")[:300]
        kwargs = {"reason": note} if service is services.withdraw_proposal else {}
        if service in (services.precheck_proposal, services.close_proposal):
            kwargs = {"note": note}
        return _act(
            request, proposal, lambda: service(actor=actor, proposal=proposal, **kwargs), success, anchor
        )

    return view


@require_POST
@requires("proposals.submit")
def submit(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    try:
        proposal = services.submit_proposal(actor=actor, proposal=proposal)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        cosigning = proposal.state == S.COSIGNING
        messages.success(request, "提案已提交，待受邀委员确认联名后送审查。" if cosigning else "提案已提交。")
    return _back(proposal)


sign = _simple(services.sign_proposal, "您已确认联名。")
decline = _simple(services.decline_proposal, "您已谢绝联名。")
withdraw = _simple(services.withdraw_proposal, "提案已撤回。")
precheck = _simple(services.precheck_proposal, "预审已通过，待审查决定。", "proposals.manage")
close = _simple(services.close_proposal, "提案已办结。", "proposals.manage")


@require_POST
@requires("proposals.submit")
def attach(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.AttachmentForm(request.POST, request.FILES, organization=actor.organization)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    return _act(
        request,
        proposal,
        lambda: services.add_attachment(actor=actor, proposal=proposal, upload=form.cleaned_data["file"]),
        "附件已上传。",
        "attachments",
    )


def _attachment(request, pk) -> Attachment:
    if request.actor is None:
        raise Http404("附件不存在。")
    attachment = get_object_or_404(Attachment.objects.filter(organization=request.actor.organization), pk=pk)
    selectors.get_proposal_for_actor(request.actor, attachment.proposal_id)
    return attachment


def download(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    attachment = _attachment(request, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@require_POST
def remove_attachment(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied("请先登录。")
    attachment = _attachment(request, pk)
    proposal = attachment.proposal
    return _act(
        request,
        proposal,
        lambda: services.remove_attachment(actor=request.actor, attachment=attachment),
        "附件已删除。",
        "attachments",
    )


@require_POST
@requires("proposals.submit")
def rate(request, pk):
    actor = request.actor
    reply = get_object_or_404(Reply.objects.filter(organization=actor.organization), pk=pk)
    proposal = selectors.get_proposal_for_actor(actor, reply.proposal_id)
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    data = form.cleaned_data
    return _act(
        request,
        proposal,
        lambda: services.rate_reply(
            actor=actor,
            reply=reply,
            handling=data["handling"],
            result=data["result"],
            unit_score=data["unit_score"],
            comment=data["comment"],
        ),
        "评价已提交，谢谢！",
        "replies",
    )


# ---------------------------------------------------------------- the detail page


def _actions(actor, proposal: Proposal, detail: selectors.Detail) -> dict:
    """Which panels this person sees on the page; the services check every one of them again."""
    me = actor.person.pk
    lead = proposal.proposer_id == me
    unit = selectors.handler_unit_id(actor)
    mine = [
        a for a in detail.assignments if unit and a.unit_id == unit and a.state != Assignment.State.REROUTED
    ]
    signed = {p.person_id for p in detail.proposers if p.state == "signed"}
    rated = {r.reply_id for reply in detail.replies for r in reply.ratings.all() if r.person_id == me}
    return {
        "edit": lead and allowed("save", actor, proposal),
        "invite": lead and allowed("invite", actor, proposal) and proposal.kind != Proposal.Kind.COLLECTIVE,
        "submit": lead and allowed("submit", actor, proposal),
        "withdraw": lead and allowed("withdraw", actor, proposal),
        "respond": allowed("sign", actor, proposal)
        and any(p.person_id == me and p.state == "invited" for p in detail.proposers),
        "review": allowed("file", actor, proposal),
        "precheck": allowed("precheck", actor, proposal),
        "assign": allowed("assign", actor, proposal),
        "follow": allowed("extend", actor, proposal),
        "close": allowed("close", actor, proposal),
        "key": allowed("propose_key", actor, proposal),
        "supervise": allowed("supervise", actor, proposal)
        and proposal.key_status == "key"
        and (actor.has_role(Role.PROPOSAL_STAFF) or proposal.key_leader_id == me),
        "confidential": allowed("set_confidential", actor, proposal),
        "my_assignments": mine,
        "rate": [
            r
            for r in detail.replies
            if r.state == Reply.State.APPROVED and me in signed and r.pk not in rated
        ]
        if actor.has_role(Role.MEMBER) or lead
        else [],
        "staff": actor.has_role(Role.PROPOSAL_STAFF),
        "lead": lead,
    }


def detail(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    data = selectors.cached_detail(proposal)
    actions = _actions(actor, proposal, data)
    org = actor.organization
    context = {
        "proposal": proposal,
        "d": data,
        "can": actions,
        "policy": policy_for(org),
        "today": timezone.localdate(),
        "unit_id": selectors.handler_unit_id(actor),
    }
    if proposal.disposition == Proposal.Disposition.OPINION:
        report = opinion_selectors.report_for_proposal(proposal)
        context["opinion_report"] = report
        context["may_open_report"] = report is not None and (
            actor.can("opinions.view_all") or report.submitter_id == actor.person.pk
        )
    # Every form gets its own id prefix (one page holds many forms); forms that repeat per assignment,
    # re-route request or reply hang on their record.
    today = timezone.localdate()
    if actions["review"]:
        context["similar"] = similarity.similar_proposals(
            actor,
            title=proposal.title,
            body=f"{proposal.reason}\n{proposal.suggestions}",
            year=proposal.session.year,
            exclude=proposal.pk,
        )
        context["file_form"] = forms.FileForm(
            organization=org, initial={"category": proposal.category_id}, auto_id="file_%s"
        )
        context["not_file_form"] = forms.NotFileForm(organization=org, auto_id="notfile_%s")
        context["merge_form"] = forms.MergeForm(auto_id="merge_%s")
    if actions["follow"]:
        for a in data.assignments:
            a.extend_form = forms.ExtendForm(auto_id=f"extend{a.pk}_%s")
        for r in data.reroutes:
            r.decision_form = forms.RerouteDecisionForm(organization=org, auto_id=f"reroute{r.pk}_%s")
        for r in data.replies:
            r.review_form = forms.ReplyReviewForm(auto_id=f"review{r.pk}_%s")
    if actions["key"]:
        context["key_form"] = forms.KeyDecisionForm(leaders=_leaders(org), auto_id="key_%s")
    if actions["supervise"]:
        context["supervision_form"] = forms.SupervisionForm(initial={"day": today}, auto_id="supervise_%s")
    for a in actions["my_assignments"]:
        a.communication_form = forms.CommunicationForm(initial={"day": today}, auto_id=f"talk{a.pk}_%s")
        a.countersign_form = forms.CountersignForm(auto_id=f"cosign{a.pk}_%s")
        a.reroute_request_form = forms.RerouteRequestForm(auto_id=f"reroutereq{a.pk}_%s")
        a.quality_form = forms.QualityForm(auto_id=f"quality{a.pk}_%s")
    for r in actions["rate"]:
        r.rating_form = forms.RatingForm(auto_id=f"rate{r.pk}_%s")
    if actions["edit"]:
        context["attachment_form"] = forms.AttachmentForm(organization=org, auto_id="attach_%s")
    if actions["invite"]:
        context["names_form"] = forms.NamesForm(auto_id="invite_%s")
    return render(request, "proposals/detail.html", context)


def _similar_year(actor) -> int | None:
    try:
        return services.current_session(actor.organization).year
    except WorkflowError:
        return None


@require_POST
def similar(request):
    """The similar-proposals panel of the writing form (htmx, as the member types). POST, because the text
    being written (up to 6,000 characters) does not fit in a URL (servers refuse lines past 4 kB)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    actor = request.actor
    if actor is None or not (actor.can("proposals.submit") or actor.can("proposals.manage")):
        raise PermissionDenied("您没有执行此操作的权限。")
    data = request.POST
    exclude = request.GET.get("pk", "")
    title = data.get("title", "")[:200]
    body = (data.get("reason", "") + "\n" + data.get("suggestions", ""))[:20_000]
    if len((title + body).strip()) < similarity.MIN_CHARS:
        return render(request, "proposals/includes/similar.html", {"prompt": True})
    found = similarity.similar_proposals(
        actor,
        title=title,
        body=body,
        year=_similar_year(actor),
        exclude=int(exclude) if exclude.isdigit() else None,
    )
    return render(request, "proposals/includes/similar.html", {"similar": found, "typed": True})


def _leaders(org):
    return Person.objects.filter(pk__in=holders(org, Role.LEADER)).order_by("full_name")


# ---------------------------------------------------------------- staff: review


@requires("proposals.manage")
def queue(request):
    actor = request.actor
    filters = forms.ListFilterForm(
        request.GET or None, organization=actor.organization, states=selectors.REVIEW_STATES
    )
    chosen = filters.filters() if request.GET else {}
    if not chosen.get("states"):
        # 待审查 is exactly 已提交 and 审查中: one equality on (organization, waiting, id), oldest first.
        chosen["waiting"] = Proposal.Waiting.REVIEW
    page = paginate(selectors.proposal_list(actor, order="id", **chosen), request.GET.get("page"))
    return render(
        request,
        "proposals/queue.html",
        {"filters": filters, "page": page, "query": query_without_page(request)},
    )


@require_POST
@requires("proposals.manage")
def file(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.FileForm(request.POST, organization=actor.organization)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    data = form.cleaned_data
    return _act(
        request,
        proposal,
        lambda: services.file_proposal(
            actor=actor, proposal=proposal, category=data["category"], note=data["note"]
        ),
        "已立案。",
    )


@require_POST
@requires("proposals.manage")
def not_file(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.NotFileForm(request.POST, organization=actor.organization)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    data = form.cleaned_data
    return _act(
        request,
        proposal,
        lambda: services.not_file_proposal(
            actor=actor,
            proposal=proposal,
            ground=data["ground"],
            reason=data["reason"],
            disposition=data["disposition"],
        ),
        "已作不予立案处理，提案人将收到通知。",
    )


@require_POST
@requires("proposals.manage")
def send_back(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    return _act(
        request,
        proposal,
        lambda: services.not_file_proposal(
            actor=actor,
            proposal=proposal,
            ground=None,
            reason=reason,
            disposition=Proposal.Disposition.RETURN,
        ),
        "已退回提案人修改。",
    )


def _find_target(actor, proposal: Proposal, text: str) -> Proposal:
    text = text.strip().lstrip("第").rstrip("号")
    rows = Proposal.objects.filter(organization=actor.organization)
    if text.startswith("#") and text[1:].isdigit():
        target = rows.filter(pk=int(text[1:])).first()
    elif text.isdigit():
        target = rows.filter(session_id=proposal.session_id, number=int(text)).first()
    else:
        target = None
    if target is None:
        raise ValidationError({"into": f"找不到提案“{text}”。"})
    return target


@require_POST
@requires("proposals.manage")
def merge(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        return _form_error(request, proposal, form)

    def run():
        target = _find_target(actor, proposal, form.cleaned_data["into"])
        services.merge_proposal(actor=actor, proposal=proposal, into=target, note=form.cleaned_data["note"])

    return _act(request, proposal, run, "已并案，提案人已并入目标提案。")


@requires("proposals.manage")
def assign(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    suggestions = suggest.suggest_units(proposal) if request.method == "GET" else []
    chosen = request.GET.get("lead", "")
    initial = {"lead": int(chosen) if chosen.isdigit() else (suggestions[0].unit.pk if suggestions else None)}
    form = forms.AssignForm(request.POST or None, organization=actor.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_units(
                actor=actor, proposal=proposal, deadline=form.cleaned_data["deadline"], **form.units()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已交办，承办单位将收到通知。")
            return redirect("proposals:detail", pk=proposal.pk)
    guard("assign", actor, proposal)
    return render(
        request, "proposals/assign.html", {"form": form, "proposal": proposal, "suggestions": suggestions}
    )


@require_POST
@requires("proposals.manage")
def extend(request, pk):
    actor = request.actor
    assignment = get_object_or_404(Assignment.objects.filter(organization=actor.organization), pk=pk)
    proposal = assignment.proposal
    form = forms.ExtendForm(request.POST)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    data = form.cleaned_data
    return _act(
        request,
        proposal,
        lambda: services.extend_deadline(
            actor=actor, assignment=assignment, deadline=data["deadline"], reason=data["reason"]
        ),
        "办理期限已延长。",
        "assignments",
    )


@require_POST
@requires("proposals.manage")
def decide_reroute(request, pk):
    actor = request.actor
    reroute = get_object_or_404(RerouteRequest.objects.filter(organization=actor.organization), pk=pk)
    proposal = reroute.assignment.proposal
    form = forms.RerouteDecisionForm(request.POST, organization=actor.organization)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    data = form.cleaned_data
    return _act(
        request,
        proposal,
        lambda: services.decide_reroute(
            actor=actor,
            request=reroute,
            approve=data["decision"] == "approve",
            new_unit=data["new_unit"],
            note=data["note"],
        ),
        "退办申请已审批。",
        "assignments",
    )


@require_POST
@requires("proposals.manage")
def review_reply(request, pk):
    actor = request.actor
    reply = get_object_or_404(Reply.objects.filter(organization=actor.organization), pk=pk)
    form = forms.ReplyReviewForm(request.POST)
    if not form.is_valid():
        return _form_error(request, reply.proposal, form)
    data = form.cleaned_data
    approve = data["decision"] == "approve"
    return _act(
        request,
        reply.proposal,
        lambda: services.review_reply(
            actor=actor, reply=reply, approve=approve, result_class=data["result_class"], note=data["note"]
        ),
        "答复已审核通过，提案人可以查看和评价。" if approve else "答复已退回承办单位修改。",
        "replies",
    )


@require_POST
@requires("proposals.manage")
def key(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    step = request.POST.get("step")
    if step == "decide":
        form = forms.KeyDecisionForm(request.POST, leaders=_leaders(actor.organization))
        if not form.is_valid():
            return _form_error(request, proposal, form)
        return _act(
            request,
            proposal,
            lambda: services.decide_key(
                actor=actor,
                proposal=proposal,
                leader=form.cleaned_data["leader"],
                note=form.cleaned_data["note"],
            ),
            "已确定为重点提案。",
        )
    proposed = step != "drop"
    return _act(
        request,
        proposal,
        lambda: services.propose_key(actor=actor, proposal=proposal, proposed=proposed),
        "已拟定为重点提案，待主席会议确定。" if proposed else "已取消重点提案。",
    )


@require_POST
@requires("proposals.manage")
def confidential(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    value = request.POST.get("confidential") == "1"
    return _act(
        request,
        proposal,
        lambda: services.set_confidential(actor=actor, proposal=proposal, confidential=value),
        "已设为不公开。" if value else "已设为公开。",
    )


@requires("proposals.manage")
def board(request):
    actor = request.actor
    return render(
        request,
        "proposals/board.html",
        {
            "overdue": paginate(selectors.due_assignments(actor, overdue=True), request.GET.get("page")),
            "due_soon": list(selectors.due_assignments(actor, overdue=False)[:50]),
            "reroutes": list(selectors.pending_reroutes(actor)[:50]),
            "replies": list(selectors.replies_in_review(actor)[:50]),
            "today": timezone.localdate(),
            "query": "",
        },
    )


@requires("proposals.view_all")
def register(request):
    actor = request.actor
    filters = forms.ListFilterForm(request.GET or None, organization=actor.organization)
    chosen = filters.filters() if request.GET else {}
    page = paginate(selectors.proposal_list(actor, **chosen), request.GET.get("page"))
    return render(
        request,
        "proposals/register.html",
        {
            "filters": filters,
            "page": page,
            "query": query_without_page(request),
            "today": timezone.localdate(),
        },
    )


@requires("proposals.manage")
def awards(request):
    actor = request.actor
    form = forms.AwardForm(
        request.POST or None, organization=actor.organization, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = None
            if data["kind"] == Award.Kind.PROPOSAL:
                number = data["proposal"].strip().lstrip("第").rstrip("号")
                rows = Proposal.objects.filter(
                    organization=actor.organization, number=number if number.isdigit() else -1
                )
                if data["session"]:
                    rows = rows.filter(session=data["session"])
                proposal = rows.order_by("-session__year").first()
                if proposal is None:
                    raise ValidationError({"proposal": "找不到该提案号的提案。"})
            services.give_award(
                actor=actor,
                year=data["year"],
                kind=data["kind"],
                proposal=proposal,
                unit=data["unit"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "评选结果已记录。")
            return redirect("proposals:awards")
    rows = Award.objects.filter(organization=actor.organization).select_related("proposal", "unit")[:200]
    return render(request, "proposals/awards.html", {"form": form, "awards": rows})


@require_POST
@requires("proposals.manage")
def award_revoke(request, pk):
    actor = request.actor
    award = get_object_or_404(Award.objects.filter(organization=actor.organization), pk=pk)
    services.revoke_award(actor=actor, award=award)
    messages.success(request, "已撤销。")
    return redirect("proposals:awards")


@requires("proposals.settings")
def settings_view(request):
    return settings_page(
        request,
        form_class=forms.PolicyForm,
        update=services.update_policy,
        template="proposals/settings.html",
        saved="提案工作设置已保存。",
        url="proposals:settings",
    )


# ---------------------------------------------------------------- handling units


def _my_assignment(request, pk) -> Assignment:
    actor = request.actor
    unit = selectors.handler_unit_id(actor)
    return get_object_or_404(
        Assignment.objects.filter(organization=actor.organization, unit_id=unit).select_related("proposal"),
        pk=pk,
    )


@requires("proposals.handle")
def handler_inbox(request):
    actor = request.actor
    show = request.GET.get("show", "todo")
    if show not in ("todo", "done", "all"):
        show = "todo"
    unit = HandlingUnit.objects.filter(pk=selectors.handler_unit_id(actor)).first()
    page = paginate(selectors.inbox(actor, show=show), request.GET.get("page"))
    return render(
        request,
        "proposals/inbox.html",
        {"page": page, "show": show, "unit": unit, "today": timezone.localdate(), "query": f"show={show}"},
    )


@require_POST
@requires("proposals.handle")
def accept(request, pk):
    assignment = _my_assignment(request, pk)
    return _act(
        request,
        assignment.proposal,
        lambda: services.accept_assignment(actor=request.actor, assignment=assignment),
        "已签收。",
        "my-part",
    )


def _unit_step(form_class, service, success: str):
    """A POST on the unit's own assignment whose form fields are the service's arguments
    (申请退办, 记录沟通, 会签, 评价提案质量)."""

    @require_POST
    @requires("proposals.handle")
    def view(request, pk):
        assignment = _my_assignment(request, pk)
        form = form_class(request.POST)
        if not form.is_valid():
            return _form_error(request, assignment.proposal, form)
        return _act(
            request,
            assignment.proposal,
            lambda: service(actor=request.actor, assignment=assignment, **form.cleaned_data),
            success,
            "my-part",
        )

    return view


request_reroute = _unit_step(
    forms.RerouteRequestForm, services.request_reroute, "退办申请已提交，请等待提案委员会审批。"
)
communicate = _unit_step(forms.CommunicationForm, services.record_communication, "沟通情况已记录。")
countersign = _unit_step(forms.CountersignForm, services.countersign, "会签意见已送主办单位。")
quality = _unit_step(forms.QualityForm, services.rate_quality, "提案质量评价已提交。")


@requires("proposals.handle")
def reply(request, pk):
    actor = request.actor
    assignment = _my_assignment(request, pk)
    proposal = assignment.proposal
    current = Reply.objects.filter(assignment=assignment, round=assignment.round).first()
    initial = {"signer": "", "result_class": "B"}
    if current:
        initial = {
            "body": current.body,
            "result_class": current.result_class,
            "signer": current.signer,
            "version": current.version,
        }
    form = forms.ReplyForm(
        request.POST or None, request.FILES or None, organization=actor.organization, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_reply(
                actor=actor,
                assignment=assignment,
                body=data["body"],
                result_class=data["result_class"],
                signer=data["signer"],
                version=data["version"] if current else None,
            )
            if data.get("attachment"):
                services.add_attachment(
                    actor=actor, proposal=proposal, upload=data["attachment"], reply=saved
                )
            if request.POST.get("submit") == "1":
                services.submit_reply(actor=actor, reply=saved)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "答复已提交督办审核。" if request.POST.get("submit") == "1" else "答复草稿已保存。"
            )
            return _back(proposal, "my-part")
    communications = assignment.communications.all()
    co = (
        proposal.assignments.filter(kind=Assignment.Kind.CO)
        .exclude(state=Assignment.State.REROUTED)
        .select_related("unit")
    )
    return render(
        request,
        "proposals/reply_form.html",
        {
            "form": form,
            "proposal": proposal,
            "assignment": assignment,
            "reply": current,
            "communications": communications,
            "co": co,
        },
    )


@require_POST
@requires("proposals.handle")
def submit_reply(request, pk):
    actor = request.actor
    unit = selectors.handler_unit_id(actor)
    current = get_object_or_404(
        Reply.objects.filter(organization=actor.organization, assignment__unit_id=unit), pk=pk
    )
    return _act(
        request,
        current.proposal,
        lambda: services.submit_reply(actor=actor, reply=current),
        "答复已提交督办审核。",
        "my-part",
    )


# ---------------------------------------------------------------- leaders


@requires("proposals.supervise")
def key_list(request):
    actor = request.actor
    page = paginate(selectors.key_proposals(actor), request.GET.get("page"))
    return render(
        request,
        "proposals/key.html",
        {"page": page, "query": "", "staff_view": actor.has_role(Role.PROPOSAL_STAFF)},
    )


@require_POST
@requires("proposals.supervise")
def supervise(request, pk):
    actor = request.actor
    proposal = selectors.get_proposal_for_actor(actor, pk)
    form = forms.SupervisionForm(request.POST)
    if not form.is_valid():
        return _form_error(request, proposal, form)
    data = form.cleaned_data
    return _act(
        request,
        proposal,
        lambda: services.record_supervision(
            actor=actor, proposal=proposal, kind=data["kind"], day=data["day"], summary=data["summary"]
        ),
        "督办活动已记录。",
        "supervision",
    )


# ---------------------------------------------------------------- 提案线索


def leads(request):
    if not request.user.is_authenticated or request.actor is None:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    actor = request.actor
    if not (actor.can("proposals.submit") or actor.can("proposals.manage")):
        raise PermissionDenied("您没有查看提案线索的权限。")
    state = request.GET.get("state", Lead.State.PENDING if actor.can("proposals.manage") else "")
    if state not in Lead.State.values:
        state = ""
    page = paginate(selectors.leads(actor, state=state), request.GET.get("page"))
    return render(
        request,
        "proposals/leads.html",
        {
            "page": page,
            "state": state,
            "states": Lead.State.choices,
            "moderate": actor.can("proposals.manage"),
            "adopt": actor.has_role(Role.MEMBER),
            "moderate_form": forms.ModerateForm(),
            "query": f"state={state}",
        },
    )


@require_POST
@requires("proposals.manage")
def moderate(request, pk):
    actor = request.actor
    lead = get_object_or_404(Lead.objects.filter(organization=actor.organization), pk=pk)
    form = forms.ModerateForm(request.POST)
    if form.is_valid():
        try:
            services.moderate_lead(
                actor=actor,
                lead=lead,
                publish=form.cleaned_data["decision"] == "publish",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "线索已审核。")
    else:
        messages.error(request, "请选择审核结果。")
    return redirect("proposals:leads")


@require_POST
@requires("proposals.submit")
def adopt(request, pk):
    actor = request.actor
    lead = get_object_or_404(Lead.objects.filter(organization=actor.organization), pk=pk)
    proposal = services.adopt_lead(actor=actor, lead=lead)
    messages.success(request, "已根据线索生成提案草稿，请补充完善后提交。")
    return redirect("proposals:edit", pk=proposal.pk)
