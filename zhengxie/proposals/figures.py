"""The proposal figures of an organisation's year (共收到提案435件，其中大会期间提案314件 …).

The year is the plenary session's year: a proposal counts in the year of the session it belongs to.
"""

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When

from zhengxie.core.models import HandlingUnit, Organization
from zhengxie.figures.registry import Count, Rate, register

from .models import Assignment, Communication, Proposal, Rating, Reply

S = Proposal.State
K = Proposal.Kind
D = Proposal.Disposition
GROUP = "proposals"
MEMBER_KINDS = (K.INDIVIDUAL, K.JOINT)


def of_year(organization: Organization, year: int) -> QuerySet[Proposal]:
    return Proposal.objects.filter(organization=organization, session__year=year).order_by("id")


def received(organization: Organization, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(submitted_at__isnull=False).exclude(state=S.WITHDRAWN)


def filed(organization: Organization, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(filed_at__isnull=False)


def not_filed(organization: Organization, year: int) -> QuerySet[Proposal]:
    return of_year(organization, year).filter(state=S.NOT_FILED)


def replied(organization: Organization, year: int) -> QuerySet[Proposal]:
    return filed(organization, year).filter(state__in=(S.ANSWERED, S.CLOSED))


def handling_units(organization: Organization, year: int) -> QuerySet[HandlingUnit]:
    """Units that handled (主办, 协办 or 分办) a filed proposal of the year, not counting re-routed ones."""
    assignments = Assignment.objects.filter(organization=organization, proposal__in=filed(organization, year))
    return HandlingUnit.objects.filter(
        pk__in=assignments.exclude(state=Assignment.State.REROUTED).values("unit")
    ).order_by("sort_order", "id")


def replied_on_time(organization: Organization, year: int) -> QuerySet[Proposal]:
    late = Reply.objects.filter(
        organization=organization, state=Reply.State.APPROVED, approved_at__date__gt=F("assignment__deadline")
    )
    return replied(organization, year).exclude(pk__in=late.values("proposal"))


def with_class(organization: Organization, year: int) -> QuerySet[Proposal]:
    """Replied proposals with the class of their answer: the latest approved reply of the lead unit (主办),
    or of the first unit for a proposal assigned separately (分办)."""
    answer = (
        Reply.objects.filter(proposal=OuterRef("pk"), state=Reply.State.APPROVED)
        .exclude(assignment__kind=Assignment.Kind.CO)
        .order_by("assignment__kind", "assignment_id", "-round")
        .values("result_class")[:1]
    )
    return replied(organization, year).annotate(answer_class=Subquery(answer))


def with_satisfaction(organization: Organization, year: int) -> QuerySet[Proposal]:
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


def register_figures() -> None:
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
        *[
            _count(
                f"class_{c.lower()}",
                f"{c}类答复",
                f"已答复的提案中，主办单位（分办的为第一个承办单位）最近一次答复为{c}类的。",
                lambda o, y, c=c: with_class(o, y).filter(answer_class=c),
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
    )
