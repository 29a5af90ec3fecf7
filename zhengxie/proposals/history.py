"""The 提案 sheet of the import of past years (figures/history.py reads the workbook and holds the rows).

A row becomes the proposal as it stood at the end of its year: its proposers, its lead and co-handling
units, the lead unit's approved reply with its class, the lead proposer's rating, a 面商 record, and one
timeline row saying it was imported; the handling's facts are stored as a step would (facts.py).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from zhengxie.core.imports import split_names
from zhengxie.figures.history import Context, Row, at, chinese_number
from zhengxie.search import index as search

from . import facts
from .models import Assignment, Category, Communication, Proposal, Proposer, Rating, Reply, Transition
from .policy import policy_for
from .services import add_months

SHEET = "提案"
HEADERS = [
    "届次", "会议", "年度", "提案号", "案由", "提案人", "提案类型", "提交单位", "提交时间", "提交阶段", "审查结果",
    "处理方式", "并入提案号", "类别", "主办单位", "协办单位", "交办时间", "办理期限", "答复时间", "答复类别",
    "满意度", "重点提案", "面商",
]  # fmt: skip
REQUIRED = ["届次", "会议", "年度", "提案号", "案由", "提案人", "提案类型", "提交时间", "审查结果"]
S = Proposal.State
K = Proposal.Kind
D = Proposal.Disposition
KINDS = {"个人": K.INDIVIDUAL, "联名": K.JOINT, "集体": K.COLLECTIVE}
STAGES = {"大会期间": Proposal.Stage.PLENARY, "平时": Proposal.Stage.ORDINARY}
OUTCOMES = {"立案": "filed", "不予立案": "not_filed", "并案": "merged", "退回修改": "returned"}
DISPOSITIONS = {
    "工作参考": D.REFERENCE, "转为工作参考": D.REFERENCE, "转社情民意": D.OPINION, "转为社情民意": D.OPINION,
    "委员来信": D.LETTER, "转为委员来信": D.LETTER,
}  # fmt: skip
CLASSES = {"A": "A", "B": "B", "C": "C", "A类": "A", "B类": "B", "C类": "C"}
LEVELS = {"满意": Rating.Level.SATISFIED, "基本满意": Rating.Level.BASIC, "不满意": Rating.Level.UNSATISFIED}
# Only a filed proposal is assigned, answered and rated.
HANDLING = ("主办单位", "协办单位", "交办时间", "办理期限", "答复时间", "答复类别", "满意度")
NOTE = "往年数据导入"


@dataclass
class Parsed:
    row: int
    term: int
    session: int
    year: int
    number: int
    title: str
    proposers: list[str]
    kind: str
    unit: str
    submitted: date
    stage: str
    outcome: str
    disposition: str = ""
    merged_into: int | None = None
    category: str = ""
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    assigned: date | None = None
    deadline: date | None = None
    replied: date | None = None
    answer_class: str = ""
    satisfaction: str = ""
    key: bool = False
    face: bool = False

    @property
    def place(self) -> tuple[int, int, int]:
        return (self.term, self.session, self.number)


def _parse(row: Row) -> Parsed | None:
    before = len(row.problems)
    term = row.number_of("届次")
    session = row.number_of("会议")
    year = row.number_of("年度")
    if year is not None and not 1949 <= year <= timezone.localdate().year:
        row.problem("年度", "年度应为 1949 年至今年之间的年份")
    number = row.number_of("提案号")
    if number is not None and number <= 0:
        row.problem("提案号", "提案号应为正整数")
    title = row.required("案由", limit=50)
    proposers = split_names(row.text("提案人"))
    kind = row.choice("提案类型", KINDS)
    if not proposers:
        row.problem("提案人", "提案人不能为空（集体提案填写牵头人或联系人）")
    elif kind == K.INDIVIDUAL and len(proposers) > 1:
        row.problem("提案人", "个人提案只能有一位提案人；多人请填写“联名”")
    elif kind == K.JOINT and len(proposers) < 2:
        row.problem("提案人", "联名提案应有两位以上提案人，以“、”分隔")
    elif any(len(name) > 50 for name in proposers):
        row.problem("提案人", "提案人姓名不能超过 50 个字")
    unit = row.text("提交单位")
    if kind == K.COLLECTIVE and not unit:
        row.problem("提交单位", "集体提案须填写提交单位")
    submitted = row.day("提交时间", required=True)
    stage = row.choice("提交阶段", STAGES, required=False) or ""
    outcome = row.choice("审查结果", OUTCOMES)
    disposition = row.choice("处理方式", DISPOSITIONS, required=outcome == "not_filed") or ""
    if disposition and outcome != "not_filed":
        row.problem("处理方式", "处理方式只用于不予立案的提案")
    merged_into = row.number_of("并入提案号", required=outcome == "merged")
    if merged_into is not None and outcome != "merged":
        row.problem("并入提案号", "并入提案号只用于并案的提案")
    parsed = Parsed(
        row.number, term, session, year, number, title, proposers, kind, unit, submitted, stage, outcome,
        disposition, merged_into, row.text("类别")[:100],
    )  # fmt: skip
    if outcome == "filed":
        _handling(row, parsed)
    elif outcome is not None:
        given = [h for h in HANDLING if row.text(h)] + [
            h for h in ("重点提案", "面商") if row.text(h) in {"是"}
        ]
        for header in given:
            row.problem(header, f"只有立案的提案才填写{header}（本行审查结果为“{row.text('审查结果')}”）")
    return parsed if len(row.problems) == before else None


def _handling(row: Row, parsed: Parsed) -> None:
    """Assignment, reply and rating of a filed proposal, each after the one before it."""
    parsed.lead_unit = row.text("主办单位")
    parsed.co_units = split_names(row.text("协办单位"))
    parsed.assigned = row.day("交办时间")
    parsed.deadline = row.day("办理期限")
    parsed.replied = row.day("答复时间")
    parsed.answer_class = row.choice("答复类别", CLASSES, required=parsed.replied is not None) or ""
    parsed.satisfaction = row.choice("满意度", LEVELS, required=False) or ""
    parsed.key = row.yes("重点提案")
    parsed.face = row.yes("面商")
    if parsed.assigned and not parsed.lead_unit:
        row.problem("主办单位", "已交办的提案须填写主办单位")
    if (parsed.lead_unit or parsed.co_units) and not parsed.assigned and not row.text("交办时间"):
        row.problem("交办时间", "填写了承办单位，须同时填写交办时间")
    if parsed.assigned and parsed.submitted and parsed.assigned < parsed.submitted:
        row.problem("交办时间", "交办时间早于提交时间")
    if parsed.deadline and not parsed.assigned:
        row.problem("办理期限", "办理期限须与交办时间一起填写")
    elif parsed.deadline and parsed.assigned and parsed.deadline < parsed.assigned:
        row.problem("办理期限", "办理期限早于交办时间")
    if parsed.replied and not parsed.assigned:
        row.problem("答复时间", "有答复时间的提案须填写交办时间")
    elif parsed.replied and parsed.assigned and parsed.replied < parsed.assigned:
        row.problem("答复时间", "答复时间早于交办时间")
    if parsed.answer_class and not parsed.replied:
        row.problem("答复类别", "答复类别须与答复时间一起填写")
    if parsed.satisfaction and not parsed.replied:
        row.problem("满意度", "只有已答复的提案才有满意度")
    if parsed.face and not parsed.assigned:
        row.problem("面商", "面商须在交办之后，请填写交办时间")
    if parsed.lead_unit in parsed.co_units:
        row.problem("协办单位", "主办单位不能同时是协办单位")


def check(context: Context, rows: list[Row]) -> list[Parsed]:
    """Every row on its own, then across rows: numbers once per session, merges into a filed proposal."""
    parsed: list[Parsed] = []
    by_row = {row.number: row for row in rows}
    for row in rows:
        if (found := _parse(row)) is not None:
            parsed.append(found)
    seen: dict[tuple[int, int, int], Parsed] = {}
    for p in parsed:
        if p.place in seen:
            by_row[p.row].problem("提案号", f"与第 {seen[p.place].row} 行同一会议的提案号重复")
        else:
            seen[p.place] = p
    # Proposals the file files, even on rows with a problem of their own (an unreadable 审查结果 included):
    # a merge into them is not reported as a second problem.
    filed_in_file = {
        tuple(chinese_number(row.text(h)) for h in ("届次", "会议", "提案号"))
        for row in rows
        if row.text("审查结果") not in OUTCOMES or OUTCOMES[row.text("审查结果")] == "filed"
    }
    existing = _existing(context, {(p.term, p.session) for p in parsed})
    for p in parsed:
        if p.number in existing.get((p.term, p.session), {}):
            by_row[p.row].problem(
                "提案号", f"第{p.term}届第{p.session}次会议已有第{p.number}号提案，不能重复导入"
            )
        if p.outcome == "merged":
            filed_here = (p.term, p.session, p.merged_into) in filed_in_file
            filed_before = existing.get((p.term, p.session), {}).get(p.merged_into) is True
            if not (filed_here or filed_before):
                by_row[p.row].problem(
                    "并入提案号", f"同一会议中没有立案的第{p.merged_into}号提案可以并入", p.merged_into
                )
    return parsed


def _existing(context: Context, sessions: set[tuple[int, int]]) -> dict[tuple[int, int], dict[int, bool]]:
    """The numbers already used in the sessions that exist: {number: filed?}."""
    out: dict[tuple[int, int], dict[int, bool]] = {}
    for key in sessions:
        session = context.sessions.get(key)
        if session is not None:
            rows = Proposal.objects.filter(session=session, number__isnull=False).values_list(
                "number", "filed_at"
            )
            out[key] = {number: filed_at is not None for number, filed_at in rows}
    return out


def write(context: Context, parsed: list[Parsed]) -> dict:
    """The proposals and their records, in bulk; returns what the summary shows."""
    org, person = context.organization, context.person
    months = policy_for(org).deadline_months
    categories = {c.name: c for c in Category.objects.filter(organization=org)}
    proposals = []
    for p in parsed:
        session = context.session(p.term, p.session, p.year)
        lead = context.person_named(p.proposers[0], p.year)
        if p.category and p.category not in categories:
            categories[p.category] = Category.objects.create(organization=org, name=p.category)
            context.created.setdefault("categories", []).append(p.category)
        for name in p.proposers[1:]:
            context.person_named(name, p.year)
        submitted = at(p.submitted)
        proposal = Proposal(
            organization=org,
            term=session.term,
            session=session,
            number=p.number,
            title=p.title,
            category=categories.get(p.category),
            kind=p.kind,
            proposer=lead,
            proposer_name="、".join(p.proposers),
            participating_unit=context.participating_unit(p.unit) if p.unit else None,
            state=_state(p),
            waiting="",
            stage=p.stage,
            submitted_at=submitted,
            filed_at=submitted if p.outcome == "filed" else None,
            disposition=p.disposition,
            assigned_at=at(p.assigned) if p.assigned else None,
            answered_at=at(p.replied) if p.replied else None,
            closed_at=at(p.replied, 17) if p.replied and p.satisfaction else None,
            key_status="key" if p.key else "",
            created_at=submitted,
            updated_at=timezone.now(),
        )
        if proposal.state == S.HANDLING:
            proposal.deadline = p.deadline or add_months(p.assigned, months)
        proposals.append(proposal)
    Proposal.objects.bulk_create(proposals, batch_size=500)
    _merges(parsed, proposals)
    _records(context, parsed, proposals, months)
    facts.refresh(Proposal.objects.filter(pk__in=[p.pk for p in proposals]))
    search.add_records(Proposal, [p.pk for p in proposals])
    Transition.objects.bulk_create(
        [
            Transition(
                organization=org,
                proposal=proposal,
                action="import",
                from_state="",
                to_state=proposal.state,
                actor=person,
                actor_name=person.full_name,
                note=NOTE,
                at=proposal.submitted_at,
            )
            for proposal in proposals
        ],
        batch_size=1000,
    )
    years = Counter(p.year for p in parsed)
    return {"total": len(parsed), "years": {str(y): years[y] for y in sorted(years)}}


def _state(p: Parsed) -> str:
    if p.outcome != "filed":
        return {"not_filed": S.NOT_FILED, "merged": S.MERGED, "returned": S.RETURNED}[p.outcome]
    if p.replied:
        return S.CLOSED if p.satisfaction else S.ANSWERED
    return S.HANDLING if p.assigned else S.FILED


def _merges(parsed: list[Parsed], proposals: list[Proposal]) -> None:
    ids = {(pr.session_id, pr.number): pr.pk for pr in proposals}
    merged = []
    for p, proposal in zip(parsed, proposals, strict=True):
        if p.outcome == "merged":
            target = ids.get((proposal.session_id, p.merged_into))
            if target is None:
                target = Proposal.objects.get(session_id=proposal.session_id, number=p.merged_into).pk
            proposal.merged_into_id = target
            merged.append(proposal)
    Proposal.objects.bulk_update(merged, ["merged_into"], batch_size=500)


def _records(context: Context, parsed: list[Parsed], proposals: list[Proposal], months: int) -> None:
    """Proposers, assignments, the lead unit's reply, the lead proposer's rating and the 面商 record."""
    org, person = context.organization, context.person
    proposers, assignments, leads = [], [], []
    for p, proposal in zip(parsed, proposals, strict=True):
        for k, name in enumerate(p.proposers):
            proposers.append(
                Proposer(
                    organization=org,
                    proposal=proposal,
                    person=context.people[name],
                    name=name,
                    role=Proposer.Role.LEAD if k == 0 else Proposer.Role.COSIGNER,
                    state=Proposer.State.SIGNED,
                    invited_at=proposal.submitted_at,
                    responded_at=proposal.submitted_at,
                )
            )
        if not p.assigned:
            continue
        deadline = p.deadline or add_months(p.assigned, months)
        state = Assignment.State.DONE if p.replied else Assignment.State.ACCEPTED
        for unit, kind in [(p.lead_unit, Assignment.Kind.LEAD)] + [
            (u, Assignment.Kind.CO) for u in p.co_units
        ]:
            assignment = Assignment(
                organization=org,
                proposal=proposal,
                unit=context.handling_unit(unit),
                kind=kind,
                state=state,
                assigned_at=proposal.assigned_at,
                deadline=deadline,
                accepted_at=proposal.assigned_at,
            )
            assignments.append(assignment)
            if kind == Assignment.Kind.LEAD:
                leads.append((p, proposal, assignment))
    Proposer.objects.bulk_create(proposers, batch_size=1000)
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    replies, ratings, talks = [], [], []
    for p, proposal, assignment in leads:
        if p.face:
            talks.append(
                Communication(
                    organization=org,
                    proposal=proposal,
                    assignment=assignment,
                    method=Communication.Method.FACE,
                    date=p.assigned,
                    summary=f"{NOTE}：面商",
                    recorded_by=person,
                    recorded_at=proposal.assigned_at,
                )
            )
        if p.replied:
            reply = Reply(
                organization=org,
                proposal=proposal,
                assignment=assignment,
                round=1,
                body=f"（{NOTE}，未录入答复正文）",
                result_class=p.answer_class,
                signer="",
                state=Reply.State.APPROVED,
                written_by=person,
                submitted_at=proposal.answered_at,
                approved_at=proposal.answered_at,
            )
            replies.append(reply)
            if p.satisfaction:
                ratings.append((p, proposal, reply))
    Communication.objects.bulk_create(talks, batch_size=1000)
    Reply.objects.bulk_create(replies, batch_size=1000)
    Rating.objects.bulk_create(
        [
            Rating(
                organization=org,
                reply=reply,
                proposal=proposal,
                person=proposal.proposer,
                is_lead=True,
                handling=p.satisfaction,
                result=p.satisfaction,
                rated_at=proposal.closed_at,
            )
            for p, proposal, reply in ratings
        ],
        batch_size=1000,
    )
