"""Demo public-opinion reports (SPEC §3.2): a year of reports in every state for the demo city and its
districts, the issues (期) they were published in, forwarding to the upper organisation and to party and
government offices, leaders' instructions at every level and the departments' feedback.

The services stamp each step with the present moment, and a year cannot be lived in the minutes a demo
takes; so each report's life is simulated on the calendar (`Simulation`) and written with bulk inserts
holding exactly what the services would have set: state and moments, one `ReportTransition` per step
(the timeline), revisions, the issue item it was published in, forwardings (报送上级 leaves a copy in the
upper organisation's inbox, whose fate is simulated there and reported back), instructions, feedback,
and its outcome and points (`services.rescore_organization` finds nothing to change). Reference lists,
the office's settings and the information officers go through the services. Audit events and
notifications are what people's own clicks produce; the demo writes none.

The benchmark (bench/opinion_data.py) runs the same simulation for 300,000 reports.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from random import Random

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.demo import CITY_SLUG, person_name
from zhengxie.core.models import HandlingUnit, Member, Organization, Person, RoleGrant
from zhengxie.core.permissions import actor_for
from zhengxie.core.roles import Role

from . import demo_text as text
from . import services
from .models import (
    LEVEL_BITS,
    Feedback,
    Forwarding,
    InfoOfficer,
    Instruction,
    Issue,
    IssueItem,
    Level,
    Report,
    ReportCategory,
    ReportTransition,
    Revision,
)
from .policy import policy_for

S = Report.State
T = Report.SubmitterType
I = Issue.State  # noqa: E741 - the issue states, beside S for the report states
DAY = 86400.0
HOUR = 3600.0

# Reports a year at scale 1: the city, and each district or county.
CITY_REPORTS = 300
DISTRICT_REPORTS = 100
OFFICERS = {Organization.Level.CITY: 3, Organization.Level.COUNTY: 2}

# How a report submitted at random ends, before the cut at the present moment.
FATES = (
    ("abandon", 0.03),  # a draft never sent
    ("withdraw_draft", 0.01),
    ("withdraw_submitted", 0.02),
    ("reject_early", 0.06),  # not adopted straight from the inbox
    ("reject", 0.33),  # taken up, perhaps edited, then not adopted
    ("adopt", 0.55),
)
COPY_FATES = (("reject_early", 0.1), ("reject", 0.35), ("adopt", 0.55))
SOURCE_TYPES = ((T.MEMBER, 0.72), (T.OFFICER, 0.12), (T.UNIT, 0.1), (T.COMMITTEE, 0.06))
# The level of the leader who instructs, by the level of the organisation that recorded it.
LEVELS = {
    Organization.Level.COUNTY: (
        (Level.COUNTY, 0.72),
        (Level.CITY, 0.2),
        (Level.PROVINCE, 0.07),
        (Level.NATIONAL, 0.01),
    ),
    Organization.Level.CITY: ((Level.CITY, 0.75), (Level.PROVINCE, 0.2), (Level.NATIONAL, 0.05)),
}


def _pick(rng: Random, weighted: Iterable[tuple]) -> str:
    roll = rng.random()
    last = ""
    for value, weight in weighted:
        last = value
        roll -= weight
        if roll < 0:
            return value
    return last


# ------------------------------------------------------------------ what the simulation works with


@dataclass(frozen=True)
class Source:
    """Who writes a report and in whose name (a person, a participating unit or a committee)."""

    submitter_type: str
    person_id: int
    person_name: str
    name: str
    unit_id: int | None = None
    committee_id: int | None = None


@dataclass
class Office:
    """One organisation as the simulation needs it: ids and names, never model instances."""

    id: int
    name: str  # 示范市东湖区政协
    display: str  # 东湖区 (the name a copy sent up carries)
    place: str  # the place the texts are about
    level: str
    parent_id: int | None
    parent_name: str
    editor: tuple[int, str]
    leader: tuple[int, str]
    categories: dict[str, int]
    departments: dict[str, str]  # short name of a handling unit -> its full name
    publication_title: str
    send_to: str
    copy_to: str
    sources: dict[str, list[Source]]  # by submitter type
    rules: dict[str, Decimal]

    def department(self, short: str) -> str:
        return self.departments.get(short) or f"{self.place}{short}"


class Life:
    """One report as it stands at the present moment, with every row its steps wrote."""

    __slots__ = (
        "id",
        "org_id",
        "seq",
        "topic",
        "subject",
        "spot",
        "title",
        "body",
        "category_id",
        "urgency",
        "submitter_type",
        "submitter_id",
        "submitter_person",
        "submitter_name",
        "unit_id",
        "committee_id",
        "lower_org_id",
        "state",
        "year",
        "created_at",
        "submitted_at",
        "edited_title",
        "edited_body",
        "editor_id",
        "item",
        "adopted_at",
        "not_adopted_reason",
        "forwarded_at",
        "upper_adopted",
        "levels",
        "original",
        "fate",
        "plan",
        "ready",
        "steps",
        "late_steps",
        "revisions",
        "forwardings",
        "instructions",
        "feedbacks",
    )

    def __init__(self, org_id: int, seq: int) -> None:
        self.id = 0
        self.org_id = org_id
        self.seq = seq
        self.category_id: int | None = None
        self.urgency = Report.Urgency.NORMAL
        self.unit_id: int | None = None
        self.committee_id: int | None = None
        self.lower_org_id: int | None = None
        self.state = ""
        self.submitted_at: datetime | None = None
        self.edited_title = ""
        self.edited_body = ""
        self.editor_id: int | None = None
        self.item: Item | None = None
        self.adopted_at: datetime | None = None
        self.not_adopted_reason = ""
        self.forwarded_at: datetime | None = None
        self.upper_adopted = False
        self.levels = 0
        self.original: Life | None = None
        self.plan: dict = {}
        self.ready: datetime | None = None
        # (at, action, from state, to state, actor id, actor name, note)
        self.steps: list[tuple] = []
        # Steps the upper organisation's outcome wrote (state unchanged, version untouched).
        self.late_steps: list[tuple] = []
        self.revisions: list[tuple] = []  # (at, title, body, editor id, note)
        self.forwardings: list[tuple] = []  # (at, target, recipient, copy or None)
        self.instructions: list[tuple] = []  # (at, leader, leader title, level, text)
        self.feedbacks: list[tuple] = []  # (at, department, text)

    @property
    def display_title(self) -> str:
        return self.edited_title or self.title

    @property
    def display_body(self) -> str:
        return self.edited_body or self.body

    @property
    def key(self) -> tuple:
        """Creation order: the order ids are handed out in."""
        return (self.created_at, self.seq)

    @property
    def version(self) -> int:
        return 1 + sum(1 for s in self.steps if s[1] not in ("create", "receive_upper"))

    @property
    def updated_at(self) -> datetime:
        return max(s[0] for s in (*self.steps, *self.late_steps))

    def state_at(self, moment: datetime) -> str:
        state = ""
        for step in self.steps:
            if step[0] <= moment:
                state = step[3]
        return state

    def score(self, rules: dict[str, Decimal]) -> tuple[str, Decimal]:
        return services.best_outcome(
            services.outcomes_of(
                adopted=self.adopted_at is not None, upper_adopted=self.upper_adopted, levels=self.levels
            ),
            rules,
        )


@dataclass
class Item:
    issue: "Planned"
    reports: list[Life]
    title: str = ""
    body: str = ""
    position: int = 0
    id: int = 0

    @property
    def sources(self) -> str:
        ordered = sorted(self.reports, key=lambda r: r.key)
        return "、".join(dict.fromkeys(r.submitter_name for r in ordered))[:300]


@dataclass
class Planned:
    """One issue: when it was opened, sent for signing, signed and printed (None: not yet)."""

    created_at: datetime
    items: list[Item] = field(default_factory=list)
    signoff_at: datetime | None = None
    signed_at: datetime | None = None
    printed_at: datetime | None = None
    sign_note: str = ""
    year: int = 0
    number: int = 0
    id: int = 0

    @property
    def state(self) -> str:
        if self.printed_at is not None:
            return I.PUBLISHED
        if self.signed_at is not None:
            return I.SIGNED
        if self.signoff_at is not None:
            return I.SIGNOFF
        return I.DRAFT

    @property
    def updated_at(self) -> datetime:
        return self.printed_at or self.signed_at or self.signoff_at or self.created_at

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}期"


# ------------------------------------------------------------------ the simulation


class Simulation:
    """One organisation's reports from `start` to `now`: each report lives its planned life, cut at now.

    `incoming` are copies the lower organisations sent up (already simulated there); `outgoing` gets the
    copies this organisation sends up. With `showcase`, the first reports end in each state for sure
    (the demo needs every state even at a small scale); `showcase_source` writes them.
    """

    def __init__(
        self,
        office: Office,
        *,
        start: datetime,
        now: datetime,
        size: int,
        rng: Random,
        incoming: Iterable[Life] = (),
        issue_size: tuple[int, int] = (3, 7),
        max_wait_days: float = 30,
        open_items: int = 3,
        awaiting_signature: bool = False,
        showcase: bool = False,
        showcase_source: Source | None = None,
        merge_share: float = 0.1,
        first_seq: int = 0,
    ) -> None:
        self.office = office
        self.start = start
        self.now = now
        self.size = size
        self.rng = rng
        self.incoming = list(incoming)
        self.issue_size = issue_size
        self.max_wait = timedelta(days=max_wait_days)
        self.open_items = open_items
        self.awaiting_signature = awaiting_signature
        self.showcase = showcase
        self.showcase_source = showcase_source
        self.merge_share = merge_share
        self.seq = first_seq
        self.offset = timezone.get_current_timezone().utcoffset(now.replace(tzinfo=None)).total_seconds()
        self.lives: list[Life] = []
        self.last_print: datetime | None = None
        self.held = False  # an issue sent for signing is not printed yet: no later one may be
        self.issues: list[Planned] = []
        self.outgoing: list[Life] = []
        editor_id, editor_name = office.editor
        self.editor = (editor_id, editor_name)
        self.level_choices = LEVELS.get(office.level, LEVELS[Organization.Level.COUNTY])

    # -------------------------------------------------------------- moments

    def _office_hours(self, moment: float, floor: float) -> datetime:
        """A moment in office hours on that day (a weekend moves to Monday), never before `floor`."""
        local = moment + self.offset
        day = local - local % DAY
        weekday = (int(day // DAY) + 3) % 7  # 1 January 1970 was a Thursday
        if weekday >= 5:
            day += (7 - weekday) * DAY
        office = day + 8.5 * HOUR + self.rng.random() * 9.5 * HOUR - self.offset
        return datetime.fromtimestamp(max(office, floor), UTC)

    def after(self, moment: datetime, low_days: float, high_days: float) -> datetime:
        base = moment.timestamp()
        target = base + self.rng.uniform(low_days, high_days) * DAY
        return self._office_hours(target, base + self.rng.randint(5, 90) * 60)

    def ago(self, low_days: float, high_days: float) -> datetime:
        moment = self.now - timedelta(days=self.rng.uniform(low_days, high_days))
        return min(self._office_hours(moment.timestamp(), moment.timestamp()), self.now - timedelta(hours=1))

    def local_date(self, moment: datetime) -> date:
        return datetime.fromtimestamp(moment.timestamp() + self.offset, UTC).date()

    # -------------------------------------------------------------- steps

    def step(
        self,
        life: Life,
        at: datetime,
        action: str,
        to: str,
        actor: tuple[int, str] | None,
        note: str = "",
    ) -> bool:
        """Take the step if its moment has come; a step still ahead ends the report's life here."""
        if at >= self.now:
            return False
        actor_id, actor_name = actor if actor else (None, "系统")
        life.steps.append((at, action, life.state, to, actor_id, actor_name, note))
        life.state = to
        return True

    # -------------------------------------------------------------- the run

    def run(self) -> "Simulation":
        showcase = self._showcase_plans() if self.showcase else []
        for k in range(self.size):
            plan = showcase[k] if k < len(showcase) else {}
            self.lives.append(self._new(plan))
        for life in sorted(self.lives, key=lambda r: r.key):
            self._write_and_send(life)
        for copy in self.incoming:
            self._receive_copy(copy)
        self._issues()
        for issue in self.issues:
            if issue.printed_at is None:
                continue
            for item in issue.items:
                for life in item.reports:
                    self._after_adoption(life, issue.printed_at)
        return self

    def _showcase_plans(self) -> list[dict]:
        """The first reports: one ending in each state, on moments that fit before now whatever the date."""
        up = self.office.parent_id is not None
        own = Level.COUNTY if self.office.level == Organization.Level.COUNTY else Level.CITY
        higher = [Level.CITY] if up else [Level.PROVINCE, Level.NATIONAL]
        return [
            {"state": S.DRAFT, "fate": "abandon", "c": self.ago(1, 4)},
            {"state": S.SUBMITTED, "fate": "hold_submitted", "c": self.ago(3, 5), "s": self.ago(0.5, 2)},
            {"state": S.EDITING, "fate": "hold_editing", "c": self.ago(8, 12), "s": self.ago(6, 7)},
            {"state": S.WITHDRAWN, "fate": "withdraw_submitted", "c": self.ago(60, 90)},
            {"state": S.NOT_ADOPTED, "fate": "reject", "c": self.ago(100, 120)},
            {"state": S.ADOPTED, "fate": "adopt", "c": self.ago(140, 150), "after": []},
            {
                "state": S.FORWARDED,
                "fate": "adopt",
                "c": self.ago(150, 160),
                "after": ["up" if up else "gov"],
            },
            {"state": S.INSTRUCTED, "fate": "adopt", "c": self.ago(160, 170), "after": ["gov", own]},
            {
                "state": S.FEEDBACK,
                "fate": "adopt",
                "c": self.ago(170, 180),
                "after": ["gov", own, *higher, "feedback"],
            },
        ]

    def _source(self) -> Source:
        sources = self.office.sources
        kind = _pick(self.rng, [(k, w) for k, w in SOURCE_TYPES if sources.get(k)])
        pool = sources[kind]
        # A few people write most reports: the pool's front is drawn far more often.
        return pool[int(len(pool) * self.rng.random() ** 2)]

    def _new(self, plan: dict) -> Life:
        rng, office = self.rng, self.office
        life = Life(office.id, self.seq)
        self.seq += 1
        life.plan = plan
        life.fate = plan.get("fate") or _pick(rng, FATES)
        source = self.showcase_source if plan and self.showcase_source else self._source()
        life.submitter_type = source.submitter_type
        life.submitter_id, life.submitter_person = source.person_id, source.person_name
        life.submitter_name = source.name
        life.unit_id, life.committee_id = source.unit_id, source.committee_id
        life.topic = rng.choice(text.TOPICS)
        life.subject = rng.choice(life.topic.subjects)
        life.spot = text._spot(rng, life.topic, office.place)
        life.title = text.title(rng, life.topic, life.subject, life.spot)
        life.body = text.body(rng, life.topic, life.subject, life.spot, office.place)
        life.category_id = office.categories.get(life.topic.category)
        if rng.random() < 0.07:
            life.urgency = Report.Urgency.URGENT
        span = (self.now - self.start).total_seconds()
        created = plan.get("c") or self._office_hours(
            self.start.timestamp() + rng.random() * span, self.start.timestamp()
        )
        life.created_at = min(created, self.now - timedelta(minutes=30))
        return life

    # -------------------------------------------------------------- before the issue

    def _write_and_send(self, life: Life) -> None:
        rng, plan = self.rng, life.plan
        submitter = (life.submitter_id, life.submitter_person)
        life.year = self.local_date(life.created_at).year
        self.step(life, life.created_at, "create", S.DRAFT, submitter)
        if life.fate == "abandon":
            return
        if life.fate == "withdraw_draft":
            self.step(
                life,
                self.after(life.created_at, 0.5, 12),
                "withdraw",
                S.WITHDRAWN,
                submitter,
                rng.choice(text.WITHDRAW_REASONS),
            )
            return
        submitted = plan.get("s") or self.after(life.created_at, 0, 3)
        if not self.step(life, submitted, "submit", S.SUBMITTED, submitter):
            return
        life.submitted_at = submitted
        life.year = self.local_date(submitted).year
        self._desk(life, submitted)

    def _receive_copy(self, copy: Life) -> None:
        """A copy a lower organisation sent up: waiting in this inbox since it was forwarded."""
        copy.seq = self.seq
        self.seq += 1
        copy.plan = copy.plan or {}
        copy.fate = copy.plan.get("fate") or _pick(self.rng, COPY_FATES)
        self.lives.append(copy)
        self._desk(copy, copy.submitted_at)

    def _desk(self, life: Life, submitted: datetime) -> None:
        """The editors' part until the report is ready for an issue, refused, or taken back."""
        rng, fate = self.rng, life.fate
        if fate == "withdraw_submitted":
            self.step(
                life,
                self.after(submitted, 0.05, 2),
                "withdraw",
                S.WITHDRAWN,
                (life.submitter_id, life.submitter_person),
                rng.choice(text.WITHDRAW_REASONS),
            )
            return
        if fate == "reject_early":
            self._not_adopt(life, self.after(submitted, 1, 10))
            return
        if fate == "hold_submitted":
            return
        received = self.after(submitted, 0.2, 6) if fate != "hold_editing" else self.ago(1, 3)
        if not self.step(life, received, "receive", S.EDITING, self.editor):
            return
        life.editor_id = self.editor[0]
        last = received
        edits = {"adopt": 0.9, "reject": 0.35, "hold_editing": 0.7}.get(fate, 0)
        if rng.random() < edits:
            last = self._edit(life, received)
        if fate == "reject":
            self._not_adopt(life, self.after(last, 1, 25))
        elif fate == "adopt":
            ready = self.after(last, 0, 4)
            if ready < self.now:
                life.ready = ready

    def _edit(self, life: Life, received: datetime) -> datetime:
        rng = self.rng
        moment = self.after(received, 0, 3)
        title, body = text.edited(rng, life.subject, life.spot, life.body, self._who(life))
        drafts = [(life.title, body)] if rng.random() < 0.15 else []
        for draft_title, draft_body in [*drafts, (title, body)]:
            if not self.step(life, moment, "edit", S.EDITING, self.editor, rng.choice(text.EDIT_NOTES)):
                break
            life.edited_title, life.edited_body = draft_title, draft_body
            life.revisions.append((moment, draft_title, draft_body, self.editor[0], life.steps[-1][6]))
            moment = self.after(moment, 0, 1)
        return life.steps[-1][0]

    @staticmethod
    def _who(life: Life) -> str:
        """Who the editor's lead sentence names as having reported it."""
        if life.submitter_type == T.MEMBER:
            return "委员"
        if life.submitter_type == T.OFFICER:
            return "信息员"
        if life.submitter_type == T.LOWER_ORG:
            return life.submitter_name.split("（", 1)[0] + "政协"
        return life.submitter_name

    def _not_adopt(self, life: Life, moment: datetime) -> None:
        reason = self.rng.choice(text.NOT_ADOPTED_REASONS)
        if self.step(life, moment, "not_adopt", S.NOT_ADOPTED, self.editor, reason):
            life.not_adopted_reason = reason

    # -------------------------------------------------------------- issues

    def _issues(self) -> None:
        """Ready reports fill issues in turn; an issue goes for signing once it has its items (or has
        waited long enough), is signed and printed; the last few ready reports wait in the open issue."""
        rng = self.rng
        ready = sorted((r for r in self.lives if r.ready is not None), key=lambda r: (r.ready, r.seq))
        if not ready:
            return
        tail = min(self.open_items, len(ready))
        body, rest = ready[: len(ready) - tail], ready[len(ready) - tail :]
        current: Planned | None = None
        target = 0
        for life in body:
            if current is not None and current.signoff_at is None:
                waited = life.ready > current.items[0].reports[0].plan["inc"] + self.max_wait
                if (len(current.items) >= target or waited) and self._close(current):
                    current = None
            if current is None:
                current = self._open(self.issues[-1] if self.issues else None, life.ready)
                target = rng.randint(*self.issue_size)
            self._place(current, life)
        if current is not None and current.signoff_at is None:
            self._close(current)
        last = self.issues[-1] if self.issues else None
        if rest:
            if last is None or last.signoff_at is not None:
                last = self._open(last, rest[0].ready)
            for life in rest:
                self._place(last, life)
        if self.awaiting_signature:
            sent = [i for i in self.issues if i.signoff_at is not None]
            if sent:
                sent[-1].signed_at = sent[-1].printed_at = None
        for issue in self.issues:
            if issue.signed_at is not None:
                issue.sign_note = rng.choice(text.SIGN_NOTES)
        self._number()
        for issue in self.issues:
            self._compose(issue)

    def _open(self, previous: Planned | None, first_ready: datetime) -> Planned:
        """The next issue, opened once the previous one has its items (while that one goes for signing)."""
        if previous is not None:
            filled = max(r.plan["inc"] for item in previous.items for r in item.reports)
            opened = min(
                filled + timedelta(minutes=self.rng.randint(10, 120)), self.now - timedelta(minutes=10)
            )
        else:
            opened = first_ready - timedelta(minutes=self.rng.randint(30, 180))
        issue = Planned(created_at=opened)
        self.issues.append(issue)
        return issue

    def _close(self, issue: Planned) -> bool:
        """Send for signing, sign, print — each only if its moment has come; printed in number order.
        False when the issue is not even sent yet: it stays open and takes the next reports too."""
        last = max(r.plan["inc"] for item in issue.items for r in item.reports)
        signoff = self.after(last, 0.1, 2)
        if signoff >= self.now and last < self.now - timedelta(minutes=30):
            signoff = last + (self.now - last) * self.rng.uniform(0.2, 0.9)  # sent today, after all
        if signoff >= self.now:
            return False
        issue.signoff_at = signoff
        signed = self.after(signoff, 0.05, 2)
        printed = None
        if signed < self.now:
            issue.signed_at = signed
            printed = self.after(signed, 0.05, 1.5)
            if self.last_print is not None and printed <= self.last_print:
                printed = self.last_print + timedelta(minutes=self.rng.randint(10, 90))
        # Printed only after every earlier issue of the year (services.publish_issue).
        if printed is not None and printed < self.now and not self.held:
            issue.printed_at = self.last_print = printed
        else:
            self.held = True
        return True

    def _place(self, issue: Planned, life: Life) -> None:
        """The report's item in the issue: a new one, or merged into one about the same matter."""
        rng = self.rng
        earliest = max(life.ready, issue.created_at)
        life.plan["inc"] = max(
            min(earliest + timedelta(minutes=rng.randint(5, 60)), self.now - timedelta(seconds=1)), earliest
        )
        for item in issue.items:
            lead = item.reports[0]
            same = lead.topic is life.topic and (
                lead.subject == life.subject or rng.random() < self.merge_share
            )
            if same and len(item.reports) < 3:
                item.reports.append(life)
                return
        issue.items.append(Item(issue=issue, reports=[life], position=len(issue.items) + 1))

    def _number(self) -> None:
        counters: dict[int, int] = defaultdict(int)
        for issue in self.issues:
            year = (
                self.local_date(issue.printed_at).year if issue.printed_at else self.local_date(self.now).year
            )
            counters[year] += 1
            issue.year, issue.number = year, counters[year]

    def _compose(self, issue: Planned) -> None:
        """Each report's include or merge step, the merged items' combined text, and on printing, adopt."""
        label = f"《{self.office.publication_title}》{issue}"
        for item in issue.items:
            lead, *others = item.reports
            item.title = lead.display_title[:100]
            item.body = lead.display_body
            if others:
                item.body = text.merged(
                    lead.display_body, [(r.submitter_name, r.display_body) for r in others]
                )
            for life in item.reports:
                if life is lead:
                    self.step(life, life.plan["inc"], "include", S.EDITING, self.editor, str(issue))
                else:
                    self.step(
                        life, life.plan["inc"], "merge", S.EDITING, self.editor, f"{issue} · {item.title}"
                    )
                life.item = item
            if issue.printed_at is not None:
                for life in item.reports:
                    self.step(life, issue.printed_at, "adopt", S.ADOPTED, self.editor, label)
                    life.adopted_at = issue.printed_at
                    if life.original is not None:
                        self._upper_outcome(life, issue.printed_at, upper_adopted=True)

    # -------------------------------------------------------------- after the issue is printed

    def _after_adoption(self, life: Life, printed: datetime) -> None:
        rng, plan = self.rng, life.plan
        planned = plan.get("after")
        parent = self.office.parent_id
        if planned is None:
            forward = rng.random() < 0.55
            targets = []
            if forward:
                if parent is not None and life.original is None and rng.random() < 0.45:
                    targets.append("up")
                if not targets or rng.random() < 0.6:
                    targets.append("gov")
            instructions = []
            if rng.random() < (0.5 if forward else 0.1):
                instructions.append(_pick(rng, self.level_choices))
                if rng.random() < 0.15:
                    instructions.append(_pick(rng, self.level_choices))
            feedback = bool(instructions) and rng.random() < 0.6
            short = False
        else:
            targets = [t for t in planned if t in ("up", "gov")]
            instructions = [t for t in planned if t in Level.values]
            feedback = "feedback" in planned
            short = True
        moment = printed
        for target in targets:
            moment = self.after(moment, 1, 4) if short else self.after(moment, 1, 15)
            if not self._forward(life, moment, target):
                return
        for level in instructions:
            moment = self.after(moment, 2, 6) if short else self.after(moment, 5, 40)
            if not self._instruct(life, moment, level):
                return
        if feedback:
            moment = self.after(moment, 4, 10) if short else self.after(moment, 15, 75)
            department = self.office.department(rng.choice(life.topic.departments))
            note = text.feedback(rng, life.topic, self.office.place)
            if self.step(life, moment, "feedback", S.FEEDBACK, self.editor, f"{department}：{note}"[:500]):
                life.feedbacks.append((moment, department, note))

    def _forward(self, life: Life, moment: datetime, target: str) -> bool:
        office = self.office
        if target == "up":
            kind, recipient = Forwarding.Target.UPPER, office.parent_name
        else:
            kind = Forwarding.Target.PARTY_GOV
            recipient = self.rng.choice(text.forwarding_recipients(office.place))
        to = S.FORWARDED if life.state == S.ADOPTED else life.state
        label = Forwarding.Target(kind).label
        if not self.step(life, moment, "forward", to, self.editor, f"{label}：{recipient}"):
            return False
        copy = self._copy_up(life, moment) if target == "up" else None
        life.forwardings.append((moment, kind, recipient, copy))
        if life.forwarded_at is None:
            life.forwarded_at = moment
        return True

    def _copy_up(self, life: Life, moment: datetime) -> Life:
        """The upper organisation's copy, waiting in its inbox (services._copy_to_upper)."""
        office = self.office
        copy = Life(office.parent_id, 0)
        copy.original = life
        copy.topic, copy.subject, copy.spot = life.topic, life.subject, life.spot
        copy.title, copy.body = life.display_title[:100], life.display_body
        copy.urgency = life.urgency
        copy.submitter_type = T.LOWER_ORG
        copy.submitter_id, copy.submitter_person = self.editor
        copy.submitter_name = f"{office.display}（{life.submitter_name}）"[:100]
        copy.lower_org_id = office.id
        copy.created_at = copy.submitted_at = moment
        copy.year = self.local_date(moment).year
        copy.state = S.SUBMITTED
        copy.steps.append(
            (moment, "receive_upper", "", S.SUBMITTED, self.editor[0], f"{office.name} {self.editor[1]}", "")
        )
        if life.plan.get("after") is not None:
            # The showcase's copy is adopted up there and instructed by a city leader.
            copy.plan = {"fate": "adopt", "after": ["gov", Level.CITY]}
        self.outgoing.append(copy)
        return copy

    def _instruct(self, life: Life, moment: datetime, level: str) -> bool:
        rng, office = self.rng, self.office
        department = office.department(rng.choice(life.topic.departments))
        words = text.instruction(rng, level, department)
        if level == Level.NATIONAL:
            leader, title = "中央领导同志", ""
        else:
            leader, title = person_name(rng)[0], text.leader_title(rng, level, office.place)
        to = S.INSTRUCTED if life.state in (S.ADOPTED, S.FORWARDED) else life.state
        note = f"{leader}（{Level(level).label}）：{words}"
        if not self.step(life, moment, "instruct", to, self.editor, note):
            return False
        life.instructions.append((moment, leader, title, level, words))
        life.levels |= LEVEL_BITS[Level(level)]
        if life.original is not None:
            self._upper_outcome(life, moment, level=level)
        return True

    def _upper_outcome(
        self, copy: Life, moment: datetime, *, upper_adopted: bool = False, level: str = ""
    ) -> None:
        """What the original gains when this organisation adopts or a leader instructs on its copy."""
        original = copy.original
        if upper_adopted:
            if original.upper_adopted:
                return
            original.upper_adopted = True
            what = "被上级政协采用"
        else:
            bit = LEVEL_BITS[Level(level)]
            if original.levels & bit:
                return
            original.levels |= bit
            what = f"获{Level(level).label}级领导批示"
        state = original.state_at(moment)
        action = "upper_adopt" if upper_adopted else "instruct"
        name = self.office.name
        original.late_steps.append((moment, action, state, state, None, name, f"{name}：{what}"))


