"""The proposal figures of an organisation's year (共收到提案435件，其中大会期间提案314件 …).

The year is the plenary session's year: a proposal counts in the year of the session it belongs to.
"""

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When

from zhengxie.core.models import HandlingUnit
from zhengxie.figures.registry import (
    Breakdown,
    Chart,
    Count,
    Group,
    Orgs,
    Rate,
    org_ids,
    register,
    register_charts,
    register_group,
)

from .models import Assignment, Category, Communication, Proposal, Rating, Reply

S = Proposal.State
K = Proposal.Kind
D = Proposal.Disposition
GROUP = "proposals"
MEMBER_KINDS = (K.INDIVIDUAL, K.JOINT)


def of_year(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return Proposal.objects.filter(organization__in=org_ids(organization), session__year=year).order_by("id")


def received(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(submitted_at__isnull=False).exclude(state=S.WITHDRAWN)


def filed(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(filed_at__isnull=False)


def not_filed(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(state=S.NOT_FILED)


def replied(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return filed(organization, year).filter(state__in=(S.ANSWERED, S.CLOSED))


def handling_units(organization: Orgs, year: int) -> QuerySet[HandlingUnit]:
    """Units that handled (主办, 协办 or 分办) a filed proposal of the year, not counting re-routed ones."""
    assignments = Assignment.objects.filter(
        organization__in=org_ids(organization), proposal__in=filed(organization, year)
    )
    return HandlingUnit.objects.filter(
        pk__in=assignments.exclude(state=Assignment.State.REROUTED).values("unit")
    ).order_by("sort_order", "id")


def replied_on_time(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return replied(organization, year).exclude(pk__in=_late(organization).values("proposal"))


def replied_late(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return replied(organization, year).filter(pk__in=_late(organization).values("proposal"))


def _late(organization: Orgs) -> QuerySet[Reply]:
    """Approved replies sent after their unit's deadline (which includes any granted extension)."""
    return Reply.objects.filter(
        organization__in=org_ids(organization),
        state=Reply.State.APPROVED,
        approved_at__date__gt=F("assignment__deadline"),
    )


def with_class(records: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The class of each proposal's answer: the latest approved reply of the lead unit (主办), or of the
    first unit for a proposal assigned separately (分办)."""
    answer = (
        Reply.objects.filter(proposal=OuterRef("pk"), state=Reply.State.APPROVED)
        .exclude(assignment__kind=Assignment.Kind.CO)
        .order_by("assignment__kind", "assignment_id", "-round")
        .values("result_class")[:1]
    )
    return records.annotate(answer_class=Subquery(answer))


def with_lead_unit(records: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The lead unit (主办) of each proposal, or its first unit when assigned separately (分办)."""
    lead = (
        Assignment.objects.filter(proposal=OuterRef("pk"))
        .exclude(kind=Assignment.Kind.CO)
        .exclude(state=Assignment.State.REROUTED)
        .order_by("kind", "id")
        .values("unit")[:1]
    )
    return records.annotate(lead_unit=Subquery(lead))


def _unit_names(ids: list) -> dict:
    return dict(HandlingUnit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _category_names(ids: list) -> dict:
    return dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))


def with_satisfaction(organization: Orgs, year: int) -> QuerySet[Proposal]:
    """Filed proposals with the lead proposer's latest rating, the worse of its two parts (办理工作, 办理结果)."""
    latest = Rating.objects.filter(proposal=OuterRef("pk"), is_lead=True).order_by("-rated_at", "-id")
    L = Rating.Level
    return (
        filed(organization, year)
        .annotate(
            handling=Subquery(latest.values("handling")[:1]), result=Subquery(latest.values("result")[:1])
        )
        .annotate(
            satisfaction=Case(
                When(handling__isnull=True, then=Value("")),
                When(handling=L.UNSATISFIED, then=Value(L.UNSATISFIED)),
                When(result=L.UNSATISFIED, then=Value(L.UNSATISFIED)),
                When(handling=L.BASIC, then=Value(L.BASIC)),
                When(result=L.BASIC, then=Value(L.BASIC)),
                default=Value(L.SATISFIED),
            )
        )
    )


def _count(name: str, label: str, definition: str, records) -> Count:
    return Count(GROUP, name, label, definition, records)


def _breakdown(name: str, label: str, definition: str, base: str, field: str, **options) -> Breakdown:
    return Breakdown(GROUP, name, label, definition, base, field, **options)


def _choices(choices) -> dict:
    return dict(choices)


def register_figures() -> None:
    register_group(
        Group(
            GROUP,
            "提案",
            "提案工作",
            "proposals.view_all",
            "件",
            headline=("received", "filed", "assigned", "replied", "on_time_rate", "satisfied_rate", "key"),
            order=10,
        )
    )
    register(
        _count("received", "收到提案", "本年度会次的提案中已提交的（不含草稿、待联名和撤回的）。", received),
        _count(
            "received_plenary",
            "大会期间提案",
            "收到的提案中在大会提案征集期内提交的。",
            lambda o, y: received(o, y).filter(stage=Proposal.Stage.PLENARY),
        ),
        _count(
            "received_ordinary",
            "平时提案",
            "收到的提案中在大会提案征集期外提交的。",
            lambda o, y: received(o, y).filter(stage=Proposal.Stage.ORDINARY),
        ),
        _count(
            "received_member",
            "委员提案（个人和联名）",
            "收到的提案中委员个人提出或委员联名提出的。",
            lambda o, y: received(o, y).filter(kind__in=MEMBER_KINDS),
        ),
        _count(
            "received_collective",
            "集体提案",
            "收到的提案中以参加单位、界别或专委会名义提出的。",
            lambda o, y: received(o, y).filter(kind=K.COLLECTIVE),
        ),
        _count("filed", "立案", "经审查立案的提案（含其后交办、办理、答复、办结的）。", filed),
        _count(
            "filed_member",
            "立案的委员提案",
            "立案提案中委员个人或联名提出的。",
            lambda o, y: filed(o, y).filter(kind__in=MEMBER_KINDS),
        ),
        _count(
            "filed_collective",
            "立案的集体提案",
            "立案提案中集体提出的。",
            lambda o, y: filed(o, y).filter(kind=K.COLLECTIVE),
        ),
        _count("not_filed", "不予立案", "经审查不予立案的提案（不含退回修改的）。", not_filed),
        _count(
            "not_filed_reference",
            "转为工作参考",
            "不予立案的提案中处理方式为转为工作参考的。",
            lambda o, y: not_filed(o, y).filter(disposition=D.REFERENCE),
        ),
        _count(
            "not_filed_opinion",
            "转为社情民意",
            "不予立案的提案中处理方式为转为社情民意的。",
            lambda o, y: not_filed(o, y).filter(disposition=D.OPINION),
        ),
        _count(
            "not_filed_letter",
            "转为委员来信",
            "不予立案的提案中处理方式为转为委员来信的。",
            lambda o, y: not_filed(o, y).filter(disposition=D.LETTER),
        ),
        _count(
            "returned",
            "退回修改",
            "审查后退回提案人修改、尚未重新提交的提案。",
            lambda o, y: of_year(o, y).filter(state=S.RETURNED),
        ),
        _count("merged", "并案", "并入其他提案的提案。", lambda o, y: of_year(o, y).filter(state=S.MERGED)),
        _count(
            "assigned",
            "交办",
            "立案后已交承办单位办理的提案。",
            lambda o, y: filed(o, y).filter(assigned_at__isnull=False),
        ),
        _count(
            "replied",
            "已答复",
            "立案提案中所有答复均已审核发出（已答复或已办结）的。",
            replied,
        ),
        _count(
            "handling_units",
            "承办单位",
            "承办（主办、协办或分办）本年度立案提案的单位数，已退办的不计。",
            handling_units,
        ),
        _count(
            "replied_on_time",
            "按时答复",
            "已答复的提案中每一份答复都在该承办单位的办理期限（含批准的延期）内发出的。",
            replied_on_time,
        ),
        _count(
            "replied_late",
            "逾期答复",
            "已答复的提案中至少有一份答复在承办单位的办理期限之后发出的（已答复 = 按时答复 + 逾期答复）。",
            replied_late,
        ),
        *[
            _count(
                f"class_{c.lower()}",
                f"{c}类答复",
                f"已答复的提案中，主办单位（分办的为第一个承办单位）最近一次答复为{c}类的。",
                lambda o, y, c=c: with_class(replied(o, y)).filter(answer_class=c),
            )
            for c in Reply.ResultClass.values
        ],
        _count(
            "rated",
            "已评价",
            "立案提案中领衔提案人已评价答复的（每件提案只计领衔提案人最近一次评价）。",
            lambda o, y: with_satisfaction(o, y).exclude(satisfaction=""),
        ),
        _count(
            "satisfied",
            "满意",
            "已评价的提案中，领衔提案人对办理工作和办理结果都满意的。",
            lambda o, y: with_satisfaction(o, y).filter(satisfaction=Rating.Level.SATISFIED),
        ),
        _count(
            "basically_satisfied",
            "基本满意",
            "已评价的提案中，领衔提案人的两项评价至少一项为基本满意、且没有不满意的。",
            lambda o, y: with_satisfaction(o, y).filter(satisfaction=Rating.Level.BASIC),
        ),
        _count(
            "unsatisfied",
            "不满意",
            "已评价的提案中，领衔提案人对办理工作或办理结果不满意的。",
            lambda o, y: with_satisfaction(o, y).filter(satisfaction=Rating.Level.UNSATISFIED),
        ),
        _count(
            "face_to_face",
            "面商",
            "已交办的提案中承办单位与提案人当面沟通（面商）过的。",
            lambda o, y: (
                filed(o, y)
                .filter(assigned_at__isnull=False)
                .filter(
                    pk__in=Communication.objects.filter(method=Communication.Method.FACE).values("proposal")
                )
            ),
        ),
        Rate(GROUP, "on_time_rate", "按时答复率", "按时答复 ÷ 已答复 × 100%。", "replied_on_time", "replied"),
        Rate(GROUP, "satisfied_rate", "满意率", "满意 ÷ 已评价 × 100%。", "satisfied", "rated"),
        Rate(
            GROUP,
            "basically_satisfied_rate",
            "基本满意率",
            "基本满意 ÷ 已评价 × 100%。",
            "basically_satisfied",
            "rated",
        ),
        Rate(GROUP, "unsatisfied_rate", "不满意率", "不满意 ÷ 已评价 × 100%。", "unsatisfied", "rated"),
        Rate(GROUP, "face_to_face_rate", "面商率", "面商 ÷ 交办 × 100%。", "face_to_face", "assigned"),
        _count(
            "key", "重点提案", "经主席会议确定的重点提案。", lambda o, y: filed(o, y).filter(key_status="key")
        ),
        _count(
            "rehandled",
            "重新办理",
            "领衔提案人不满意后重新办理的提案。",
            lambda o, y: filed(o, y).filter(rehandled=True),
        ),
        _breakdown(
            "by_state",
            "按状态",
            "收到的提案按当前状态分。",
            "received",
            "state",
            labels=lambda values: _choices(S.choices),
        ),
        _breakdown(
            "by_stage",
            "按提交阶段",
            "收到的提案按大会期间、平时分。",
            "received",
            "stage",
            labels=lambda values: _choices(Proposal.Stage.choices),
        ),
        _breakdown(
            "by_kind",
            "按提案类型",
            "收到的提案按个人、联名、集体分。",
            "received",
            "kind",
            labels=lambda values: _choices(K.choices),
        ),
        _breakdown(
            "by_category",
            "按类别",
            "收到的提案按提案类别分。",
            "received",
            "category",
            labels=_category_names,
        ),
        _breakdown(
            "by_lead_unit",
            "按主办单位",
            "已交办的提案按主办单位（分办的按第一个承办单位）分，已退办的不计。",
            "assigned",
            "lead_unit",
            labels=_unit_names,
            annotate=with_lead_unit,
        ),
        _breakdown(
            "by_class",
            "按答复类别",
            "已答复的提案按主办单位最近一次答复的类别（A、B、C）分。",
            "replied",
            "answer_class",
            labels=lambda values: {c: f"{c}类" for c in values},
            annotate=with_class,
        ),
        _breakdown(
            "by_satisfaction",
            "按满意度",
            "已评价的提案按领衔提案人的评价（两项中较差的一项）分。",
            "rated",
            "satisfaction",
            labels=lambda values: _choices(Rating.Level.choices),
        ),
    )
    register_charts(
        Chart(GROUP, "state", "按状态", "pie", breakdown="by_state"),
        Chart(GROUP, "stage", "按提交阶段", "pie", breakdown="by_stage"),
        Chart(GROUP, "kind", "按提案类型", "pie", breakdown="by_kind"),
        Chart(GROUP, "category", "按类别", "bar", breakdown="by_category"),
        Chart(GROUP, "lead_unit", "按主办单位", "bar", breakdown="by_lead_unit", limit=15),
        Chart(GROUP, "class", "答复类别", "pie", breakdown="by_class"),
        Chart(GROUP, "satisfaction", "满意度", "pie", breakdown="by_satisfaction"),
        Chart(GROUP, "on_time", "按时答复", "pie", counts=("replied_on_time", "replied_late")),
        Chart(GROUP, "face_to_face", "面商", "bar", counts=("assigned", "face_to_face")),
        Chart(GROUP, "key", "重点提案", "bar", counts=("filed", "key", "rehandled")),
    )
