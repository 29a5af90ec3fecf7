"""Proposal benchmark data (issue 3): 1,000,000 proposals across 100 organisations, seeded, built once per
database and reused while its marker and counts hold. The roster data (bench/data.py) is left alone.

Each proposal lives a simulated life on the real calendar of ten plenary sessions — written, co-signed,
submitted, reviewed, filed (numbered per session), assigned to lead / co-handling / separate units,
accepted, re-routed, countersigned, answered, rated, re-handled, closed — and is cut at the moment of
the build: what happened before it is in the tables, with one Transition row per step (its timeline);
what would come after has not happened yet. So every state occurs in the share a real year produces,
with the whose-move (`waiting`) and deadline the services would have derived (`services._waiting`,
the rules of `services._settle`).

Organisations: one city with 100,000 proposals and 500 members a term; 99 districts share the other
900,000 (from about 2,300 to 15,800 each, 300–500 members a term). `bench-p01` is the public portal's
organisation: exactly PUBLISHED of its proposals are published (answered or closed, not confidential).
Everyone has an unusable password; the pages are measured with `force_login`.
"""

import heapq
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from random import Random

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core import demo_data as core_words
from zhengxie.core.demo import person_name
from zhengxie.core.models import (
    HandlingUnit,
    Member,
    Notification,
    Organization,
    ParticipatingUnit,
    Person,
    PlenarySession,
    RoleGrant,
    Term,
)
from zhengxie.core.roles import Role
from zhengxie.core.search_grams import index_members
from zhengxie.proposals import demo_text as words
from zhengxie.proposals import facts
from zhengxie.proposals.models import (
    Assignment,
    Category,
    Communication,
    NotFilingGround,
    Proposal,
    Proposer,
    Rating,
    Reply,
    RerouteRequest,
    SupervisionEvent,
    Transition,
)
from zhengxie.proposals.services import DEFAULT_CATEGORIES, DEFAULT_GROUNDS, _waiting, add_months

from .proposal_text import Texts
from .rows import Ids, Table, reset_sequences, wipe

SEED = 20261123
# Bump when the shape of the generated data changes, so that cached databases are rebuilt.
DATA_VERSION = 2  # 2: sections of 400–1,500 characters (issue 4)
MARKER = f"bench-proposals-v{DATA_VERSION}-seed{SEED}"
TOTAL = 1_000_000
LARGE_SIZE = 100_000
PUBLIC_SIZE = 14_000
PUBLISHED = 10_000
DISTRICTS = 99
SESSIONS = 10
LED_BY_MEASURED_MEMBER = 3  # per session: the measured member leads 30 proposals in ten years
USERNAME_PREFIX = "bp"
LOCAL = timedelta(hours=8)  # Asia/Shanghai, no daylight saving
HOUR, DAY = 3600, 86400
LOCAL_SECONDS = 8 * HOUR

S = Proposal.State
A = Assignment.State
K = Assignment.Kind


@dataclass(frozen=True)
class OrgSpec:
    index: int
    slug: str
    place: str
    size: int
    members: int  # per term

    @property
    def name(self) -> str:
        return f"{self.place}政协"

    def username(self, role: str) -> str:
        return f"{USERNAME_PREFIX}{self.index:03d}-{role}"


def specs() -> list[OrgSpec]:
    """The city, the public portal's district, then 98 districts of growing size."""
    rest = TOTAL - LARGE_SIZE - PUBLIC_SIZE
    weights = [0.25 + 1.5 * k / (DISTRICTS - 2) for k in range(DISTRICTS - 1)]
    sizes = [round(rest * w / sum(weights)) for w in weights]
    sizes[-1] += rest - sum(sizes)
    out = [
        OrgSpec(0, "bench-pcity", "滨江市", LARGE_SIZE, 500),
        OrgSpec(1, "bench-p01", "基准01区", PUBLIC_SIZE, 400),
    ]
    for n, (size, w) in enumerate(zip(sizes, weights, strict=True), start=2):
        out.append(OrgSpec(n, f"bench-p{n:02d}", f"基准{n:02d}区", size, round(300 + 200 * (w - 0.25) / 1.5)))
    return out


SPECS = specs()
LARGE = SPECS[0]
PUBLIC = SPECS[1]
SMALL = min(SPECS[2:], key=lambda s: s.size)
MEASURED = {LARGE.slug, SMALL.slug}


def at(day: date) -> datetime:
    """Local midnight of a day, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - LOCAL


def local_day(moment: datetime) -> date:
    return (moment + LOCAL).date()


class Clock:
    """Random moments in office hours, from the proposal's own random stream."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def between(self, start: datetime, end: datetime) -> datetime:
        first = int(start.timestamp())
        moment = first + self.rng.randrange(max(int(end.timestamp()) - first, 1)) + LOCAL_SECONDS
        office = moment - moment % DAY + 8 * HOUR + 1800 + self.rng.randrange(9 * HOUR) - LOCAL_SECONDS
        return datetime.fromtimestamp(max(office, first), UTC)

    def after(self, start: datetime, low_days: float, high_days: float) -> datetime:
        return self.between(start + timedelta(days=low_days), start + timedelta(days=high_days))


# ------------------------------------------------------------------ one organisation's people and lists


