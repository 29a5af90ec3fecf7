"""Every write to proposals: guarded by role and state, in a transaction, audited, with its notifications.

Each workflow step writes exactly one `Transition` (the timeline) and one audit event.
"""

import calendar
import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core import audit, policies
from zhengxie.core.errors import ConflictError, WorkflowError
from zhengxie.core.models import (
    HandlingUnit,
    Member,
    Organization,
    ParticipatingUnit,
    Person,
    PlenarySession,
    SpecialCommittee,
    TenantModel,
)
from zhengxie.core.notifications import holders, notify
from zhengxie.core.permissions import Actor, require
from zhengxie.core.roles import Role
from zhengxie.opinions import services as opinion_services

from . import facts
from .models import (
    Assignment,
    Attachment,
    Award,
    Category,
    Communication,
    Lead,
    NotFilingGround,
    Proposal,
    Proposer,
    Rating,
    Reply,
    RerouteRequest,
    SupervisionEvent,
    Transition,
)
from .policy import Policy, policy_for
from .workflow import IN_HANDLING, guard

S = Proposal.State
W = Proposal.Waiting
A = Assignment.State

CONTENT_FIELDS = ["title", "reason", "suggestions", "category"]


# ---------------------------------------------------------------- helpers


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days_between(start: date, end: date) -> int:
    """Monday–Friday days after `start` up to and including `end` (public holidays are not known)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def _own(actor: Actor, record: TenantModel) -> None:
    if record.organization_id != actor.organization.pk:
        raise Http404("记录不存在。")


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _url(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def _label(proposal: Proposal) -> str:
    return f"提案“{proposal.title}”"


def proposer_ids(proposal: Proposal) -> list[int]:
    return list(proposal.proposers.filter(state=Proposer.State.SIGNED).values_list("person_id", flat=True))


def _unit_users(proposal: Proposal, units: Iterable[HandlingUnit | int]) -> list[int]:
    ids = [u if isinstance(u, int) else u.pk for u in units]
    return holders(proposal.organization, Role.HANDLER, handling_unit_id__in=ids)


def _staff(organization: Organization) -> list[int]:
    return holders(organization, Role.PROPOSAL_STAFF)


def _waiting(proposal: Proposal, active: list[Assignment]) -> str:
    state = proposal.state
    if state in (S.DRAFT, S.RETURNED):
        return W.PROPOSER
    if state == S.COSIGNING:
        return W.COSIGNERS
    if state in (S.SUBMITTED, S.REVIEWING):
        return W.REVIEW
    if state == S.FILED:
        return W.ASSIGNMENT
    if state == S.REPLY_REVIEW:
        return W.OFFICE_REVIEW
    if state == S.ANSWERED:
        return W.RATING
    if state in (S.ASSIGNED, S.HANDLING):
        if any(a.state == A.REROUTE for a in active):
            return W.REROUTE
        if any(a.state == A.ASSIGNED for a in active):
            return W.ACCEPTANCE
        if any(a.kind == Assignment.Kind.CO and a.state != A.DONE for a in active):
            return W.COUNTERSIGN
        return W.UNITS
    return W.NONE


def _settle(proposal: Proposal) -> None:
    """Derive the handling-phase state, whose move it is and the nearest deadline from the assignments."""
    active: list[Assignment] = []
    if proposal.state in (S.FILED, *IN_HANDLING):
        active = list(proposal.assignments.exclude(state=A.REROUTED))
        replying = [a for a in active if a.replies]
        if not active:
            proposal.state = S.FILED
        elif replying and all(a.state == A.DONE for a in replying):
            proposal.state = S.ANSWERED
            proposal.answered_at = timezone.now()
        elif Reply.objects.filter(assignment__in=replying, state=Reply.State.REVIEW).exists():
            proposal.state = S.REPLY_REVIEW
        elif any(a.state in (A.ASSIGNED, A.REROUTE) for a in active):
            proposal.state = S.ASSIGNED
        else:
            proposal.state = S.HANDLING
        open_deadlines = [a.deadline for a in active if a.is_open]
        proposal.deadline = min(open_deadlines) if open_deadlines else None
    proposal.waiting = _waiting(proposal, active)


def _touch(proposal: Proposal) -> None:
    """A change of the proposal's records outside a step (attachments) still makes a new version of its page."""
    proposal.updated_at = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=proposal.updated_at)


