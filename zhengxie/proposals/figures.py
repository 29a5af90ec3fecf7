"""The proposal figures of an organisation's year (共收到提案435件，其中大会期间提案314件 …).

The year is the plenary session's year: a proposal counts in the year of the session it belongs to.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from zhengxie.core.models import HandlingUnit, PlenarySession
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

from .models import Assignment, Category, Proposal, Rating, Reply

S = Proposal.State
K = Proposal.Kind
D = Proposal.Disposition
GROUP = "proposals"
MEMBER_KINDS = (K.INDIVIDUAL, K.JOINT)


# What the counts pick from the year's proposals; each list filters on the same condition.
RECEIVED = Q(submitted_at__isnull=False) & ~Q(state=S.WITHDRAWN)
FILED = Q(filed_at__isnull=False)
NOT_FILED = Q(state=S.NOT_FILED)
ASSIGNED = FILED & Q(assigned_at__isnull=False)
REPLIED = FILED & Q(state__in=(S.ANSWERED, S.CLOSED))


def of_year(organization: Orgs, year: int) -> QuerySet[Proposal]:
    # By the sessions alone (each belongs to one organisation), given as values: the planner then walks
    # the session index rather than one on the organisation and state, which spans every year.
    sessions = PlenarySession.objects.filter(organization__in=org_ids(organization), year=year)
    return Proposal.objects.filter(session__in=list(sessions.values_list("pk", flat=True))).order_by("id")


def filed(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(FILED)


def replied(organization: Orgs, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(REPLIED)


def handling_units(organization: Orgs, year: int) -> QuerySet[HandlingUnit]:
    """Units that handled (主办, 协办 or 分办) a filed proposal of the year, not counting re-routed ones."""
    # The units as values: from the year's assignments, not from each unit's assignments of every year.
    units = (
        Assignment.objects.filter(
            organization__in=org_ids(organization), proposal__in=filed(organization, year)
        )
        .exclude(state=Assignment.State.REROUTED)
        .order_by()
        .values_list("unit", flat=True)
        .distinct()
    )
    return HandlingUnit.objects.filter(pk__in=list(units)).order_by("sort_order", "id")


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


def _count(name: str, label: str, definition: str, where: Q) -> Count:
    """A count of the year's proposals that match `where`: all of them are one query (facts.py keeps the
    handling's facts on the proposal for this)."""
    return Count(GROUP, name, label, definition, base=of_year, where=where)


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
        _count("received", "收到提案", "本年度会次的提案中已提交的（不含草稿、待联名和撤回的）。", RECEIVED),
        _count(
            "received_plenary",
            "大会期间提案",
            "收到的提案中在大会提案征集期内提交的。",
            RECEIVED & Q(stage=Proposal.Stage.PLENARY),
        ),
        _count(
            "received_ordinary",
            "平时提案",
            "收到的提案中在大会提案征集期外提交的。",
            RECEIVED & Q(stage=Proposal.Stage.ORDINARY),
        ),
        _count(
            "received_member",
            "委员提案（个人和联名）",
            "收到的提案中委员个人提出或委员联名提出的。",
            RECEIVED & Q(kind__in=MEMBER_KINDS),
        ),
        _count(
            "received_collective",
            "集体提案",
            "收到的提案中以参加单位、界别或专委会名义提出的。",
            RECEIVED & Q(kind=K.COLLECTIVE),
        ),
        _count("filed", "立案", "经审查立案的提案（含其后交办、办理、答复、办结的）。", FILED),
        _count(
            "filed_member",
            "立案的委员提案",
            "立案提案中委员个人或联名提出的。",
            FILED & Q(kind__in=MEMBER_KINDS),
        ),
        _count(
            "filed_collective",
            "立案的集体提案",
            "立案提案中集体提出的。",
            FILED & Q(kind=K.COLLECTIVE),
        ),
        _count("not_filed", "不予立案", "经审查不予立案的提案（不含退回修改的）。", NOT_FILED),
        _count(
            "not_filed_reference",
            "转为工作参考",
            "不予立案的提案中处理方式为转为工作参考的。",
            NOT_FILED & Q(disposition=D.REFERENCE),
        ),
        _count(
            "not_filed_opinion",
            "转为社情民意",
            "不予立案的提案中处理方式为转为社情民意的。",
            NOT_FILED & Q(disposition=D.OPINION),
        ),
        _count(
            "not_filed_letter",
            "转为委员来信",
            "不予立案的提案中处理方式为转为委员来信的。",
            NOT_FILED & Q(disposition=D.LETTER),
        ),
        _count(
            "returned",
            "退回修改",
            "审查后退回提案人修改、尚未重新提交的提案。",
            Q(state=S.RETURNED),
        ),
        _count("merged", "并案", "并入其他提案的提案。", Q(state=S.MERGED)),
        _count(
            "assigned",
            "交办",
            "立案后已交承办单位办理的提案。",
            ASSIGNED,
        ),
        _count(
            "replied",
            "已答复",
            "立案提案中所有答复均已审核发出（已答复或已办结）的。",
            REPLIED,
        ),
        Count(
            GROUP,
            "handling_units",
            "承办单位",
            "承办（主办、协办或分办）本年度立案提案的单位数，已退办的不计。",
            select=handling_units,
        ),
        _count(
            "replied_on_time",
            "按时答复",
            "已答复的提案中每一份答复都在该承办单位的办理期限（含批准的延期）内发出的。",
            REPLIED & Q(answered_late=False),
        ),
        _count(
            "replied_late",
            "逾期答复",
            "已答复的提案中至少有一份答复在承办单位的办理期限之后发出的（已答复 = 按时答复 + 逾期答复）。",
            REPLIED & Q(answered_late=True),
        ),
        *[
            _count(
                f"class_{c.lower()}",
                f"{c}类答复",
                f"已答复的提案中，主办单位（分办的为第一个承办单位）最近一次答复为{c}类的。",
                REPLIED & Q(answer_class=c),
            )
            for c in Reply.ResultClass.values
        ],
        _count(
            "rated",
            "已评价",
            "立案提案中领衔提案人已评价答复的（每件提案只计领衔提案人最近一次评价）。",
            FILED & ~Q(satisfaction=""),
        ),
        _count(
            "satisfied",
            "满意",
            "已评价的提案中，领衔提案人对办理工作和办理结果都满意的。",
            FILED & Q(satisfaction=Rating.Level.SATISFIED),
        ),
        _count(
            "basically_satisfied",
            "基本满意",
            "已评价的提案中，领衔提案人的两项评价至少一项为基本满意、且没有不满意的。",
            FILED & Q(satisfaction=Rating.Level.BASIC),
        ),
        _count(
            "unsatisfied",
            "不满意",
            "已评价的提案中，领衔提案人对办理工作或办理结果不满意的。",
            FILED & Q(satisfaction=Rating.Level.UNSATISFIED),
        ),
        _count(
            "face_to_face",
            "面商",
            "已交办的提案中承办单位与提案人当面沟通（面商）过的。",
            ASSIGNED & Q(face_to_face=True),
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
        _count("key", "重点提案", "经主席会议确定的重点提案。", FILED & Q(key_status="key")),
        _count(
            "rehandled",
            "重新办理",
            "领衔提案人不满意后重新办理的提案。",
            FILED & Q(rehandled=True),
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
            per_organization=True,
        ),
        _breakdown(
            "by_lead_unit",
            "按主办单位",
            "已交办的提案按主办单位（分办的按第一个承办单位）分，已退办的不计。",
            "assigned",
            "lead_unit",
            labels=_unit_names,
            annotate=with_lead_unit,
            per_organization=True,
        ),
    )
    register_charts(
        Chart(GROUP, "state", "按状态", "pie", breakdown="by_state"),
        Chart(GROUP, "stage", "按提交阶段", "pie", counts=("received_plenary", "received_ordinary")),
        Chart(GROUP, "kind", "按提案类型", "pie", breakdown="by_kind"),
        Chart(GROUP, "category", "按类别", "bar", breakdown="by_category"),
        Chart(GROUP, "lead_unit", "按主办单位", "bar", breakdown="by_lead_unit", limit=15),
        Chart(GROUP, "class", "答复类别", "pie", counts=("class_a", "class_b", "class_c")),
        Chart(
            GROUP, "satisfaction", "满意度", "pie", counts=("satisfied", "basically_satisfied", "unsatisfied")
        ),
        Chart(GROUP, "on_time", "按时答复", "pie", counts=("replied_on_time", "replied_late")),
        Chart(GROUP, "face_to_face", "面商", "bar", counts=("assigned", "face_to_face")),
        Chart(GROUP, "key", "重点提案", "bar", counts=("filed", "key", "rehandled")),
    )