class OrgData:
    """What a proposal needs of its organisation: ids and names of people, units, lists and sessions."""

    def __init__(self, spec: OrgSpec, sessions_plan: list[dict], log) -> None:
        self.spec = spec
        rng = Random(f"{SEED}:{spec.slug}:people")
        unusable = make_password(None)
        org = Organization.objects.create(
            slug=spec.slug,
            name=spec.name,
            short_name=spec.place,
            level=Organization.Level.CITY if spec.index == 0 else Organization.Level.COUNTY,
            settings={"bench": f"{MARKER}-building"},
        )
        self.org = org
        self.texts = Texts(rng, spec.place)
        categories = Category.objects.bulk_create(
            [Category(organization=org, name=n, sort_order=i) for i, n in enumerate(DEFAULT_CATEGORIES)]
        )
        self.category = {c.name: c.pk for c in categories}
        grounds = NotFilingGround.objects.bulk_create(
            [NotFilingGround(organization=org, name=n, sort_order=i) for i, n in enumerate(DEFAULT_GROUNDS)]
        )
        self.ground = {g.name: g.pk for g in grounds}
        units = HandlingUnit.objects.bulk_create(
            [
                HandlingUnit(organization=org, name=f"{spec.place}{n}", short_name=n, sort_order=i)
                for i, n in enumerate(core_words.HANDLING_UNITS)
            ]
        )
        # A few units carry most of the work: the busiest (住房和城乡建设局) about a tenth of it.
        busiest = next(i for i, u in enumerate(units) if u.short_name == "住房和城乡建设局")
        order = [busiest] + [i for i in range(len(units)) if i != busiest]
        self.units = [(units[i].pk, units[i].name) for i in order]
        self.unit_weights = [1 / (k + 3) for k in range(len(self.units))]
        self.unit_cum = []
        total = 0.0
        for w in self.unit_weights:
            total += w
            self.unit_cum.append(total)
        parties = ParticipatingUnit.objects.bulk_create(
            [
                ParticipatingUnit(
                    organization=org, name=pattern.format(p=spec.place[-1]), sort_order=i, kind=kind
                )
                for i, (pattern, kind) in enumerate(core_words.PARTICIPATING_UNITS)
            ]
        )
        collective = [p for p in parties if p.kind != ParticipatingUnit.Kind.PARTY][:5]
        terms = [
            Term.objects.create(
                organization=org,
                number=5,
                name="第五届",
                starts_on=sessions_plan[0]["opens_on"],
                ends_on=sessions_plan[5]["opens_on"] - timedelta(days=1),
            ),
            Term.objects.create(
                organization=org,
                number=6,
                name="第六届",
                starts_on=sessions_plan[5]["opens_on"],
                is_current=True,
            ),
        ]
        self.sessions = []
        for k, plan in enumerate(sessions_plan):
            term = terms[k // 5]
            session = PlenarySession.objects.create(
                organization=org,
                term=term,
                number=k % 5 + 1,
                name=f"第{'一二三四五'[k % 5]}次会议",
                year=plan["year"],
                opens_on=plan["opens_on"],
                closes_on=plan["closes_on"],
                submission_opens_on=plan["window"][0],
                submission_closes_on=plan["window"][1],
            )
            self.sessions.append((session.pk, term.pk, term.number))
        # People: members of two terms (60% reappointed), a handler per unit, staff, a leader, liaisons.
        count = spec.members
        people = []
        for i in range(round(count * 1.4)):
            name, gender = person_name(rng)
            people.append(
                Person(username=spec.username(f"m{i:04d}"), full_name=name, gender=gender, password=unusable)
            )
        specials = [
            Person(username=spec.username(f"u{k:02d}"), full_name=f"{name}办理员", password=unusable)
            for k, (_, name) in enumerate(self.units)
        ]
        staff = Person(
            username=spec.username("staff"), full_name=f"{spec.place}提案委工作人员", password=unusable
        )
        leader = Person(username=spec.username("leader"), full_name=person_name(rng)[0], password=unusable)
        liaisons = [
            Person(username=spec.username(f"l{k}"), full_name=person_name(rng)[0], password=unusable)
            for k in range(len(collective))
        ]
        Person.objects.bulk_create([*people, *specials, staff, leader, *liaisons], batch_size=2000)
        current = people[:count]
        former = people[round(count * 0.4) :] + [people[0]]
        members = [
            Member(
                organization=org,
                person_id=p.pk,
                term=terms[1],
                name=p.full_name,
                joined_on=terms[1].starts_on,
            )
            for p in current
        ] + [
            Member(
                organization=org,
                person_id=p.pk,
                term=terms[0],
                name=p.full_name,
                status=Member.Status.FORMER,
                joined_on=terms[0].starts_on,
            )
            for p in former
        ]
        Member.objects.bulk_create(members, batch_size=2000)
        index_members(members, replace=False)
        grants = [
            RoleGrant(organization=org, person=person, role=Role.HANDLER, handling_unit_id=unit_id)
            for person, (unit_id, _) in zip(specials, self.units, strict=True)
        ]
        grants += [
            RoleGrant(organization=org, person=staff, role=Role.PROPOSAL_STAFF),
            RoleGrant(organization=org, person=leader, role=Role.LEADER),
        ]
        grants += [
            RoleGrant(organization=org, person=p, role=Role.UNIT_LIAISON, participating_unit=u)
            for p, u in zip(liaisons, collective, strict=True)
        ]
        RoleGrant.objects.bulk_create(grants)
        # The measured member (index 0) is in both terms and never drawn at random.
        self.member = (people[0].pk, people[0].full_name)
        self.term_members = {
            5: [(p.pk, p.full_name) for p in former if p is not people[0]],
            6: [(p.pk, p.full_name) for p in current[1:]],
        }
        self.handlers = [(p.pk, p.full_name) for p in specials]
        self.signers = [person_name(rng)[0] for _ in self.units]
        self.staff = (staff.pk, staff.full_name)
        self.leader = (leader.pk, leader.full_name)
        self.liaisons = [(p.pk, p.full_name, u.pk, u.name) for p, u in zip(liaisons, collective, strict=True)]
        self.measured = spec.slug in MEASURED
        self.detail_pk: int | None = None
        log(
            f"    {spec.slug}: {len(people) + len(specials) + 2 + len(liaisons):,} people, {len(members):,} memberships"
        )


# ------------------------------------------------------------------ one proposal's life


class Unit:
    """One assignment as it stands at the moment of the build."""

    __slots__ = (
        "id",
        "unit",
        "kind",
        "state",
        "assigned_at",
        "deadline",
        "accepted_at",
        "opinion",
        "opinion_at",
        "round",
        "extension",
        "replies",
        "reroute",
        "communications",
    )

    def __init__(self, unit: int, kind: str, assigned_at: datetime, deadline: date) -> None:
        self.id = 0
        self.unit = unit
        self.kind = kind
        self.state = A.ASSIGNED
        self.assigned_at = assigned_at
        self.deadline = deadline
        self.accepted_at = None
        self.opinion = ""
        self.opinion_at = None
        self.round = 1
        self.extension = ""
        self.replies: list[dict] = []
        self.reroute: dict | None = None
        self.communications: list[tuple[datetime, str, str]] = []

    @property
    def is_open(self) -> bool:
        return self.state in (A.ASSIGNED, A.ACCEPTED, A.REROUTE)

    @property
    def replies_to_proposers(self) -> bool:
        return self.kind != K.CO


class Life:
    """One proposal, simulated step by step until `now`; its fields are the row as it stands then."""

    def __init__(self, chunk: "Chunk", *, session: int, created: datetime, submit: datetime, plenary: bool):
        self.chunk = chunk
        self.rng = chunk.rng
        self.clock = chunk.clock
        self.session = session
        self.created = created
        self.planned_submit = submit
        self.plenary = plenary
        self.id = 0
        self.state = ""
        self.kind = Proposal.Kind.INDIVIDUAL
        self.lead: tuple[int, str] = (0, "")
        self.proposer_name = ""
        self.party: int | None = None
        self.cosigners: list[tuple[int, str]] = []
        self.topic = 0
        self.title = self.reason = self.suggestions = ""
        self.category: int | None = None
        self.stage = ""
        self.submitted_at = self.filed_at = self.assigned_at = self.answered_at = self.closed_at = None
        self.review_reason = ""
        self.ground: int | None = None
        self.disposition = ""
        self.merged_into: int | None = None
        self.merge_at: datetime | None = None
        self.rehandled = False
        self.confidential = False
        self.key = ""
        self.number: int | None = None
        self.signed: dict[int, datetime] = {}  # co-signer -> when they signed
        self.units: list[Unit] = []
        self.ratings: list[tuple] = []  # (reply dict, person, is_lead, level, at)
        self.supervision: list[tuple] = []
        self.steps: list[tuple] = []  # (at, action, from, to, actor id, actor name, note)
        self.extra_proposers: list[tuple] = []  # merged proposers: (person id, name, from proposal, at)
        self.updated = created
        self.full = False
        self.force: dict = {}

    # -------------------------------------------------------------- steps

    def step(
        self, moment: datetime, action: str, to: str | None, actor: tuple[int, str], note: str = ""
    ) -> None:
        before = self.state
        if to is not None:
            self.state = to
        self.steps.append((moment, action, before, self.state, actor[0], actor[1], note))
        self.updated = moment

    def settle(self) -> str:
        """The handling-phase state from the assignments, by the rules of `services._settle`."""
        active = [u for u in self.units if u.state != A.REROUTED]
        if not active:
            return S.FILED
        replying = [u for u in active if u.replies_to_proposers]
        if replying and all(u.state == A.DONE for u in replying):
            return S.ANSWERED
        if any(u.replies and u.replies[-1]["state"] == Reply.State.REVIEW for u in replying):
            return S.REPLY_REVIEW
        if any(u.state in (A.ASSIGNED, A.REROUTE) for u in active):
            return S.ASSIGNED
        return S.HANDLING

    # -------------------------------------------------------------- the life

    def live(self) -> None:
        now = self.chunk.now
        rng, clock, org = self.rng, self.clock, self.chunk.org
        staff = org.staff
        self.step(self.created, "create", S.DRAFT, self.lead)
        if self.kind == Proposal.Kind.JOINT:
            self.step(self.created + timedelta(minutes=rng.randint(5, 90)), "invite", None, self.lead)
        submit = max(self.planned_submit, self.updated + timedelta(minutes=10))
        if submit > now:
            return
        if self.kind == Proposal.Kind.JOINT:
            self.step(submit, "submit", S.COSIGNING, self.lead)
            signs = sorted((clock.after(submit, 0.1, 4), person) for person in self.cosigners)
            for k, (moment, person) in enumerate(signs):
                if moment > now:
                    return
                self.signed[person[0]] = moment
                self.step(moment, "sign", S.SUBMITTED if k == len(signs) - 1 else None, person)
            submitted = signs[-1][0]
        else:
            self.step(submit, "submit", S.SUBMITTED, self.lead)
            submitted = submit
        self.submitted_at = submitted
        window = self.chunk.window
        self.stage = (
            Proposal.Stage.PLENARY
            if window[0] <= local_day(submitted) <= window[1]
            else Proposal.Stage.ORDINARY
        )
        if not self.force and rng.random() < 0.015:
            moment = clock.after(submitted, 1, 10)
            if moment <= now:
                self.step(moment, "withdraw", S.WITHDRAWN, self.lead, rng.choice(words.WITHDRAW_REASONS))
            return
        if self.stage == Proposal.Stage.PLENARY:
            decided = clock.between(
                at(self.chunk.closes_on + timedelta(days=6)), at(self.chunk.closes_on + timedelta(days=56))
            )
        else:
            # 平时 proposals are reviewed in the office's monthly rounds.
            decided = clock.after(submitted, 10, 60)
        decided = max(decided, submitted + timedelta(days=1))
        if rng.random() < 0.6 or self.full:
            # 预审: plenary proposals are checked as they arrive, the decision waits for the plenary.
            if self.stage == Proposal.Stage.PLENARY:
                checked = clock.after(submitted, 1, 20)
            else:
                checked = decided - timedelta(days=rng.randint(1, 7))
            checked = min(max(checked, submitted + timedelta(hours=2)), decided - timedelta(hours=1))
            if checked > now:
                return
            self.step(checked, "precheck", S.REVIEWING, staff)
        if decided > now:
            return
        outcome = (
            self.force.get("outcome")
            or rng.choices(["file", "not_file", "merge", "return"], [84, 9, 4, 3])[0]
        )
        if outcome == "not_file":
            disposition = rng.choice(["reference", "opinion", "letter"])
            self.disposition = disposition
            self.ground = org.ground[words.NOT_FILED_GROUNDS[disposition]]
            self.review_reason = words.NOT_FILED_REASONS[disposition]
            self.step(decided, "not_file", S.NOT_FILED, staff, self.review_reason)
            return
        if outcome == "return":
            self.disposition = Proposal.Disposition.RETURN
            self.review_reason = rng.choice(words.RETURN_REASONS)
            self.step(decided, "not_file", S.RETURNED, staff, self.review_reason)
            gave_up = clock.after(decided, 10, 30)
            if gave_up <= now - timedelta(days=30):
                self.step(gave_up, "withdraw", S.WITHDRAWN, self.lead, rng.choice(words.WITHDRAW_REASONS))
            return
        if outcome == "merge":
            self.merge_at = decided
            self.step(decided, "merge", S.MERGED, staff)
            return
        self.filed_at = decided
        self.step(decided, "file", S.FILED, staff)
        recent = self.chunk.session_index >= SESSIONS - 4
        if self.force.get("key") or (recent and rng.random() < 0.01):
            proposed = clock.after(decided, 1, 3)
            if proposed <= now:
                self.step(proposed, "propose_key", None, staff)
                self.key = "proposed"
                chosen = clock.after(proposed, 0.5, 2)
                if chosen <= now:
                    self.step(chosen, "decide_key", None, staff, f"领衔督办：{org.leader[1]}")
                    self.key = "key"
        if not self.force and rng.random() < 0.02:
            moment = clock.after(decided, 1, 10)
            if moment <= now:
                self.confidential = True
                self.step(moment, "set_confidential", None, staff)
        plenary = self.stage == Proposal.Stage.PLENARY
        assigned = clock.after(self.updated, 3, 20) if plenary else clock.after(self.updated, 5, 30)
        if assigned > now:
            return
        self._handle(assigned)

    def _pick_units(self, count: int) -> list[int]:
        chosen: list[int] = []
        org, rng = self.chunk.org, self.rng
        while len(chosen) < count:
            k = _bisect(org.unit_cum, rng.random() * org.unit_cum[-1])
            if k not in chosen:
                chosen.append(k)
        return chosen

    def _handle(self, assigned: datetime) -> None:
        """Assignment to answer: unit events in time order, the proposal's state settled after each."""
        now, rng, clock, org = self.chunk.now, self.rng, self.clock, self.chunk.org
        staff = org.staff
        deadline = add_months(local_day(assigned), 3)
        if self.force.get("co"):
            picks = self._pick_units(1 + self.force["co"])
            kinds = [K.LEAD] + [K.CO] * self.force["co"]
        elif rng.random() < 0.05:
            picks, kinds = self._pick_units(2), [K.SEPARATE, K.SEPARATE]
        else:
            co = rng.choices([0, 1, 2], [60, 30, 10])[0]
            picks = self._pick_units(1 + co)
            kinds = [K.LEAD] + [K.CO] * co
        self.assigned_at = assigned
        self.units = [Unit(k, kind, assigned, deadline) for k, kind in zip(picks, kinds, strict=True)]
        self.step(assigned, "assign", S.ASSIGNED, staff)
        queue: list = []
        counter = 0

        def later(moment: datetime, event: str, unit: Unit) -> None:
            nonlocal counter
            counter += 1
            heapq.heappush(queue, (moment, counter, event, unit))

        rerouted = self.force.get("reroute") or rng.random() < 0.02
        for k, unit in enumerate(self.units):
            if rerouted and k == len(self.units) - 1:
                later(clock.after(assigned, 1, 5), "request_reroute", unit)
            else:
                later(clock.after(assigned, 1, 7), "accept", unit)
        if rng.random() < 0.03:
            later(clock.after(assigned, 30, 80), "extend", self.units[0])
        if self.key == "key":
            for _ in range(2):
                later(clock.after(assigned, 20, 90), "supervise", self.units[0])
        while queue:
            moment, _, event, unit = heapq.heappop(queue)
            if moment <= self.updated:
                moment = self.updated + timedelta(minutes=rng.randint(5, 60))
            if moment > now:
                break
            handler = org.handlers[unit.unit] if isinstance(unit, Unit) else None
            if event == "accept":
                unit.state, unit.accepted_at = A.ACCEPTED, moment
                self.step(moment, "accept", self.settle(), handler)
                if unit.kind == K.CO:
                    later(clock.after(moment, 10, 50), "countersign", unit)
                else:
                    if self.full or rng.random() < 0.3:
                        for _ in range(2 if self.full else 1):
                            later(clock.after(moment, 3, 20), "communicate", unit)
                    late = rng.random() < 0.05
                    later(
                        clock.after(moment, 90, 130) if late else clock.after(moment, 20, 80),
                        "draft_reply",
                        unit,
                    )
            elif event == "request_reroute":
                other = next(
                    u for u in self._pick_units(len(self.units) + 3) if u not in [x.unit for x in self.units]
                )
                reason = rng.choice(words.REROUTE_REASONS).format(other=org.units[other][1])
                unit.state = A.REROUTE
                unit.reroute = {"at": moment, "reason": reason, "new": other, "decided": None}
                self.step(moment, "request_reroute", self.settle(), handler, reason)
                later(clock.after(moment, 1, 5), "decide_reroute", unit)
            elif event == "decide_reroute":
                unit.state = A.REROUTED
                unit.reroute["decided"] = moment
                fresh = Unit(unit.reroute["new"], unit.kind, moment, add_months(local_day(moment), 3))
                self.units.append(fresh)
                self.step(moment, "decide_reroute", self.settle(), staff, "同意退办，改交其他单位办理。")
                later(clock.after(moment, 1, 7), "accept", fresh)
            elif event == "communicate":
                method = rng.choice(["face", "phone", "written"])
                summary = words.communication(rng, method)
                unit.communications.append((moment, method, summary))
                self.step(moment, "communicate", None, handler, summary)
            elif event == "extend":
                if unit.is_open:
                    reason = rng.choice(words.EXTENSION_REASONS)
                    unit.deadline = add_months(unit.deadline, 1)
                    unit.extension = reason
                    self.step(moment, "extend", None, staff, reason)
            elif event == "countersign":
                unit.state, unit.opinion, unit.opinion_at = (
                    A.DONE,
                    rng.choice(words.COUNTERSIGN_OPINIONS),
                    moment,
                )
                self.step(moment, "countersign", self.settle(), handler, unit.opinion)
            elif event == "draft_reply":
                result = rng.choices("ABC", [55, 35, 10])[0]
                reply = {
                    "id": 0,
                    "round": unit.round,
                    "state": Reply.State.DRAFT,
                    "class": result,
                    "signer": org.signers[unit.unit],
                    "submitted": None,
                    "approved": None,
                    "body": self.chunk.texts.reply(
                        rng, self.topic, addressee=self.proposer_name, title=self.title, result_class=result
                    ),
                }
                unit.replies.append(reply)
                if self.full:
                    self.step(moment, "draft_reply", None, handler)
                later(clock.after(moment, 1, 10), "submit_reply", unit)
            elif event == "submit_reply":
                waiting_for = [u.opinion_at for u in self.units if u.kind == K.CO and u.state != A.REROUTED]
                if unit.kind == K.LEAD and any(t is None for t in waiting_for):
                    later(moment + timedelta(days=3), "submit_reply", unit)
                    continue
                reply = unit.replies[-1]
                reply["state"], reply["submitted"] = Reply.State.REVIEW, moment
                self.step(moment, "submit_reply", self.settle(), handler)
                later(clock.after(moment, 2, 12), "approve_reply", unit)
            elif event == "approve_reply":
                reply = unit.replies[-1]
                reply["state"], reply["approved"] = Reply.State.APPROVED, moment
                unit.state = A.DONE
                state = self.settle()
                if state == S.ANSWERED:
                    self.answered_at = moment
                self.step(moment, "approve_reply", state, staff)
                if state == S.ANSWERED:
                    self._after_answer(moment, later)
            elif event == "rate":
                self._rate(moment, unit, later)
            elif event == "close":
                if self.state == S.ANSWERED:
                    self.closed_at = moment
                    self.step(moment, "close", S.CLOSED, staff)
            elif event == "supervise":
                kind = rng.choice(["visit", "meeting", "inspection"])
                summary = words.supervision(
                    kind, leader=org.leader[1], place=org.spec.place, subject=self.title[2:12]
                )
                self.supervision.append((moment, kind, summary))
                self.step(moment, "supervise", None, org.leader, summary)

    def _after_answer(self, moment: datetime, later) -> None:
        rng, clock = self.rng, self.clock
        first = not self.ratings
        roll = rng.random()
        lead_unit = next(u for u in self.units if u.replies_to_proposers and u.state != A.REROUTED)
        if self.force.get("satisfied") or roll < 0.85:
            later(clock.after(moment, 3, 25), "rate", lead_unit)
        elif roll < 0.97:
            later(clock.after(moment, 30, 45), "close", lead_unit)
        if first:
            for person in self.cosigners:
                if self.force.get("satisfied") or rng.random() < 0.4:
                    if person[0] in self.signed:
                        later(clock.after(moment, 3, 30), "rate", _Cosigner(person))

    def _rate(self, moment: datetime, who, later) -> None:
        rng = self.rng
        replies = [u.replies[-1] for u in self.units if u.replies_to_proposers and u.state != A.REROUTED]
        approved = [r for r in replies if r["state"] == Reply.State.APPROVED]
        if isinstance(who, _Cosigner):
            person = who.person
            for reply in approved:
                level = rng.choices(["satisfied", "basic", "unsatisfied"], [80, 17, 3])[0]
                self.ratings.append((reply, person, False, level, moment, words.rating_comment(rng, level)))
                self.step(moment, "rate", None, person, f"办理工作{_LEVEL[level]}，办理结果{_LEVEL[level]}。")
            return
        if self.state != S.ANSWERED:
            return
        single = len(approved) == 1
        for k, reply in enumerate(approved):
            level = (
                "satisfied"
                if self.force.get("satisfied")
                else rng.choices(["satisfied", "basic", "unsatisfied"], [80, 17, 3])[0]
            )
            if level == "unsatisfied" and (self.rehandled or not single):
                level = "basic"
            self.ratings.append((reply, self.lead, True, level, moment, words.rating_comment(rng, level)))
            note = f"办理工作{_LEVEL[level]}，办理结果{_LEVEL[level]}。"
            if k < len(approved) - 1:
                self.step(moment, "rate", None, self.lead, note)
            elif level == "unsatisfied":
                unit = who
                unit.state, unit.round = A.ACCEPTED, unit.round + 1
                unit.deadline = add_months(local_day(moment), 1)
                self.rehandled = True
                self.step(moment, "rate", S.HANDLING, self.lead, note)
                later(self.clock.after(moment, 10, 25), "draft_reply", unit)
            else:
                self.closed_at = moment
                self.step(moment, "rate", S.CLOSED, self.lead, note)


class _Cosigner:
    __slots__ = ("person",)

    def __init__(self, person: tuple[int, str]) -> None:
        self.person = person


_LEVEL = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}