def _step(
    actor: Actor | None,
    proposal: Proposal,
    action: str,
    before: str,
    *,
    note: str = "",
    changes: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> Proposal:
    """Save the proposal and write the step's one timeline row and one audit event."""
    _settle(proposal)
    proposal.updated_at = timezone.now()
    base = {"state", "waiting", "deadline", "submitted_at", "stage", "answered_at", "closed_at", "updated_at"}
    proposal.save(update_fields=sorted({*base, *fields}))
    facts.refresh_one(proposal)
    audit.step(
        Transition,
        proposal,
        action,
        before,
        person=actor.person if actor else None,
        note=note,
        changes=changes,
    )
    return proposal


def _just_recorded(model, fields: dict):
    """The same record sent again within a minute (a double click, a resent form) is the first one."""
    since = timezone.now() - timedelta(minutes=1)
    return model.objects.filter(recorded_at__gte=since, **fields).first()


def current_session(organization: Organization, today: date | None = None) -> PlenarySession:
    """The session a proposal written today belongs to: the one whose window holds today, else the
    latest session of the current term that has opened its submissions, else the next one."""
    today = today or timezone.localdate()
    sessions = PlenarySession.objects.filter(organization=organization).select_related("term")
    inside = sessions.filter(submission_opens_on__lte=today, submission_closes_on__gte=today).first()
    if inside:
        return inside
    started = sessions.filter(submission_opens_on__lte=today).order_by("-submission_opens_on").first()
    session = started or sessions.order_by("submission_opens_on").first()
    if session is None:
        raise WorkflowError("本组织尚未设置届次和会次，请联系机关管理员在“组织设置”中添加。")
    return session


def _check_content(proposal: Proposal, *, complete: bool) -> None:
    policy = policy_for(proposal.organization)
    errors: dict[str, str] = {}
    if not proposal.title.strip():
        errors["title"] = "请填写案由。"
    elif len(proposal.title) > policy.title_max:
        errors["title"] = f"案由不能超过{policy.title_max}个字。"
    for name, label in (("reason", "提案理由"), ("suggestions", "具体建议")):
        text = getattr(proposal, name)
        if len(text) > policy.section_max:
            errors[name] = f"{label}不能超过{policy.section_max}个字（现有{len(text)}字）。"
        elif complete and not text.strip():
            errors[name] = f"提交前请填写{label}。"
    if complete and proposal.category_id is None:
        errors["category"] = "提交前请选择类别。"
    if errors:
        raise ValidationError(errors)


def _require_lead(actor: Actor, proposal: Proposal) -> None:
    if proposal.proposer_id != actor.person.pk:
        raise PermissionDenied("只有领衔提案人可以执行此操作。")


def _check_collective_right(
    actor: Actor, participating_unit: ParticipatingUnit | None, committee: SpecialCommittee | None
) -> None:
    """Only the unit's authorised liaison, or the committee's staff, writes in its name."""
    if participating_unit is not None:
        _own(actor, participating_unit)
        if not any(
            g.role == Role.UNIT_LIAISON and g.participating_unit_id == participating_unit.pk
            for g in actor.grants
        ):
            raise PermissionDenied(f"您不是“{participating_unit}”授权的联络员，不能以其名义提交集体提案。")
    elif committee is not None:
        _own(actor, committee)
        if not any(g.role == Role.COMMITTEE_STAFF and g.committee_id == committee.pk for g in actor.grants):
            raise PermissionDenied(f"您不是“{committee}”的工作人员，不能以其名义提交集体提案。")
    else:
        raise ValidationError({"participating_unit": "集体提案须选择提交单位或专委会。"})


# ---------------------------------------------------------------- member: writing and submitting


@transaction.atomic
def create_proposal(
    *,
    actor: Actor,
    title: str,
    reason: str = "",
    suggestions: str = "",
    category: Category | None = None,
    kind: str = Proposal.Kind.INDIVIDUAL,
    participating_unit: ParticipatingUnit | None = None,
    committee: SpecialCommittee | None = None,
    source_lead: Lead | None = None,
    token: str = "",
) -> Proposal:
    """Start a draft. Members write individual and joint proposals; collective ones need the unit's right.

    `token` (from the form) makes a double submission of the same form create one draft.
    """
    require(actor, "proposals.submit")
    if kind == Proposal.Kind.COLLECTIVE:
        _check_collective_right(actor, participating_unit, committee)
        name = str(participating_unit or committee)
    else:
        if not actor.has_role(Role.MEMBER):
            raise PermissionDenied("只有本组织的委员可以提交个人或联名提案。")
        participating_unit = committee = None
        name = actor.person.full_name
    if category is not None:
        _own(actor, category)
    if token:
        earlier = Proposal.objects.filter(
            organization=actor.organization, proposer=actor.person, form_token=token
        ).first()
        if earlier is not None:
            return earlier
    session = current_session(actor.organization)
    proposal = Proposal(
        organization=actor.organization,
        term=session.term,
        session=session,
        title=title.strip(),
        reason=reason,
        suggestions=suggestions,
        category=category,
        kind=kind,
        proposer=actor.person,
        proposer_name=name,
        participating_unit=participating_unit,
        committee=committee,
        source_lead=source_lead,
        form_token=token[:40],
    )
    _check_content(proposal, complete=False)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        # The same form arrived twice at once; the first request's draft is the one.
        return Proposal.objects.get(organization=actor.organization, proposer=actor.person, form_token=token)
    Proposer.objects.create(
        organization=actor.organization,
        proposal=proposal,
        person=actor.person,
        name=actor.person.full_name,
        role=Proposer.Role.LEAD,
        state=Proposer.State.SIGNED,
        responded_at=timezone.now(),
    )
    return _step(
        actor,
        proposal,
        "create",
        "",
        changes=audit.diff({}, audit.snapshot(proposal, ["title", "kind", "category", "session"])),
    )


@transaction.atomic
def update_proposal(
    *,
    actor: Actor,
    proposal: Proposal,
    version: int,
    title: str,
    reason: str,
    suggestions: str,
    category: Category | None,
) -> Proposal:
    """Edit a draft (or a returned proposal); a stale version is refused rather than overwritten."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("save", actor, proposal)
    _require_lead(actor, proposal)
    if proposal.version != version:
        raise ConflictError("该提案已被他人修改，请刷新后在最新内容上修改。")
    if category is not None:
        _own(actor, category)
    before = audit.snapshot(proposal, CONTENT_FIELDS)
    proposal.title, proposal.reason, proposal.suggestions = title.strip(), reason, suggestions
    proposal.category = category
    _check_content(proposal, complete=False)
    proposal.version += 1
    return _step(
        actor,
        proposal,
        "save",
        proposal.state,
        changes=audit.diff(before, audit.snapshot(proposal, CONTENT_FIELDS)),
        fields=[*CONTENT_FIELDS, "version"],
    )


def resolve_members(organization: Organization, text: str) -> list[Person]:
    """Names separated by 、，, or spaces; a shared name needs the mobile's last four digits (张三-1234)."""
    people: list[Person] = []
    errors: list[str] = []
    for raw in [t for t in _split_names(text) if t]:
        name, _, tail = raw.partition("-")
        rows = list(
            Member.objects.filter(
                organization=organization, status=Member.Status.ACTIVE, name=name
            ).select_related("person")
        )
        if tail:
            rows = [m for m in rows if (m.person.mobile or "").endswith(tail)]
        persons = {m.person_id: m.person for m in rows}
        if not persons:
            errors.append(f"本组织没有在任委员“{raw}”。")
        elif len(persons) > 1:
            errors.append(f"有{len(persons)}位委员名为“{name}”，请写成“{name}-手机号后四位”。")
        else:
            people.extend(persons.values())
    if errors:
        raise ValidationError({"names": errors})
    return people


def _split_names(text: str) -> list[str]:
    for sep in "、，,;；\n\t":
        text = text.replace(sep, " ")
    return [t.strip() for t in text.split(" ")]


@transaction.atomic
def invite_cosigners(*, actor: Actor, proposal: Proposal, people: list[Person]) -> Proposal:
    """The lead proposer invites members of the organisation to sign (联名); the proposal becomes joint."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("invite", actor, proposal)
    _require_lead(actor, proposal)
    if proposal.kind == Proposal.Kind.COLLECTIVE:
        raise WorkflowError("集体提案不能邀请联名。")
    existing = set(proposal.proposers.values_list("person_id", flat=True))
    new = [p for p in dict.fromkeys(people) if p.pk not in existing]
    if not new:
        raise ValidationError({"names": "所选委员都已在提案人名单中。"})
    active = set(
        Member.objects.filter(
            organization=actor.organization, status=Member.Status.ACTIVE, person__in=new
        ).values_list("person_id", flat=True)
    )
    if outsiders := [p.full_name for p in new if p.pk not in active]:
        raise ValidationError({"names": f"{'、'.join(outsiders)}不是本组织的在任委员。"})
    Proposer.objects.bulk_create(
        [
            Proposer(
                organization=actor.organization,
                proposal=proposal,
                person=p,
                name=p.full_name,
                role=Proposer.Role.COSIGNER,
                state=Proposer.State.INVITED,
            )
            for p in new
        ]
    )
    proposal.kind = Proposal.Kind.JOINT
    if proposal.state == S.COSIGNING:
        _invite_notice(proposal, new)
    return _step(
        actor,
        proposal,
        "invite",
        proposal.state,
        changes={"cosigners": [None, [p.full_name for p in new]]},
        fields=["kind"],
    )


def _invite_notice(proposal: Proposal, people: Iterable[Person | int]) -> None:
    notify(
        organization=proposal.organization,
        recipients=people,
        kind="cosign",
        message=f"{proposal.proposer_name}邀请您联名{_label(proposal)}，请确认。",
        url=_url(proposal),
    )


@transaction.atomic
def remove_cosigner(*, actor: Actor, proposal: Proposal, person: Person) -> Proposal:
    """Remove an invitee who has not signed; if nobody else is pending, the proposal moves on."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("uninvite", actor, proposal)
    _require_lead(actor, proposal)
    row = proposal.proposers.filter(person=person, role=Proposer.Role.COSIGNER).first()
    if row is None or row.state == Proposer.State.SIGNED:
        raise WorkflowError("只能移除尚未确认联名的受邀委员。")
    row.delete()
    before = proposal.state
    if before == S.COSIGNING:
        _finish_cosigning(proposal)
    return _step(actor, proposal, "uninvite", before, changes={"cosigners": [person.full_name, None]})


def _stage(proposal: Proposal, moment) -> str:
    in_window = proposal.session.in_plenary_window(timezone.localdate(moment))
    return Proposal.Stage.PLENARY if in_window else Proposal.Stage.ORDINARY


def _mark_submitted(proposal: Proposal) -> None:
    now = timezone.now()
    proposal.state = S.SUBMITTED
    if proposal.submitted_at is None:
        proposal.submitted_at = now
        proposal.stage = _stage(proposal, now)
    notify(
        organization=proposal.organization,
        recipients=_staff(proposal.organization),
        kind="submitted",
        message=f"{proposal.proposer_name}提交了{_label(proposal)}，待审查。",
        url=_url(proposal),
    )


def _finish_cosigning(proposal: Proposal) -> None:
    """Once no invitation is pending: with a signature the proposal counts as submitted, else back to draft."""
    rows = list(proposal.proposers.filter(role=Proposer.Role.COSIGNER))
    if any(r.state == Proposer.State.INVITED for r in rows):
        return
    if any(r.state == Proposer.State.SIGNED for r in rows):
        _mark_submitted(proposal)
    else:
        proposal.state = S.DRAFT
        notify(
            organization=proposal.organization,
            recipients=[proposal.proposer_id],
            kind="cosign_failed",
            message=f"{_label(proposal)}没有委员确认联名，已退回草稿，可重新邀请或改为个人提案。",
            url=_url(proposal),
        )


@transaction.atomic
def submit_proposal(*, actor: Actor, proposal: Proposal) -> Proposal:
    """Submit: a joint proposal first waits for its co-signers; the stage (大会期间/平时) is fixed now."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("submit", actor, proposal)
    _require_lead(actor, proposal)
    _check_content(proposal, complete=True)
    before = proposal.state
    if proposal.kind == Proposal.Kind.COLLECTIVE:
        _check_collective_right(actor, proposal.participating_unit, proposal.committee)
    pending = list(
        proposal.proposers.filter(role=Proposer.Role.COSIGNER, state=Proposer.State.INVITED).values_list(
            "person_id", flat=True
        )
    )
    if proposal.kind == Proposal.Kind.JOINT and pending:
        proposal.state = S.COSIGNING
        _invite_notice(proposal, pending)
    elif (
        proposal.kind == Proposal.Kind.JOINT
        and not proposal.proposers.filter(role=Proposer.Role.COSIGNER, state=Proposer.State.SIGNED).exists()
    ):
        raise WorkflowError("联名提案至少需要一位委员联名，请先邀请联名委员。")
    else:
        _mark_submitted(proposal)
    return _step(actor, proposal, "submit", before)


def _respond(actor: Actor, proposal: Proposal, action: str, state: str) -> Proposal:
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard(action, actor, proposal)
    row = proposal.proposers.filter(
        person=actor.person, role=Proposer.Role.COSIGNER, state=Proposer.State.INVITED
    ).first()
    if row is None:
        raise PermissionDenied("您没有收到该提案的联名邀请，或已答复。")
    row.state = state
    row.responded_at = timezone.now()
    row.save(update_fields=["state", "responded_at"])
    before = proposal.state
    _finish_cosigning(proposal)
    return _step(actor, proposal, action, before, changes={"cosigner": [None, actor.person.full_name]})


@transaction.atomic
def sign_proposal(*, actor: Actor, proposal: Proposal) -> Proposal:
    """An invited member confirms the joint proposal (联名确认)."""
    return _respond(actor, proposal, "sign", Proposer.State.SIGNED)


@transaction.atomic
def decline_proposal(*, actor: Actor, proposal: Proposal) -> Proposal:
    """An invited member declines to sign."""
    return _respond(actor, proposal, "decline", Proposer.State.DECLINED)


@transaction.atomic
def withdraw_proposal(*, actor: Actor, proposal: Proposal, reason: str = "") -> Proposal:
    """The lead proposer withdraws a proposal that has not been filed."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("withdraw", actor, proposal)
    _require_lead(actor, proposal)
    before = proposal.state
    proposal.state = S.WITHDRAWN
    return _step(actor, proposal, "withdraw", before, note=reason)


@transaction.atomic
def add_attachment(*, actor: Actor, proposal: Proposal, upload, reply: Reply | None = None) -> Attachment:
    """Attach a file (already checked for size and type by the form) to a draft or to a reply."""
    _own(actor, proposal)
    if reply is None:
        guard("save", actor, proposal)
        _require_lead(actor, proposal)
    else:
        _unit_grant(actor, reply.assignment)
        if reply.state not in (Reply.State.DRAFT, Reply.State.RETURNED):
            raise WorkflowError("答复已提交，不能再添加附件。")
    policy = policy_for(proposal.organization)
    if upload.size > policy.attachment_max_mb * 1024 * 1024:
        raise ValidationError({"file": f"附件不能超过{policy.attachment_max_mb}MB。"})
    attachment = Attachment.objects.create(
        organization=proposal.organization,
        proposal=proposal,
        reply=reply,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        uploaded_by=actor.person,
    )
    _touch(proposal)
    audit.record(
        action="proposals.attachment.create",
        organization=proposal.organization,
        actor=actor.person,
        obj=attachment,
        changes={"proposal": [None, str(proposal)], "name": [None, attachment.name]},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: Actor, attachment: Attachment) -> None:
    _own(actor, attachment)
    proposal = attachment.proposal
    if attachment.reply_id is None:
        guard("save", actor, proposal)
        _require_lead(actor, proposal)
    else:
        _unit_grant(actor, attachment.reply.assignment)
        if attachment.reply.state not in (Reply.State.DRAFT, Reply.State.RETURNED):
            raise WorkflowError("答复已提交，不能再删除附件。")
    audit.record(
        action="proposals.attachment.delete",
        organization=proposal.organization,
        actor=actor.person,
        obj=attachment,
        changes={"name": [attachment.name, None]},
    )
    attachment.file.delete(save=False)
    attachment.delete()
    _touch(proposal)


# ---------------------------------------------------------------- staff: review


@transaction.atomic
def precheck_proposal(*, actor: Actor, proposal: Proposal, note: str = "") -> Proposal:
    """预审: the office has checked the form; the proposal goes to the review decision."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("precheck", actor, proposal)
    before = proposal.state
    proposal.state = S.REVIEWING
    return _step(actor, proposal, "precheck", before, note=note)


@transaction.atomic
def file_proposal(
    *, actor: Actor, proposal: Proposal, category: Category | None = None, note: str = ""
) -> Proposal:
    """立案: the proposal gets the next number of its session."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("file", actor, proposal)
    if category is not None:
        _own(actor, category)
        proposal.category = category
    before = proposal.state
    # The session row is the lock that hands out numbers one at a time.
    PlenarySession.objects.select_for_update().get(pk=proposal.session_id)
    top = Proposal.objects.filter(session_id=proposal.session_id).aggregate(n=Max("number"))["n"] or 0
    proposal.number = top + 1
    proposal.state = S.FILED
    proposal.filed_at = timezone.now()
    proposal.review_reason = note
    notify(
        organization=proposal.organization,
        recipients=proposer_ids(proposal),
        kind="filed",
        message=f"{_label(proposal)}已立案，编号{proposal.display_number}。",
        url=_url(proposal),
    )
    return _step(
        actor,
        proposal,
        "file",
        before,
        note=note,
        changes={"number": [None, proposal.number]},
        fields=["number", "filed_at", "category", "review_reason"],
    )


@transaction.atomic
def not_file_proposal(
    *,
    actor: Actor,
    proposal: Proposal,
    ground: NotFilingGround | None,
    reason: str,
    disposition: str,
) -> Proposal:
    """不予立案: a listed ground, a reason and where the content goes; 退回修改 lets the proposer resubmit."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("not_file", actor, proposal)
    errors = {}
    if not reason.strip():
        errors["reason"] = "请填写审查意见。"
    if disposition not in Proposal.Disposition.values:
        errors["disposition"] = "请选择处理方式。"
    if ground is None and disposition != Proposal.Disposition.RETURN:
        errors["ground"] = "请选择不予立案的理由。"
    if errors:
        raise ValidationError(errors)
    if ground is not None:
        _own(actor, ground)
    before = proposal.state
    proposal.state = S.RETURNED if disposition == Proposal.Disposition.RETURN else S.NOT_FILED
    proposal.not_filed_ground = ground
    proposal.review_reason = reason
    proposal.disposition = disposition
    where = Proposal.Disposition(disposition).label
    ground_text = f"理由：{ground}；" if ground else ""
    notify(
        organization=proposal.organization,
        recipients=proposer_ids(proposal),
        kind="returned" if proposal.state == S.RETURNED else "not_filed",
        message=f"{_label(proposal)}未予立案，{ground_text}处理方式：{where}。审查意见：{reason}"[:300],
        url=_url(proposal),
    )
    _step(
        actor,
        proposal,
        "not_file",
        before,
        note=reason,
        changes={"disposition": [None, disposition], "ground": [None, str(ground or "")]},
        fields=["not_filed_ground", "review_reason", "disposition"],
    )
    if disposition == Proposal.Disposition.OPINION:
        # 转社情民意: the content goes on as a public-opinion report, linked both ways.
        opinion_services.report_from_proposal(actor=actor, proposal=proposal)
    return proposal


@transaction.atomic
def merge_proposal(*, actor: Actor, proposal: Proposal, into: Proposal, note: str = "") -> Proposal:
    """并案: the proposal joins a surviving case; all its proposers become proposers of that case."""
    _own(actor, proposal)
    _own(actor, into)
    proposal = _lock(proposal)
    into = _lock(into)
    guard("merge", actor, proposal)
    if into.pk == proposal.pk:
        raise ValidationError({"into": "不能并入提案本身。"})
    if into.state not in (S.SUBMITTED, S.REVIEWING, S.FILED, *IN_HANDLING):
        raise WorkflowError(f"目标提案状态为“{into.get_state_display()}”，不能再并入其他提案。")
    present = set(into.proposers.values_list("person_id", flat=True))
    joining = [
        r for r in proposal.proposers.filter(state=Proposer.State.SIGNED) if r.person_id not in present
    ]
    Proposer.objects.bulk_create(
        [
            Proposer(
                organization=into.organization,
                proposal=into,
                person_id=r.person_id,
                name=r.name,
                role=Proposer.Role.MERGED,
                state=Proposer.State.SIGNED,
                from_proposal=proposal,
                responded_at=timezone.now(),
            )
            for r in joining
        ]
    )
    before = proposal.state
    proposal.state = S.MERGED
    proposal.merged_into = into
    proposal.disposition = ""
    notify(
        organization=proposal.organization,
        recipients=proposer_ids(proposal),
        kind="merged",
        message=f"{_label(proposal)}已并入“{into.title}”办理，您将收到该案的答复。",
        url=_url(into),
    )
    _step(
        actor,
        proposal,
        "merge",
        before,
        note=note,
        changes={"merged_into": [None, str(into)]},
        fields=["merged_into", "disposition"],
    )
    _step(
        actor,
        into,
        "merge_in",
        into.state,
        note=f"并入{proposal.display_number if proposal.number else ''}“{proposal.title}”",
        changes={"proposers": [None, [r.name for r in joining]]},
    )
    return proposal


# ---------------------------------------------------------------- staff: assignment and follow-up


@transaction.atomic
def assign_units(
    *,
    actor: Actor,
    proposal: Proposal,
    lead: HandlingUnit | None = None,
    co: Iterable[HandlingUnit] = (),
    separate: Iterable[HandlingUnit] = (),
    deadline: date | None = None,
) -> Proposal:
    """交办: one lead unit (with optional co-handling units), or several units replying separately (分办)."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("assign", actor, proposal)
    co, separate = list(co), list(separate)
    if lead is not None and separate:
        raise ValidationError({"separate": "主办与分办不能同时选择。"})
    if lead is None and len(separate) < 2:
        raise ValidationError({"lead": "请选择主办单位，或选择两个及以上分办单位。"})
    units = [u for u in [lead, *co, *separate] if u is not None]
    if len({u.pk for u in units}) != len(units):
        raise ValidationError({"co": "同一单位不能重复交办。"})
    for unit in units:
        _own(actor, unit)
    policy = policy_for(proposal.organization)
    today = timezone.localdate()
    deadline = _check_deadline(deadline or add_months(today, policy.deadline_months), today, policy)
    now = timezone.now()
    rows = [(lead, Assignment.Kind.LEAD)] if lead else []
    rows += [(u, Assignment.Kind.CO) for u in co] + [(u, Assignment.Kind.SEPARATE) for u in separate]
    Assignment.objects.bulk_create(
        [
            Assignment(
                organization=proposal.organization,
                proposal=proposal,
                unit=u,
                kind=kind,
                assigned_at=now,
                deadline=deadline,
            )
            for u, kind in rows
        ]
    )
    before = proposal.state
    proposal.state = S.ASSIGNED
    proposal.assigned_at = now
    notify(
        organization=proposal.organization,
        recipients=_unit_users(proposal, units),
        kind="assigned",
        message=f"{_label(proposal)}已交办贵单位，请于{deadline:%Y年%m月%d日}前办复，请及时签收。",
        url=_url(proposal),
    )
    notify(
        organization=proposal.organization,
        recipients=proposer_ids(proposal),
        kind="assigned",
        message=f"{_label(proposal)}已交办{'、'.join(str(u) for u in units)}办理。",
        url=_url(proposal),
    )
    return _step(
        actor,
        proposal,
        "assign",
        before,
        changes={
            "units": [None, [f"{u}（{Assignment.Kind(k).label}）" for u, k in rows]],
            "deadline": [None, str(deadline)],
        },
        fields=["assigned_at"],
    )


def _check_deadline(deadline: date, start: date, policy) -> date:
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": "办理期限必须晚于今天。"})
    latest = add_months(start, policy.max_extension_months)
    if deadline > latest:
        raise ValidationError(
            {"deadline": f"办理期限最长为交办后{policy.max_extension_months}个月（{latest:%Y年%m月%d日}）。"}
        )
    return deadline


@transaction.atomic
def extend_deadline(*, actor: Actor, assignment: Assignment, deadline: date, reason: str) -> Assignment:
    """Extend a unit's deadline, with a recorded reason, to at most 6 months after assignment."""
    _own(actor, assignment)
    proposal = _lock(assignment.proposal)
    guard("extend", actor, proposal)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_open:
        raise WorkflowError("该单位已办复，无需延期。")
    if not reason.strip():
        raise ValidationError({"reason": "延期须填写理由。"})
    if deadline <= assignment.deadline:
        raise ValidationError({"deadline": "新期限必须晚于原期限。"})
    _check_deadline(deadline, timezone.localdate(assignment.assigned_at), policy_for(proposal.organization))
    old = assignment.deadline
    assignment.deadline = deadline
    assignment.extension_reason = reason
    assignment.save(update_fields=["deadline", "extension_reason"])
    _settle(proposal)
    notify(
        organization=proposal.organization,
        recipients=_unit_users(proposal, [assignment.unit_id]),
        kind="extended",
        message=f"{_label(proposal)}的办理期限已延至{deadline:%Y年%m月%d日}。",
        url=_url(proposal),
    )
    _step(
        actor,
        proposal,
        "extend",
        proposal.state,
        note=reason,
        changes={"unit": [None, str(assignment.unit)], "deadline": [str(old), str(deadline)]},
    )
    return assignment


@transaction.atomic
def decide_reroute(
    *,
    actor: Actor,
    request: RerouteRequest,
    approve: bool,
    new_unit: HandlingUnit | None = None,
    note: str = "",
) -> RerouteRequest:
    """Staff decide a re-route request: relieve the unit (and hand the part to another) or keep it."""
    _own(actor, request)
    assignment = request.assignment
    proposal = _lock(assignment.proposal)
    guard("decide_reroute", actor, proposal)
    request = RerouteRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != RerouteRequest.Decision.PENDING:
        raise WorkflowError("该退办申请已审批。")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    before = proposal.state
    if approve:
        if new_unit is not None:
            _own(actor, new_unit)
            if (
                proposal.assignments.exclude(state=A.REROUTED)
                .filter(unit=new_unit)
                .exclude(pk=assignment.pk)
                .exists()
            ):
                raise ValidationError({"new_unit": "该单位已承办此提案。"})
        elif (
            assignment.kind == Assignment.Kind.LEAD
            and proposal.assignments.exclude(state=A.REROUTED).exclude(pk=assignment.pk).exists()
        ):
            raise ValidationError({"new_unit": "主办单位退办后须指定新的主办单位。"})
        assignment.state = A.REROUTED
        assignment.save(update_fields=["state"])
        if new_unit is not None:
            policy = policy_for(proposal.organization)
            Assignment.objects.create(
                organization=proposal.organization,
                proposal=proposal,
                unit=new_unit,
                kind=assignment.kind,
                deadline=add_months(timezone.localdate(), policy.deadline_months),
                round=assignment.round,
            )
            notify(
                organization=proposal.organization,
                recipients=_unit_users(proposal, [new_unit]),
                kind="assigned",
                message=f"{_label(proposal)}已改交贵单位办理，请及时签收。",
                url=_url(proposal),
            )
    else:
        assignment.state = A.ACCEPTED if assignment.accepted_at else A.ASSIGNED
        assignment.save(update_fields=["state"])
    request.decision = RerouteRequest.Decision.APPROVED if approve else RerouteRequest.Decision.REJECTED
    request.decision_note = note
    request.new_unit = new_unit if approve else None
    request.decided_by = actor.person
    request.decided_at = timezone.now()
    request.save(update_fields=["decision", "decision_note", "new_unit", "decided_by", "decided_at"])
    notify(
        organization=proposal.organization,
        recipients=_unit_users(proposal, [assignment.unit_id]),
        kind="reroute_decided",
        message=f"贵单位对{_label(proposal)}的退办申请{request.get_decision_display()}。{note}"[:300],
        url=_url(proposal),
    )
    _settle(proposal)
    _step(
        actor,
        proposal,
        "decide_reroute",
        before,
        note=note,
        changes={
            "unit": [None, str(assignment.unit)],
            "decision": [None, request.decision],
            "new_unit": [None, str(new_unit or "")],
        },
    )
    return request


@transaction.atomic
def review_reply(
    *, actor: Actor, reply: Reply, approve: bool, result_class: str = "", note: str = ""
) -> Reply:
    """督办审核: approve the reply (optionally correcting its class) so the proposers see it, or send it back."""
    _own(actor, reply)
    proposal = _lock(reply.proposal)
    guard("approve_reply" if approve else "return_reply", actor, proposal)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state != Reply.State.REVIEW:
        raise WorkflowError("该答复不在督办审核中。")
    before = proposal.state
    changes: dict[str, Any] = {"unit": [None, str(reply.assignment.unit)]}
    if approve:
        if result_class and result_class != reply.result_class:
            if result_class not in Reply.ResultClass.values:
                raise ValidationError({"result_class": "答复类别无效。"})
            changes["result_class"] = [reply.result_class, result_class]
            reply.result_class = result_class
        reply.state = Reply.State.APPROVED
        reply.approved_at = timezone.now()
        Assignment.objects.filter(pk=reply.assignment_id).update(state=A.DONE)
    else:
        if not note.strip():
            raise ValidationError({"note": "退回答复须填写意见。"})
        reply.state = Reply.State.RETURNED
    reply.review_note = note
    reply.save(update_fields=["state", "result_class", "approved_at", "review_note"])
    _settle(proposal)
    if approve and proposal.state == S.ANSWERED:
        notify(
            organization=proposal.organization,
            recipients=proposer_ids(proposal),
            kind="replied",
            message=f"{_label(proposal)}已答复，请在{policy_for(proposal.organization).rating_working_days}个工作日内评价。",
            url=_url(proposal),
        )
    if not approve:
        notify(
            organization=proposal.organization,
            recipients=_unit_users(proposal, [reply.assignment.unit_id]),
            kind="reply_returned",
            message=f"贵单位对{_label(proposal)}的答复被退回修改：{note}"[:300],
            url=_url(proposal),
        )
    _step(
        actor,
        proposal,
        "approve_reply" if approve else "return_reply",
        before,
        note=note,
        changes=changes,
    )
    return reply


@transaction.atomic
def close_proposal(*, actor: Actor, proposal: Proposal, note: str = "") -> Proposal:
    """办结 after the rating period, when the lead proposer has not rated."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("close", actor, proposal)
    before = proposal.state
    proposal.state = S.CLOSED
    proposal.closed_at = timezone.now()
    return _step(actor, proposal, "close", before, note=note, fields=["closed_at"])


@transaction.atomic
def propose_key(*, actor: Actor, proposal: Proposal, proposed: bool = True) -> Proposal:
    """The office proposes (or drops) a filed proposal as a key proposal for the chair's meeting."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("propose_key", actor, proposal)
    old = proposal.key_status
    if proposed and old == "key":
        raise WorkflowError("该提案已确定为重点提案。")
    proposal.key_status = "proposed" if proposed else ""
    if not proposed:
        proposal.key_leader = None
    return _step(
        actor,
        proposal,
        "propose_key",
        proposal.state,
        changes={"key_status": [old, proposal.key_status]},
        fields=["key_status", "key_leader"],
    )


@transaction.atomic
def decide_key(*, actor: Actor, proposal: Proposal, leader: Person, note: str = "") -> Proposal:
    """Record the chair's meeting decision: the proposal is key, supervised by this leader (领衔督办)."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("decide_key", actor, proposal)
    if proposal.key_status != "proposed":
        raise WorkflowError("请先将该提案拟定为重点提案。")
    if leader.pk not in holders(proposal.organization, Role.LEADER):
        raise ValidationError({"leader": "领衔督办领导须是本组织的主席会议成员/领导。"})
    proposal.key_status = "key"
    proposal.key_leader = leader
    notify(
        organization=proposal.organization,
        recipients=[leader],
        kind="key",
        message=f"{_label(proposal)}确定为重点提案，由您领衔督办。",
        url=_url(proposal),
    )
    return _step(
        actor,
        proposal,
        "decide_key",
        proposal.state,
        note=note,
        changes={"key_status": ["proposed", "key"], "key_leader": [None, leader.full_name]},
        fields=["key_status", "key_leader"],
    )


@transaction.atomic
def record_supervision(
    *, actor: Actor, proposal: Proposal, kind: str, day: date, summary: str
) -> SupervisionEvent:
    """A supervision event on a key proposal, by its supervising leader or the office."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("supervise", actor, proposal)
    if proposal.key_status != "key":
        raise WorkflowError("只有重点提案需要记录督办活动。")
    if not actor.has_role(Role.PROPOSAL_STAFF) and proposal.key_leader_id != actor.person.pk:
        raise PermissionDenied("只有该提案的领衔督办领导可以记录督办活动。")
    if kind not in SupervisionEvent.Kind.values:
        raise ValidationError({"kind": "请选择督办形式。"})
    if day > timezone.localdate():
        raise ValidationError({"day": "日期不能晚于今天。"})
    if not summary.strip():
        raise ValidationError({"summary": "请填写督办情况。"})
    fields = {"proposal": proposal, "kind": kind, "date": day, "summary": summary}
    if earlier := _just_recorded(SupervisionEvent, fields):
        return earlier
    event = SupervisionEvent.objects.create(
        organization=proposal.organization, recorded_by=actor.person, **fields
    )
    _step(
        actor,
        proposal,
        "supervise",
        proposal.state,
        note=f"{event.get_kind_display()}：{summary}",
        changes={"date": [None, str(day)]},
    )
    return event


@transaction.atomic
def set_confidential(*, actor: Actor, proposal: Proposal, confidential: bool) -> Proposal:
    """Keep a proposal's reply off the public portal (or publish it)."""
    _own(actor, proposal)
    proposal = _lock(proposal)
    guard("set_confidential", actor, proposal)
    old = proposal.is_confidential
    proposal.is_confidential = confidential
    return _step(
        actor,
        proposal,
        "set_confidential",
        proposal.state,
        changes={"is_confidential": [old, confidential]},
        fields=["is_confidential"],
    )


@transaction.atomic
def give_award(
    *,
    actor: Actor,
    year: int,
    kind: str,
    proposal: Proposal | None = None,
    unit: HandlingUnit | None = None,
    note: str = "",
) -> Award:
    """Year-end selection of an excellent proposal (优秀提案) or an advanced handling unit (先进承办单位)."""
    require(actor, "proposals.manage")
    if kind == Award.Kind.PROPOSAL:
        if proposal is None:
            raise ValidationError({"proposal": "请选择提案。"})
        _own(actor, proposal)
        guard("award", actor, proposal)
        unit = None
    elif kind == Award.Kind.UNIT:
        if unit is None:
            raise ValidationError({"unit": "请选择承办单位。"})
        _own(actor, unit)
        proposal = None
    else:
        raise ValidationError({"kind": "请选择评选类别。"})
    try:
        with transaction.atomic():
            award = Award.objects.create(
                organization=actor.organization,
                year=year,
                kind=kind,
                proposal=proposal,
                unit=unit,
                note=note,
                decided_by=actor.person,
            )
    except IntegrityError as exc:
        raise ValidationError({"kind": f"{year}年已评选过该{Award.Kind(kind).label}。"}) from exc
    audit.record(
        action="proposals.award.create",
        organization=actor.organization,
        actor=actor.person,
        obj=award,
        changes={"kind": [None, kind], "year": [None, year], "target": [None, str(proposal or unit)]},
    )
    return award


@transaction.atomic
def revoke_award(*, actor: Actor, award: Award) -> None:
    require(actor, "proposals.manage")
    _own(actor, award)
    audit.record(
        action="proposals.award.delete",
        organization=actor.organization,
        actor=actor.person,
        obj=award,
        changes={"target": [str(award.proposal or award.unit), None]},
    )
    award.delete()


# ---------------------------------------------------------------- handling units


def _unit_grant(actor: Actor, assignment: Assignment) -> None:
    """Only a user of the assigned unit acts on its assignment."""
    grant = actor.grant(Role.HANDLER)
    if grant is None or grant.handling_unit_id != assignment.unit_id:
        raise PermissionDenied("该提案未交办贵单位。")


def _assignment_step(actor: Actor, assignment: Assignment, action: str) -> tuple[Proposal, Assignment]:
    _own(actor, assignment)
    proposal = _lock(assignment.proposal)
    guard(action, actor, proposal)
    _unit_grant(actor, assignment)
    return proposal, Assignment.objects.select_for_update().get(pk=assignment.pk)


@transaction.atomic
def accept_assignment(*, actor: Actor, assignment: Assignment) -> Assignment:
    """签收: the unit takes the assignment on."""
    proposal, assignment = _assignment_step(actor, assignment, "accept")
    if assignment.state != A.ASSIGNED:
        raise WorkflowError(f"该交办当前为“{assignment.get_state_display()}”，不能签收。")
    before = proposal.state
    assignment.state = A.ACCEPTED
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["state", "accepted_at"])
    _settle(proposal)
    _step(actor, proposal, "accept", before, changes={"unit": [None, str(assignment.unit)]})
    return assignment


