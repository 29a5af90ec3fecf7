"""One definition per figure (SPEC §3.7): a name, a Chinese label, what it counts, and the records behind it.

The dashboard, the drill-down list, the report, its sentences and the exports all read a figure through
here, so they cannot disagree: a count is the length of the figure's own record list, and a rate is one
count over another. Each application registers its figures once, from its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from zhengxie.core.models import Organization

Records = Callable[[Organization, int], QuerySet]


@dataclass(frozen=True)
class Count:
    """A number of records: `records(organization, year)` is exactly the list it counts."""

    group: str  # proposals, opinions, …
    name: str
    label: str
    definition: str
    records: Records


@dataclass(frozen=True)
class Rate:
    """A percentage with two decimals: one count over another (none when the denominator is zero)."""

    group: str
    name: str
    label: str
    definition: str
    numerator: str
    denominator: str


Figure = Count | Rate
_figures: dict[tuple[str, str], Figure] = {}


def register(*figures: Figure) -> None:
    for figure in figures:
        key = (figure.group, figure.name)
        if key in _figures and _figures[key] != figure:
            raise ValueError(f"figure {key} registered twice")
        _figures[key] = figure


def groups() -> list[str]:
    return list(dict.fromkeys(group for group, _ in _figures))


def figures(group: str | None = None) -> list[Figure]:
    return [f for (g, _), f in _figures.items() if group is None or g == group]


def get(group: str, name: str) -> Figure:
    try:
        return _figures[(group, name)]
    except KeyError as error:
        raise KeyError(f"unknown figure {group}.{name}") from error


def percentage(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute(organization: Organization, year: int, group: str | None = None) -> dict[str, dict]:
    """Every figure of the organisation's year: counts as integers, rates as percentages (two decimals)."""
    values: dict[str, dict] = {}
    for figure in figures(group):
        if isinstance(figure, Count):
            values.setdefault(figure.group, {})[figure.name] = figure.records(organization, year).count()
    for figure in figures(group):
        if isinstance(figure, Rate):
            counts = values[figure.group]
            values[figure.group][figure.name] = percentage(
                counts[figure.numerator], counts[figure.denominator]
            )
    return values