def _bisect(cumulative: list[float], value: float) -> int:
    low, high = 0, len(cumulative) - 1
    while low < high:
        mid = (low + high) // 2
        if cumulative[mid] < value:
            low = mid + 1
        else:
            high = mid
    return low


# ------------------------------------------------------------------ one organisation's session


class Chunk:
    """The proposals of one organisation in one session: planned, numbered, merged, then written."""

    def __init__(self, builder: "Builder", org: OrgData, session_index: int, count: int) -> None:
        self.builder = builder
        self.org = org
        self.now = builder.now
        self.session_index = session_index
        plan = builder.sessions_plan[session_index]
        self.window = plan["window"]
        self.closes_on = plan["closes_on"]
        self.rng = Random(f"{SEED}:{org.spec.slug}:{plan['year']}")
        self.clock = Clock(self.rng)
        self.texts = org.texts
        self.count = count

    def _submission_times(self, current: bool) -> tuple[datetime, bool]:
        plan = self.builder.sessions_plan
        opens = at(self.window[0])
        if current:
            # The window is open: a share of what will be written is still in draft.
            return self.clock.between(opens, self.now + timedelta(days=20)), True
        if self.rng.random() < 0.75:
            return self.clock.between(opens, at(self.window[1]) + timedelta(hours=20)), True
        start = at(self.window[1] + timedelta(days=1))
        end = at(plan[self.session_index + 1]["window"][0])
        return self.clock.between(start, min(end, self.now)), False

    def build(self) -> None:
        org, rng = self.org, self.rng
        session_id, term_id, term_number = org.sessions[self.session_index]
        current = self.session_index == SESSIONS - 1
        lives: list[Life] = []
        led_quota = min(LED_BY_MEASURED_MEMBER, self.count)
        cosign_quota = 2 if self.session_index % 2 == 0 else 1
        members = org.term_members[term_number]
        for k in range(self.count):
            submit, plenary = self._submission_times(current)
            created = min(
                submit - timedelta(seconds=rng.randint(HOUR, 10 * DAY)), self.now - timedelta(hours=1)
            )
            life = Life(self, session=session_id, created=created, submit=submit, plenary=plenary)
            life.topic = rng.randrange(len(self.texts.topics))
            roll = rng.random()
            if k < led_quota:
                life.lead = org.member
                life.kind = Proposal.Kind.JOINT if k == 0 else Proposal.Kind.INDIVIDUAL
                if k == 0 and self.session_index == SESSIONS - 3:
                    # The detail page's proposal: a closed joint proposal with a full history.
                    life.full = True
                    life.force = {"outcome": "file", "co": 2, "reroute": True, "key": True, "satisfied": True}
                    life.created = at(self.window[0] + timedelta(days=20))
                    life.planned_submit = life.created + timedelta(days=2)
            elif roll < 0.08:
                liaison = org.liaisons[rng.randrange(len(org.liaisons))]
                life.kind = Proposal.Kind.COLLECTIVE
                life.lead = (liaison[0], liaison[1])
                life.party = liaison[2]
                life.proposer_name = liaison[3]
            else:
                life.lead = members[rng.randrange(len(members))]
                life.kind = Proposal.Kind.JOINT if roll < 0.43 else Proposal.Kind.INDIVIDUAL
            if life.kind == Proposal.Kind.JOINT:
                wanted = 3 if life.force else rng.choice([1, 1, 2, 2, 3, 4])
                chosen: dict[int, tuple[int, str]] = {}
                if cosign_quota and life.lead != org.member:
                    chosen[org.member[0]] = org.member
                    cosign_quota -= 1
                while len(chosen) < wanted:
                    person = members[rng.randrange(len(members))]
                    if person != life.lead:
                        chosen[person[0]] = person
                life.cosigners = list(chosen.values())
            if not life.proposer_name:
                life.proposer_name = life.lead[1]
            life.title = self.texts.title(rng, life.topic)
            life.reason = self.texts.reason(rng, life.topic)
            life.suggestions = self.texts.suggestions(rng, life.topic)
            life.category = org.category[self.texts.category(life.topic)]
            life.full = life.full or rng.random() < 0.02
            lives.append(life)
        lives.sort(key=lambda life: life.created)
        first = self.builder.ids.take(Proposal, len(lives))
        for k, life in enumerate(lives):
            life.id = first + k
            life.live()
            if life.force and life.state == S.CLOSED:
                org.detail_pk = life.id
        filed = sorted((life for life in lives if life.filed_at), key=lambda life: life.filed_at)
        for number, life in enumerate(filed, start=1):
            life.number = number
        for life in lives:
            if life.state == S.MERGED:
                self._merge(life, lives)
        for life in lives:
            self.builder.write(org, life, term_id)

    def _merge(self, life: Life, lives: list[Life]) -> None:
        """并案 into a proposal of the session that, at that moment, could take it in."""
        moment = life.merge_at
        open_states = (S.SUBMITTED, S.REVIEWING, S.FILED, S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW)
        target, state = None, ""
        for k in self.rng.sample(range(len(lives)), len(lives)):
            state = _state_at(lives[k], moment)
            if lives[k] is not life and state in open_states:
                target = lives[k]
                break
        if target is None:
            # Nothing to merge into: the office does not file it instead.
            disposition = Proposal.Disposition.REFERENCE
            life.disposition = disposition
            life.ground = self.org.ground[words.NOT_FILED_GROUNDS[disposition]]
            life.review_reason = words.NOT_FILED_REASONS[disposition]
            moment, _, before, _, *actor, _ = life.steps.pop()
            life.state = before
            life.step(moment, "not_file", S.NOT_FILED, tuple(actor), life.review_reason)
            return
        life.merged_into = target.id
        present = {target.lead[0], *(p[0] for p in target.cosigners), *(p[0] for p in target.extra_proposers)}
        joining = [life.lead, *(p for p in life.cosigners if p[0] in life.signed)]
        for person in joining:
            if person[0] not in present:
                target.extra_proposers.append((person[0], person[1], life.id, moment))
                present.add(person[0])
        target.steps.append((moment, "merge_in", state, state, *self.org.staff, f"并入“{life.title}”"))