# ------------------------------------------------------------------ the demo


@dataclass
class _Built:
    organization: Organization
    simulation: Simulation


def _year_start(today: date) -> datetime:
    """From 1 January of the year ten months ago: a full year of reports, issues numbered from 1."""
    year = (today - timedelta(days=300)).year
    return datetime(year, 1, 1, 9, tzinfo=timezone.get_current_timezone())


def _suffix(organization: Organization) -> str:
    return "" if organization.slug == CITY_SLUG else organization.slug.removeprefix("demo")


def _officers(organization: Organization, index: int, rng: Random, place: str) -> None:
    """登记信息员 through the service, as the office's admin does, for people who hold an account."""
    if InfoOfficer.objects.filter(organization=organization).exists():
        return
    admin = Person.objects.get(username=f"demo-admin{_suffix(organization)}")
    actor = actor_for(admin, organization)
    workplaces = [f"{place}融媒体中心", f"{place}日报社", f"{place}人民医院", f"{place}律师协会"]
    for k in range(OFFICERS.get(organization.level, 2)):
        mobile = f"1360000{index:02d}{k:02d}"
        person, created = Person.objects.get_or_create(
            username=f"{organization.slug}-officer{k}",
            defaults={"full_name": person_name(rng)[0], "mobile": mobile},
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        services.register_officer(
            actor=actor,
            full_name=person.full_name,
            mobile=person.mobile,
            kind=InfoOfficer.Kind.INVITED if k == 0 else InfoOfficer.Kind.REGULAR,
            workplace=workplaces[k % len(workplaces)],
        )


def _settings(organization: Organization, editor: Person, place: str) -> None:
    """The office's issue lines (报送/抄送), set once through the service as the editor would."""
    if (organization.settings or {}).get("opinions"):
        return
    services.update_policy(
        actor=actor_for(editor, organization),
        values={
            "editor_office": f"{organization.name}办公室",
            "send_to": f"{place}委、{place}人大常委会、{place}政府、{place}政协领导",
            "copy_to": f"{place}委办公室、{place}政府办公室，{place}政协各专门委员会",
        },
    )
    organization.refresh_from_db(fields=["settings"])


def _office(organization: Organization, index: int, rng: Random) -> tuple[Office, Source | None]:
    place = organization.short_name or organization.name
    suffix = _suffix(organization)
    services.ensure_reference_lists(organization)
    editor = Person.objects.get(username=f"demo-opinion-editor{suffix}")
    leader = Person.objects.get(username=f"demo-leader{suffix}")
    _settings(organization, editor, place)
    _officers(organization, index, rng, place)
    policy = policy_for(organization)
    members = list(
        Member.objects.filter(organization=organization, status=Member.Status.ACTIVE)
        .exclude(person__username__startswith="demo-")
        .order_by("id")
        .values_list("person_id", "person__full_name")
    )
    rng.shuffle(members)
    officers = InfoOfficer.objects.filter(organization=organization, is_active=True).select_related("person")
    grants = RoleGrant.objects.filter(organization=organization).select_related(
        "person", "participating_unit", "committee"
    )
    units = [
        Source(
            T.UNIT,
            g.person_id,
            g.person.full_name,
            g.participating_unit.name,
            unit_id=g.participating_unit_id,
        )
        for g in grants
        if g.role == Role.UNIT_LIAISON and g.participating_unit is not None
    ]
    committees = [
        Source(T.COMMITTEE, g.person_id, g.person.full_name, g.committee.name, committee_id=g.committee_id)
        for g in grants
        if g.role == Role.COMMITTEE_STAFF and g.committee is not None
    ]
    office = Office(
        id=organization.pk,
        name=organization.name,
        display=organization.display_name,
        place=place,
        level=organization.level,
        parent_id=organization.parent_id,
        parent_name=organization.parent.name if organization.parent_id else "",
        editor=(editor.pk, editor.full_name),
        leader=(leader.pk, leader.full_name),
        categories=dict(ReportCategory.objects.filter(organization=organization).values_list("name", "id")),
        departments={
            (u.short_name or u.name): u.name for u in HandlingUnit.objects.filter(organization=organization)
        },
        publication_title=policy.publication_title,
        send_to=policy.send_to,
        copy_to=policy.copy_to,
        sources={
            T.MEMBER: [Source(T.MEMBER, pk, name, name) for pk, name in members],
            T.OFFICER: [
                Source(T.OFFICER, o.person_id, o.person.full_name, o.person.full_name) for o in officers
            ],
            T.UNIT: units,
            T.COMMITTEE: committees,
        },
        rules=services.rules_for(organization),
    )
    member = Person.objects.filter(username="demo-member").first()
    showcase = None
    if (
        member
        and Member.objects.filter(
            organization=organization, person=member, status=Member.Status.ACTIVE
        ).exists()
    ):
        showcase = Source(T.MEMBER, member.pk, member.full_name, member.full_name)
    return office, showcase


@scopes_disabled()
def build(*, organizations: list[Organization], scale: int, rng: Random, log: Callable[[str], None]) -> None:
    """A year of reports for each organisation that has none yet (running twice adds nothing).

    Lower organisations go first, so that what they send up waits in the upper organisation's inbox
    before its own year is simulated."""
    ordered = sorted(organizations, key=lambda o: (-o.path.count("/"), o.path))
    # Reports converted from not-filed proposals (转社情民意, the proposals' demo) do not count.
    written = Report.objects.filter(source_proposal__isnull=True)
    fresh = [o for o in ordered if not written.filter(organization=o).exists()]
    for organization in ordered:
        if organization not in fresh:
            log(f"{organization.name}：已有社情民意信息，跳过")
    if not fresh:
        return
    now = timezone.now().replace(microsecond=0)
    start = _year_start(timezone.localdate())
    index = {o.pk: k for k, o in enumerate(sorted(organizations, key=lambda o: o.path))}
    built: list[_Built] = []
    sent_up: dict[int, list[Life]] = defaultdict(list)
    with transaction.atomic():
        seq = 0
        for organization in fresh:
            office, showcase = _office(organization, index[organization.pk], rng)
            size = (
                CITY_REPORTS if organization.level == Organization.Level.CITY else DISTRICT_REPORTS
            ) * scale
            simulation = Simulation(
                office,
                start=start,
                now=now,
                size=size,
                rng=Random(rng.getrandbits(64)),  # noqa: S311 - demo data
                incoming=sent_up.pop(organization.pk, []),
                awaiting_signature=organization.parent_id is None,
                showcase=True,
                showcase_source=showcase,
                first_seq=seq,
            ).run()
            seq = simulation.seq
            for copy in simulation.outgoing:
                sent_up[copy.org_id].append(copy)
            built.append(_Built(organization, simulation))
        # Copies sent to an organisation that already had reports wait in its inbox, as sent.
        waiting = [copy for copies in sent_up.values() for copy in copies]
        _write([b.simulation for b in built], waiting)
        touched = {b.organization.pk for b in built} | {c.org_id for c in waiting}
        for organization in Organization.objects.filter(pk__in=touched):
            services.rescore_organization(organization)
    from zhengxie.search import index as search_index

    for item in built:
        search_index.rebuild(["opinion"], organization_id=item.organization.pk)
        reports = Report.objects.filter(organization=item.organization)
        issues = Issue.objects.filter(organization=item.organization, state=I.PUBLISHED).count()
        log(f"{item.organization.name}：社情民意信息 {reports.count()} 篇，已印发期刊 {issues} 期")


def _write(simulations: list[Simulation], waiting: list[Life]) -> None:
    """Every simulated row, with bulk inserts: issues, items, reports (in creation order, so ids grow with
    time), then what hangs off the reports."""
    lives = [life for s in simulations for life in s.lives] + waiting
    issues: dict[int, Issue] = {}
    items: dict[int, IssueItem] = {}
    for simulation in simulations:
        office = simulation.office
        for planned in simulation.issues:
            issues[id(planned)] = Issue(
                organization_id=office.id,
                year=planned.year,
                number=planned.number,
                title=office.publication_title,
                state=planned.state,
                send_to=office.send_to,
                copy_to=office.copy_to,
                signer_id=office.leader[0] if planned.signoff_at else None,
                signoff_note=planned.sign_note,
                signed_at=planned.signed_at,
                published_on=simulation.local_date(planned.printed_at) if planned.printed_at else None,
                created_by_id=office.editor[0],
                created_at=planned.created_at,
                updated_at=planned.updated_at,
            )
    Issue.objects.bulk_create(issues.values())
    for simulation in simulations:
        for planned in simulation.issues:
            for item in planned.items:
                items[id(item)] = IssueItem(
                    organization_id=simulation.office.id,
                    issue=issues[id(planned)],
                    position=item.position,
                    title=item.title,
                    body=item.body,
                    sources=item.sources,
                )
    IssueItem.objects.bulk_create(items.values(), batch_size=500)
    rules = {s.office.id: s.office.rules for s in simulations}
    reports: dict[int, Report] = {}
    for life in sorted(lives, key=lambda r: r.key):
        # A copy waiting in an organisation not simulated now has achieved nothing: no rules needed.
        outcome, points = life.score(rules.get(life.org_id, {}))
        reports[id(life)] = Report(
            organization_id=life.org_id,
            year=life.year,
            title=life.title,
            body=life.body,
            category_id=life.category_id,
            urgency=life.urgency,
            submitter_type=life.submitter_type,
            submitter_id=life.submitter_id,
            submitter_name=life.submitter_name,
            participating_unit_id=life.unit_id,
            committee_id=life.committee_id,
            lower_organization_id=life.lower_org_id,
            state=life.state,
            submitted_at=life.submitted_at,
            edited_title=life.edited_title,
            edited_body=life.edited_body,
            editor_id=life.editor_id,
            item=items[id(life.item)] if life.item is not None else None,
            adopted_at=life.adopted_at,
            not_adopted_reason=life.not_adopted_reason,
            forwarded_at=life.forwarded_at,
            upper_adopted=life.upper_adopted,
            instruction_levels=life.levels,
            outcome=outcome,
            points=points,
            version=life.version,
            created_at=life.created_at,
            updated_at=life.updated_at,
        )
    Report.objects.bulk_create(reports.values(), batch_size=500)
    copies = []
    for life in lives:
        if life.original is not None:
            report = reports[id(life)]
            report.forwarded_from = reports[id(life.original)]
            copies.append(report)
    Report.objects.bulk_update(copies, ["forwarded_from"], batch_size=500)
    rows: dict[type, list] = defaultdict(list)
    for life in lives:
        report = reports[id(life)]
        org = life.org_id
        for at, action, before, after, actor_id, actor_name, note in sorted(
            life.steps + life.late_steps, key=lambda s: s[0]
        ):
            rows[ReportTransition].append(
                ReportTransition(
                    organization_id=org,
                    report=report,
                    action=action,
                    from_state=before,
                    to_state=after,
                    actor_id=actor_id,
                    actor_name=actor_name,
                    note=note,
                    at=at,
                )
            )
        for at, title, body, editor_id, note in life.revisions:
            rows[Revision].append(
                Revision(
                    organization_id=org,
                    report=report,
                    title=title,
                    body=body,
                    editor_id=editor_id,
                    note=note,
                    at=at,
                )
            )
        for at, target, recipient, copy in life.forwardings:
            rows[Forwarding].append(
                Forwarding(
                    organization_id=org,
                    report=report,
                    target=target,
                    recipient=recipient,
                    upper_report=reports[id(copy)] if copy is not None else None,
                    forwarded_on=_local(at),
                    actor_id=life.editor_id,
                    recorded_at=at,
                )
            )
        for at, leader, title, level, words in life.instructions:
            rows[Instruction].append(
                Instruction(
                    organization_id=org,
                    report=report,
                    leader=leader,
                    leader_title=title,
                    level=level,
                    instructed_on=_local(at),
                    text=words,
                    recorded_by_id=life.editor_id,
                    recorded_at=at,
                )
            )
        for at, department, words in life.feedbacks:
            rows[Feedback].append(
                Feedback(
                    organization_id=org,
                    report=report,
                    department=department,
                    received_on=_local(at),
                    text=words,
                    recorded_by_id=life.editor_id,
                    recorded_at=at,
                )
            )
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=500)


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)