@transaction.atomic
def request_reroute(
    *, actor: Actor, assignment: Assignment, reason: str, suggested_unit: str = ""
) -> RerouteRequest:
    """申请退办: within the set working days of assignment, with a reason; staff decide. A unit never passes
    a proposal on by itself."""
    proposal, assignment = _assignment_step(actor, assignment, "request_reroute")
    if assignment.state not in (A.ASSIGNED, A.ACCEPTED):
        raise WorkflowError(f"该交办当前为“{assignment.get_state_display()}”，不能申请退办。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退办理由。"})
    policy = policy_for(proposal.organization)
    used = working_days_between(timezone.localdate(assignment.assigned_at), timezone.localdate())
    if used > policy.reroute_working_days:
        raise WorkflowError(f"已超过交办后{policy.reroute_working_days}个工作日的退办申请时限。")
    request = RerouteRequest.objects.create(
        organization=proposal.organization,
        assignment=assignment,
        reason=reason,
        suggested_unit=suggested_unit,
        requested_by=actor.person,
    )
    before = proposal.state
    assignment.state = A.REROUTE
    assignment.save(update_fields=["state"])
    notify(
        organization=proposal.organization,
        recipients=_staff(proposal.organization),
        kind="reroute",
        message=f"{assignment.unit}申请退办{_label(proposal)}：{reason}"[:300],
        url=_url(proposal),
    )
    _settle(proposal)
    _step(
        actor,
        proposal,
        "request_reroute",
        before,
        note=reason,
        changes={"unit": [None, str(assignment.unit)]},
    )
    return request