def _state_at(life: Life, moment: datetime) -> str:
    state = ""
    for step in sorted(life.steps, key=lambda s: s[0]):
        if step[0] > moment:
            break
        state = step[3]
    return state


# ------------------------------------------------------------------ the builder


class Builder:
    def __init__(self, log) -> None:
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.ids = Ids()
        self.sessions_plan = sessions_plan(timezone.localdate())
        self.proposals = Table(
            Proposal,
            [
                "id",
                "organization_id",
                "term_id",
                "session_id",
                "number",
                "title",
                "reason",
                "suggestions",
                "category_id",
                "kind",
                "proposer_id",
                "proposer_name",
                "participating_unit_id",
                "state",
                "waiting",
                "stage",
                "submitted_at",
                "filed_at",
                "review_reason",
                "not_filed_ground_id",
                "disposition",
                "merged_into_id",
                "assigned_at",
                "deadline",
                "answered_at",
                "closed_at",
                "rehandled",
                "is_confidential",
                "key_status",
                "key_leader_id",
                "created_at",
                "updated_at",
                *facts.FIELDS,
            ],
        )
        self.proposers = Table(
            Proposer,
            [
                "id",
                "organization_id",
                "proposal_id",
                "person_id",
                "name",
                "role",
                "state",
                "from_proposal_id",
                "invited_at",
                "responded_at",
            ],
        )
        self.assignments = Table(
            Assignment,
            [
                "id",
                "organization_id",
                "proposal_id",
                "unit_id",
                "kind",
                "state",
                "assigned_at",
                "deadline",
                "extension_reason",
                "accepted_at",
                "opinion",
                "opinion_at",
                "round",
            ],
        )
        self.reroutes = Table(
            RerouteRequest,
            [
                "id",
                "organization_id",
                "assignment_id",
                "reason",
                "suggested_unit",
                "requested_by_id",
                "requested_at",
                "decision",
                "decision_note",
                "new_unit_id",
                "decided_by_id",
                "decided_at",
            ],
        )
        self.communications = Table(
            Communication,
            [
                "id",
                "organization_id",
                "proposal_id",
                "assignment_id",
                "method",
                "date",
                "summary",
                "recorded_by_id",
                "recorded_at",
            ],
        )
        self.replies = Table(
            Reply,
            [
                "id",
                "organization_id",
                "proposal_id",
                "assignment_id",
                "round",
                "body",
                "result_class",
                "signer",
                "state",
                "written_by_id",
                "submitted_at",
                "approved_at",
            ],
        )
        self.ratings = Table(
            Rating,
            [
                "id",
                "organization_id",
                "reply_id",
                "proposal_id",
                "person_id",
                "is_lead",
                "handling",
                "result",
                "unit_score",
                "comment",
                "rated_at",
            ],
        )
        self.transitions = Table(
            Transition,
            [
                "id",
                "organization_id",
                "proposal_id",
                "action",
                "from_state",
                "to_state",
                "actor_id",
                "actor_name",
                "note",
                "at",
            ],
        )
        self.supervision = Table(
            SupervisionEvent,
            [
                "id",
                "organization_id",
                "proposal_id",
                "kind",
                "date",
                "summary",
                "recorded_by_id",
                "recorded_at",
            ],
        )
        self.notifications = Table(
            Notification,
            ["id", "organization_id", "recipient_id", "kind", "message", "url", "created_at", "read_at"],
        )
        self.tables = [
            self.proposals,
            self.proposers,
            self.assignments,
            self.reroutes,
            self.communications,
            self.replies,
            self.ratings,
            self.transitions,
            self.supervision,
            self.notifications,
        ]

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def notify(
        self, org: OrgData, recipient: int, kind: str, message: str, proposal: int, moment: datetime
    ) -> None:
        read = None
        if moment < self.now - timedelta(days=7):
            read = moment + timedelta(seconds=Random(proposal * 7 + recipient).randint(HOUR, 3 * DAY))
        self.notifications.add(
            (
                self.ids.take(Notification),
                org.org.pk,
                recipient,
                kind,
                message[:300],
                f"/proposals/{proposal}/",
                moment,
                read,
            )
        )

    def write(self, org: OrgData, life: Life, term_id: int) -> None:
        """The proposal's rows as they stand now; its steps become its Transition rows."""
        take = self.ids.take
        org_id = org.org.pk
        units = org.units
        active = [u for u in life.units if u.state != A.REROUTED]
        if life.state in (S.FILED, S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW):
            open_deadlines = [u.deadline for u in active if u.is_open]
            deadline = min(open_deadlines) if open_deadlines else None
        else:
            deadline = None
        waiting = _waiting(life, active)
        self.proposals.add(
            (
                life.id,
                org_id,
                term_id,
                life.session,
                life.number,
                life.title,
                life.reason,
                life.suggestions,
                life.category,
                life.kind,
                life.lead[0],
                life.proposer_name,
                life.party,
                life.state,
                waiting,
                life.stage,
                life.submitted_at,
                life.filed_at,
                life.review_reason,
                life.ground,
                life.disposition,
                life.merged_into,
                life.assigned_at,
                deadline,
                life.answered_at,
                life.closed_at,
                life.rehandled,
                life.confidential,
                life.key,
                org.leader[0] if life.key == "key" else None,
                life.created,
                life.updated,
                *life_facts(life),
            )
        )
        self.proposers.add(
            (
                take(Proposer),
                org_id,
                life.id,
                life.lead[0],
                life.lead[1],
                "lead",
                "signed",
                None,
                life.created,
                life.created,
            )
        )
        invited = life.steps[1][0] if life.kind == Proposal.Kind.JOINT else life.created
        for person in life.cosigners:
            signed = life.signed.get(person[0])
            self.proposers.add(
                (
                    take(Proposer),
                    org_id,
                    life.id,
                    person[0],
                    person[1],
                    "cosigner",
                    "signed" if signed else "invited",
                    None,
                    invited,
                    signed,
                )
            )
        for person_id, name, source, moment in life.extra_proposers:
            self.proposers.add(
                (take(Proposer), org_id, life.id, person_id, name, "merged", "signed", source, moment, moment)
            )
        for unit in life.units:
            unit.id = take(Assignment)
            unit_id = units[unit.unit][0]
            self.assignments.add(
                (
                    unit.id,
                    org_id,
                    life.id,
                    unit_id,
                    unit.kind,
                    unit.state,
                    unit.assigned_at,
                    unit.deadline,
                    unit.extension,
                    unit.accepted_at,
                    unit.opinion,
                    unit.opinion_at,
                    unit.round,
                )
            )
            handler = org.handlers[unit.unit][0]
            if unit.reroute:
                r = unit.reroute
                decided = r["decided"]
                self.reroutes.add(
                    (
                        take(RerouteRequest),
                        org_id,
                        unit.id,
                        r["reason"],
                        units[r["new"]][1],
                        handler,
                        r["at"],
                        "approved" if decided else "pending",
                        "同意退办。" if decided else "",
                        units[r["new"]][0] if decided else None,
                        org.staff[0] if decided else None,
                        decided,
                    )
                )
            for moment, method, summary in unit.communications:
                self.communications.add(
                    (
                        take(Communication),
                        org_id,
                        life.id,
                        unit.id,
                        method,
                        local_day(moment),
                        summary,
                        handler,
                        moment,
                    )
                )
            for reply in unit.replies:
                reply["id"] = take(Reply)
                self.replies.add(
                    (
                        reply["id"],
                        org_id,
                        life.id,
                        unit.id,
                        reply["round"],
                        reply["body"],
                        reply["class"],
                        reply["signer"],
                        reply["state"],
                        handler,
                        reply["submitted"],
                        reply["approved"],
                    )
                )
        rng = life.rng
        for reply, person, is_lead, level, moment, comment in life.ratings:
            self.ratings.add(
                (
                    take(Rating),
                    org_id,
                    reply["id"],
                    life.id,
                    person[0],
                    is_lead,
                    level,
                    level,
                    rng.randint(60, 100) if level != "unsatisfied" else rng.randint(30, 60),
                    comment,
                    moment,
                )
            )
        for moment, kind, summary in life.supervision:
            self.supervision.add(
                (
                    take(SupervisionEvent),
                    org_id,
                    life.id,
                    kind,
                    local_day(moment),
                    summary,
                    org.leader[0],
                    moment,
                )
            )
        for moment, action, before, after, actor, name, note in sorted(life.steps, key=lambda s: s[0]):
            self.transitions.add(
                (take(Transition), org_id, life.id, action, before, after, actor, name, note, moment)
            )
        if org.measured:
            self._notifications(org, life)

    def _notifications(self, org: OrgData, life: Life) -> None:
        """The measured people's notification centres, so the unread count counts real rows."""
        label = f"提案“{life.title}”"
        if life.submitted_at:
            self.notify(
                org,
                org.staff[0],
                "submitted",
                f"{life.proposer_name}提交了{label}，待审查。",
                life.id,
                life.submitted_at,
            )
        handler = org.handlers[0][0]
        for unit in life.units:
            if unit.unit == 0:
                self.notify(
                    org, handler, "assigned", f"{label}已交办贵单位，请及时签收。", life.id, unit.assigned_at
                )
        mine = life.lead == org.member or org.member[0] in life.signed
        if mine:
            if life.filed_at:
                self.notify(org, org.member[0], "filed", f"{label}已立案。", life.id, life.filed_at)
            if life.answered_at:
                self.notify(
                    org, org.member[0], "replied", f"{label}已答复，请评价。", life.id, life.answered_at
                )


