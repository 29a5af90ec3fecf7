"""Reads of reports and issues: scoped to the actor's organisation, paginated by the views, with their joins."""

import difflib
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from zhengxie.core.models import Member
from zhengxie.core.permissions import Actor
from zhengxie.core.roles import Role

from .models import InfoOfficer, Issue, IssueItem, Report, ReportAttachment
from .policy import policy_for

S = Report.State
LIST_RELATED = ("category", "item__issue")
# What the editor's inbox shows by default: everything waiting for an editor.
INBOX_STATES = (S.SUBMITTED, S.EDITING)


def visible_reports(actor: Actor) -> QuerySet[Report]:
    """The reports of the actor's organisation this person may open: all for the office, own ones otherwise."""
    rows = Report.objects.filter(organization=actor.organization)
    if actor.can("opinions.view_all"):
        return rows.exclude(state=S.DRAFT) | rows.filter(submitter=actor.person)
    return rows.filter(submitter=actor.person)


def get_report_for_actor(actor: Actor | None, pk: int) -> Report:
    """Another organisation's report, or one the person may not open, answers 404 like a missing one."""
    if actor is None:
        raise Http404("信息不存在。")
    report = (
        visible_reports(actor)
        .select_related(
            "category", "editor", "item__issue", "participating_unit", "committee", "source_proposal"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("信息不存在。")
    return report


def my_reports(actor: Actor, *, state: str = "") -> QuerySet[Report]:
    rows = Report.objects.filter(organization=actor.organization, submitter=actor.person).select_related(
        *LIST_RELATED
    )
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-id")


@dataclass(frozen=True)
class Quota:
    year: int
    submitted: int
    required: int

    @property
    def behind(self) -> bool:
        return self.submitted < self.required

    @property
    def missing(self) -> int:
        return max(self.required - self.submitted, 0)


def my_quota(actor: Actor) -> Quota | None:
    """A member's yearly task (报送任务: 常委 and 委员 quotas of the organisation) and how far they are."""
    if not actor.has_role(Role.MEMBER):
        return None
    year = timezone.localdate().year
    standing = Member.objects.filter(
        organization=actor.organization,
        person=actor.person,
        status=Member.Status.ACTIVE,
        term__is_current=True,
        is_standing=True,
    ).exists()
    policy = policy_for(actor.organization)
    submitted = report_counts(actor, [actor.person.pk], year).get(actor.person.pk, 0)
    return Quota(year, submitted, policy.standing_quota if standing else policy.member_quota)


def inbox(actor: Actor, *, state: str = "", urgent: bool = False) -> QuerySet[Report]:
    """The editors' desk: reports waiting to be taken up or being edited, newest first."""
    rows = Report.objects.filter(organization=actor.organization).select_related(*LIST_RELATED)
    rows = rows.filter(state=state) if state else rows.filter(state__in=INBOX_STATES)
    if urgent:
        rows = rows.filter(urgency=Report.Urgency.URGENT)
    return rows.order_by("-id")


def register(
    actor: Actor, *, state: str = "", year: int | None = None, submitter_type: str = ""
) -> QuerySet[Report]:
    """Every submitted report of the organisation (the office's register), newest first."""
    rows = Report.objects.filter(organization=actor.organization).exclude(state=S.DRAFT)
    if state:
        rows = rows.filter(state=state)
    if year:
        rows = rows.filter(year=year)
    if submitter_type:
        rows = rows.filter(submitter_type=submitter_type)
    return rows.select_related(*LIST_RELATED).order_by("-id")


def state_counts(actor: Actor, states) -> dict[str, int]:
    rows = (
        Report.objects.filter(organization=actor.organization, state__in=list(states))
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def timeline(report: Report):
    return report.transitions.order_by("at", "id")


def attachments(report: Report) -> list[ReportAttachment]:
    return list(report.attachments.select_related("uploaded_by"))


def get_attachment_for_actor(actor: Actor, pk: int) -> ReportAttachment:
    attachment = ReportAttachment.objects.filter(organization=actor.organization, pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在。")
    get_report_for_actor(actor, attachment.report_id)
    return attachment


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def diff(original: str, edited: str) -> list[DiffLine]:
    """The editor's version against the original, line by line and within a changed line by character."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=original, b=edited, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            lines.append(DiffLine("same", original[a0:a1]))
            continue
        if op in ("delete", "replace"):
            lines.append(DiffLine("removed", original[a0:a1]))
        if op in ("insert", "replace"):
            lines.append(DiffLine("added", edited[b0:b1]))
    return lines


# ---------------------------------------------------------------- issues


def issues(actor: Actor, *, year: int | None = None, state: str = "") -> QuerySet[Issue]:
    rows = Issue.objects.filter(organization=actor.organization)
    if year:
        rows = rows.filter(year=year)
    if state:
        rows = rows.filter(state=state)
    return rows.select_related("signer").annotate(item_count=Count("items")).order_by("-year", "-number")


def open_issues(actor: Actor) -> list[Issue]:
    """Issues still being edited, where a report may be placed."""
    return list(
        Issue.objects.filter(organization=actor.organization, state=Issue.State.DRAFT).order_by(
            "year", "number"
        )[:20]
    )


def get_issue_for_actor(actor: Actor | None, pk: int) -> Issue:
    """The office and the leaders read every issue of their organisation; anyone else gets 404."""
    if actor is None or not actor.can("opinions.view_all"):
        raise Http404("期刊不存在。")
    rows = Issue.objects.filter(organization=actor.organization).select_related("signer", "created_by")
    issue = rows.filter(pk=pk).first()
    if issue is None:
        raise Http404("期刊不存在。")
    return issue


def items(issue: Issue) -> list[IssueItem]:
    """The issue's items in order, each with its reports (one query for the items, one for the reports)."""
    rows = list(IssueItem.objects.filter(issue=issue).order_by("position", "id"))
    by_item: dict[int, list[Report]] = {item.pk: [] for item in rows}
    for report in (
        Report.objects.filter(item__in=rows)
        .only(
            "id", "item_id", "title", "edited_title", "submitter_name", "state", "urgency", "organization_id"
        )
        .order_by("id")
    ):
        by_item[report.item_id].append(report)
    for item in rows:
        item.report_list = by_item[item.pk]
    return rows


def candidates(actor: Actor, *, limit: int = 20) -> list[Report]:
    """Reports being edited and not yet placed in an issue: what the compilation page offers to add."""
    return list(
        Report.objects.filter(organization=actor.organization, state=S.EDITING, item__isnull=True)
        .select_related("category")
        .only("id", "title", "edited_title", "submitter_name", "urgency", "submitted_at", "category__name")
        .order_by("-urgency", "submitted_at", "id")[:limit]
    )


def get_item_for_actor(actor: Actor, pk: int) -> IssueItem:
    item = IssueItem.objects.filter(organization=actor.organization, pk=pk).select_related("issue").first()
    if item is None or not actor.can("opinions.view_all"):
        raise Http404("条目不存在。")
    return item


def report_for_proposal(proposal) -> Report | None:
    """The report a not-filed proposal became (转社情民意), for the proposal's page."""
    return Report.objects.filter(organization=proposal.organization, source_proposal=proposal).first()


def forwarded_copy(report: Report) -> Report | None:
    """The upper organisation's copy of a report forwarded up (read across the tree on purpose)."""
    forwarding = report.forwardings.filter(upper_report__isnull=False).first()
    if forwarding is None:
        return None
    return (
        Report.objects.with_scopes_disabled()
        .select_related("organization")
        .get(pk=forwarding.upper_report_id)
    )


def officers(actor: Actor) -> QuerySet[InfoOfficer]:
    return (
        InfoOfficer.objects.filter(organization=actor.organization)
        .select_related("person")
        .order_by("-is_active", "id")
    )


def report_counts(actor: Actor, people: list[int], year: int) -> dict[int, int]:
    """Reports these people sent in their own name this year (one grouped query), as the quotas count them:
    reports written for a unit, a committee or a lower organisation count for that body."""
    rows = (
        Report.objects.filter(
            organization=actor.organization,
            submitter_id__in=people,
            year=year,
            submitter_type__in=(Report.SubmitterType.MEMBER, Report.SubmitterType.OFFICER),
        )
        .exclude(state__in=(S.DRAFT, S.WITHDRAWN))
        .values_list("submitter_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)