@transaction.atomic
def record_communication(
    *, actor: Actor, assignment: Assignment, method: str, day: date, summary: str
) -> Communication:
    """办前面商: the unit records its contact with the proposer (面商、电话、书面)."""
    proposal, assignment = _assignment_step(actor, assignment, "communicate")
    if assignment.state != A.ACCEPTED:
        raise WorkflowError("请先签收，再记录沟通情况。")
    if method not in Communication.Method.values:
        raise ValidationError({"method": "请选择沟通方式。"})
    if day > timezone.localdate() or day < timezone.localdate(assignment.assigned_at):
        raise ValidationError({"day": "沟通日期应在交办之后、今天或之前。"})
    if not summary.strip():
        raise ValidationError({"summary": "请填写沟通情况。"})
    fields = {"assignment": assignment, "method": method, "date": day, "summary": summary}
    if earlier := _just_recorded(Communication, fields):
        return earlier
    communication = Communication.objects.create(
        organization=proposal.organization, proposal=proposal, recorded_by=actor.person, **fields
    )
    _step(
        actor,
        proposal,
        "communicate",
        proposal.state,
        note=f"{communication.get_method_display()}（{day:%Y年%m月%d日}）：{summary}",
        changes={"unit": [None, str(assignment.unit)]},
    )
    return communication