def life_facts(life: Life) -> tuple[str, str, bool, bool]:
    """The handling's facts a step stores on the proposal (zhengxie/proposals/facts.py), from the life's
    rows as they are written: assignments in the order of `life.units`, ratings in the order listed. The
    build checks them against the definitions afterwards."""
    answers = [
        (unit.kind, k, -reply["round"], reply["class"])
        for k, unit in enumerate(life.units)
        if unit.kind != K.CO
        for reply in unit.replies
        if reply["state"] == Reply.State.APPROVED
    ]
    lead_ratings = [
        (moment, k, level) for k, (_, _, is_lead, level, moment, _) in enumerate(life.ratings) if is_lead
    ]
    late = any(
        reply["state"] == Reply.State.APPROVED and local_day(reply["approved"]) > unit.deadline
        for unit in life.units
        for reply in unit.replies
    )
    face = any(method == "face" for unit in life.units for _, method, _ in unit.communications)
    return (min(answers)[3] if answers else "", max(lead_ratings)[2] if lead_ratings else "", late, face)


def sessions_plan(today: date) -> list[dict]:
    """Ten sessions, the last one collecting proposals now (its window opens on 10 October)."""
    current = today.year + 1 if today >= date(today.year, 10, 10) else today.year
    plan = []
    for year in range(current - SESSIONS + 1, current + 1):
        plan.append(
            {
                "year": year,
                "opens_on": date(year, 1, 10),
                "closes_on": date(year, 1, 14),
                "window": (date(year - 1, 10, 10), date(year, 1, 12)),
            }
        )
    return plan


