"""Every write to public-opinion reports and issues: guarded by role and state, in a transaction,
audited, with its notifications.

Each report step writes exactly one `ReportTransition` (the timeline) and one audit event. A report becomes
已采用 only when the issue holding it is published; an issue is published only when it has items
and every earlier issue of its year is already out, so published numbers run 1, 2, 3 … per year.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core import audit, policies
from zhengxie.core.errors import ConflictError, WorkflowError
from zhengxie.core.models import (
    Organization,
    ParticipatingUnit,
    Person,
    RoleGrant,
    SpecialCommittee,
    TenantModel,
)
from zhengxie.core.notifications import holders, notify
from zhengxie.core.permissions import Actor, require
from zhengxie.core.roles import Role
from zhengxie.core.services import account_for
from zhengxie.proposals.policy import ATTACHMENT_TYPES

from .models import (
    LEVEL_BITS,
    LEVEL_OUTCOMES,
    Feedback,
    Forwarding,
    InfoOfficer,
    Instruction,
    Issue,
    IssueItem,
    Level,
    Outcome,
    Report,
    ReportAttachment,
    ReportCategory,
    ReportTransition,
    Revision,
    ScoreRule,
)
from .policy import Policy, policy_for
from .workflow import guard, guard_issue

S = Report.State
T = Report.SubmitterType
I = Issue.State  # noqa: E741

DEFAULT_CATEGORIES = ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"]
# The example table of SPEC §3.2: adopted here +1, by the city +5, a city leader's instruction +10 …
DEFAULT_POINTS = {
    Outcome.ADOPTED: Decimal("1"),
    Outcome.ADOPTED_UPPER: Decimal("5"),
    Outcome.INSTRUCTED_COUNTY: Decimal("5"),
    Outcome.INSTRUCTED_CITY: Decimal("10"),
    Outcome.INSTRUCTED_PROVINCE: Decimal("20"),
    Outcome.INSTRUCTED_NATIONAL: Decimal("30"),
}


# ---------------------------------------------------------------- helpers


def _own(actor: Actor, record: TenantModel) -> None:
    if record.organization_id != actor.organization.pk:
        raise Http404("记录不存在。")


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _lock_issue(issue: Issue) -> Issue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


def report_url(report: Report) -> str:
    return reverse("opinions:detail", args=[report.pk])


def issue_url(issue: Issue) -> str:
    return reverse("opinions:issue", args=[issue.pk])


def _label(report: Report) -> str:
    return f"社情民意信息“{report.display_title}”"


def _editors(organization: Organization) -> list[int]:
    # Forwarding notifies the other organisation's editors: read its grants outside the request's scope.
    with scopes_disabled():
        return holders(organization, Role.OPINION_EDITOR)


def _step(
    actor: Actor | None,
    report: Report,
    action: str,
    before: str,
    *,
    note: str = "",
    changes: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> Report:
    """Save the report and write the step's one timeline row and one audit event."""
    report.updated_at = timezone.now()
    report.version += 1
    report.save(update_fields=sorted({"state", "updated_at", "version", *fields}))
    audit.step(
        ReportTransition,
        report,
        action,
        before,
        person=actor.person if actor else None,
        note=note,
        changes=changes,
    )
    return report


def _issue_event(actor: Actor, issue: Issue, action: str, changes: dict[str, Any] | None = None) -> None:
    audit.record(
        action=f"opinions.issue.{action}",
        organization=issue.organization,
        actor=actor.person,
        obj=issue,
        changes=changes or {},
    )


def ensure_reference_lists(organization: Organization) -> None:
    """The default categories and scoring table, for an organisation that has none yet."""
    if not ReportCategory.objects.filter(organization=organization).exists():
        ReportCategory.objects.bulk_create(
            [
                ReportCategory(organization=organization, name=n, sort_order=i)
                for i, n in enumerate(DEFAULT_CATEGORIES)
            ]
        )
    have = set(ScoreRule.objects.filter(organization=organization).values_list("outcome", flat=True))
    ScoreRule.objects.bulk_create(
        [
            ScoreRule(organization=organization, outcome=o, points=p)
            for o, p in DEFAULT_POINTS.items()
            if o not in have
        ]
    )


# ---------------------------------------------------------------- scoring


def rules_for(organization: Organization) -> dict[str, Decimal]:
    """Points per outcome: the organisation's table, the defaults for rows it has not set."""
    points = {str(k): v for k, v in DEFAULT_POINTS.items()}
    points.update(ScoreRule.objects.filter(organization=organization).values_list("outcome", "points"))
    return points


def outcomes_of(*, adopted: bool, upper_adopted: bool, levels: int) -> list[str]:
    found = [Outcome.ADOPTED] if adopted else []
    if upper_adopted:
        found.append(Outcome.ADOPTED_UPPER)
    found += [LEVEL_OUTCOMES[level] for level, bit in LEVEL_BITS.items() if levels & bit]
    return [str(o) for o in found]


def best_outcome(outcomes: list[str], rules: dict[str, Decimal]) -> tuple[str, Decimal]:
    """The highest-scoring outcome (its points are the report's points); nothing achieved scores 0."""
    if not outcomes:
        return "", Decimal("0")
    best = max(outcomes, key=lambda o: (rules[o], list(Outcome.values).index(o)))
    return best, rules[best]


def _rescore(report: Report, rules: dict[str, Decimal] | None = None) -> None:
    rules = rules or rules_for(report.organization)
    report.outcome, report.points = best_outcome(
        outcomes_of(
            adopted=report.adopted_at is not None,
            upper_adopted=report.upper_adopted,
            levels=report.instruction_levels,
        ),
        rules,
    )


