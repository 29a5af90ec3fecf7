"""What the statistics pages read: which organisations a request covers, the dashboard's numbers and charts.

A parent's office and leaders choose their own organisation, one below it, or the total of all of them
(数据向上集中); a child has only itself. Every number carries the link to its record list.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from zhengxie.core.models import Organization, PlenarySession
from zhengxie.core.permissions import Actor, children_scope

from . import registry

ALL = "all"
FIRST_YEAR = 1990


@dataclass
class Where:
    """The organisations a page covers: `key` is "" (the actor's own), a child's id, or "all" (the total)."""

    actor: Actor
    key: str
    ids: list[int]
    name: str
    tree: list[Organization] = field(default_factory=list)

    @property
    def is_own(self) -> bool:
        return self.ids == [self.actor.organization.pk]

    @property
    def several(self) -> bool:
        return len(self.ids) > 1

    def reading(self):
        """The scope to read in: the request's own, or the explicit path down to the children."""
        return nullcontext() if self.is_own else children_scope(self.actor)


def where(actor: Actor, wanted: str = "") -> Where:
    """The organisations asked for, among those the actor may read; anything else is the actor's own."""
    own = actor.organization
    if not actor.can("children.view"):
        return Where(actor, "", [own.pk], own.name)
    tree = list(Organization.objects.filter(path__startswith=own.path, is_active=True).order_by("path"))
    if len(tree) < 2:
        return Where(actor, "", [own.pk], own.name)
    if wanted == ALL:
        return Where(actor, ALL, [o.pk for o in tree], f"{own.name}（本级及下级合计）", tree)
    chosen = next((o for o in tree if str(o.pk) == wanted and o.pk != own.pk), None)
    if chosen is None:
        return Where(actor, "", [own.pk], own.name, tree)
    return Where(actor, str(chosen.pk), [chosen.pk], chosen.name, tree)


def year_from(text: str | None) -> int:
    try:
        year = int(text or "")
    except ValueError:
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= timezone.localdate().year + 1 else timezone.localdate().year


def years(ids: list[int]) -> list[int]:
    """The years offered: those of the organisations' plenary sessions, and this one."""
    found = set(PlenarySession.objects.filter(organization__in=ids).values_list("year", flat=True).distinct())
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


def records_url(where: Where, year: int, group: str, name: str, value: str | None = None) -> str:
    query = {"year": year}
    if where.key:
        query["org"] = where.key
    if value is not None:
        query["value"] = value
    return f"{reverse('figures:records', args=[group, name])}?{urlencode(query)}"


@dataclass
class Number:
    name: str
    label: str
    value: object
    url: str = ""  # a count's record list
    parts: tuple = ()  # a rate's numerator and denominator (Numbers)


@dataclass
class ChartData:
    chart: registry.Chart
    rows: list[Number]  # every segment, each with its list
    shown: list[Number]  # the ones drawn (a bar chart's largest)


@dataclass
class GroupBoard:
    group: registry.Group
    headline: list[Number]
    charts: list[ChartData]
    empty: bool


def _number(where: Where, year: int, group: str, values: dict, name: str) -> Number:
    figure = registry.get(group, name)
    if isinstance(figure, registry.Rate):
        parts = tuple(_number(where, year, group, values, n) for n in (figure.numerator, figure.denominator))
        return Number(name, figure.label, values[name], parts=parts)
    return Number(name, figure.label, values[name], records_url(where, year, group, name))


def _chart(where: Where, year: int, chart: registry.Chart, values: dict) -> ChartData:
    if chart.breakdown:
        breakdown = registry.get(chart.group, chart.breakdown)
        assert isinstance(breakdown, registry.Breakdown)
        rows = [
            Number(chart.breakdown, label, n, records_url(where, year, chart.group, chart.breakdown, value))
            for value, label, n in breakdown.segments(where.ids, year)
        ]
    else:
        rows = [_number(where, year, chart.group, values, name) for name in chart.counts]
    return ChartData(chart, rows, rows[: chart.limit] if chart.limit else rows)


def _shown(chart: registry.Chart, where: Where) -> bool:
    """A total over several organisations is not split by what each has its own of (units, categories)."""
    if not chart.breakdown or not where.several:
        return True
    breakdown = registry.get(chart.group, chart.breakdown)
    return not (isinstance(breakdown, registry.Breakdown) and breakdown.per_organization)


def _unlinked(numbers: list[Number]) -> None:
    """Numbers whose records the actor may not open (an opinion editor's proposal figures) stay plain."""
    for number in numbers:
        number.url = ""
        _unlinked(list(number.parts))


def dashboard(where: Where, year: int, values: dict | None = None) -> list[GroupBoard]:
    """Every group's headline numbers and charts for the organisations' year (read inside `where.reading()`);
    `values`: their figures when already computed (a parent's own row of its table)."""
    if values is None:
        values = registry.compute(where.ids, year)
    boards = []
    for name in registry.groups():
        group = registry.group(name)
        own = values.get(name, {})
        board = GroupBoard(
            group,
            [_number(where, year, name, own, n) for n in group.headline],
            [_chart(where, year, chart, own) for chart in registry.charts(name) if _shown(chart, where)],
            empty=not any(v for v in own.values() if isinstance(v, int)),
        )
        if not where.actor.can(group.permission):
            _unlinked(board.headline + [n for data in board.charts for n in data.rows])
        boards.append(board)
    return boards


def column_groups(heads: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """The group row above a table's columns: (label, how many columns)."""
    spans: list[tuple[str, int]] = []
    for group, _ in heads:
        if spans and spans[-1][0] == group:
            spans[-1] = (group, spans[-1][1] + 1)
        else:
            spans.append((group, 1))
    return spans


@dataclass
class TreeRow:
    organization: Organization | None  # None: the total
    cells: list[Number]


def tree_values(where: Where, year: int) -> dict[int, dict]:
    """The figures of each organisation of a parent's tree, {id: {group: {…}}}."""
    with children_scope(where.actor):
        return registry.compute_by_organization([o.pk for o in where.tree], year)


def tree_table(
    where: Where, year: int, by_org: dict[int, dict]
) -> tuple[list[tuple[str, str]], list[TreeRow]]:
    """A parent's table of `tree_values`: each organisation of its tree and the total (the sum of the rows
    above it); with (group label, figure label) of each column."""
    columns = [(g, n) for g in registry.groups() for n in registry.group(g).headline]
    heads = [(registry.group(g).label, registry.get(g, n).label) for g, n in columns]
    rows = []
    for organization in where.tree:
        key = "" if organization.pk == where.actor.organization.pk else str(organization.pk)
        place = Where(where.actor, key, [organization.pk], organization.name)
        values = by_org[organization.pk]
        rows.append(TreeRow(organization, [_number(place, year, g, values[g], n) for g, n in columns]))
    total = registry.total(by_org.values())
    everything = Where(where.actor, ALL, [o.pk for o in where.tree], where.name)
    rows.append(TreeRow(None, [_number(everything, year, g, total[g], n) for g, n in columns]))
    closed = [k for k, (g, _) in enumerate(columns) if not where.actor.can(registry.group(g).permission)]
    _unlinked([row.cells[k] for row in rows for k in closed])
    return heads, rows