def _chunk_sizes(size: int) -> list[int]:
    """Proposals per session: the open session has had half its time."""
    weights = [1.0] * (SESSIONS - 1) + [0.5]
    sizes = [round(size * w / sum(weights)) for w in weights]
    sizes[0] += size - sum(sizes)
    return sizes


def _publish_exactly(org: OrgData, log) -> int:
    """The portal organisation shows exactly PUBLISHED replies: the oldest extra ones become 不公开."""
    published = Proposal.objects.filter(
        organization=org.org, state__in=[S.ANSWERED, S.CLOSED], is_confidential=False
    ).order_by("id")
    count = published.count()
    if count < PUBLISHED:
        raise RuntimeError(
            f"bench: {org.spec.slug} has only {count:,} published proposals; raise PUBLIC_SIZE"
        )
    extra = list(published.values_list("pk", flat=True)[: count - PUBLISHED])
    for start in range(0, len(extra), 5000):
        Proposal.objects.filter(pk__in=extra[start : start + 5000]).update(is_confidential=True)
    log(f"    {org.spec.slug}: {PUBLISHED:,} published ({len(extra):,} older ones made confidential)")
    return len(extra)


def _existing() -> tuple[list[int], list[int]]:
    orgs = list(Organization.objects.filter(slug__startswith="bench-p").values_list("pk", flat=True))
    people = list(Person.objects.filter(username__startswith=USERNAME_PREFIX).values_list("pk", flat=True))
    return orgs, people