@transaction.atomic
def countersign(*, actor: Actor, assignment: Assignment, opinion: str) -> Assignment:
    """会签: a co-handling unit sends its view to the lead unit; its part is then done."""
    proposal, assignment = _assignment_step(actor, assignment, "countersign")
    if assignment.kind != Assignment.Kind.CO:
        raise WorkflowError("只有协办单位需要会签。")
    if assignment.state != A.ACCEPTED:
        raise WorkflowError(f"该交办当前为“{assignment.get_state_display()}”，不能会签。")
    if not opinion.strip():
        raise ValidationError({"opinion": "请填写协办意见。"})
    before = proposal.state
    assignment.opinion = opinion
    assignment.opinion_at = timezone.now()
    assignment.state = A.DONE
    assignment.save(update_fields=["opinion", "opinion_at", "state"])
    lead_units = (
        proposal.assignments.filter(kind=Assignment.Kind.LEAD)
        .exclude(state=A.REROUTED)
        .values_list("unit_id", flat=True)
    )
    notify(
        organization=proposal.organization,
        recipients=_unit_users(proposal, list(lead_units)),
        kind="countersigned",
        message=f"协办单位{assignment.unit}已对{_label(proposal)}会签。",
        url=_url(proposal),
    )
    _settle(proposal)
    _step(
        actor, proposal, "countersign", before, note=opinion, changes={"unit": [None, str(assignment.unit)]}
    )
    return assignment


