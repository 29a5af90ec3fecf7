"""Reads for the analysis, ranking and quota pages of public-opinion reports (SPEC §3.2, §3.6, §3.7).

Every figure is one aggregate query over the organisation's reports (GROUP BY in the database, never a
query per row), so a page's query count stays the same however many reports there are; only the hot
topics read the period's titles (one query) to segment them. The analysis counts the reports *submitted*
in a period (a cohort): how many came in, and what has become of them by now.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone

from zhengxie.core.models import Member, Organization
from zhengxie.search.text import STOP_WORDS, key_words

from .models import Instruction, Level, Report, ReportCategory
from .policy import policy_for

S = Report.State
T = Report.SubmitterType
# Reports in a person's own name; one written for a unit, a committee or a lower organisation counts
# for that body, not for the person who typed it.
PERSONAL = (T.MEMBER, T.OFFICER)
# Never counted: a draft was never sent, a withdrawn report was taken back before anyone worked on it.
UNCOUNTED = (S.DRAFT, S.WITHDRAWN)
# Words that fill report titles without saying what they are about (反映…, 呼吁尽快…).
TITLE_STOP_WORDS = STOP_WORDS | frozenset(
    "反映 呼吁 亟需 亟待 亟待解决 亟需解决 解决 尽快 建言 意见 社情民意 信息 有关部门 群众 市民 居民 我省 本市 全市 全区".split()
)
TOPIC_COUNT = 15
SUBMITTER_COUNT = 10
QUARTER_NAMES = "一二三四"


# ---------------------------------------------------------------- periods


class PeriodKind:
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    LABELS = {WEEK: "周研判", MONTH: "月分析", QUARTER: "季通报"}
    # The links beside the period's name: previous, current, next.
    STEPS = {
        WEEK: ("上一周", "本周", "下一周"),
        MONTH: ("上个月", "本月", "下个月"),
        QUARTER: ("上一季度", "本季度", "下一季度"),
    }


@dataclass(frozen=True)
class Period:
    """A week (Monday to Sunday), a calendar month or a calendar quarter, in local dates."""

    kind: str
    first: date
    last: date

    @classmethod
    def containing(cls, kind: str, day: date) -> "Period":
        if kind == PeriodKind.WEEK:
            first = day - timedelta(days=day.weekday())
            return cls(kind, first, first + timedelta(days=6))
        if kind == PeriodKind.MONTH:
            first = day.replace(day=1)
        else:
            kind = PeriodKind.QUARTER
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 1 if kind == PeriodKind.MONTH else 3
        year, month = divmod(first.month - 1 + months, 12)
        return cls(kind, first, date(first.year + year, month + 1, 1) - timedelta(days=1))

    @property
    def previous(self) -> "Period":
        return Period.containing(self.kind, self.first - timedelta(days=1))

    @property
    def following(self) -> "Period":
        return Period.containing(self.kind, self.last + timedelta(days=1))

    @property
    def kind_label(self) -> str:
        return PeriodKind.LABELS[self.kind]

    @property
    def steps(self) -> tuple[str, str, str]:
        return PeriodKind.STEPS[self.kind]

    @property
    def label(self) -> str:
        """2025年第23周 / 2025年6月 / 2025年第二季度."""
        if self.kind == PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year}年第{week}周"
        if self.kind == PeriodKind.MONTH:
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first.year}年第{QUARTER_NAMES[(self.first.month - 1) // 3]}季度"

    @property
    def span(self) -> str:
        """The dates it covers: 2025年6月2日—6月8日."""
        end = f"{self.last.month}月{self.last.day}日"
        if self.last.year != self.first.year:
            end = f"{self.last.year}年{end}"
        return f"{self.first.year}年{self.first.month}月{self.first.day}日—{end}"

    @property
    def title(self) -> str:
        return f"{self.kind_label}（{self.label}）"

    def bounds(self) -> tuple[datetime, datetime]:
        """From the first day's midnight up to (not including) the midnight after the last day."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.first, time.min, tzinfo=tz),
            datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz),
        )


def period_from(kind: str | None, day: str | None, today: date | None = None) -> Period:
    """The period the query string asks for: `period=week|month|quarter`, `date=` any day inside it.

    Anything unreadable falls back to the period containing today (a quarter by default)."""
    today = today or timezone.localdate()
    if kind not in PeriodKind.LABELS:
        kind = PeriodKind.QUARTER
    try:
        chosen = date.fromisoformat(day or "")
    except ValueError:
        chosen = today
    if not 2000 <= chosen.year <= 2099:
        chosen = today
    return Period.containing(kind, chosen)


# ---------------------------------------------------------------- period summary


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    extra: int = 0  # e.g. how many of them were adopted


