"""The public-opinion report and issue state graphs as data: each step, where it starts, where it leads, who.

Services call `guard` (reports) or `guard_issue` (issues) first; `zhengxie workflow opinions` prints both.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from zhengxie.core.errors import WorkflowError
from zhengxie.core.permissions import Actor
from zhengxie.core.roles import Role

from .models import Issue, Report

S = Report.State
I = Issue.State  # noqa: E741 - the issue states, beside S for the report states
SUBMITTERS = frozenset({Role.MEMBER, Role.UNIT_LIAISON, Role.COMMITTEE_STAFF, Role.INFO_OFFICER})
EDITORS = frozenset({Role.OPINION_EDITOR})
LEADERS = frozenset({Role.LEADER})
# Published in an issue and after: the states a forwarding or an instruction may start from.
AFTER_ADOPTION = (S.ADOPTED, S.FORWARDED, S.INSTRUCTED, S.FEEDBACK)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # empty: the record keeps its state
    roles: frozenset[Role]
    who: str


STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("save", "保存草稿", (S.DRAFT,), (), SUBMITTERS, "报送人"),
        Step("submit", "报送", (S.DRAFT,), (S.SUBMITTED,), SUBMITTERS, "报送人"),
        Step("withdraw", "撤回", (S.DRAFT, S.SUBMITTED), (S.WITHDRAWN,), SUBMITTERS, "报送人（编辑接收前）"),
        Step("receive", "接收采编", (S.SUBMITTED,), (S.EDITING,), EDITORS, "社情民意编辑"),
        Step("edit", "编辑修改", (S.EDITING,), (), EDITORS, "社情民意编辑"),
        Step("include", "编入期刊", (S.EDITING,), (), EDITORS, "社情民意编辑"),
        Step("merge", "合并编发", (S.EDITING,), (), EDITORS, "社情民意编辑"),
        Step("exclude", "移出期刊", (S.EDITING,), (), EDITORS, "社情民意编辑"),
        Step("adopt", "采用（随期刊印发）", (S.EDITING,), (S.ADOPTED,), EDITORS, "社情民意编辑"),
        Step("not_adopt", "不予采用", (S.SUBMITTED, S.EDITING), (S.NOT_ADOPTED,), EDITORS, "社情民意编辑"),
        Step(
            "forward",
            "报送上级/党政",
            AFTER_ADOPTION,
            (S.FORWARDED, S.INSTRUCTED, S.FEEDBACK),
            EDITORS,
            "社情民意编辑",
        ),
        Step("instruct", "登记领导批示", AFTER_ADOPTION, (S.INSTRUCTED, S.FEEDBACK), EDITORS, "社情民意编辑"),
        Step("feedback", "登记部门反馈", (S.INSTRUCTED, S.FEEDBACK), (S.FEEDBACK,), EDITORS, "社情民意编辑"),
        Step("upper_adopt", "上级采用", AFTER_ADOPTION, (), frozenset(), "系统（上级政协印发时）"),
    ]
}

ISSUE_STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("create_issue", "新建期刊", (), (I.DRAFT,), EDITORS, "社情民意编辑"),
        Step("compose", "编排条目", (I.DRAFT,), (), EDITORS, "社情民意编辑"),
        Step("request_signoff", "送签", (I.DRAFT,), (I.SIGNOFF,), EDITORS, "社情民意编辑"),
        Step("recall", "撤回送签", (I.SIGNOFF, I.SIGNED), (I.DRAFT,), EDITORS, "社情民意编辑"),
        Step("sign", "签发", (I.SIGNOFF,), (I.SIGNED,), LEADERS, "分管领导"),
        Step("return_signoff", "退回修改", (I.SIGNOFF,), (I.DRAFT,), LEADERS, "分管领导"),
        Step("publish", "印发", (I.SIGNED,), (I.PUBLISHED,), EDITORS, "社情民意编辑"),
        Step("delete_issue", "删除期刊", (I.DRAFT,), (), EDITORS, "社情民意编辑（仅空白的最后一期）"),
    ]
}

# Timeline entries that are not steps a person takes on the report's page.
EXTRA_ACTIONS = {"create": "创建草稿", "convert": "由提案转来", "receive_upper": "下级政协报送"}


def action_label(action: str) -> str:
    step = STEPS.get(action) or ISSUE_STEPS.get(action)
    return step.label if step else EXTRA_ACTIONS.get(action, action)


def _check(step: Step, actor: Actor | None, state: str, state_label: str, noun: str) -> Step:
    if actor is None or not (actor.roles & step.roles):
        raise PermissionDenied(f"您没有“{step.label}”的权限。")
    if state not in step.sources:
        raise WorkflowError(f"{noun}当前状态为“{state_label}”，不能{step.label}。")
    return step


def guard(name: str, actor: Actor | None, report: Report) -> Step:
    """Wrong role → PermissionDenied (403); wrong state → WorkflowError (409). Nothing is changed."""
    return _check(STEPS[name], actor, report.state, S(report.state).label, "该信息")


def guard_issue(name: str, actor: Actor | None, issue: Issue) -> Step:
    return _check(ISSUE_STEPS[name], actor, issue.state, I(issue.state).label, "该期")


def allowed(name: str, actor: Actor | None, report: Report) -> bool:
    step = STEPS[name]
    return bool(actor and actor.roles & step.roles and report.state in step.sources)


def issue_allowed(name: str, actor: Actor | None, issue: Issue) -> bool:
    step = ISSUE_STEPS[name]
    return bool(actor and actor.roles & step.roles and issue.state in step.sources)


def _lines(steps: dict[str, Step], states) -> list[str]:
    lines = []
    for step in steps.values():
        sources = "、".join(states(s).label for s in step.sources) or "（新建）"
        targets = "、".join(states(s).label for s in step.targets) or "（状态不变）"
        roles = "、".join(sorted(Role(r).label for r in step.roles)) or "系统"
        lines.append(f"{step.label}（{step.name}）：{sources} → {targets}；执行人：{step.who}［{roles}］")
    return lines


def describe() -> list[str]:
    """Both graphs as text lines: step, from, to, who."""
    return [
        "【社情民意信息】",
        *_lines(STEPS, S),
        "【期刊（期）】",
        *_lines(ISSUE_STEPS, I),
    ]