@transaction.atomic
def save_reply(
    *,
    actor: Actor,
    assignment: Assignment,
    body: str,
    result_class: str,
    signer: str,
    version: int | None = None,
) -> Reply:
    """The lead (or a separate) unit drafts its reply letter and sets its class."""
    proposal, assignment = _assignment_step(actor, assignment, "draft_reply")
    if not assignment.replies:
        raise WorkflowError("协办单位不单独答复，请通过会签提出意见。")
    if assignment.state != A.ACCEPTED:
        raise WorkflowError(f"该交办当前为“{assignment.get_state_display()}”，不能撰写答复。")
    errors = {}
    if not body.strip():
        errors["body"] = "请填写答复内容。"
    if result_class not in Reply.ResultClass.values:
        errors["result_class"] = "请选择答复类别。"
    if not signer.strip():
        errors["signer"] = "请填写签发人。"
    if errors:
        raise ValidationError(errors)
    reply = Reply.objects.select_for_update().filter(assignment=assignment, round=assignment.round).first()
    if reply is None:
        reply = Reply(
            organization=proposal.organization,
            proposal=proposal,
            assignment=assignment,
            round=assignment.round,
            written_by=actor.person,
        )
    elif reply.state not in (Reply.State.DRAFT, Reply.State.RETURNED):
        raise WorkflowError("答复已提交审核，不能修改。")
    elif version is not None and reply.version != version:
        raise ConflictError("该答复已被他人修改，请刷新后再改。")
    else:
        reply.version += 1
    reply.body, reply.result_class, reply.signer = body, result_class, signer
    reply.save()
    _step(
        actor,
        proposal,
        "draft_reply",
        proposal.state,
        changes={"unit": [None, str(assignment.unit)], "result_class": [None, result_class]},
    )
    return reply


