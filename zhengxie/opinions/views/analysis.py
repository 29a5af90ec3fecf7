"""Analysis (周研判、月分析、季通报), rankings, the scoring table and the yearly quotas.

Thin views: the figures come from `opinions.analysis`, the scoring table is changed through
`services.update_rules`.
"""

from decimal import Decimal

import openpyxl
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhengxie.core.decorators import requires
from zhengxie.core.exports import xlsx_response
from zhengxie.core.models import Organization
from zhengxie.core.permissions import children_scope
from zhengxie.core.selectors import PAGE_SIZE, paginate
from zhengxie.core.views.helpers import apply_errors, query_without_page

from .. import analysis as figures
from .. import services
from ..models import Outcome

ADOPTION_DEFINITION = "采用率 = 已采用（含其后报送上级/党政、批示、反馈）的信息篇数 ÷ 收到信息篇数 × 100%"
RATE_DEFINITION = "批示率 = 获领导批示的信息篇数 ÷ 已采用（含其后报送上级/党政、批示、反馈）的信息篇数 × 100%"
SCOPE_DEFINITION = (
    "统计口径：报送时间在本期内的信息（不含草稿和已撤回的信息），采用、报送、批示情况截至今日。"
)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2099 else timezone.localdate().year


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


# ---------------------------------------------------------------- analysis


def _period_link(period: figures.Period, org: str = "") -> str:
    return f"?period={period.kind}&date={period.first.isoformat()}{org}"


def _organization(request) -> tuple[Organization, list[Organization]]:
    """The organisation analysed: the actor's own or, for a parent's office and leaders, one below it
    (数据向上集中). A child never reaches its parent or siblings: only the actor's subtree is offered."""
    actor = request.actor
    own = actor.organization
    if not actor.can("children.view"):
        return own, []
    tree = list(Organization.objects.filter(path__startswith=own.path, is_active=True).order_by("path"))
    if len(tree) < 2:
        return own, []
    wanted = request.GET.get("org", "")
    return next((o for o in tree if str(o.pk) == wanted), own), tree


def _summary(request, period: figures.Period) -> tuple[figures.Summary, list[Organization]]:
    organization, tree = _organization(request)
    if organization.pk == request.actor.organization.pk:
        return figures.period_summary(organization, period), tree
    with children_scope(request.actor):
        return figures.period_summary(organization, period), tree


@requires("opinions.analysis")
def analysis(request):
    actor = request.actor
    period = figures.period_from(request.GET.get("period"), request.GET.get("date"))
    summary, tree = _summary(request, period)
    org = "" if summary.organization.pk == actor.organization.pk else f"&org={summary.organization.pk}"
    today = timezone.localdate()
    # Switching between week, month and quarter keeps today when it lies in the period shown.
    anchor = today if period.first <= today <= period.last else period.first
    return render(
        request,
        "opinions/analysis.html",
        {
            "summary": summary,
            "period": period,
            "tree": tree,
            "org_query": org,
            "kinds": [
                (kind, label, _period_link(figures.Period.containing(kind, anchor), org))
                for kind, label in figures.PeriodKind.LABELS.items()
            ],
            "previous_link": _period_link(period.previous, org),
            "next_link": _period_link(period.following, org),
            "current_link": _period_link(figures.Period.containing(period.kind, today), org),
            "instruction_rate": _percent(summary.instruction_rate),
            "adoption_rate": _percent(summary.adoption_rate),
            "adoption_definition": ADOPTION_DEFINITION,
            "rate_definition": RATE_DEFINITION,
            "scope_definition": SCOPE_DEFINITION,
            "charts": summary.chart_data(),
            "can_edit_rules": actor.can("opinions.settings"),
        },
    )


def _sheet(book: openpyxl.Workbook, title: str, heading: str, headers: list[str], rows: list[list]):
    """One sheet: the heading (organisation and period) above a small table."""
    sheet = book.create_sheet(title)
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 34
    for column in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    return sheet


