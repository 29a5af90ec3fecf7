"""The proposal state graph as data: each step, the states it starts from, where it leads, who takes it.

Services call `guard` first; `zhengxie workflow proposals` prints this table.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from zhengxie.core.errors import WorkflowError
from zhengxie.core.permissions import Actor
from zhengxie.core.roles import Role

from .models import Proposal

S = Proposal.State
SUBMITTERS = frozenset({Role.MEMBER, Role.UNIT_LIAISON, Role.COMMITTEE_STAFF})
STAFF = frozenset({Role.PROPOSAL_STAFF})
HANDLERS = frozenset({Role.HANDLER})
IN_HANDLING = (S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW)
AFTER_FILING = (S.FILED, *IN_HANDLING, S.ANSWERED, S.CLOSED)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # empty: the proposal keeps its state
    roles: frozenset[Role]
    who: str


STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("save", "保存草稿", (S.DRAFT, S.RETURNED), (), SUBMITTERS, "提案人"),
        Step("invite", "邀请联名", (S.DRAFT, S.RETURNED, S.COSIGNING), (), SUBMITTERS, "领衔提案人"),
        Step(
            "uninvite", "移除未确认的联名人", (S.DRAFT, S.RETURNED, S.COSIGNING), (), SUBMITTERS, "领衔提案人"
        ),
        Step("submit", "提交", (S.DRAFT, S.RETURNED), (S.COSIGNING, S.SUBMITTED), SUBMITTERS, "领衔提案人"),
        Step("sign", "确认联名", (S.COSIGNING,), (S.COSIGNING, S.SUBMITTED), SUBMITTERS, "被邀请的委员"),
        Step(
            "decline",
            "谢绝联名",
            (S.COSIGNING,),
            (S.COSIGNING, S.SUBMITTED, S.DRAFT),
            SUBMITTERS,
            "被邀请的委员",
        ),
        Step(
            "withdraw",
            "撤回",
            (S.DRAFT, S.COSIGNING, S.SUBMITTED, S.RETURNED),
            (S.WITHDRAWN,),
            SUBMITTERS,
            "领衔提案人",
        ),
        Step("precheck", "预审", (S.SUBMITTED,), (S.REVIEWING,), STAFF, "提案工作人员"),
        Step("file", "立案", (S.SUBMITTED, S.REVIEWING), (S.FILED,), STAFF, "提案工作人员"),
        Step(
            "not_file",
            "不予立案",
            (S.SUBMITTED, S.REVIEWING),
            (S.NOT_FILED, S.RETURNED),
            STAFF,
            "提案工作人员",
        ),
        Step("merge", "并案", (S.SUBMITTED, S.REVIEWING), (S.MERGED,), STAFF, "提案工作人员"),
        Step("assign", "交办", (S.FILED,), (S.ASSIGNED,), STAFF, "提案工作人员"),
        Step(
            "accept",
            "签收",
            (S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW),
            (S.ASSIGNED, S.HANDLING),
            HANDLERS,
            "所交办的承办单位",
        ),
        Step(
            "request_reroute",
            "申请退办",
            (S.ASSIGNED, S.HANDLING),
            (S.ASSIGNED,),
            HANDLERS,
            "所交办的承办单位",
        ),
        Step(
            "decide_reroute",
            "审批退办申请",
            (S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW),
            (S.FILED, S.ASSIGNED, S.HANDLING),
            STAFF,
            "提案工作人员",
        ),
        Step("extend", "延期", IN_HANDLING, (), STAFF, "提案工作人员"),
        Step("communicate", "记录沟通", IN_HANDLING, (), HANDLERS, "所交办的承办单位"),
        Step(
            "countersign", "会签", IN_HANDLING, (S.HANDLING, S.REPLY_REVIEW, S.ANSWERED), HANDLERS, "协办单位"
        ),
        Step("draft_reply", "撰写答复", IN_HANDLING, (), HANDLERS, "主办或分办单位"),
        Step("submit_reply", "提交答复", IN_HANDLING, (S.REPLY_REVIEW,), HANDLERS, "主办或分办单位"),
        Step(
            "approve_reply",
            "审核通过答复",
            (S.REPLY_REVIEW,),
            (S.REPLY_REVIEW, S.HANDLING, S.ANSWERED),
            STAFF,
            "提案工作人员",
        ),
        Step(
            "return_reply", "退回答复", (S.REPLY_REVIEW,), (S.HANDLING, S.REPLY_REVIEW), STAFF, "提案工作人员"
        ),
        Step(
            "rate",
            "评价答复",
            (*IN_HANDLING, S.ANSWERED, S.CLOSED),
            (S.ANSWERED, S.CLOSED, S.HANDLING),
            SUBMITTERS,
            "提案人",
        ),
        Step("close", "办结", (S.ANSWERED,), (S.CLOSED,), STAFF, "提案工作人员"),
        Step(
            "rate_quality",
            "评价提案质量",
            (*IN_HANDLING, S.ANSWERED, S.CLOSED),
            (),
            HANDLERS,
            "所交办的承办单位",
        ),
        Step("propose_key", "拟定重点提案", (S.FILED, *IN_HANDLING), (), STAFF, "提案工作人员"),
        Step(
            "decide_key",
            "确定重点提案及领衔督办领导",
            (S.FILED, *IN_HANDLING),
            (),
            STAFF,
            "提案工作人员（记录主席会议决定）",
        ),
        Step(
            "supervise",
            "记录督办活动",
            (*IN_HANDLING, S.ANSWERED),
            (),
            frozenset({Role.LEADER, Role.PROPOSAL_STAFF}),
            "领衔督办领导或提案工作人员",
        ),
        Step("set_confidential", "设置是否公开", AFTER_FILING, (), STAFF, "提案工作人员"),
        Step("award", "评选优秀提案", (S.ANSWERED, S.CLOSED), (), STAFF, "提案工作人员"),
    ]
}


# Timeline entries that are not steps a person takes from the pages.
EXTRA_ACTIONS = {"create": "创建草稿", "merge_in": "并入提案", "cosign_lapsed": "联名邀请逾期"}


def action_label(action: str) -> str:
    step = STEPS.get(action)
    return step.label if step else EXTRA_ACTIONS.get(action, action)


def state_label(state: str) -> str:
    return S(state).label


def guard(name: str, actor: Actor, proposal: Proposal) -> Step:
    """Wrong role → PermissionDenied (403); wrong state → WorkflowError (409). Nothing is changed."""
    step = STEPS[name]
    if actor is None or not (actor.roles & step.roles):
        raise PermissionDenied(f"您没有“{step.label}”的权限。")
    if proposal.state not in step.sources:
        raise WorkflowError(f"提案当前状态为“{state_label(proposal.state)}”，不能{step.label}。")
    return step


def allowed(name: str, actor: Actor | None, proposal: Proposal) -> bool:
    step = STEPS[name]
    return bool(actor and actor.roles & step.roles and proposal.state in step.sources)


def describe() -> list[str]:
    """The graph as text lines: step, from, to, who."""
    lines = []
    for step in STEPS.values():
        sources = "、".join(state_label(s) for s in step.sources)
        targets = "、".join(state_label(s) for s in step.targets) or "（状态不变）"
        roles = "、".join(sorted(Role(r).label for r in step.roles))
        lines.append(f"{step.label}（{step.name}）：{sources} → {targets}；执行人：{step.who}［{roles}］")
    return lines