def percentage(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100 with two decimals, rounded half up as work reports print it (98.025 → 98.03)."""
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """Everything the analysis page and its Excel file show for one period of one organisation."""

    organization: Organization
    period: Period
    total: int
    adopted: int
    forwarded: int
    instructed: int
    not_adopted: int
    urgent: int
    by_state: list[Row]
    by_category: list[Row]
    by_type: list[Row]
    instructions: list[Row]
    topics: list[Row]
    submitters: list[Row]

    @property
    def instruction_rate(self) -> Decimal | None:
        """Instructed ÷ adopted-or-later, a percentage with two decimals; None with nothing adopted."""
        return percentage(self.instructed, self.adopted)

    @property
    def adoption_rate(self) -> Decimal | None:
        """Adopted-or-later ÷ received, a percentage with two decimals; None with nothing received."""
        return percentage(self.adopted, self.total)

    @property
    def instruction_total(self) -> int:
        return sum(row.count for row in self.instructions)

    def chart_data(self) -> dict:
        """The figures the charts draw, for `json_script`."""

        def pairs(rows: list[Row]) -> dict:
            return {"labels": [r.label for r in rows], "values": [r.count for r in rows]}

        return {
            "states": pairs([r for r in self.by_state if r.count]),
            "categories": pairs(self.by_category),
            "types": pairs(self.by_type),
            "topics": pairs(self.topics),
            "instructions": pairs(self.instructions),
        }


def period_reports(organization: Organization, period: Period) -> QuerySet[Report]:
    """The organisation's reports submitted in the period (on the organisation/submitted_at index)."""
    start, end = period.bounds()
    return Report.objects.filter(
        organization=organization, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(state__in=UNCOUNTED)


def period_summary(organization: Organization, period: Period) -> Summary:
    """Counts, outcomes, categories, submitters, hot topics and instructions of one period: 8 queries."""
    reports = period_reports(organization, period)
    figures = reports.aggregate(
        total=Count("id"),
        adopted=Count("id", filter=Q(adopted_at__isnull=False)),
        forwarded=Count("id", filter=Q(forwarded_at__isnull=False)),
        instructed=Count("id", filter=Q(instruction_levels__gt=0)),
        not_adopted=Count("id", filter=Q(state=S.NOT_ADOPTED)),
        urgent=Count("id", filter=Q(urgency=Report.Urgency.URGENT)),
    )
    return Summary(
        organization=organization,
        period=period,
        by_state=_by_state(reports),
        by_category=_by_category(organization, reports),
        by_type=_by_type(reports),
        instructions=_instructions(organization, period),
        topics=hot_topics(reports),
        submitters=_active_submitters(reports),
        **figures,
    )


def _grouped(rows: QuerySet, key: str) -> dict:
    return {
        row[key]: (row["n"], row["adopted"])
        for row in rows.order_by()
        .values(key)
        .annotate(n=Count("id"), adopted=Count("id", filter=Q(adopted_at__isnull=False)))
    }


def _by_state(reports: QuerySet[Report]) -> list[Row]:
    counts = _grouped(reports, "state")
    return [Row(label, counts.get(value, (0, 0))[0]) for value, label in S.choices if value not in UNCOUNTED]


def _by_type(reports: QuerySet[Report]) -> list[Row]:
    counts = _grouped(reports, "submitter_type")
    return [Row(label, *counts.get(value, (0, 0))) for value, label in T.choices]


def _by_category(organization: Organization, reports: QuerySet[Report]) -> list[Row]:
    """Every category of the organisation (its empty ones too), most reports first; 未分类 last."""
    counts = _grouped(reports, "category_id")
    categories = ReportCategory.objects.filter(organization=organization).order_by("sort_order", "id")
    rows = [
        Row(c.name, *counts.get(c.pk, (0, 0)))
        for c in categories
        if c.is_active or c.pk in counts  # a retired category still shows the reports filed under it
    ]
    rows.sort(key=lambda r: -r.count)
    if None in counts:
        rows.append(Row("未分类", *counts[None]))
    return rows


def _instructions(organization: Organization, period: Period) -> list[Row]:
    """Leaders' instructions dated in the period, by the leader's level (from the highest)."""
    counts = dict(
        Instruction.objects.filter(
            organization=organization, instructed_on__gte=period.first, instructed_on__lte=period.last
        )
        .order_by()
        .values("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    return [Row(f"{label}领导", counts.get(value, 0)) for value, label in reversed(Level.choices)]


def hot_topics(reports: QuerySet[Report], limit: int = TOPIC_COUNT) -> list[Row]:
    """The words most reports' titles share (each report counts a word once), by the project's segmenter.

    The editor's title when there is one; single characters and filler words are left out.
    """
    counter: Counter[str] = Counter()
    for title, edited in reports.order_by().values_list("title", "edited_title"):
        counter.update({w for w in key_words(edited or title) if w not in TITLE_STOP_WORDS})
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return [Row(word, n) for word, n in ranked[:limit]]


def _active_submitters(reports: QuerySet[Report], limit: int = SUBMITTER_COUNT) -> list[Row]:
    """Who sent most: a person by their account, a unit, committee or lower organisation by its name."""
    person = Case(When(submitter_type__in=PERSONAL, then=F("submitter_id")), output_field=IntegerField())
    rows = (
        reports.order_by()
        .annotate(person=person)
        .values("submitter_type", "submitter_name", "person")
        .annotate(n=Count("id"), adopted=Count("id", filter=Q(adopted_at__isnull=False)))
        .order_by("-n", "-adopted", "submitter_name")[:limit]
    )
    labels = dict(T.choices)
    return [
        Row(f"{r['submitter_name']}（{labels.get(r['submitter_type'], '')}）", r["n"], r["adopted"])
        for r in rows
    ]


# ---------------------------------------------------------------- rankings and points


def counted_reports(organization: Organization, year: int) -> QuerySet[Report]:
    """The year's reports that count for points and quotas: submitted, not withdrawn."""
    return Report.objects.filter(organization=organization, year=year).exclude(state__in=UNCOUNTED)


def _ranked(rows: QuerySet, key: str, name: str) -> QuerySet:
    return (
        rows.order_by()
        .values(key, name)
        .annotate(
            points=Coalesce(Sum("points"), Decimal("0")),
            reports=Count("id"),
            adopted=Count("id", filter=Q(adopted_at__isnull=False)),
            instructed=Count("id", filter=Q(instruction_levels__gt=0)),
        )
        .annotate(rank=Window(Rank(), order_by=[F("points").desc()]))
        .order_by("-points", "-adopted", "-reports", key)
    )


def person_ranking(organization: Organization, year: int) -> QuerySet:
    """Submitters in their own name ranked by the year's points; equal points share a place (rank)."""
    rows = counted_reports(organization, year).filter(submitter_type__in=PERSONAL)
    return _ranked(rows, "submitter_id", "submitter__full_name")


def unit_ranking(organization: Organization, year: int) -> QuerySet:
    """Participating units ranked by the points of the reports sent in their name that year."""
    rows = counted_reports(organization, year).filter(participating_unit__isnull=False)
    return _ranked(rows, "participating_unit_id", "participating_unit__name")


def points_by_person(organization: Organization, year: int) -> dict[int, Decimal]:
    """Person id → the year's public-opinion points: what member performance (SPEC §3.6) reads.

    The sum of `Report.points` (each report scores its best outcome under the organisation's rule table)
    over the reports the person sent in their own name (as member or information officer) that year,
    drafts and withdrawn reports excluded. A person with reports but no adopted one maps to 0; a person
    without reports is absent. One query.
    """
    rows = (
        counted_reports(organization, year)
        .filter(submitter_type__in=PERSONAL)
        .order_by()
        .values("submitter_id")
        .annotate(total=Sum("points"))
        .values_list("submitter_id", "total")
    )
    return {person: Decimal(total or 0) for person, total in rows}


def report_years(organization: Organization, today: date | None = None) -> list[int]:
    """The years the organisation has reports for, newest first, always with the current year."""
    years = set(
        Report.objects.filter(organization=organization).order_by().values_list("year", flat=True).distinct()
    )
    years.add((today or timezone.localdate()).year)
    return sorted(years, reverse=True)


# ---------------------------------------------------------------- quotas


@dataclass(frozen=True)
class QuotaFigures:
    members: int
    standing: int
    behind: int
    standing_quota: int
    member_quota: int

    @property
    def done(self) -> int:
        return self.members - self.behind


def quota_progress(organization: Organization, year: int, *, behind_only: bool = False) -> QuerySet[Member]:
    """The current term's active members with the year's reports in their own name against their quota
    (常委 the standing quota, others the member quota): those furthest behind first.

    Each member row carries `submitted`, `quota`, `shortfall` and `is_behind`, computed in the same query.
    """
    policy = policy_for(organization)
    submitted = (
        counted_reports(organization, year)
        .filter(submitter=OuterRef("person_id"), submitter_type__in=PERSONAL)
        .order_by()
        .values("submitter")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = (
        Member.objects.filter(organization=organization, status=Member.Status.ACTIVE, term__is_current=True)
        .select_related("sector")
        .annotate(
            submitted=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
            quota=Case(
                When(is_standing=True, then=Value(policy.standing_quota)),
                default=Value(policy.member_quota),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            shortfall=F("quota") - F("submitted"),
            is_behind=Case(
                When(submitted__lt=F("quota"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    if behind_only:
        members = members.filter(is_behind=True)
    return members.order_by("-shortfall", "name", "id")


def quota_figures(organization: Organization, year: int) -> QuotaFigures:
    """How many members have a quota and how many are behind it: one query."""
    policy = policy_for(organization)
    figures = quota_progress(organization, year).aggregate(
        members=Count("id"),
        standing=Count("id", filter=Q(is_standing=True)),
        behind=Count("id", filter=Q(is_behind=True)),
    )
    return QuotaFigures(standing_quota=policy.standing_quota, member_quota=policy.member_quota, **figures)
