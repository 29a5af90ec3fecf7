"""The statistics pages: the dashboard, each figure's record list, the annual report, the definitions.

Thin views: every number comes from `registry` through `selectors`, so the dashboard, the list behind a
number and the report cannot disagree.
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render

from zhengxie.core.decorators import requires
from zhengxie.core.exports import XLSX, download
from zhengxie.core.selectors import paginate
from zhengxie.core.views.helpers import query_without_page
from zhengxie.core.word import DOCX

from . import exports, registry, selectors, sentences


def _context(request) -> tuple[selectors.Where, int]:
    return selectors.where(request.actor, request.GET.get("org", "")), selectors.year_from(
        request.GET.get("year")
    )


def _choices(where: selectors.Where, year: int) -> dict:
    """The year and organisation pickers every statistics page shows."""
    return {"where": where, "year": year, "years": selectors.years(where.ids), "all_key": selectors.ALL}


@requires("figures.view")
def dashboard(request):
    where, year = _context(request)
    with where.reading():
        # The table of each organisation below, on the parent's own view (the total's is its last row); the
        # parent's own row is also its dashboard's figures.
        by_org = selectors.tree_values(where, year) if where.tree and where.is_own else {}
        boards = selectors.dashboard(where, year, by_org.get(request.actor.organization.pk))
        heads, rows = selectors.tree_table(where, year, by_org) if by_org else ([], [])
        choices = _choices(where, year)
    charts = {
        f"{board.group.name}-{data.chart.name}": {
            "labels": [n.label for n in data.shown],
            "values": [n.value for n in data.shown],
            "urls": [n.url for n in data.shown] if any(n.url for n in data.shown) else None,
            "unit": board.group.unit,
        }
        for board in boards
        for data in board.charts
        if any(n.value for n in data.shown)
    }
    context = {
        **choices,
        "boards": boards,
        "charts": charts,
        "tree_heads": heads,
        "tree_groups": selectors.column_groups(heads),
        "tree_rows": rows,
        "can_import": request.actor.can("figures.import"),
    }
    return render(request, "figures/dashboard.html", context)


@requires("figures.view")
def records(request, group: str, name: str):
    """The records behind one number: a count's list, or one segment of a breakdown."""
    try:
        figure = registry.get(group, name)
    except KeyError:
        raise Http404 from None
    if isinstance(figure, registry.Rate):
        raise Http404
    if not request.actor.can(registry.group(group).permission):
        raise PermissionDenied
    where, year = _context(request)
    value = request.GET.get("value")
    title = figure.label
    with where.reading():
        if isinstance(figure, registry.Breakdown):
            if value is None:
                raise Http404
            try:
                queryset = figure.segment(where.ids, year, value)
            except (ValueError, ValidationError):
                raise Http404 from None
            labels = {str(k): v for k, v in figure.labels([value] if value else []).items()}
            title = f"{figure.label}：{labels.get(value, value or '未填写')}"
        else:
            queryset = figure.records(where.ids, year)
        if where.several:
            queryset = queryset.select_related("organization")
        page = paginate(queryset, request.GET.get("page"))
        choices = _choices(where, year)
    model = queryset.model._meta
    context = {
        **choices,
        "figure": figure,
        "group": registry.group(group),
        "title": title,
        "value": value,
        "page": page,
        "rows_template": f"figures/rows/{model.app_label}_{model.model_name}.html",
        "own_id": request.actor.organization.pk,
        "query": query_without_page(request),
    }
    return render(request, "figures/records.html", context)


def _values(where: selectors.Where, year: int) -> dict:
    with where.reading():
        return registry.compute(where.ids, year)


@requires("figures.view")
def report(request):
    """The annual report pack on a page: the sentences and the full table, and the same as Word, Excel, JSON."""
    where, year = _context(request)
    values = _values(where, year)
    wanted = request.GET.get("format", "")
    filename = f"{where.name}{year}年度统计"
    if wanted == "docx":
        return download(exports.report_docx(where.name, year, values), f"{filename}.docx", DOCX)
    if wanted == "xlsx":
        return download(exports.report_xlsx(where.name, year, values), f"{filename}.xlsx", XLSX)
    if wanted == "json":
        content = json.dumps(exports.as_json(where.name, year, values), ensure_ascii=False, indent=2)
        return download(content.encode(), f"{filename}.json", "application/json; charset=utf-8")
    with where.reading():
        choices = _choices(where, year)
    sections = []
    for name in registry.groups():
        group = registry.group(name)
        own = values.get(name, {})
        rows = [
            (
                figure,
                own.get(figure.name),
                selectors.records_url(where, year, name, figure.name)
                if isinstance(figure, registry.Count)
                else "",
            )
            for figure in registry.figures(name)
        ]
        sections.append({"group": group, "sentences": sentences.write(name, own), "rows": rows})
    return render(request, "figures/report.html", {**choices, "sections": sections})


@requires("org.view")
def definitions(request):
    groups = [
        (registry.group(name), registry.figures(name), registry.breakdowns(name))
        for name in registry.groups()
    ]
    return render(request, "figures/definitions.html", {"groups": groups})
