"""The public-opinion figures of an organisation's year (收集社情民意281条，采编239条，领导批示179条 …)."""

from django.db.models import QuerySet

from zhengxie.core.models import Organization
from zhengxie.figures.registry import Count, register

from .models import Instruction, Issue, Level, Report

S = Report.State
GROUP = "opinions"


def received(organization: Organization, year: int) -> QuerySet[Report]:
    return (
        Report.objects.filter(organization=organization, year=year)
        .exclude(state__in=(S.DRAFT, S.WITHDRAWN))
        .order_by("id")
    )


def _instructed(organization: Organization, year: int, level: str = "") -> QuerySet[Report]:
    instructions = Instruction.objects.filter(organization=organization)
    if level:
        instructions = instructions.filter(level=level)
    return received(organization, year).filter(pk__in=instructions.values("report"))


def register_figures() -> None:
    register(
        Count(
            GROUP,
            "received",
            "收到社情民意信息",
            "本年度报送的信息（不含草稿和报送前撤回的），含下级政协报送上来的。",
            received,
        ),
        Count(
            GROUP,
            "adopted",
            "采用",
            "收到的信息中已编入本组织《社情民意》并印发的（含其后报送、批示、反馈的）。",
            lambda o, y: received(o, y).filter(adopted_at__isnull=False),
        ),
        Count(
            GROUP,
            "not_adopted",
            "未采用",
            "收到的信息中经编辑决定不予采用的。",
            lambda o, y: received(o, y).filter(state=S.NOT_ADOPTED),
        ),
        Count(
            GROUP,
            "issues",
            "编发期刊",
            "本年度已印发的《社情民意》期数。",
            lambda o, y: Issue.objects.filter(organization=o, year=y, state=Issue.State.PUBLISHED).order_by(
                "number"
            ),
        ),
        Count(
            GROUP,
            "forwarded",
            "报送上级或党委政府",
            "收到的信息中已报送上级政协或党委政府的（每篇计一次）。",
            lambda o, y: received(o, y).filter(forwarded_at__isnull=False),
        ),
        Count(
            GROUP,
            "instructed",
            "获领导批示",
            "收到的信息中获得领导批示的（一篇获多次批示计一次；含上级政协登记的批示）。",
            _instructed,
        ),
        *[
            Count(
                GROUP,
                f"instructed_{level.value}",
                f"获{level.label}领导批示",
                f"收到的信息中获得{level.label}级领导批示的（一篇计一次）。",
                lambda o, y, level=level: _instructed(o, y, level),
            )
            for level in Level
        ],
    )