@transaction.atomic
def submit_reply(*, actor: Actor, reply: Reply) -> Reply:
    """Submit the reply for the office's review: the co-handling units must have countersigned and, where
    the organisation requires it, the unit must have talked with the proposer first."""
    proposal, assignment = _assignment_step(actor, reply.assignment, "submit_reply")
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state not in (Reply.State.DRAFT, Reply.State.RETURNED):
        raise WorkflowError("该答复已提交。")
    if assignment.kind == Assignment.Kind.LEAD:
        missing = [
            str(a.unit)
            for a in proposal.assignments.filter(kind=Assignment.Kind.CO).exclude(
                state__in=[A.DONE, A.REROUTED]
            )
        ]
        if missing:
            raise WorkflowError(f"协办单位尚未会签：{'、'.join(missing)}。")
    if policy_for(proposal.organization).require_communication and not assignment.communications.exists():
        raise WorkflowError("本组织要求“无沟通未协商不答复”，请先记录与提案人的沟通情况。")
    before = proposal.state
    reply.state = Reply.State.REVIEW
    reply.submitted_at = timezone.now()
    reply.save(update_fields=["state", "submitted_at"])
    notify(
        organization=proposal.organization,
        recipients=_staff(proposal.organization),
        kind="reply_submitted",
        message=f"{assignment.unit}提交了{_label(proposal)}的答复，待督办审核。",
        url=_url(proposal),
    )
    _settle(proposal)
    _step(actor, proposal, "submit_reply", before, changes={"unit": [None, str(assignment.unit)]})
    return reply


@transaction.atomic
def rate_quality(*, actor: Actor, assignment: Assignment, score: int, comment: str = "") -> Assignment:
    """双向评议: the unit scores the proposal's quality (0–100) once; proposers see it after scoring too."""
    proposal, assignment = _assignment_step(actor, assignment, "rate_quality")
    if assignment.quality_score is not None:
        raise WorkflowError("贵单位已评价过该提案的质量。")
    if not 0 <= score <= 100:
        raise ValidationError({"score": "评分应在0到100之间。"})
    assignment.quality_score = score
    assignment.quality_comment = comment
    assignment.save(update_fields=["quality_score", "quality_comment"])
    _step(
        actor,
        proposal,
        "rate_quality",
        proposal.state,
        changes={"unit": [None, str(assignment.unit)], "quality_score": [None, score]},
    )
    return assignment


def quality_grade(score: int | None) -> str:
    if score is None:
        return ""
    if score >= 90:
        return "优秀"
    if score >= 75:
        return "良好"
    if score >= 60:
        return "一般"
    return "较差"


# ---------------------------------------------------------------- proposers rate the replies


@transaction.atomic
def rate_reply(
    *,
    actor: Actor,
    reply: Reply,
    handling: str,
    result: str,
    unit_score: int | None = None,
    comment: str = "",
) -> Rating:
    """Each proposer rates each reply once. The lead proposer's 不满意 sends the unit back to re-handle,
    once per proposal, with a new deadline; the lead's ratings of all replies close the proposal."""
    _own(actor, reply)
    proposal = _lock(reply.proposal)
    guard("rate", actor, proposal)
    reply = Reply.objects.select_related("assignment__unit").get(pk=reply.pk)
    if actor.person.pk not in proposer_ids(proposal):
        raise PermissionDenied("只有本提案的提案人可以评价答复。")
    if reply.state != Reply.State.APPROVED:
        raise WorkflowError("该答复尚未发布，不能评价。")
    levels = Rating.Level.values
    if handling not in levels or result not in levels:
        raise ValidationError({"result": "请分别选择对办理工作和办理结果的评价。"})
    if unit_score is not None and not 0 <= unit_score <= 100:
        raise ValidationError({"unit_score": "评分应在0到100之间。"})
    is_lead = proposal.proposer_id == actor.person.pk
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                organization=proposal.organization,
                reply=reply,
                proposal=proposal,
                person=actor.person,
                is_lead=is_lead,
                handling=handling,
                result=result,
                unit_score=unit_score,
                comment=comment,
            )
    except IntegrityError as exc:
        raise WorkflowError("您已评价过这份答复，每份答复只能评价一次。") from exc
    before = proposal.state
    note = f"办理工作{rating.get_handling_display()}，办理结果{rating.get_result_display()}。{comment}"
    if is_lead and rating.is_unsatisfied and not proposal.rehandled and proposal.state == S.ANSWERED:
        _rehandle(proposal, reply.assignment)
    elif is_lead and proposal.state == S.ANSWERED and _lead_rated_all(proposal):
        proposal.state = S.CLOSED
        proposal.closed_at = timezone.now()
    return _step_rating(actor, proposal, before, note, rating)


def _step_rating(actor: Actor, proposal: Proposal, before: str, note: str, rating: Rating) -> Rating:
    _step(
        actor,
        proposal,
        "rate",
        before,
        note=note,
        changes={"unit": [None, str(rating.reply.assignment.unit)], "result": [None, rating.result]},
        fields=["rehandled"],
    )
    return rating


def _lead_rated_all(proposal: Proposal) -> bool:
    current = Reply.objects.filter(proposal=proposal, state=Reply.State.APPROVED).exclude(
        assignment__state=A.REROUTED
    )
    latest = {}
    for reply in current.order_by("round"):
        latest[reply.assignment_id] = reply.pk
    rated = set(
        Rating.objects.filter(reply_id__in=latest.values(), person_id=proposal.proposer_id).values_list(
            "reply_id", flat=True
        )
    )
    return set(latest.values()) <= rated


def _rehandle(proposal: Proposal, assignment: Assignment) -> None:
    policy = policy_for(proposal.organization)
    deadline = add_months(timezone.localdate(), policy.rehandle_months)
    Assignment.objects.filter(pk=assignment.pk).update(
        state=A.ACCEPTED, round=assignment.round + 1, deadline=deadline
    )
    proposal.rehandled = True
    proposal.state = S.HANDLING
    _settle(proposal)
    notify(
        organization=proposal.organization,
        recipients=_unit_users(proposal, [assignment.unit_id]),
        kind="rehandle",
        message=f"提案人对{_label(proposal)}的答复不满意，请重新办理，于{deadline:%Y年%m月%d日}前重新答复。",
        url=_url(proposal),
    )
    notify(
        organization=proposal.organization,
        recipients=_staff(proposal.organization),
        kind="rehandle",
        message=f"{_label(proposal)}提案人不满意，已交{assignment.unit}重新办理。",
        url=_url(proposal),
    )