def _is_built() -> bool:
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=[s.slug for s in SPECS])}
    if len(orgs) != len(SPECS) or any(o.settings.get("bench") != MARKER for o in orgs.values()):
        return False
    return Proposal.objects.filter(organization__in=list(orgs.values())).count() == TOTAL


@scopes_disabled()
def ensure(log, *, rebuild: bool = False) -> str:
    """Reuse the proposal data if its marker and count hold; otherwise remove it and build it again."""
    if not rebuild and _is_built():
        return "reused"
    started = time.perf_counter()
    orgs, people = _existing()
    if orgs or people:
        log(
            f"  proposal data incomplete or outdated: removing {len(orgs)} organisations, {len(people):,} people"
        )
        with transaction.atomic():
            wipe(orgs, people)
    build(log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return f"built in {time.perf_counter() - started:.0f} s"


def build(log) -> None:
    builder = Builder(log)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    started = time.perf_counter()
    log(f"  proposal data: {len(SPECS)} organisations, {TOTAL:,} proposals over {SESSIONS} sessions")
    with transaction.atomic():
        orgs = [OrgData(spec, builder.sessions_plan, log if spec.index < 3 else _quiet) for spec in SPECS]
    log(f"  people, units and sessions of {len(orgs)} organisations ({time.perf_counter() - started:.0f} s)")
    sizes = {o.spec.slug: _chunk_sizes(o.spec.size) for o in orgs}
    for k in range(SESSIONS):
        started = time.perf_counter()
        with transaction.atomic():
            for org in orgs:
                Chunk(builder, org, k, sizes[org.spec.slug][k]).build()
            builder.flush()
        year = builder.sessions_plan[k]["year"]
        log(
            f"  session {year}: {sum(s[k] for s in sizes.values()):,} proposals,"
            f" {builder.transitions.written:,} transitions so far ({time.perf_counter() - started:.0f} s)"
        )
    # The facts written from the simulation are what the definitions derive from the rows (checked on the
    # two measured organisations; any difference would be stored as the definitions say).
    started = time.perf_counter()
    measured = Proposal.objects.filter(organization__slug__in=MEASURED)
    drifted = list(facts.drift(measured).values_list("pk", flat=True))
    facts.refresh(Proposal.objects.filter(pk__in=drifted))
    log(f"  handling facts checked: {len(drifted)} differed ({time.perf_counter() - started:.0f} s)")
    with transaction.atomic():
        reset_sequences([t.model for t in builder.tables])
        public = next(o for o in orgs if o.spec.slug == PUBLIC.slug)
        _publish_exactly(public, log)
        for org in orgs:
            settings = {"bench": MARKER}
            if org.detail_pk:
                settings["bench_detail"] = org.detail_pk
            Organization.objects.filter(pk=org.org.pk).update(settings=settings)
    log("  written: " + ", ".join(f"{t.model.__name__} {t.written:,}" for t in builder.tables))


def _quiet(message: str) -> None:
    pass


# ------------------------------------------------------------------ what the measurements sign in as


@scopes_disabled()
def accounts(spec: OrgSpec) -> dict:
    """The organisation, its proposal staff, the measured member, and the handler of the unit with the most
    assignments among those with something still to do (so the inbox's first tab has rows at both sizes)."""
    org = Organization.objects.get(slug=spec.slug)
    people = {
        p.username: p
        for p in Person.objects.filter(username__in=[spec.username(r) for r in ("staff", "m0000")])
    }
    open_states = [A.ASSIGNED, A.ACCEPTED, A.REROUTE]
    busiest = (
        Assignment.objects.filter(organization=org)
        .values("unit")
        .annotate(total=Count("id"), open=Count("id", filter=Q(state__in=open_states)))
        .filter(open__gt=0)
        .order_by("-total")
        .first()
    )
    handler = RoleGrant.objects.select_related("person").get(
        organization=org, role=Role.HANDLER, handling_unit_id=busiest["unit"]
    )
    return {
        "organization": org,
        "staff": people[spec.username("staff")],
        "member": people[spec.username("m0000")],
        "handler": handler.person,
        "unit_assignments": busiest["total"],
        "detail": org.settings.get("bench_detail"),
    }
