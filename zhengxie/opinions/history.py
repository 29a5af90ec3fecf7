"""The 社情民意 sheet of the import of past years (figures/history.py reads the workbook and holds the rows).

A row becomes the report as it stood at the end of its year: adopted ones are items of the printed issue
named by 期号 (created with the year's issues), forwarded ones carry their forwarding, instructed ones the
instruction at its level; points are scored by the organisation's rules, as for every report.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from zhengxie.figures.history import Context, Row, at
from zhengxie.search import index as search

from .models import LEVEL_BITS, Forwarding, Instruction, Issue, IssueItem, Level, Report
from .policy import policy_for
from .services import rescore_organization

SHEET = "社情民意"
HEADERS = ["标题", "报送人", "报送人类型", "报送时间", "状态", "期号", "报送上级", "批示领导级别", "批示时间"]
REQUIRED = ["标题", "报送人", "报送时间"]
S = Report.State
TYPES = {label: value for value, label in Report.SubmitterType.choices}
STATES = {"已采用": "adopted", "未采用": "not_adopted"}
LEVELS = {
    "区县": Level.COUNTY, "区": Level.COUNTY, "县": Level.COUNTY, "市": Level.CITY, "省": Level.PROVINCE,
    "全国": Level.NATIONAL, "中央": Level.NATIONAL,
}  # fmt: skip
NOTE = "往年数据导入"


@dataclass
class Parsed:
    row: int
    title: str
    submitter: str
    kind: str
    submitted: date
    state: str  # "", adopted, not_adopted
    issue: int | None
    forwarded: bool
    level: str
    instructed: date | None

    @property
    def year(self) -> int:
        return self.submitted.year


def _parse(row: Row) -> Parsed | None:
    before = len(row.problems)
    title = row.required("标题", limit=100)
    submitter = row.required("报送人", limit=50)
    kind = row.choice("报送人类型", TYPES, required=False) or Report.SubmitterType.MEMBER
    submitted = row.day("报送时间", required=True)
    state = row.choice("状态", STATES, required=False) or ""
    adopted = state == "adopted"
    issue = row.number_of("期号", required=adopted)
    if issue is not None and not adopted:
        row.problem("期号", "只有已采用的信息才有期号")
    elif issue is not None and issue <= 0:
        row.problem("期号", "期号应为正整数")
    forwarded = row.yes("报送上级")
    if forwarded and not adopted:
        row.problem("报送上级", "只有已采用的信息才能报送上级")
    level = row.choice("批示领导级别", LEVELS, required=False) or ""
    instructed = row.day("批示时间", required=bool(level))
    if level and not adopted:
        row.problem("批示领导级别", "只有已采用的信息才有领导批示")
    if instructed and not level:
        row.problem("批示领导级别", "填写了批示时间，须同时填写批示领导级别")
    if instructed and submitted and instructed < submitted:
        row.problem("批示时间", "批示时间早于报送时间")
    if len(row.problems) > before:
        return None
    return Parsed(row.number, title, submitter, kind, submitted, state, issue, forwarded, level, instructed)


def check(context: Context, rows: list[Row]) -> list[Parsed]:
    """Every row on its own, then: no issue number the organisation already printed, no report twice."""
    by_row = {row.number: row for row in rows}
    parsed = [p for p in (_parse(row) for row in rows) if p is not None]
    issues = {(p.year, p.issue) for p in parsed if p.issue}
    taken = set(
        Issue.objects.filter(organization=context.organization, year__in={y for y, _ in issues}).values_list(
            "year", "number"
        )
    )
    known = {
        (title, name, moment.date() if moment else None)
        for title, name, moment in Report.objects.filter(
            organization=context.organization, title__in={p.title for p in parsed}
        ).values_list("title", "submitter_name", "submitted_at")
    }
    seen: dict[tuple, int] = {}
    for p in parsed:
        row = by_row[p.row]
        if (p.year, p.issue) in taken:
            row.problem("期号", f"本组织{p.year}年第{p.issue}期已存在，不能重复导入")
        key = (p.title, p.submitter, p.submitted)
        if key in known:
            row.problem("标题", "该信息（同一标题、报送人和报送时间）已在平台中，不能重复导入")
        elif key in seen:
            row.problem("标题", f"与第 {seen[key]} 行是同一篇信息")
        seen.setdefault(key, p.row)
    return parsed


def write(context: Context, parsed: list[Parsed]) -> dict:
    """The reports, the year's printed issues with their items, forwardings and instructions."""
    org, person = context.organization, context.person
    title = policy_for(org).publication_title
    printed: dict[tuple[int, int], list[Parsed]] = defaultdict(list)
    for p in parsed:
        if p.issue:
            printed[(p.year, p.issue)].append(p)
    issues = {
        key: Issue(
            organization=org,
            year=key[0],
            number=key[1],
            title=title,
            state=Issue.State.PUBLISHED,
            published_on=max(p.submitted for p in rows),
            created_by=person,
        )
        for key, rows in printed.items()
    }
    Issue.objects.bulk_create(issues.values(), batch_size=500)
    items: dict[int, IssueItem] = {}
    for key, rows in printed.items():
        for position, p in enumerate(rows, start=1):
            items[p.row] = IssueItem(
                organization=org,
                issue=issues[key],
                position=position,
                title=p.title,
                body=f"（{NOTE}，未录入正文）",
                sources=p.submitter,
            )
    IssueItem.objects.bulk_create(items.values(), batch_size=1000)
    reports = []
    for p in parsed:
        submitter = context.person_named(p.submitter, p.year)
        adopted = at(issues[(p.year, p.issue)].published_on, 17) if p.issue else None
        reports.append(
            Report(
                organization=org,
                year=p.year,
                title=p.title,
                body=f"（{NOTE}，未录入正文）",
                submitter_type=p.kind,
                submitter=submitter,
                submitter_name=p.submitter,
                state=_state(p),
                submitted_at=at(p.submitted),
                item=items.get(p.row),
                adopted_at=adopted,
                forwarded_at=adopted if p.forwarded else None,
                instruction_levels=LEVEL_BITS[Level(p.level)] if p.level else 0,
                created_at=at(p.submitted),
            )
        )
    Report.objects.bulk_create(reports, batch_size=500)
    Forwarding.objects.bulk_create(
        [
            Forwarding(
                organization=org,
                report=report,
                target=Forwarding.Target.UPPER,
                recipient="上级政协",
                forwarded_on=report.forwarded_at.date(),
                actor=person,
            )
            for report in reports
            if report.forwarded_at
        ],
        batch_size=1000,
    )
    Instruction.objects.bulk_create(
        [
            Instruction(
                organization=org,
                report=report,
                leader=f"（{NOTE}）",
                level=p.level,
                instructed_on=p.instructed,
                recorded_by=person,
            )
            for p, report in zip(parsed, reports, strict=True)
            if p.level
        ],
        batch_size=1000,
    )
    rescore_organization(org)
    search.add_records(Report, [report.pk for report in reports])
    years = Counter(p.year for p in parsed)
    return {"total": len(parsed), "years": {str(y): years[y] for y in sorted(years)}, "issues": len(issues)}


def _state(p: Parsed) -> str:
    if p.state == "not_adopted":
        return S.NOT_ADOPTED
    if p.state != "adopted":
        return S.SUBMITTED
    if p.level:
        return S.INSTRUCTED
    return S.FORWARDED if p.forwarded else S.ADOPTED