# ---------------------------------------------------------------- 提案线索 (public leads)


def address_hash(address: str) -> str:
    """A keyed hash: staff can tell leads from one address apart without the address being recoverable."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"zhengxie-lead:{address}".encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def submit_lead(*, organization: Organization, title: str, body: str, contact: str, address: str) -> Lead:
    """An anonymous citizen's lead; it waits for moderation before any member sees it."""
    errors = {}
    if not title.strip():
        errors["title"] = "请填写标题。"
    if len(body.strip()) < 10:
        errors["body"] = "请把情况和建议写清楚（至少10个字）。"
    if errors:
        raise ValidationError(errors)
    lead = Lead.objects.create(
        organization=organization,
        title=title.strip()[:50],
        body=body.strip(),
        contact=contact.strip()[:50],
        address_hash=address_hash(address),
    )
    audit.record(action="proposals.lead.create", organization=organization, actor=None, obj=lead)
    notify(
        organization=organization,
        recipients=_staff(organization),
        kind="lead",
        message=f"收到群众提案线索“{lead.title}”，待审核。",
        url=reverse("proposals:leads"),
    )
    return lead


@transaction.atomic
def moderate_lead(*, actor: Actor, lead: Lead, publish: bool, note: str = "") -> Lead:
    """Staff publish a lead to the members or reject it."""
    require(actor, "proposals.manage")
    _own(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.state != Lead.State.PENDING:
        raise WorkflowError("该线索已审核。")
    old = lead.state
    lead.state = Lead.State.PUBLISHED if publish else Lead.State.REJECTED
    lead.moderation_note = note
    lead.moderated_by = actor.person
    lead.save(update_fields=["state", "moderation_note", "moderated_by"])
    audit.record(
        action="proposals.lead.moderate",
        organization=lead.organization,
        actor=actor.person,
        obj=lead,
        changes={"state": [old, lead.state]},
    )
    return lead


@transaction.atomic
def adopt_lead(*, actor: Actor, lead: Lead) -> Proposal:
    """A member adopts a published lead into a draft of their own."""
    _own(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.state != Lead.State.PUBLISHED:
        raise WorkflowError("该线索当前不能采用。")
    proposal = create_proposal(
        actor=actor,
        title=lead.title,
        reason=f"（来自群众提案线索）\n{lead.body}",
        source_lead=lead,
    )
    lead.state = Lead.State.ADOPTED
    lead.adopted_by = actor.person
    lead.save(update_fields=["state", "adopted_by"])
    audit.record(
        action="proposals.lead.adopt",
        organization=lead.organization,
        actor=actor.person,
        obj=lead,
        changes={"state": [Lead.State.PUBLISHED, Lead.State.ADOPTED], "proposal": [None, proposal.pk]},
    )
    return proposal


# ---------------------------------------------------------------- reference lists and reminders


DEFAULT_CATEGORIES = ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"]
DEFAULT_GROUNDS = [
    "涉及党和国家秘密",
    "涉及国家立法、司法事项",
    "属于党派、团体内部事务",
    "属于民事、经济纠纷或正在诉讼中的案件",
    "涉及提案人个人及其亲属的事项",
    "宣传、推广产品",
    "对具体人员进行检举、控告",
    "没有具体建议",
    "不属于本级政协提案范围",
    "其他不宜作为提案的事项",
]


def ensure_reference_lists(organization: Organization) -> None:
    """Give an organisation the default categories and the ten national grounds for not filing."""
    for i, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(organization=organization, name=name, defaults={"sort_order": i})
    for i, name in enumerate(DEFAULT_GROUNDS):
        NotFilingGround.objects.get_or_create(
            organization=organization, name=name, defaults={"sort_order": i}
        )


@transaction.atomic
def update_policy(*, actor: Actor, values: dict[str, Any]) -> None:
    """Change the organisation's proposal rules (deadlines, limits, 无沟通未协商不答复); unknown names and values out
    of bounds are refused."""
    require(actor, "proposals.settings")
    policies.store(actor=actor, policy_class=Policy, values=values, action="proposals.policy.update")


@scopes_disabled()
def expire_cosign_invitations(now=None) -> int:
    """Invitations not answered within the organisation's co-sign period lapse (as if declined); the
    proposal then goes on with those who signed, or back to its lead as a draft. Returns lapsed invitations."""
    now = now or timezone.now()
    lapsed = 0
    pending = Proposer.objects.filter(
        role=Proposer.Role.COSIGNER, state=Proposer.State.INVITED, proposal__state=S.COSIGNING
    ).select_related("proposal__organization")
    by_proposal: dict[int, list[Proposer]] = {}
    for row in pending:
        limit = timedelta(days=policy_for(row.proposal.organization).cosign_days)
        if row.invited_at + limit < now:
            by_proposal.setdefault(row.proposal_id, []).append(row)
    for proposal_id, rows in by_proposal.items():
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().select_related("session").get(pk=proposal_id)
            if proposal.state != S.COSIGNING:
                continue
            Proposer.objects.filter(pk__in=[r.pk for r in rows], state=Proposer.State.INVITED).update(
                state=Proposer.State.DECLINED, responded_at=now
            )
            before = proposal.state
            _finish_cosigning(proposal)
            names = "、".join(r.name for r in rows)
            _step(None, proposal, "cosign_lapsed", before, note=f"{names}逾期未确认联名")
            lapsed += len(rows)
    return lapsed


@scopes_disabled()
def send_deadline_reminders(today: date | None = None) -> int:
    """Remind units 7 days before a deadline, on the day, and every day after it; never twice a day.

    Runs across all organisations (from `zhengxie remind` or the worker); returns notifications sent.
    """
    today = today or timezone.localdate()
    sent = 0
    due = Assignment.objects.filter(
        state__in=[A.ASSIGNED, A.ACCEPTED, A.REROUTE], deadline__lte=today + timedelta(days=7)
    )
    due = due.filter(deadline__in=[today, today + timedelta(days=7)]) | due.filter(deadline__lt=today)
    overdue_by_org: dict[int, int] = {}
    for assignment in due.select_related("proposal", "organization", "unit").order_by("pk").iterator():
        proposal = assignment.proposal
        days = (assignment.deadline - today).days
        if days > 0:
            text = f"{_label(proposal)}将于{days}天后（{assignment.deadline:%m月%d日}）到期，请抓紧办理。"
        elif days == 0:
            text = f"{_label(proposal)}今天到期，请按时办复。"
        else:
            text = f"{_label(proposal)}已超期{-days}天，请尽快办复。"
            overdue_by_org[assignment.organization_id] = overdue_by_org.get(assignment.organization_id, 0) + 1
        sent += notify(
            organization=assignment.organization,
            recipients=holders(assignment.organization, Role.HANDLER, handling_unit_id=assignment.unit_id),
            kind="deadline",
            message=text,
            url=_url(proposal),
            dedupe_key=f"deadline:{assignment.pk}:{today.isoformat()}",
        )
    for org in Organization.objects.filter(pk__in=overdue_by_org):
        sent += notify(
            organization=org,
            recipients=holders(org, Role.PROPOSAL_STAFF),
            kind="overdue",
            message=f"共有{overdue_by_org[org.pk]}项交办已超期，请督办。",
            url=reverse("proposals:board"),
            dedupe_key=f"overdue:{org.pk}:{today.isoformat()}",
        )
    return sent