@transaction.atomic
def update_rules(*, actor: Actor, values: dict[str, Any]) -> int:
    """Edit the scoring table; every report of the organisation is scored again. Returns reports changed."""
    require(actor, "opinions.settings")
    organization = actor.organization
    ensure_reference_lists(organization)
    errors: dict[str, str] = {}
    parsed: dict[str, Decimal] = {}
    for outcome in Outcome:
        if outcome.value not in values:
            continue
        try:
            points = Decimal(str(values[outcome.value]))
        except (InvalidOperation, ValueError):
            errors[outcome.value] = f"“{outcome.label}”的分值必须是数字。"
            continue
        if not points.is_finite() or points < 0 or points > 1000:
            errors[outcome.value] = f"“{outcome.label}”的分值应在 0 到 1000 之间。"
            continue
        parsed[outcome.value] = points.quantize(Decimal("0.1"))
    if errors:
        raise ValidationError(errors)
    before = rules_for(organization)
    for rule in ScoreRule.objects.filter(organization=organization, outcome__in=list(parsed)):
        if rule.points != parsed[rule.outcome]:
            rule.points = parsed[rule.outcome]
            rule.updated_at = timezone.now()
            rule.save(update_fields=["points", "updated_at"])
    after = rules_for(organization)
    audit.record(
        action="opinions.rules.update",
        organization=organization,
        actor=actor.person,
        obj=organization,
        changes=audit.diff({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in after.items()}),
    )
    return rescore_organization(organization, after)


def rescore_organization(organization: Organization, rules: dict[str, Decimal] | None = None) -> int:
    """Score every report again; one UPDATE per combination of outcomes (at most 64), not per report."""
    rules = rules or rules_for(organization)
    rows = Report.objects.filter(organization=organization)
    # order_by(): the model's ordering would otherwise join the SELECT DISTINCT and split every combination.
    combos = (
        rows.annotate(adopted=ExpressionWrapper(Q(adopted_at__isnull=False), output_field=BooleanField()))
        .values_list("adopted", "upper_adopted", "instruction_levels")
        .order_by()
        .distinct()
    )
    changed = 0
    for adopted, upper, levels in combos:
        outcome, points = best_outcome(
            outcomes_of(adopted=bool(adopted), upper_adopted=upper, levels=levels), rules
        )
        changed += (
            rows.filter(adopted_at__isnull=not adopted, upper_adopted=upper, instruction_levels=levels)
            .exclude(outcome=outcome, points=points)
            .update(outcome=outcome, points=points)
        )
    return changed


# ---------------------------------------------------------------- submitter


@dataclass(frozen=True)
class Capacity:
    """In whose name the actor writes: themselves as a member or officer, a unit, or a committee."""

    submitter_type: str
    name: str
    participating_unit: ParticipatingUnit | None = None
    committee: SpecialCommittee | None = None


def capacities(actor: Actor) -> list[Capacity]:
    """Every name the actor may submit in, the most personal first."""
    found = []
    if actor.has_role(Role.MEMBER):
        found.append(Capacity(T.MEMBER, actor.person.full_name))
    if actor.has_role(Role.INFO_OFFICER):
        found.append(Capacity(T.OFFICER, actor.person.full_name))
    for grant in actor.grants:
        if grant.role == Role.UNIT_LIAISON and grant.participating_unit is not None:
            found.append(
                Capacity(T.UNIT, grant.participating_unit.name, participating_unit=grant.participating_unit)
            )
        if grant.role == Role.COMMITTEE_STAFF and grant.committee is not None:
            found.append(Capacity(T.COMMITTEE, grant.committee.name, committee=grant.committee))
    return found


def _capacity(actor: Actor, submitter_type: str, unit_id: int | None, committee_id: int | None) -> Capacity:
    for capacity in capacities(actor):
        if capacity.submitter_type != submitter_type:
            continue
        if submitter_type == T.UNIT and (capacity.participating_unit.pk != unit_id):  # type: ignore[union-attr]
            continue
        if submitter_type == T.COMMITTEE and (capacity.committee.pk != committee_id):  # type: ignore[union-attr]
            continue
        return capacity
    raise PermissionDenied("您不能以该身份报送社情民意信息。")


