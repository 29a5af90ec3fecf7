"""The public-opinion figures of an organisation's year (收集社情民意281条，采编239条，领导批示179条 …)."""

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import GreaterThan

from zhengxie.figures.registry import (
    Breakdown,
    Chart,
    Count,
    Group,
    Orgs,
    org_ids,
    register,
    register_charts,
    register_group,
)

from .models import LEVEL_BITS, Issue, Level, Report

S = Report.State
GROUP = "opinions"


RECEIVED = ~Q(state__in=(S.DRAFT, S.WITHDRAWN))


def of_year(organization: Orgs, year: int) -> QuerySet[Report]:
    return Report.objects.filter(organization__in=org_ids(organization), year=year).order_by("id")


def instructed_at(bits: int) -> Q:
    """Reports with a leader's instruction at these levels: the services keep each level a report was
    instructed at (also by the upper organisation, on the original) as a bit of `instruction_levels`."""
    return Q(GreaterThan(F("instruction_levels").bitand(bits), 0))


def _count(name: str, label: str, definition: str, where: Q) -> Count:
    return Count(GROUP, name, label, definition, base=of_year, where=where)


def register_figures() -> None:
    register_group(
        Group(
            GROUP,
            "社情民意",
            "社情民意信息工作",
            "opinions.view_all",
            "篇",
            headline=("received", "adopted", "issues", "forwarded", "instructed"),
            order=20,
        )
    )
    register(
        _count(
            "received",
            "收到社情民意信息",
            "本年度报送的信息（不含草稿和报送前撤回的），含下级政协报送上来的。",
            RECEIVED,
        ),
        _count(
            "adopted",
            "采用",
            "收到的信息中已编入本组织《社情民意》并印发的（含其后报送、批示、反馈的）。",
            RECEIVED & Q(adopted_at__isnull=False),
        ),
        _count(
            "not_adopted", "未采用", "收到的信息中经编辑决定不予采用的。", RECEIVED & Q(state=S.NOT_ADOPTED)
        ),
        _count(
            "pending",
            "尚在处理",
            "收到的信息中尚未采用、也未决定不予采用的（收到 = 采用 + 未采用 + 尚在处理）。",
            RECEIVED & Q(adopted_at__isnull=True) & ~Q(state=S.NOT_ADOPTED),
        ),
        Count(
            GROUP,
            "issues",
            "编发期刊",
            "本年度已印发的《社情民意》期数。",
            select=lambda o, y: Issue.objects.filter(
                organization__in=org_ids(o), year=y, state=Issue.State.PUBLISHED
            ).order_by("organization", "number"),
        ),
        _count(
            "forwarded",
            "报送上级或党委政府",
            "收到的信息中已报送上级政协或党委政府的（每篇计一次）。",
            RECEIVED & Q(forwarded_at__isnull=False),
        ),
        _count(
            "instructed",
            "获领导批示",
            "收到的信息中获得领导批示的（一篇获多次批示计一次；含上级政协登记的批示）。",
            RECEIVED & instructed_at(sum(LEVEL_BITS.values())),
        ),
        *[
            _count(
                f"instructed_{level.value}",
                f"获{level.label}领导批示",
                f"收到的信息中获得{level.label}级领导批示的（一篇计一次）。",
                RECEIVED & instructed_at(LEVEL_BITS[level]),
            )
            for level in Level
        ],
        Breakdown(
            GROUP,
            "by_state",
            "按状态",
            "收到的信息按当前状态分。",
            "received",
            "state",
            labels=lambda values: dict(S.choices),
        ),
        Breakdown(
            GROUP,
            "by_submitter_type",
            "按报送人类型",
            "收到的信息按报送人类型（委员、参加单位、专委会、下级政协、信息员）分。",
            "received",
            "submitter_type",
            labels=lambda values: dict(Report.SubmitterType.choices),
        ),
    )
    register_charts(
        Chart(GROUP, "state", "按状态", "pie", breakdown="by_state"),
        Chart(GROUP, "submitter_type", "按报送人类型", "bar", breakdown="by_submitter_type"),
        Chart(GROUP, "adoption", "采用情况", "pie", counts=("adopted", "not_adopted", "pending")),
        Chart(
            GROUP,
            "instruction_level",
            "领导批示级别",
            "bar",
            counts=tuple(f"instructed_{level.value}" for level in Level),
        ),
    )
