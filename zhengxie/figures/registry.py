"""One definition per figure (SPEC §3.7): a name, a Chinese label, what it counts, and the records behind it.

The dashboard, the drill-down list, the report, its sentences and the exports all read a figure through
here, so they cannot disagree: a count is the length of the figure's own record list, a rate is one
count over another, and a breakdown splits one count's records by a field, each segment being the list
of those records with that value. Each application registers its figures once, from its AppConfig.ready().

Record functions take the organisations (an Organization, or organisation ids: a parent's total reads its
own and its children's records at once) and the year; `compute_by_organization` counts every figure for
many organisations with one grouped query per figure.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count as Counted
from django.db.models import Q, QuerySet

from zhengxie.core.models import Organization

Orgs = Organization | Iterable[int]
Records = Callable[[Orgs, int], QuerySet]


def org_ids(orgs: Orgs) -> list[int]:
    """The organisation ids a record function filters on."""
    if isinstance(orgs, Organization):
        return [orgs.pk]
    return list(orgs)


@dataclass(frozen=True)
class Group:
    """The figures of one application, and the permission that opens their records (the drill-down)."""

    name: str
    label: str  # 提案
    heading: str  # 提案工作: the report's heading
    permission: str
    unit: str  # 件, 篇 …
    headline: tuple[str, ...] = ()  # the dashboard's first numbers and the columns of a parent's table
    order: int = 100


@dataclass(frozen=True)
class Count:
    """A number of records: `records(organizations, year)` is exactly the list it counts.

    The records are either `select`'s, or those of `base` that match `where`: the counts that share a base
    are counted together in one query (one pass over the year's records), from the same `where` that
    their lists filter on.
    """

    group: str  # proposals, opinions, …
    name: str
    label: str
    definition: str
    select: Records | None = None
    base: Records | None = None
    where: Q = field(default_factory=Q)

    def records(self, orgs: Orgs, year: int) -> QuerySet:
        if self.select is not None:
            return self.select(orgs, year)
        assert self.base is not None, f"figure {self.group}.{self.name} has neither select nor base"
        return self.base(orgs, year).filter(self.where)


@dataclass(frozen=True)
class Rate:
    """A percentage with two decimals: one count over another (none when the denominator is zero)."""

    group: str
    name: str
    label: str
    definition: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Breakdown:
    """One count's records split by a field (state, category, lead unit …): each segment is a list."""

    group: str
    name: str
    label: str
    definition: str
    base: str  # the count whose records are split
    field: str  # a field or annotation of those records
    labels: Callable[[list], dict] = field(default=lambda values: {})
    annotate: Callable[[QuerySet], QuerySet] = field(default=lambda records: records)
    # Split by something each organisation has its own of (its units, its categories): not summed up.
    per_organization: bool = False

    @property
    def base_label(self) -> str:
        return get(self.group, self.base).label

    def records(self, orgs: Orgs, year: int) -> QuerySet:
        base = get(self.group, self.base)
        assert isinstance(base, Count)
        return self.annotate(base.records(orgs, year))

    def segment(self, orgs: Orgs, year: int, value: str) -> QuerySet:
        """The records of one segment; the empty value is the records without one."""
        records = self.records(orgs, year)
        if value == "":
            return records.filter(**{f"{self.field}__isnull": True})
        return records.filter(**{self.field: value})

    def segments(self, orgs: Orgs, year: int) -> list[tuple[str, str, int]]:
        """(value, label, count) of every segment, the largest first; values are strings (URLs carry them)."""
        rows = (
            self.records(orgs, year)
            .order_by()
            .values(self.field)
            .annotate(n=Counted("pk"))
            .values_list(self.field, "n")
        )
        counted = [(value, n) for value, n in rows if n]
        labels = self.labels([value for value, _ in counted if value not in (None, "")])
        out = [
            (
                "" if value is None else str(value),
                labels.get(value, "未填写" if value in (None, "") else value),
                n,
            )
            for value, n in counted
        ]
        return sorted(out, key=lambda segment: (-segment[2], segment[1]))


@dataclass(frozen=True)
class Chart:
    """A dashboard chart: the segments of a breakdown, or some counts side by side (each a record list)."""

    group: str
    name: str
    label: str
    kind: str  # pie | bar
    breakdown: str = ""
    counts: tuple[str, ...] = ()
    limit: int = 0  # bars shown (the table beside it lists every segment); 0: all


Figure = Count | Rate | Breakdown
_figures: dict[tuple[str, str], Figure] = {}
_groups: dict[str, Group] = {}
_charts: list[Chart] = []


def register_group(group: Group) -> None:
    if group.name in _groups and _groups[group.name] != group:
        raise ValueError(f"figure group {group.name} registered twice")
    _groups[group.name] = group


def register_charts(*charts: Chart) -> None:
    for chart in charts:
        if chart not in _charts:
            _charts.append(chart)


def charts(group: str) -> list[Chart]:
    return [c for c in _charts if c.group == group]


def register(*figures: Figure) -> None:
    for figure in figures:
        key = (figure.group, figure.name)
        if key in _figures and _figures[key] != figure:
            raise ValueError(f"figure {key} registered twice")
        _figures[key] = figure


def groups() -> list[str]:
    named = dict.fromkeys(group for group, _ in _figures)
    return sorted(named, key=lambda g: (_groups[g].order if g in _groups else 100, g))


def group(name: str) -> Group:
    return _groups.get(name) or Group(name, name, name, "figures.view", "")


def figures(group: str | None = None) -> list[Count | Rate]:
    """The counts and rates (the report's figures), in their registration order."""
    return [
        f for (g, _), f in _figures.items() if (group is None or g == group) and not isinstance(f, Breakdown)
    ]


def breakdowns(group: str | None = None) -> list[Breakdown]:
    return [f for (g, _), f in _figures.items() if (group is None or g == group) and isinstance(f, Breakdown)]


def get(group: str, name: str) -> Figure:
    try:
        return _figures[(group, name)]
    except KeyError as error:
        raise KeyError(f"unknown figure {group}.{name}") from error


def percentage(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _with_rates(counts: dict[str, dict], group: str | None) -> dict[str, dict]:
    for figure in figures(group):
        if isinstance(figure, Rate):
            values = counts.setdefault(figure.group, {})
            values[figure.name] = percentage(values[figure.numerator], values[figure.denominator])
    return counts


def _counts(group: str | None) -> tuple[dict[Records, list[Count]], list[Count]]:
    """The counts sharing each base, and those with records of their own."""
    shared: dict[Records, list[Count]] = {}
    alone: list[Count] = []
    for figure in figures(group):
        if isinstance(figure, Count):
            if figure.select is None and figure.base is not None:
                shared.setdefault(figure.base, []).append(figure)
            else:
                alone.append(figure)
    return shared, alone


def _aggregates(counts: list[Count]) -> dict:
    """Several counts over one base (aliases apart from the records' own field names)."""
    return {f"n_{c.name}": Counted("pk", filter=c.where if c.where else None) for c in counts}


def _together(base: Records, counts: list[Count], orgs: Orgs, year: int) -> dict[str, int]:
    totals = base(orgs, year).aggregate(**_aggregates(counts))
    return {c.name: totals[f"n_{c.name}"] for c in counts}


def compute(organization: Orgs, year: int, group: str | None = None) -> dict[str, dict]:
    """Every figure of the organisation's year (or of several organisations together): counts as
    integers, rates as percentages (two decimals)."""
    values: dict[str, dict] = {}
    shared, alone = _counts(group)
    for base, counts in shared.items():
        for name, n in _together(base, counts, organization, year).items():
            values.setdefault(counts[0].group, {})[name] = n
    for figure in alone:
        values.setdefault(figure.group, {})[figure.name] = figure.records(organization, year).count()
    ordered = {f.group: {} for f in figures(group)}
    for figure in figures(group):
        if isinstance(figure, Count):
            ordered[figure.group][figure.name] = values[figure.group][figure.name]
    return _with_rates(ordered, group)


def compute_by_organization(ids: Sequence[int], year: int, group: str | None = None) -> dict[int, dict]:
    """Every figure of each organisation's year, {id: {group: {…}}}: one grouped query per base and per
    count of its own, however many organisations."""
    counts: dict[int, dict[str, dict]] = {pk: {} for pk in ids}
    shared, alone = _counts(group)
    for base, together in shared.items():
        rows = {
            row.pop("organization"): row
            for row in base(ids, year).order_by().values("organization").annotate(**_aggregates(together))
        }
        for pk in ids:
            row = rows.get(pk, {})
            for c in together:
                counts[pk].setdefault(c.group, {})[c.name] = row.get(f"n_{c.name}", 0)
    for figure in alone:
        grouped = dict(
            figure.records(ids, year)
            .order_by()
            .values("organization")
            .annotate(n=Counted("pk"))
            .values_list("organization", "n")
        )
        for pk in ids:
            counts[pk].setdefault(figure.group, {})[figure.name] = grouped.get(pk, 0)
    return {pk: _with_rates(values, group) for pk, values in counts.items()}


def total(rows: Iterable[dict[str, dict]], group: str | None = None) -> dict[str, dict]:
    """The sum of several organisations' counts, with the rates taken over the summed counts."""
    summed: dict[str, dict] = {}
    for values in rows:
        for figure in figures(group):
            if isinstance(figure, Count):
                into = summed.setdefault(figure.group, {})
                into[figure.name] = into.get(figure.name, 0) + values.get(figure.group, {}).get(
                    figure.name, 0
                )
    for figure in figures(group):
        if isinstance(figure, Count):
            summed.setdefault(figure.group, {}).setdefault(figure.name, 0)
    return _with_rates(summed, group)