def _check_content(report: Report, policy: Policy, *, complete: bool) -> None:
    errors: dict[str, str] = {}
    if not report.title.strip():
        errors["title"] = "请填写标题。"
    elif len(report.title) > policy.title_max:
        errors["title"] = f"标题不能超过{policy.title_max}个字。"
    if len(report.body) > policy.body_max:
        errors["body"] = f"正文不能超过{policy.body_max}个字（现有{len(report.body)}字）。"
    elif complete and not report.body.strip():
        errors["body"] = "报送前请填写正文。"
    if complete and report.category_id is None:
        errors["category"] = "报送前请选择类别。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_report(
    *,
    actor: Actor,
    title: str,
    body: str = "",
    category: ReportCategory | None = None,
    urgency: str = Report.Urgency.NORMAL,
    submitter_type: str = T.MEMBER,
    participating_unit_id: int | None = None,
    committee_id: int | None = None,
    token: str = "",
) -> Report:
    """Start a draft in one of the actor's capacities; the same form sent twice makes one draft."""
    require(actor, "opinions.submit")
    capacity = _capacity(actor, submitter_type, participating_unit_id, committee_id)
    if category is not None:
        _own(actor, category)
    if urgency not in Report.Urgency.values:
        raise ValidationError({"urgency": "请选择紧急程度。"})
    if token:
        earlier = Report.objects.filter(
            organization=actor.organization, submitter=actor.person, form_token=token
        ).first()
        if earlier is not None:
            return earlier
    report = Report(
        organization=actor.organization,
        year=timezone.localdate().year,
        title=title.strip(),
        body=body,
        category=category,
        urgency=urgency,
        submitter_type=capacity.submitter_type,
        submitter=actor.person,
        submitter_name=capacity.name,
        participating_unit=capacity.participating_unit,
        committee=capacity.committee,
        form_token=token[:40],
    )
    _check_content(report, policy_for(actor.organization), complete=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return Report.objects.get(organization=actor.organization, submitter=actor.person, form_token=token)
    audit.step(
        ReportTransition,
        report,
        "create",
        person=actor.person,
        changes=audit.diff({}, audit.snapshot(report, ["title", "category", "urgency", "submitter_name"])),
    )
    return report


def _require_submitter(actor: Actor, report: Report) -> None:
    _own(actor, report)
    if report.submitter_id != actor.person.pk:
        raise PermissionDenied("只有报送人本人可以执行此操作。")


@transaction.atomic
def update_report(
    *,
    actor: Actor,
    report: Report,
    title: str,
    body: str,
    category: ReportCategory | None,
    urgency: str,
    version: int | None = None,
) -> Report:
    """Change a draft; a version older than the stored one means someone saved in between (409)."""
    _require_submitter(actor, report)
    report = _lock(report)
    guard("save", actor, report)
    if version is not None and version != report.version:
        raise ConflictError("该信息已在别处修改，请刷新页面后再编辑。")
    if category is not None:
        _own(actor, category)
    if urgency not in Report.Urgency.values:
        raise ValidationError({"urgency": "请选择紧急程度。"})
    before = audit.snapshot(report, ["title", "body", "category", "urgency"])
    report.title, report.body, report.category, report.urgency = title.strip(), body, category, urgency
    _check_content(report, policy_for(report.organization), complete=False)
    after = audit.snapshot(report, ["title", "body", "category", "urgency"])
    return _step(
        actor,
        report,
        "save",
        report.state,
        changes=audit.diff(before, after),
        fields=["title", "body", "category", "urgency"],
    )


@transaction.atomic
def submit_report(*, actor: Actor, report: Report) -> Report:
    """报送: the complete draft goes to the editors."""
    _require_submitter(actor, report)
    report = _lock(report)
    guard("submit", actor, report)
    _check_content(report, policy_for(report.organization), complete=True)
    before = report.state
    report.state = S.SUBMITTED
    report.submitted_at = timezone.now()
    report.year = timezone.localdate().year
    notify(
        organization=report.organization,
        recipients=_editors(report.organization),
        kind="opinion_submitted",
        message=f"{report.submitter_name}报送了{_label(report)}，请接收采编。",
        url=report_url(report),
    )
    return _step(actor, report, "submit", before, fields=["submitted_at", "year"])


@transaction.atomic
def withdraw_report(*, actor: Actor, report: Report, reason: str = "") -> Report:
    """The submitter takes back a draft or a report no editor has taken up yet."""
    _require_submitter(actor, report)
    report = _lock(report)
    guard("withdraw", actor, report)
    before = report.state
    report.state = S.WITHDRAWN
    return _step(actor, report, "withdraw", before, note=reason.strip())


@transaction.atomic
def add_attachment(*, actor: Actor, report: Report, upload) -> ReportAttachment:
    """A file on a draft or a report still being edited, by its submitter or an editor."""
    _own(actor, report)
    report = _lock(report)
    is_submitter = report.submitter_id == actor.person.pk and report.state == S.DRAFT
    is_editor = actor.can("opinions.edit") and report.state in (S.SUBMITTED, S.EDITING)
    if not (is_submitter or is_editor):
        raise PermissionDenied("当前不能为该信息添加附件。")
    policy = policy_for(report.organization)
    name = upload.name.rsplit("/", 1)[-1][:200]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError({"attachment": "附件只能是 PDF、Word、Excel、OFD 或图片文件。"})
    if upload.size > policy.attachment_max_mb * 1024 * 1024:
        raise ValidationError({"attachment": f"附件不能超过{policy.attachment_max_mb}MB。"})
    attachment = ReportAttachment.objects.create(
        organization=report.organization,
        report=report,
        file=upload,
        name=name,
        size=upload.size,
        uploaded_by=actor.person,
    )
    audit.record(
        action="opinions.attachment.create",
        organization=report.organization,
        actor=actor.person,
        obj=attachment,
        changes={"report": report.pk, "name": name},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: Actor, attachment: ReportAttachment) -> None:
    _own(actor, attachment)
    report = _lock(attachment.report)
    if not (
        (attachment.uploaded_by_id == actor.person.pk and report.state == S.DRAFT)
        or (actor.can("opinions.edit") and report.state in (S.SUBMITTED, S.EDITING))
    ):
        raise PermissionDenied("当前不能删除该附件。")
    audit.record(
        action="opinions.attachment.delete",
        organization=attachment.organization,
        actor=actor.person,
        obj=attachment,
        changes={"report": report.pk, "name": attachment.name},
    )
    attachment.file.delete(save=False)
    attachment.delete()


# ---------------------------------------------------------------- editor: receiving and editing


@transaction.atomic
def receive_report(*, actor: Actor, report: Report) -> Report:
    """接收采编: an editor takes the report up; from here the submitter can no longer withdraw it."""
    _own(actor, report)
    report = _lock(report)
    guard("receive", actor, report)
    before = report.state
    report.state = S.EDITING
    report.editor = actor.person
    return _step(actor, report, "receive", before, fields=["editor"])


@transaction.atomic
def edit_report(*, actor: Actor, report: Report, title: str, body: str, note: str = "") -> Report:
    """采编: save the editor's version beside the original, which never changes."""
    _own(actor, report)
    report = _lock(report)
    guard("edit", actor, report)
    errors = {}
    if not title.strip():
        errors["title"] = "请填写标题。"
    elif len(title) > 100:
        errors["title"] = "标题不能超过100个字。"
    if not body.strip():
        errors["body"] = "请填写正文。"
    if errors:
        raise ValidationError(errors)
    before = {"edited_title": report.display_title, "edited_body": report.display_body}
    report.edited_title, report.edited_body, report.editor = title.strip(), body, actor.person
    Revision.objects.create(
        organization=report.organization,
        report=report,
        title=report.edited_title,
        body=report.edited_body,
        editor=actor.person,
        note=note.strip()[:200],
    )
    after = {"edited_title": report.edited_title, "edited_body": report.edited_body}
    if report.item_id is not None and report.item.issue.is_open and report.item.reports.count() == 1:
        # The item of a report on its own follows the editor's version until the issue is sent for signing.
        IssueItem.objects.filter(pk=report.item_id).update(
            title=report.edited_title[:100], body=report.edited_body
        )
    return _step(
        actor,
        report,
        "edit",
        report.state,
        note=note.strip(),
        changes=audit.diff(before, after),
        fields=["edited_title", "edited_body", "editor"],
    )


@transaction.atomic
def not_adopt_report(*, actor: Actor, report: Report, reason: str) -> Report:
    """不予采用, with the reason the submitter sees; it leaves any issue it was placed in."""
    _own(actor, report)
    report = _lock(report)
    guard("not_adopt", actor, report)
    if not reason.strip():
        raise ValidationError({"reason": "请填写不予采用的原因。"})
    if report.item_id is not None:
        _leave_item(actor, report)
    before = report.state
    report.state = S.NOT_ADOPTED
    report.not_adopted_reason = reason.strip()
    notify(
        organization=report.organization,
        recipients=[report.submitter_id],
        kind="opinion_not_adopted",
        message=f"您报送的{_label(report)}未被采用。原因：{report.not_adopted_reason}"[:300],
        url=report_url(report),
    )
    return _step(
        actor,
        report,
        "not_adopt",
        before,
        note=report.not_adopted_reason,
        fields=["not_adopted_reason", "item"],
    )


# ---------------------------------------------------------------- issues


def next_issue_number(organization: Organization, year: int) -> int:
    top = Issue.objects.filter(organization=organization, year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


@transaction.atomic
def create_issue(
    *,
    actor: Actor,
    year: int | None = None,
    number: int | None = None,
    send_to: str | None = None,
    copy_to: str | None = None,
) -> Issue:
    """A new issue, numbered after the year's last; a number that would leave a gap or repeat is refused."""
    require(actor, "opinions.edit")
    organization = actor.organization
    year = year or timezone.localdate().year
    expected = next_issue_number(organization, year)
    if number is not None and number != expected:
        if number < expected:
            raise ValidationError({"number": f"{year}年第{number}期已存在，下一期应为第{expected}期。"})
        raise ValidationError(
            {"number": f"期号不能跳号：{year}年下一期应为第{expected}期，不能直接编第{number}期。"}
        )
    policy = policy_for(organization)
    try:
        with transaction.atomic():
            issue = Issue.objects.create(
                organization=organization,
                year=year,
                number=expected,
                title=policy.publication_title,
                send_to=(policy.send_to if send_to is None else send_to)[:300],
                copy_to=(policy.copy_to if copy_to is None else copy_to)[:300],
                created_by=actor.person,
            )
    except IntegrityError as error:
        raise ConflictError("同时有人新建了同一期，请刷新后重试。") from error
    _issue_event(actor, issue, "create", {"number": [None, issue.number], "year": [None, year]})
    return issue


def _open_issue(actor: Actor, issue: Issue, step: str = "compose") -> Issue:
    _own(actor, issue)
    issue = _lock_issue(issue)
    guard_issue(step, actor, issue)
    return issue


def _renumber(issue: Issue) -> None:
    for position, item in enumerate(
        IssueItem.objects.filter(issue=issue).order_by("position", "id"), start=1
    ):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _sources(item: IssueItem) -> str:
    names = list(dict.fromkeys(item.reports.order_by("id").values_list("submitter_name", flat=True)))
    return "、".join(names)[:300]


def _leave_item(actor: Actor, report: Report) -> None:
    """Take the report out of its issue item; an item left without reports goes too."""
    item = IssueItem.objects.select_related("issue").get(pk=report.item_id)
    # Locked: an issue being sent for signing at the same moment must not lose or keep an item unseen.
    item.issue = _lock_issue(item.issue)
    guard_issue("compose", actor, item.issue)
    report.item = None
    Report.objects.filter(pk=report.pk).update(item=None)
    if not item.reports.exists():
        item.delete()
        _renumber(item.issue)
    else:
        item.sources = _sources(item)
        item.save(update_fields=["sources"])


@transaction.atomic
def include_report(*, actor: Actor, report: Report, issue: Issue) -> IssueItem:
    """编入期刊: the report becomes the last item of an issue being edited (from its edited version)."""
    _own(actor, report)
    issue = _open_issue(actor, issue)
    report = _lock(report)
    guard("include", actor, report)
    if report.item_id is not None:
        raise WorkflowError("该信息已编入期刊，请先移出再编入其他期。")
    position = (IssueItem.objects.filter(issue=issue).aggregate(top=Max("position"))["top"] or 0) + 1
    item = IssueItem.objects.create(
        organization=report.organization,
        issue=issue,
        position=position,
        title=report.display_title[:100],
        body=report.display_body,
        sources=report.submitter_name[:300],
    )
    report.item = item
    _step(
        actor,
        report,
        "include",
        report.state,
        note=str(issue),
        changes={"issue": [None, str(issue)]},
        fields=["item"],
    )
    return item


@transaction.atomic
def merge_report(*, actor: Actor, report: Report, item: IssueItem) -> IssueItem:
    """合并编发: the report joins another report's item; the editor then writes the combined text."""
    _own(actor, report)
    _own(actor, item)
    _open_issue(actor, item.issue)
    report = _lock(report)
    guard("merge", actor, report)
    if report.item_id == item.pk:
        raise WorkflowError("该信息已在这一条目中。")
    if report.item_id is not None:
        _leave_item(actor, report)
    report.item = item
    report.save(update_fields=["item"])
    item.sources = _sources(item)
    item.save(update_fields=["sources"])
    _step(
        actor,
        report,
        "merge",
        report.state,
        note=f"{item.issue} · {item.title}",
        changes={"item": [None, item.title]},
        fields=["item"],
    )
    return item


@transaction.atomic
def exclude_report(*, actor: Actor, report: Report) -> Report:
    """移出期刊: back to the editor's desk."""
    _own(actor, report)
    report = _lock(report)
    guard("exclude", actor, report)
    if report.item_id is None:
        raise WorkflowError("该信息尚未编入期刊。")
    issue = report.item.issue
    _leave_item(actor, report)
    return _step(
        actor,
        report,
        "exclude",
        report.state,
        note=str(issue),
        changes={"issue": [str(issue), None]},
        fields=["item"],
    )


@transaction.atomic
def update_item(*, actor: Actor, item: IssueItem, title: str, body: str) -> IssueItem:
    """Edit the text an item prints (a merged item's combined text)."""
    _own(actor, item)
    issue = _open_issue(actor, item.issue)
    errors = {}
    if not title.strip():
        errors["title"] = "请填写条目标题。"
    elif len(title) > 100:
        errors["title"] = "条目标题不能超过100个字。"
    if not body.strip():
        errors["body"] = "请填写条目正文。"
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(item, ["title", "body"])
    item.title, item.body = title.strip(), body
    item.save(update_fields=["title", "body"])
    _issue_event(
        actor,
        issue,
        "compose",
        {"item": item.pk, **audit.diff(before, audit.snapshot(item, ["title", "body"]))},
    )
    return item


@transaction.atomic
def move_item(*, actor: Actor, item: IssueItem, offset: int) -> IssueItem:
    """Move an item up (−1) or down (+1) in its issue."""
    _own(actor, item)
    issue = _open_issue(actor, item.issue)
    items = list(IssueItem.objects.filter(issue=issue).order_by("position", "id"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(items):
        return item
    items[index], items[target] = items[target], items[index]
    for position, it in enumerate(items, start=1):
        if it.position != position:
            it.position = position
            it.save(update_fields=["position"])
    _issue_event(actor, issue, "compose", {"moved": item.title, "position": [index + 1, target + 1]})
    return next(it for it in items if it.pk == item.pk)


@transaction.atomic
def update_issue(*, actor: Actor, issue: Issue, send_to: str, copy_to: str) -> Issue:
    """The issue's 报送 and 抄送 lines."""
    issue = _open_issue(actor, issue)
    before = audit.snapshot(issue, ["send_to", "copy_to"])
    issue.send_to, issue.copy_to = send_to.strip()[:300], copy_to.strip()[:300]
    issue.updated_at = timezone.now()
    issue.save(update_fields=["send_to", "copy_to", "updated_at"])
    _issue_event(actor, issue, "compose", audit.diff(before, audit.snapshot(issue, ["send_to", "copy_to"])))
    return issue


@transaction.atomic
def delete_issue(*, actor: Actor, issue: Issue) -> None:
    """Only an empty draft that is the year's last issue may go: deleting any other would leave a gap."""
    issue = _open_issue(actor, issue, "delete_issue")
    if issue.items.exists():
        raise WorkflowError("该期已有条目，不能删除。请先移出全部条目。")
    if issue.number != next_issue_number(issue.organization, issue.year) - 1:
        raise WorkflowError(f"只能删除{issue.year}年的最后一期，删除第{issue.number}期会造成期号不连续。")
    _issue_event(actor, issue, "delete", {"number": [issue.number, None]})
    issue.delete()


def _set_issue_state(
    actor: Actor, issue: Issue, step: str, state: str, note: str = "", **fields: Any
) -> Issue:
    before = issue.state
    issue.state = state
    issue.updated_at = timezone.now()
    for name, value in fields.items():
        setattr(issue, name, value)
    issue.save(update_fields=["state", "updated_at", *fields])
    changes: dict[str, Any] = {"state": [before, state]}
    if note:
        changes["note"] = note
    _issue_event(actor, issue, step, changes)
    return issue


@transaction.atomic
def request_signoff(*, actor: Actor, issue: Issue, signer: Person) -> Issue:
    """送签: the issue goes to the responsible leader; an empty issue cannot be sent."""
    issue = _open_issue(actor, issue, "request_signoff")
    if not issue.items.exists():
        raise WorkflowError("该期还没有任何条目，不能送签。")
    if not RoleGrant.objects.filter(
        organization=issue.organization, person=signer, role=Role.LEADER
    ).exists():
        raise ValidationError({"signer": "签发人必须是本组织的领导。"})
    notify(
        organization=issue.organization,
        recipients=[signer],
        kind="opinion_signoff",
        message=f"《{issue.title}》{issue}已送签，请审阅签发。",
        url=issue_url(issue),
    )
    return _set_issue_state(actor, issue, "request_signoff", I.SIGNOFF, signer=signer, signoff_note="")


@transaction.atomic
def recall_issue(*, actor: Actor, issue: Issue) -> Issue:
    """The editor takes an issue back from signing (or after signing, before printing) to change it."""
    issue = _open_issue(actor, issue, "recall")
    return _set_issue_state(actor, issue, "recall", I.DRAFT, signed_at=None)


def _require_signer(actor: Actor, issue: Issue) -> None:
    if issue.signer_id != actor.person.pk:
        raise PermissionDenied("该期已送其他领导签发。")


@transaction.atomic
def sign_issue(*, actor: Actor, issue: Issue, note: str = "") -> Issue:
    """签发: the leader it was sent to approves the issue for printing."""
    issue = _open_issue(actor, issue, "sign")
    _require_signer(actor, issue)
    notify(
        organization=issue.organization,
        recipients=[issue.created_by_id] if issue.created_by_id else _editors(issue.organization),
        kind="opinion_signed",
        message=f"《{issue.title}》{issue}已签发，可以印发。",
        url=issue_url(issue),
    )
    return _set_issue_state(
        actor,
        issue,
        "sign",
        I.SIGNED,
        note=note.strip(),
        signoff_note=note.strip()[:300],
        signed_at=timezone.now(),
    )


@transaction.atomic
def return_issue(*, actor: Actor, issue: Issue, note: str) -> Issue:
    """The leader sends the issue back with what to change."""
    issue = _open_issue(actor, issue, "return_signoff")
    _require_signer(actor, issue)
    if not note.strip():
        raise ValidationError({"note": "请填写退回修改的意见。"})
    notify(
        organization=issue.organization,
        recipients=[issue.created_by_id] if issue.created_by_id else _editors(issue.organization),
        kind="opinion_returned",
        message=f"《{issue.title}》{issue}被退回修改：{note.strip()}"[:300],
        url=issue_url(issue),
    )
    return _set_issue_state(
        actor, issue, "return_signoff", I.DRAFT, note=note.strip(), signoff_note=note.strip()[:300]
    )


@transaction.atomic
def publish_issue(*, actor: Actor, issue: Issue, published_on: date | None = None) -> Issue:
    """印发: every report in the issue is adopted; refused for an empty issue or with an earlier one unpublished."""
    issue = _open_issue(actor, issue, "publish")
    if not issue.items.exists():
        raise WorkflowError("该期没有任何条目，不能印发空白期刊。")
    unpublished = list(
        Issue.objects.filter(organization=issue.organization, year=issue.year, number__lt=issue.number)
        .exclude(state=I.PUBLISHED)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if unpublished:
        listed = "、".join(f"第{n}期" for n in unpublished)
        raise WorkflowError(f"{issue.year}年{listed}尚未印发，期号须连续，请先印发前面的期刊。")
    published_on = published_on or timezone.localdate()
    if published_on.year != issue.year:
        raise ValidationError({"published_on": f"印发日期须在{issue.year}年内。"})
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": "印发日期不能晚于今天。"})
    _set_issue_state(actor, issue, "publish", I.PUBLISHED, published_on=published_on)
    rules = rules_for(issue.organization)
    reports = list(
        Report.objects.select_for_update()
        .filter(item__issue=issue)
        .select_related("organization")
        .order_by("id")
    )
    now = timezone.now()
    for report in reports:
        guard("adopt", actor, report)
        before = report.state
        report.state = S.ADOPTED
        report.adopted_at = now
        _rescore(report, rules)
        _step(
            actor,
            report,
            "adopt",
            before,
            note=f"《{issue.title}》{issue}",
            fields=["adopted_at", "outcome", "points"],
        )
        if report.forwarded_from_id:
            _upper_outcome(report, upper_adopted=True)
    notify(
        organization=issue.organization,
        recipients={r.submitter_id for r in reports},
        kind="opinion_adopted",
        message=f"您报送的社情民意信息已被《{issue.title}》{issue}采用。",
        url=reverse("opinions:mine"),
    )
    return issue


# ---------------------------------------------------------------- after publication


def _upper_outcome(
    upper: Report, *, upper_adopted: bool = False, instruction: Instruction | None = None
) -> None:
    """The upper organisation adopted its copy, or a leader instructed on it: the original report gains it.

    An instruction is recorded on the original too (so its own office can record the department's
    feedback there), and the original moves on to 已批示 like a report instructed at home.
    """
    original = Report.objects.with_scopes_disabled().select_for_update().get(pk=upper.forwarded_from_id)
    before = original.state
    changes: dict[str, Any] = {}
    if upper_adopted and not original.upper_adopted:
        original.upper_adopted = True
        changes["upper_adopted"] = [False, True]
    if instruction is not None:
        bit = LEVEL_BITS[Level(instruction.level)]
        Instruction.objects.with_scopes_disabled().create(
            organization=original.organization,
            report=original,
            leader=instruction.leader,
            leader_title=instruction.leader_title,
            level=instruction.level,
            instructed_on=instruction.instructed_on,
            text=instruction.text,
        )
        changes["instruction"] = [None, f"{instruction}（{upper.organization.name}登记）"]
        original.instruction_levels |= bit
        if original.state in (S.ADOPTED, S.FORWARDED):
            original.state = S.INSTRUCTED
    if not changes:
        return
    if before != original.state:
        changes["state"] = [before, original.state]
    _rescore(original)
    original.updated_at = timezone.now()
    original.save(
        update_fields=["state", "upper_adopted", "instruction_levels", "outcome", "points", "updated_at"]
    )
    if instruction is not None:
        what = f"获{instruction.leader}（{Level(instruction.level).label}级）批示"
    else:
        what = "被上级政协采用"
    action = "upper_adopt" if instruction is None else "instruct"
    audit.step(
        ReportTransition,
        original,
        action,
        before,
        actor_name=upper.organization.name,
        note=f"{upper.organization.name}：{what}",
        changes=changes,
    )
    notify(
        organization=original.organization,
        recipients=[original.submitter_id, *_editors(original.organization)],
        kind="opinion_upper",
        message=f"{_label(original)}{what}。",
        url=report_url(original),
    )


@transaction.atomic
def forward_report(
    *, actor: Actor, report: Report, target: str, recipient: str = "", forwarded_on: date | None = None
) -> Report:
    """报送上级/党政: to party and government offices (named), or to the upper organisation, whose
    editors receive their own copy to edit and adopt."""
    _own(actor, report)
    report = _lock(report)
    guard("forward", actor, report)
    forwarded_on = forwarded_on or timezone.localdate()
    if forwarded_on > timezone.localdate():
        raise ValidationError({"forwarded_on": "报送日期不能晚于今天。"})
    upper_report = None
    organization = report.organization
    if target == Forwarding.Target.UPPER:
        parent = organization.parent
        if parent is None:
            raise WorkflowError("本组织没有上级政协，不能报送上级。")
        if report.forwardings.filter(target=Forwarding.Target.UPPER).exists():
            raise WorkflowError("该信息已报送上级政协，不能重复报送。")
        recipient = parent.name
        upper_report = _copy_to_upper(actor, report, parent)
    elif target == Forwarding.Target.PARTY_GOV:
        recipient = recipient.strip()
        if not recipient:
            raise ValidationError({"recipient": "请填写报送的党委政府部门，如“市委办公室”。"})
    else:
        raise ValidationError({"target": "请选择报送对象。"})
    forwarding = Forwarding.objects.create(
        organization=organization,
        report=report,
        target=target,
        recipient=recipient[:100],
        upper_report=upper_report,
        forwarded_on=forwarded_on,
        actor=actor.person,
    )
    before = report.state
    if report.state == S.ADOPTED:
        report.state = S.FORWARDED
    if report.forwarded_at is None:
        report.forwarded_at = timezone.now()
    return _step(
        actor,
        report,
        "forward",
        before,
        note=str(forwarding),
        changes={"forwarded_to": [None, str(forwarding)]},
        fields=["forwarded_at"],
    )


def _copy_to_upper(actor: Actor, report: Report, parent: Organization) -> Report:
    """The upper organisation's copy, waiting in its editors' inbox as a report from this organisation."""
    copy = Report.objects.with_scopes_disabled().create(
        organization=parent,
        year=timezone.localdate().year,
        title=report.display_title[:100],
        body=report.display_body,
        category=None,
        urgency=report.urgency,
        submitter_type=T.LOWER_ORG,
        submitter=actor.person,
        submitter_name=f"{report.organization.display_name}（{report.submitter_name}）"[:100],
        lower_organization=report.organization,
        state=S.SUBMITTED,
        submitted_at=timezone.now(),
        forwarded_from=report,
    )
    ReportTransition.objects.with_scopes_disabled().create(
        organization=parent,
        report=copy,
        action="receive_upper",
        to_state=S.SUBMITTED,
        actor=actor.person,
        actor_name=f"{report.organization.name} {actor.person.full_name}",
    )
    audit.record(
        action="opinions.report.receive_upper",
        organization=parent,
        actor=actor.person,
        obj=copy,
        changes={"from": [None, f"{report.organization.name}#{report.pk}"]},
    )
    notify(
        organization=parent,
        recipients=_editors(parent),
        kind="opinion_submitted",
        message=f"{report.organization.name}报送了{_label(copy)}，请接收采编。",
        url=report_url(copy),
    )
    return copy


def _check_date(value: date | None, field: str, label: str, errors: dict[str, str]) -> None:
    if value is None:
        errors[field] = f"请填写{label}。"
    elif value > timezone.localdate():
        errors[field] = f"{label}不能晚于今天。"


def _adopted_on(report: Report) -> date | None:
    """The day the report was adopted: its issue's printing date, which may be earlier than the recording."""
    if report.item_id is not None:
        published_on = (
            Issue.objects.filter(items=report.item_id).values_list("published_on", flat=True).first()
        )
        if published_on is not None:
            return published_on
    return timezone.localtime(report.adopted_at).date() if report.adopted_at else None


@transaction.atomic
def record_instruction(
    *,
    actor: Actor,
    report: Report,
    leader: str,
    level: str,
    instructed_on: date | None,
    text: str = "",
    leader_title: str = "",
) -> Instruction:
    """登记领导批示 on an adopted or forwarded report: who, at what level, when, what it says."""
    _own(actor, report)
    report = _lock(report)
    guard("instruct", actor, report)
    errors: dict[str, str] = {}
    if not leader.strip():
        errors["leader"] = "请填写批示领导。"
    if level not in Level.values:
        errors["level"] = "请选择批示领导的级别（区县/市/省/全国）。"
    _check_date(instructed_on, "instructed_on", "批示日期", errors)
    adopted_on = _adopted_on(report)
    if instructed_on and adopted_on and instructed_on < adopted_on:
        errors.setdefault("instructed_on", "批示日期不能早于采用日期。")
    if errors:
        raise ValidationError(errors)
    instruction = Instruction.objects.create(
        organization=report.organization,
        report=report,
        leader=leader.strip()[:50],
        leader_title=leader_title.strip()[:100],
        level=level,
        instructed_on=instructed_on,
        text=text.strip(),
        recorded_by=actor.person,
    )
    before = report.state
    if report.state in (S.ADOPTED, S.FORWARDED):
        report.state = S.INSTRUCTED
    report.instruction_levels |= LEVEL_BITS[Level(level)]
    _rescore(report)
    notify(
        organization=report.organization,
        recipients=[report.submitter_id],
        kind="opinion_instructed",
        message=f"您报送的{_label(report)}获{instruction.leader}（{Level(level).label}级）批示。",
        url=report_url(report),
    )
    _step(
        actor,
        report,
        "instruct",
        before,
        note=f"{instruction.leader}（{Level(level).label}）：{instruction.text}",
        changes={"instruction": [None, str(instruction)]},
        fields=["instruction_levels", "outcome", "points"],
    )
    if report.forwarded_from_id:
        _upper_outcome(report, instruction=instruction)
    return instruction


@transaction.atomic
def record_feedback(
    *, actor: Actor, report: Report, department: str, received_on: date | None, text: str
) -> Feedback:
    """登记部门反馈: what the department that acted on the instruction did."""
    _own(actor, report)
    report = _lock(report)
    guard("feedback", actor, report)
    errors: dict[str, str] = {}
    if not department.strip():
        errors["department"] = "请填写反馈单位。"
    if not text.strip():
        errors["text"] = "请填写反馈内容。"
    _check_date(received_on, "received_on", "反馈日期", errors)
    if errors:
        raise ValidationError(errors)
    feedback = Feedback.objects.create(
        organization=report.organization,
        report=report,
        department=department.strip()[:100],
        received_on=received_on,
        text=text.strip(),
        recorded_by=actor.person,
    )
    before = report.state
    report.state = S.FEEDBACK
    notify(
        organization=report.organization,
        recipients=[report.submitter_id],
        kind="opinion_feedback",
        message=f"{feedback.department}已反馈{_label(report)}的落实情况。",
        url=report_url(report),
    )
    _step(actor, report, "feedback", before, note=f"{feedback.department}：{feedback.text}"[:500])
    return feedback


# ---------------------------------------------------------------- from proposals


@transaction.atomic
def report_from_proposal(*, actor: Actor, proposal) -> Report:
    """A proposal not filed with the disposition 转社情民意 becomes a submitted report, linked both ways.

    Called by the proposal service inside its transaction; the proposal's writer is the submitter.
    """
    require(actor, "proposals.manage")
    _own(actor, proposal)
    existing = Report.objects.filter(source_proposal=proposal).first()
    if existing is not None:
        return existing
    if proposal.participating_unit_id:
        kind = T.UNIT
    elif proposal.committee_id:
        kind = T.COMMITTEE
    else:
        kind = T.MEMBER
    body = "\n\n".join(part for part in (proposal.reason.strip(), proposal.suggestions.strip()) if part)
    report = Report.objects.create(
        organization=proposal.organization,
        year=timezone.localdate().year,
        title=proposal.title[:100],
        body=body or proposal.title,
        submitter_type=kind,
        submitter_id=proposal.proposer_id,
        submitter_name=proposal.proposer_name[:100],
        participating_unit_id=proposal.participating_unit_id,
        committee_id=proposal.committee_id,
        state=S.SUBMITTED,
        submitted_at=timezone.now(),
        source_proposal=proposal,
    )
    audit.step(
        ReportTransition,
        report,
        "convert",
        person=actor.person,
        note=f"由提案{proposal.display_number}“{proposal.title}”不予立案后转来",
        changes={"source_proposal": [None, str(proposal)]},
    )
    notify(
        organization=report.organization,
        recipients=_editors(report.organization),
        kind="opinion_submitted",
        message=f"提案“{proposal.title}”转为社情民意信息，请接收采编。",
        url=report_url(report),
    )
    return report


# ---------------------------------------------------------------- information officers and settings


@transaction.atomic
def register_officer(
    *,
    actor: Actor,
    full_name: str,
    mobile: str | None,
    kind: str = InfoOfficer.Kind.REGULAR,
    workplace: str = "",
    note: str = "",
    username: str = "",
    password: str = "",
) -> InfoOfficer:
    """登记信息员: the person (new account or existing) may then submit reports in this organisation."""
    require(actor, "opinions.officers")
    if kind not in InfoOfficer.Kind.values:
        raise ValidationError({"kind": "请选择信息员类别。"})
    person = account_for(full_name=full_name.strip(), mobile=mobile, username=username, password=password)
    if InfoOfficer.objects.filter(organization=actor.organization, person=person).exists():
        raise ValidationError({"mobile": f"{person.full_name}已登记为信息员。"})
    officer = InfoOfficer.objects.create(
        organization=actor.organization,
        person=person,
        kind=kind,
        workplace=workplace.strip()[:200],
        note=note[:200],
    )
    RoleGrant.objects.get_or_create(organization=actor.organization, person=person, role=Role.INFO_OFFICER)
    audit.record(
        action="opinions.officer.create",
        organization=actor.organization,
        actor=actor.person,
        obj=officer,
        changes=audit.diff({}, audit.snapshot(officer, ["person", "kind", "workplace"])),
    )
    return officer


@transaction.atomic
def update_officer(
    *, actor: Actor, officer: InfoOfficer, kind: str, workplace: str, note: str, is_active: bool
) -> InfoOfficer:
    """Change an officer's details; taking them off the register withdraws their right to submit."""
    require(actor, "opinions.officers")
    _own(actor, officer)
    if kind not in InfoOfficer.Kind.values:
        raise ValidationError({"kind": "请选择信息员类别。"})
    fields = ["kind", "workplace", "note", "is_active"]
    before = audit.snapshot(officer, fields)
    officer.kind, officer.workplace, officer.note, officer.is_active = (
        kind,
        workplace.strip()[:200],
        note[:200],
        is_active,
    )
    officer.save(update_fields=fields)
    grants = RoleGrant.objects.filter(
        organization=officer.organization, person=officer.person, role=Role.INFO_OFFICER
    )
    if is_active:
        grants.get_or_create(organization=officer.organization, person=officer.person, role=Role.INFO_OFFICER)
    else:
        grants.delete()
    audit.record(
        action="opinions.officer.update",
        organization=officer.organization,
        actor=actor.person,
        obj=officer,
        changes=audit.diff(before, audit.snapshot(officer, fields)),
    )
    return officer


def update_policy(*, actor: Actor, values: dict[str, Any]) -> None:
    """The organisation's limits, quotas and issue lines; unknown names and values out of bounds are refused."""
    require(actor, "opinions.settings")
    policies.store(actor=actor, policy_class=Policy, values=values, action="opinions.settings.update")