def summary_workbook(summary: figures.Summary) -> openpyxl.Workbook:
    """The analysis page's figures as a workbook: an overview sheet, then one sheet per table."""
    period = summary.period
    heading = f"{summary.organization.name} 社情民意{period.title}（{period.span}）"
    book = openpyxl.Workbook()
    book.remove(book.active)
    overview = _sheet(
        book,
        "概况",
        heading,
        ["项目", "数值"],
        [
            ["收到信息（篇）", summary.total],
            ["已采用（篇）", summary.adopted],
            ["采用率", _percent(summary.adoption_rate)],
            ["报送上级/党政（篇）", summary.forwarded],
            ["获领导批示（篇）", summary.instructed],
            ["批示率", _percent(summary.instruction_rate)],
            ["未采用（篇）", summary.not_adopted],
            ["紧急信息（篇）", summary.urgent],
            ["本期登记领导批示（件）", summary.instruction_total],
        ],
    )
    overview.append([])
    for definition in (SCOPE_DEFINITION, ADOPTION_DEFINITION, RATE_DEFINITION):
        overview.append([definition])
    _sheet(book, "按状态", heading, ["状态", "篇数"], [[r.label, r.count] for r in summary.by_state])
    _sheet(
        book,
        "按类别",
        heading,
        ["类别", "篇数", "其中已采用"],
        [[r.label, r.count, r.extra] for r in summary.by_category],
    )
    _sheet(
        book,
        "按报送人类型",
        heading,
        ["报送人类型", "篇数", "其中已采用"],
        [[r.label, r.count, r.extra] for r in summary.by_type],
    )
    _sheet(
        book,
        "领导批示",
        heading,
        ["批示领导级别", "批示件数"],
        [[r.label, r.count] for r in summary.instructions],
    )
    _sheet(
        book, "热点话题", heading, ["话题词", "涉及信息（篇）"], [[r.label, r.count] for r in summary.topics]
    )
    _sheet(
        book,
        "活跃报送人",
        heading,
        ["报送人", "报送篇数", "其中已采用"],
        [[r.label, r.count, r.extra] for r in summary.submitters],
    )
    return book


@requires("opinions.analysis")
def analysis_xlsx(request):
    actor = request.actor
    period = figures.period_from(request.GET.get("period"), request.GET.get("date"))
    summary, _ = _summary(request, period)
    name = "" if summary.organization.pk == actor.organization.pk else summary.organization.display_name
    return xlsx_response(summary_workbook(summary), f"{name}社情民意{period.kind_label}-{period.label}.xlsx")


# ---------------------------------------------------------------- rankings


@requires("opinions.view_all")
def rankings(request):
    actor = request.actor
    year = _year(request)
    by = "unit" if request.GET.get("by") == "unit" else "person"
    rows = (figures.unit_ranking if by == "unit" else figures.person_ranking)(actor.organization, year)
    # Grouped rows: Django's own paginator counts the groups (the deferred-join one pages by primary key).
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/rankings.html",
        {
            "year": year,
            "years": figures.report_years(actor.organization),
            "by": by,
            "page": page,
            "query": query_without_page(request),
            "can_edit_rules": actor.can("opinions.settings"),
        },
    )


# ---------------------------------------------------------------- scoring rules


class RulesForm(forms.Form):
    """One number per outcome; the service checks the values and gives the Chinese messages."""

    def __init__(self, *args, rules: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for outcome in Outcome:
            self.fields[outcome.value] = forms.CharField(
                label=outcome.label,
                initial=rules[outcome.value],
                widget=forms.NumberInput(
                    attrs={"step": "0.1", "min": "0", "max": "1000", "inputmode": "decimal"}
                ),
            )


@requires("opinions.settings")
def rules(request):
    actor = request.actor
    current = services.rules_for(actor.organization)
    form = RulesForm(request.POST or None, rules=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_rules(actor=actor, values=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"计分规则已保存，{changed} 篇信息的得分已按新规则重新计算。")
            return redirect("opinions:rules")
    return render(
        request,
        "opinions/rules.html",
        {"form": form, "rules": [(o.label, current[o.value]) for o in Outcome]},
    )


# ---------------------------------------------------------------- quotas


@requires("opinions.view_all")
def quotas(request):
    actor = request.actor
    year = _year(request)
    behind_only = request.GET.get("behind") == "1"
    totals = figures.quota_figures(actor.organization, year)
    rows = figures.quota_progress(actor.organization, year, behind_only=behind_only)
    page = paginate(rows, request.GET.get("page"), count=totals.behind if behind_only else totals.members)
    return render(
        request,
        "opinions/quotas.html",
        {
            "year": year,
            "years": figures.report_years(actor.organization),
            "behind_only": behind_only,
            "totals": totals,
            "page": page,
            "query": query_without_page(request),
        },
    )
