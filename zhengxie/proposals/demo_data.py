"""Demo proposals (SPEC §3.1): a year of proposals in every state for the demo city and its districts.

Every proposal goes through the real services with real actors, so its timeline, audit events and
notifications are the ones users would produce. The services stamp everything with the present moment;
once an organisation is done, every timestamp a service call wrote is moved to the moment planned for
that call, so the year looks lived-in. Audit events are append-only and keep the moment of the build.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.demo import CITY_SLUG, person_name
from zhengxie.core.models import (
    HandlingUnit,
    Member,
    Notification,
    Organization,
    ParticipatingUnit,
    Person,
    PlenarySession,
    RoleGrant,
    SpecialCommittee,
)
from zhengxie.core.permissions import Actor, actor_for
from zhengxie.core.roles import Role

from . import demo_text as text
from . import services
from .models import (
    Assignment,
    Award,
    Category,
    Communication,
    Lead,
    NotFilingGround,
    Proposal,
    Proposer,
    Rating,
    Reply,
    RerouteRequest,
    SupervisionEvent,
    Transition,
)
from .policy import policy_for

K = Proposal.Kind

# (target state, variant, proposals per organisation at scale 1). Merged proposals come on top: a
# few plans absorb a similar proposal while under review.
SCENARIOS: list[tuple[str, str, int]] = [
    ("draft", "", 6),
    ("cosigning", "", 4),
    ("submitted", "", 5),
    ("reviewing", "", 5),
    ("returned", "", 2),
    ("withdrawn", "", 3),
    ("not_filed", Proposal.Disposition.REFERENCE, 2),
    ("not_filed", Proposal.Disposition.OPINION, 2),
    ("not_filed", Proposal.Disposition.LETTER, 2),
    ("filed", "", 4),
    ("assigned", "", 3),
    ("assigned", "co", 1),
    ("assigned", "co_lead_accepted", 1),
    ("assigned", "separate", 1),
    ("assigned", "reroute_lead", 1),
    ("assigned", "reroute_co", 1),
    ("assigned", "reroute_accepted", 1),
    ("handling", "", 2),
    ("handling", "co_pending", 4),
    ("handling", "co_signed", 2),
    ("handling", "overdue", 3),
    ("handling", "due_soon", 3),
    ("handling", "rerouted", 1),
    ("handling", "reroute_rejected", 1),
    ("handling", "extended", 1),
    ("handling", "separate", 1),
    ("handling", "reply_returned", 2),
    ("handling", "rehandling", 2),
    ("reply_review", "", 5),
    ("reply_review", "co", 1),
    ("reply_review", "resubmitted", 1),
    ("answered", "", 6),
    ("answered", "co", 1),
    ("answered", "separate", 1),
    ("answered", "corrected", 1),
    ("closed", "satisfied", 24),
    ("closed", "basic", 5),
    ("closed", "rehandled", 3),
    ("closed", "by_staff", 2),
]
MERGED = 3
KEY = 5
KEY_PROPOSED = 1
WITH_CO = {"co", "co_lead_accepted", "reroute_co", "co_pending", "co_signed"}
SEPARATE = {"separate"}
PRE_FILING = {"draft", "cosigning", "submitted", "reviewing", "returned", "withdrawn", "not_filed"}


@dataclass
class Plan:
    """One demo proposal: what it is about, who writes and handles it, how far it gets and when."""

    target: str
    variant: str
    # Its own random stream: its dates, and so the order proposals are built in, never change its words.
    rng: Random
    topic: text.Topic
    subject: str
    author: Person
    title: str = ""
    reason: str = ""
    suggestions: str = ""
    kind: str = K.INDIVIDUAL
    unit: ParticipatingUnit | None = None
    committee: SpecialCommittee | None = None
    cosigners: list[Person] = field(default_factory=list)
    silent: list[Person] = field(default_factory=list)  # invitees who have not answered yet
    decliner: Person | None = None
    lead: HandlingUnit | None = None
    co: list[HandlingUnit] = field(default_factory=list)
    separate: list[HandlingUnit] = field(default_factory=list)
    first_unit: HandlingUnit | None = None  # a wrongly chosen unit that asks to be re-routed
    key: str = ""
    absorbed: list["Plan"] = field(default_factory=list)  # similar proposals merged into this one
    at: dict[str, datetime] = field(default_factory=dict)


class _Clock:
    """Keeps one proposal's planned moments in the order its steps are taken, never in the future."""

    def __init__(self, demo: "_OrganizationDemo") -> None:
        self.demo = demo
        self.last: datetime | None = None

    def __call__(self, moment: datetime) -> datetime:
        gap = timedelta(minutes=self.demo.rng.randint(3, 40))
        if self.last is not None and moment <= self.last:
            moment = self.last + gap
        moment = min(moment, self.demo.now)
        self.last = moment
        return moment


@scopes_disabled()
def build(*, organizations: list[Organization], scale: int, rng: Random, log: Callable[[str], None]) -> None:
    """Add a year of proposals to each organisation that has none yet (so running twice adds nothing)."""
    for organization in organizations:
        if Proposal.objects.filter(organization=organization).exists():
            log(f"{organization.name}：已有提案，跳过")
            continue
        with transaction.atomic():
            count = _OrganizationDemo(organization, scale, rng).build()
        log(f"{organization.name}：提案 {count} 件")


class _OrganizationDemo:
    def __init__(self, organization: Organization, scale: int, rng: Random) -> None:
        self.org = organization
        self.scale = scale
        self.rng = rng
        self.now = timezone.localtime()
        self.today = timezone.localdate()
        self.started = self.now
        self.place = organization.short_name or organization.name
        self.policy = policy_for(organization)
        # (moment a service call returned, moment planned for it): read back by `_planned`.
        self.real: list[datetime] = []
        self.planned: list[datetime] = []
        self.deadlines: dict[int, date] = {}
        self.actors: dict[int, Actor] = {}
        self.sessions: dict[date, PlenarySession] = {}
        self.titles: set[str] = set()

    # ------------------------------------------------------------ set-up

    def build(self) -> int:
        services.ensure_reference_lists(self.org)
        self._people()
        plans = self._plans()
        # Numbers are handed out in the order of the calls: take the proposals in the order they were filed.
        for plan in sorted(plans, key=lambda p: p.at["c"] if p.target in PRE_FILING else p.at["r"]):
            self._run(plan)
        self._awards()
        self._leads()
        self._backdate()
        return Proposal.objects.filter(organization=self.org).count()

    def _account(self, base: str) -> Person:
        suffix = "" if self.org.slug == CITY_SLUG else self.org.slug.removeprefix("demo")
        return Person.objects.get(username=f"{base}{suffix}")

    def _people(self) -> None:
        org = self.org
        self.staff = self._account("demo-proposal-staff")
        self.leader = self._account("demo-leader")
        self.member = self._account("demo-member")
        handler = RoleGrant.objects.get(
            organization=org, person=self._account("demo-handler"), role=Role.HANDLER
        )
        self.units = list(HandlingUnit.objects.filter(organization=org).order_by("sort_order", "id"))
        self.signers = {unit.pk: person_name(self.rng)[0] for unit in self.units}
        self.demo_unit = handler.handling_unit or self.units[1]
        self.unit_by_name = {u.short_name or u.name: u for u in self.units}
        handlers = {
            g.handling_unit_id: g.person
            for g in RoleGrant.objects.filter(organization=org, role=Role.HANDLER)
            .select_related("person")
            .order_by("-id")
        }
        self.handlers: dict[int, Person] = {}
        for unit in self.units:
            person = handlers.get(unit.pk)
            if person is None:
                person = self._person(
                    f"{org.slug}-unit{unit.sort_order:02d}", f"{unit.short_name or unit.name}联络员"
                )
                RoleGrant.objects.create(
                    organization=org, person=person, role=Role.HANDLER, handling_unit=unit
                )
            self.handlers[unit.pk] = person
        # 集体提案: a liaison for each democratic party and the federation of industry and commerce.
        parties = (
            ParticipatingUnit.objects.filter(organization=org).exclude(kind="party").order_by("sort_order")
        )
        self.liaisons: list[tuple[Person, ParticipatingUnit]] = []
        for unit in list(parties)[:5]:
            grant = RoleGrant.objects.filter(
                organization=org, role=Role.UNIT_LIAISON, participating_unit=unit
            ).first()
            if grant is None:
                person = self._person(f"{org.slug}-liaison{unit.sort_order:02d}", person_name(self.rng)[0])
                grant = RoleGrant.objects.create(
                    organization=org, person=person, role=Role.UNIT_LIAISON, participating_unit=unit
                )
            self.liaisons.append((grant.person, unit))
        committee_staff = (
            RoleGrant.objects.filter(organization=org, role=Role.COMMITTEE_STAFF, committee__isnull=False)
            .select_related("person", "committee")
            .first()
        )
        self.committee_staff = (
            (committee_staff.person, committee_staff.committee) if committee_staff else None
        )
        self.pool = list(
            Person.objects.filter(
                pk__in=Member.objects.filter(organization=org, status=Member.Status.ACTIVE).values("person")
            )
            .exclude(username__startswith="demo-")
            .order_by("id")
        )
        self.categories = {c.name: c for c in Category.objects.filter(organization=org)}
        self.grounds = {g.name: g for g in NotFilingGround.objects.filter(organization=org)}
        year = PlenarySession.objects.filter(organization=org, year=self.today.year).first()
        self.year_session = year or services.current_session(org)

    def _person(self, username: str, full_name: str) -> Person:
        person, created = Person.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        return person

    def actor(self, person: Person) -> Actor:
        if person.pk not in self.actors:
            self.actors[person.pk] = actor_for(person, self.org)
        return self.actors[person.pk]

    def handler(self, unit: HandlingUnit) -> Actor:
        return self.actor(self.handlers[unit.pk])

    @contextmanager
    def _drawing_from(self, stream: Random) -> Iterator[None]:
        saved, self.rng = self.rng, stream
        try:
            yield
        finally:
            self.rng = saved

    def session_for(self, day: date) -> PlenarySession:
        if day not in self.sessions:
            self.sessions[day] = services.current_session(self.org, day)
        return self.sessions[day]

    # ------------------------------------------------------------ planning

    def _plans(self) -> list[Plan]:
        rng = self.rng
        plans = [
            self._plan(target, variant)
            for target, variant, count in SCENARIOS
            for _ in range(count * self.scale)
        ]

        def by(target: str, variant: str = "") -> list[Plan]:
            return [p for p in plans if p.target == target and p.variant == variant]

        member = self.member
        # The demo member's own proposals, one in each state a member meets, and an invitation to sign.
        for plan in [
            by("draft")[0],
            by("submitted")[0],
            by("returned")[0],
            by("handling")[0],
            by("answered")[0],
            by("closed", "satisfied")[0],
        ]:
            self._make_individual(plan, member)
        own = by("cosigning")[0]
        self._make_individual(own, member)
        self._make_joint(own, cosigners=3, silent=2)
        invited = by("cosigning")[1]
        invited.silent = [member, *invited.silent[:1]]
        invited.cosigners = [member, *[p for p in invited.cosigners if p != member]]
        for plan in [by("closed", "satisfied")[1], by("handling", "co_signed")[0]]:
            if plan.kind != K.JOINT:
                self._make_joint(plan, cosigners=2, silent=0)
            plan.cosigners = [member, *[p for p in plan.cosigners if p not in (member, plan.author)]][:3]
            plan.decliner = None
        # The demo handler's unit: something in every column of its inbox and a history of replies.
        for plan in [
            by("assigned")[0],
            by("assigned")[1],
            by("handling")[0],
            by("handling", "overdue")[0],
            by("handling", "reply_returned")[0],
            by("reply_review")[0],
            by("reply_review")[1],
            by("answered")[1],
            *by("closed", "satisfied")[2:5],
        ]:
            self._lead_by(plan, self.demo_unit)
        reroute = by("assigned", "reroute_lead")[0]
        if reroute.lead == self.demo_unit:
            topics = [t for t in text.TOPICS if (self.demo_unit.short_name or "") not in t.lead_units]
            reroute.topic = rng.choice(topics)
            reroute.subject = rng.choice(reroute.topic.subjects)
            self._units(reroute)
        reroute.first_unit = self.demo_unit
        co_pending = by("handling", "co_pending")[0]
        if co_pending.lead != self.demo_unit:
            co_pending.co = [self.demo_unit]
        # 重点提案 (about 5%) and 并案: on proposals that reach handling and have no special role yet.
        candidates = [
            p
            for p in plans
            if (p.target, p.variant)
            in {("handling", ""), ("handling", "co_signed"), ("reply_review", "")}
            | {("answered", ""), ("closed", "satisfied"), ("closed", "basic")}
            and p.author != member
        ]
        rng.shuffle(candidates)
        for plan in candidates[: KEY * self.scale]:
            plan.key = "key"
        proposed = [p for p in plans if p.target == "handling" and p.variant == "" and not p.key]
        for plan in proposed[: KEY_PROPOSED * self.scale]:
            plan.key = "proposed"
        for plan in candidates[KEY * self.scale : (KEY + MERGED) * self.scale]:
            other = next(p for p in rng.sample(self.pool, k=2) if p != plan.author)
            plan.absorbed.append(Plan("merged", "", plan.rng, plan.topic, plan.subject, other))
        for plan in plans:
            with self._drawing_from(plan.rng):
                for each in [plan, *plan.absorbed]:
                    each.title = self._title(each)
                    each.reason, each.suggestions = text.proposal_text(
                        self.rng, each.topic, each.subject, self.place
                    )
                self._dates(plan)
        return plans

    def _plan(self, target: str, variant: str) -> Plan:
        stream = Random(self.rng.getrandbits(64))
        with self._drawing_from(stream):
            return self._drawn_plan(target, variant)

    def _drawn_plan(self, target: str, variant: str) -> Plan:
        rng = self.rng
        topic = rng.choice(text.TOPICS)
        plan = Plan(target, variant, rng, topic, rng.choice(topic.subjects), rng.choice(self.pool))
        roll = rng.random()
        if target == "cosigning":
            self._make_joint(plan, cosigners=rng.randint(2, 4), silent=rng.randint(1, 2))
        elif roll < 0.12 and (self.liaisons or self.committee_staff):
            plan.kind = K.COLLECTIVE
            if self.committee_staff and (not self.liaisons or rng.random() < 0.2):
                plan.author, plan.committee = self.committee_staff
            else:
                plan.author, plan.unit = rng.choice(self.liaisons)
        elif roll < 0.4:
            self._make_joint(plan, cosigners=rng.randint(1, 4), silent=0)
        self._units(plan)
        return plan

    def _make_individual(self, plan: Plan, person: Person) -> None:
        plan.author, plan.kind, plan.unit, plan.committee = person, K.INDIVIDUAL, None, None
        plan.cosigners, plan.silent, plan.decliner = [], [], None

    def _make_joint(self, plan: Plan, *, cosigners: int, silent: int) -> None:
        rng = self.rng
        plan.kind, plan.unit, plan.committee = K.JOINT, None, None
        if plan.author not in self.pool and plan.author != self.member:
            plan.author = rng.choice(self.pool)
        people = [p for p in rng.sample(self.pool, k=cosigners + 1) if p != plan.author][:cosigners]
        plan.cosigners = people
        plan.silent = people[: min(silent, len(people))]
        plan.decliner = None
        if not silent and len(people) >= 3 and rng.random() < 0.25:
            plan.decliner = people[-1]

    def _unit(self, name: str) -> HandlingUnit:
        return self.unit_by_name.get(name) or self.rng.choice(self.units)

    def _units(self, plan: Plan) -> None:
        rng = self.rng
        topic = plan.topic
        plan.lead = self._unit(rng.choice(topic.lead_units))
        others = [self._unit(n) for n in topic.co_units]
        others = [u for u in dict.fromkeys(others) if u != plan.lead]
        plan.co, plan.separate, plan.first_unit = [], [], None
        if plan.variant in WITH_CO or (plan.variant == "" and rng.random() < 0.25):
            plan.co = rng.sample(others, k=min(len(others), rng.choice([1, 1, 2])))
        if plan.variant in SEPARATE:
            plan.separate = [plan.lead, others[0]]
        if plan.variant in ("rerouted", "reroute_rejected", "reroute_lead", "reroute_co", "reroute_accepted"):
            plan.first_unit = others[-1] if plan.variant in ("rerouted", "reroute_lead") else plan.lead
            if plan.variant == "reroute_co" and not plan.co:
                plan.co = others[:1]

    def _lead_by(self, plan: Plan, unit: HandlingUnit) -> None:
        name = unit.short_name or unit.name
        topics = [t for t in text.TOPICS if name in t.lead_units]
        if topics and plan.topic not in topics:
            plan.topic = self.rng.choice(topics)
            plan.subject = self.rng.choice(plan.topic.subjects)
        plan.lead = unit
        plan.co = [u for u in plan.co if u != unit]
        plan.separate = []

    # ------------------------------------------------------------ dates

    def _moment(self, day: date) -> datetime:
        """A moment in office hours on that day (a weekday of that week for a weekend day), never later
        than now."""
        minutes = self.rng.randint(8 * 60 + 30, 18 * 60)
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4 + minutes % 5)
        zone = timezone.get_current_timezone()
        moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
        return min(moment, self.now - timedelta(minutes=5 + minutes % 115))

    # Each helper draws the same random numbers whatever the dates, so a proposal's stream stays aligned
    # and its dates depend on the day the demo is built, not on the hour.

    def _ago(self, low: float, high: float) -> datetime:
        return self._moment(self.today - timedelta(days=int(self.rng.uniform(low, high))))

    def _after(self, moment: datetime, low: float, high: float) -> datetime:
        later = self._moment(timezone.localdate(moment) + timedelta(days=int(self.rng.uniform(low, high))))
        gap = timedelta(minutes=self.rng.randint(10, 90))
        return later if later > moment else moment + gap

    def _before(self, moment: datetime, low: float, high: float) -> datetime:
        earlier = self._moment(timezone.localdate(moment) - timedelta(days=int(self.rng.uniform(low, high))))
        gap = timedelta(minutes=self.rng.randint(10, 90))
        return earlier if earlier < moment else moment - gap

    def _between(self, low: datetime, high: datetime) -> datetime:
        """A moment between the two, in office hours when the span allows it."""
        gap = timedelta(minutes=self.rng.randint(5, 60))
        moment = low + max(high - low, timedelta(0)) * self.rng.uniform(0.15, 0.85)
        daytime = self._moment(timezone.localdate(moment))
        if high <= low:
            return low + gap
        return daytime if low < daytime < high else moment

    def _submitted_before(self, decided: datetime) -> datetime:
        """Submission ahead of a review decision; a proposal filed before its plenary was sent before the
        plenary window opened (大会提案 are reviewed at the plenary, not before)."""
        submitted = self._before(decided, 5, 30)
        session = self.session_for(timezone.localdate(submitted))
        if session.in_plenary_window(timezone.localdate(submitted)) and decided.date() < session.opens_on:
            submitted = self._moment(session.submission_opens_on - timedelta(days=self.rng.randint(2, 25)))
        return submitted

    def _drawn_submission(self) -> datetime:
        """Most proposals arrive in the plenary window of this year's session, the rest during the year."""
        rng, session = self.rng, self.year_session
        room = (self.today - timedelta(days=200)) - session.closes_on
        if rng.random() < 0.85 or room.days < 10:
            start = max(session.submission_opens_on, session.submission_closes_on - timedelta(days=75))
            span = (session.submission_closes_on - start).days
            return self._moment(start + timedelta(days=rng.randint(0, max(span, 0))))
        return self._moment(session.closes_on + timedelta(days=rng.randint(1, room.days)))

    def _decided_after(self, submitted: datetime) -> datetime:
        session = self.session_for(timezone.localdate(submitted))
        if session.in_plenary_window(timezone.localdate(submitted)):
            decided = self._moment(session.closes_on + timedelta(days=self.rng.randint(3, 35)))
            return decided if decided > submitted else self._after(submitted, 3, 20)
        return self._after(submitted, 5, 30)

    def _dates(self, plan: Plan) -> None:
        """Plan the moments of the proposal's main steps: c created, s submitted, r review decision,
        a assigned, acc accepted, rep reply submitted, ap reply approved, rt rated (2: second round)."""
        at, target, variant = plan.at, plan.target, plan.variant
        if target == "draft":
            at["c"] = self._ago(0.3, 45)
        elif target == "cosigning":
            at["s0"] = self._ago(1, 12)
            at["c"] = self._before(at["s0"], 0.5, 6)
        elif target in ("submitted", "reviewing"):
            at["p"] = self._ago(0.2, 6)
            at["s"] = self._before(at["p"], 0.5, 12)
        elif target == "returned":
            at["r"] = self._ago(1, 20)
            at["s"] = self._before(at["r"], 3, 20)
        elif target in ("withdrawn", "not_filed", "closed"):
            at["s"] = self._drawn_submission()
            at["r"] = self._decided_after(at["s"])
        elif target == "filed":
            at["r"] = self._ago(1, 12)
        else:
            self._handling_dates(plan)
        if "r" in at and "s" not in at:
            at["s"] = self._submitted_before(at["r"])
        if "s" in at and "c" not in at:
            at["c"] = self._before(at["s"], 0.5, 12 if plan.kind == K.JOINT else 6)
        if target == "closed":
            self._closing_dates(plan)
        if variant in ("rerouted", "reroute_rejected", "reroute_lead", "reroute_co", "reroute_accepted"):
            at["x"] = self._between(at["a"], min(at["a"] + timedelta(days=6), at.get("acc2", self.now)))

    def _handling_dates(self, plan: Plan) -> None:
        at, target, variant, rng = plan.at, plan.target, plan.variant, self.rng
        months = self.policy.deadline_months
        if target == "assigned":
            at["a"] = self._ago(1, 6) if variant.startswith("reroute") else self._ago(0.2, 5)
        elif target == "reply_review":
            at["rep"] = self._ago(0.2, 6)
            at["a"] = self._before(at["rep"], 30, 78)
        elif target == "answered":
            at["ap"] = self._ago(1, 14)
            at["rep"] = self._before(at["ap"], 2, 10)
            at["a"] = self._before(at["rep"], 30, 75)
        elif variant in ("overdue", "extended"):
            at["a"] = self._ago(95, 140)
        elif variant == "due_soon":
            due = self.today + timedelta(days=rng.randint(2, 6))  # a weekend start moves it 2 days earlier
            start = services.add_months(due, -months)
            start += due - services.add_months(start, months)
            at["a"] = self._moment(start)
        elif variant == "reply_returned":
            at["ret"] = self._ago(0.5, 6)
            at["rep"] = self._before(at["ret"], 1, 8)
            at["a"] = self._before(at["rep"], 35, 70)
        elif variant == "rehandling":
            at["rt"] = self._ago(3, 18)
            at["ap"] = self._before(at["rt"], 3, 12)
            at["rep"] = self._before(at["ap"], 2, 8)
            at["a"] = self._before(at["rep"], 30, 70)
        else:
            at["a"] = self._ago(15, 80)
        at["r"] = self._before(at["a"], 2, 12)
        if variant == "rerouted" or variant == "reroute_rejected":
            at["acc2"] = self._after(at["a"], 4, 10)
        if target != "assigned" or variant in ("co_lead_accepted", "reroute_co", "reroute_accepted"):
            at["acc"] = self._after(at["a"], 0.1, 3)

    def _closing_dates(self, plan: Plan) -> None:
        at = plan.at
        at["a"] = self._after(at["r"], 3, 15)
        at["acc"] = self._after(at["a"], 0.1, 3)
        at["rep"] = self._after(at["acc"], 25, 80)
        at["ap"] = self._after(at["rep"], 2, 10)
        last = "rt"
        if plan.variant == "by_staff":
            at["cl"] = self._after(at["ap"], 25, 40)
            last = "cl"
        else:
            at["rt"] = self._after(at["ap"], 3, 20)
        if plan.variant == "rehandled":
            at["rep2"] = self._after(at["rt"], 10, 25)
            at["ap2"] = self._after(at["rep2"], 2, 7)
            at["rt2"] = self._after(at["ap2"], 3, 15)
            last = "rt2"
        overflow = at[last] - self._moment(self.today - timedelta(days=self.rng.randint(1, 10)))
        if overflow > timedelta(0):
            for key in at:
                at[key] -= overflow

    # ------------------------------------------------------------ running the services

    def do(self, clock: _Clock, moment: datetime, service: Callable[..., Any], **kwargs: Any) -> Any:
        """Call a service now and remember the moment it is meant to have happened at."""
        planned = clock(moment)
        result = service(**kwargs)
        self.real.append(timezone.now())
        self.planned.append(planned)
        return result

    def _title(self, plan: Plan) -> str:
        """A title no other proposal has, except for a merged one: that one is about the same thing."""
        title = text.title(self.rng, plan.subject)
        for _ in range(6):
            if plan.target == "merged" or title not in self.titles:
                break
            plan.subject = self.rng.choice(plan.topic.subjects)
            title = text.title(self.rng, plan.subject)
        self.titles.add(title)
        return title

    def _create(self, clock: _Clock, plan: Plan, moment: datetime, session_day: date) -> Proposal:
        proposal = self.do(
            clock,
            moment,
            services.create_proposal,
            actor=self.actor(plan.author),
            title=plan.title,
            reason=plan.reason,
            suggestions=plan.suggestions,
            category=self.categories.get(plan.topic.category),
            kind=K.COLLECTIVE if plan.kind == K.COLLECTIVE else K.INDIVIDUAL,
            participating_unit=plan.unit,
            committee=plan.committee,
        )
        # The services file a new proposal under today's session; this one was written back then.
        session = self.session_for(session_day)
        if proposal.session_id != session.pk:
            Proposal.objects.filter(pk=proposal.pk).update(session=session, term_id=session.term_id)
            proposal.session, proposal.term_id = session, session.term_id
        return proposal

    def _run(self, plan: Plan) -> None:
        with self._drawing_from(plan.rng):
            self._drawn_run(plan)

    def _drawn_run(self, plan: Plan) -> None:
        rng, at, target, variant = self.rng, plan.at, plan.target, plan.variant
        clock = _Clock(self)
        author = self.actor(plan.author)
        submitted_on = timezone.localdate(at.get("s", at.get("s0", at["c"])))
        proposal = self._create(clock, plan, at["c"], submitted_on)
        first_submit = at.get("s0") or (self._between(at["c"], at["s"]) if "s" in at else None)
        if plan.kind == K.JOINT:
            invited = self._between(at["c"], first_submit) if first_submit else self._after(at["c"], 0, 2)
            self.do(
                clock,
                invited,
                services.invite_cosigners,
                actor=author,
                proposal=proposal,
                people=plan.cosigners,
            )
        if target == "draft":
            return
        if plan.kind == K.JOINT:
            self.do(clock, first_submit, services.submit_proposal, actor=author, proposal=proposal)
            answering = [p for p in plan.cosigners if p not in plan.silent]
            end = at.get("s", self.now)
            moments = sorted(self._between(first_submit, end) for _ in answering)
            if answering and "s" in at:
                moments[-1] = at["s"]
            for person, moment in zip(answering, moments, strict=True):
                respond = services.decline_proposal if person == plan.decliner else services.sign_proposal
                self.do(clock, moment, respond, actor=self.actor(person), proposal=proposal)
        else:
            self.do(clock, at["s"], services.submit_proposal, actor=author, proposal=proposal)
        if target in ("cosigning", "submitted"):
            return
        staff = self.actor(self.staff)
        if target == "withdrawn":
            self.do(
                clock,
                self._after(at["s"], 1, 12),
                services.withdraw_proposal,
                actor=author,
                proposal=proposal,
                reason=rng.choice(text.WITHDRAW_REASONS),
            )
            return
        if target == "reviewing" or rng.random() < 0.7:
            moment = at["p"] if target == "reviewing" else self._between(at["s"], at["r"])
            self.do(
                clock,
                moment,
                services.precheck_proposal,
                actor=staff,
                proposal=proposal,
                note="形式审查通过。",
            )
        if target == "reviewing":
            return
        for other in plan.absorbed:
            self._absorb(clock, plan, other, proposal)
        if target in ("returned", "not_filed"):
            disposition = variant or Proposal.Disposition.RETURN
            if disposition == Proposal.Disposition.RETURN:
                ground, reason = None, rng.choice(text.RETURN_REASONS)
            else:
                ground = self.grounds.get(text.NOT_FILED_GROUNDS[disposition])
                reason = text.NOT_FILED_REASONS[disposition]
            self.do(
                clock,
                at["r"],
                services.not_file_proposal,
                actor=staff,
                proposal=proposal,
                ground=ground,
                reason=reason,
                disposition=disposition,
            )
            return
        proposal = self.do(clock, at["r"], services.file_proposal, actor=staff, proposal=proposal)
        if target == "filed":
            return
        if plan.key:
            self._key(clock, plan, proposal)
        self._assign(clock, plan, proposal)
        if target == "assigned":
            self._assigned(clock, plan, proposal)
            return
        self._handle(clock, plan, proposal)

    def _absorb(self, clock: _Clock, plan: Plan, other: Plan, into: Proposal) -> None:
        """并案: a similar proposal by another member, submitted meanwhile, is merged into this one."""
        at = plan.at
        merged_at = self._between(max(at["s"], clock.last or at["s"]), at["r"])
        other_clock = _Clock(self)
        submitted = self._before(merged_at, 0.2, 4)
        created = self._before(submitted, 0.2, 3)
        proposal = self._create(other_clock, other, created, timezone.localdate(at["s"]))
        self.do(
            other_clock,
            submitted,
            services.submit_proposal,
            actor=self.actor(other.author),
            proposal=proposal,
        )
        self.do(
            clock,
            merged_at,
            services.merge_proposal,
            actor=self.actor(self.staff),
            proposal=proposal,
            into=into,
            note="两件提案内容相近，并案办理。",
        )

    def _key(self, clock: _Clock, plan: Plan, proposal: Proposal) -> None:
        at = plan.at
        staff = self.actor(self.staff)
        proposed = self._between(at["r"], at["a"])
        self.do(clock, proposed, services.propose_key, actor=staff, proposal=proposal)
        if plan.key == "key":
            self.do(
                clock,
                self._between(proposed, at["a"]),
                services.decide_key,
                actor=staff,
                proposal=proposal,
                leader=self.leader,
                note="经主席会议研究，确定为年度重点提案。",
            )

    def _assign(self, clock: _Clock, plan: Plan, proposal: Proposal) -> None:
        lead = plan.first_unit if plan.variant in ("rerouted", "reroute_lead") else plan.lead
        if plan.separate:
            kwargs: dict[str, Any] = {"separate": plan.separate}
        else:
            kwargs = {"lead": lead, "co": plan.co}
        self.do(
            clock,
            plan.at["a"],
            services.assign_units,
            actor=self.actor(self.staff),
            proposal=proposal,
            **kwargs,
        )
        deadline = services.add_months(timezone.localdate(plan.at["a"]), self.policy.deadline_months)
        for pk in proposal.assignments.values_list("pk", flat=True):
            self.deadlines[pk] = deadline

    def _assignments(self, proposal: Proposal) -> list[Assignment]:
        return list(
            proposal.assignments.exclude(state=Assignment.State.REROUTED)
            .select_related("unit")
            .order_by("id")
        )

    def _accept(self, clock: _Clock, moment: datetime, assignment: Assignment) -> None:
        self.do(
            clock,
            moment,
            services.accept_assignment,
            actor=self.handler(assignment.unit),
            assignment=assignment,
        )

    def _request_reroute(self, clock: _Clock, plan: Plan, assignment: Assignment) -> RerouteRequest:
        taken = set(assignment.proposal.assignments.values_list("unit_id", flat=True))
        if assignment.unit != plan.lead and plan.lead.pk not in taken:
            other = plan.lead
        else:
            spare = [self._unit(n) for n in plan.topic.co_units]
            other = next((u for u in spare if u.pk not in taken), plan.lead)
        return self.do(
            clock,
            plan.at["x"],
            services.request_reroute,
            actor=self.handler(assignment.unit),
            assignment=assignment,
            reason=self.rng.choice(text.REROUTE_REASONS).format(other=other),
            suggested_unit=str(other),
        )

    def _assigned(self, clock: _Clock, plan: Plan, proposal: Proposal) -> None:
        """交办 but still waiting: for the units to sign for it, or for staff to decide a re-route request."""
        variant, at = plan.variant, plan.at
        assignments = self._assignments(proposal)
        lead = assignments[0]
        if variant in ("co_lead_accepted", "reroute_co", "reroute_accepted"):
            self._accept(clock, at["acc"], lead)
        if variant == "reroute_co":
            self._request_reroute(clock, plan, assignments[-1])
        elif variant in ("reroute_lead", "reroute_accepted"):
            self._request_reroute(clock, plan, lead)

    def _handle(self, clock: _Clock, plan: Plan, proposal: Proposal) -> None:
        rng, at, variant, target = self.rng, plan.at, plan.variant, plan.target
        staff = self.actor(self.staff)
        assignments = self._assignments(proposal)
        if variant in ("rerouted", "reroute_rejected"):
            request = self._request_reroute(clock, plan, assignments[0])
            approve = variant == "rerouted"
            self.do(
                clock,
                self._between(at["x"], at["acc2"]),
                services.decide_reroute,
                actor=staff,
                request=request,
                approve=approve,
                new_unit=plan.lead if approve else None,
                note="同意调整承办单位。" if approve else "该事项属贵单位职责范围，请继续办理。",
            )
            if approve:
                replacement = proposal.assignments.exclude(pk=assignments[0].pk).order_by("-id").first()
                self.deadlines[replacement.pk] = services.add_months(
                    timezone.localdate(clock.last), self.policy.deadline_months
                )
            assignments = self._assignments(proposal)
            accepted = at["acc2"]
        else:
            accepted = at["acc"]
        end = at.get("rep", self.now)
        for assignment in assignments:
            if assignment.state == Assignment.State.ASSIGNED:
                self._accept(
                    clock,
                    self._between(accepted - timedelta(hours=6), accepted + timedelta(hours=30)),
                    assignment,
                )
        if variant == "extended":
            lead = assignments[0]
            moment = self._after(at["a"], 70, 88)
            self.do(
                clock,
                moment,
                services.extend_deadline,
                actor=staff,
                assignment=lead,
                deadline=services.add_months(self.today, 5),
                reason=rng.choice(text.EXTENSION_REASONS),
            )
            self.deadlines[lead.pk] = services.add_months(timezone.localdate(at["a"]), 5)
        replying = [a for a in assignments if a.replies]
        co_units = [a for a in assignments if not a.replies]
        for assignment in replying:
            if variant in ("overdue", "due_soon") and rng.random() < 0.5:
                continue
            method = rng.choice(list(Communication.Method.values))
            self.do(
                clock,
                self._between(clock.last, min(end, clock.last + timedelta(days=25))),
                services.record_communication,
                actor=self.handler(assignment.unit),
                assignment=assignment,
                method=method,
                day=self.today,
                summary=text.communication(rng, method),
            )
        if plan.key == "key":
            self._supervise(clock, plan, proposal, end)
        if variant != "co_pending":
            for assignment in co_units:
                self.do(
                    clock,
                    self._between(clock.last, end),
                    services.countersign,
                    actor=self.handler(assignment.unit),
                    assignment=assignment,
                    opinion=rng.choice(text.COUNTERSIGN_OPINIONS),
                )
        if target == "handling" and variant not in ("reply_returned", "rehandling"):
            if variant in ("", "co_signed") and rng.random() < 0.5:
                self._save_reply(clock, plan, proposal, replying[0], self._between(clock.last, self.now))
            return
        self._reply_round(clock, plan, proposal, replying)

    def _supervise(self, clock: _Clock, plan: Plan, proposal: Proposal, end: datetime) -> None:
        rng = self.rng
        for index in range(rng.randint(1, 3)):
            kind = rng.choice(["visit", "meeting", "inspection", "other"])
            person = self.leader if index == 0 or rng.random() < 0.5 else self.staff
            self.do(
                clock,
                self._between(clock.last, end),
                services.record_supervision,
                actor=self.actor(person),
                proposal=proposal,
                kind=kind,
                day=self.today,
                summary=text.supervision(
                    kind, leader=self.leader.full_name, place=self.place, subject=plan.subject
                ),
            )

    def _addressee(self, plan: Plan) -> str:
        if plan.kind == K.COLLECTIVE:
            return str(plan.unit or plan.committee)
        return f"{plan.author.full_name}{'等' if plan.kind == K.JOINT else ''}委员"

    def _save_reply(
        self,
        clock: _Clock,
        plan: Plan,
        proposal: Proposal,
        assignment: Assignment,
        moment: datetime,
        result: str = "",
    ) -> Reply:
        unit = assignment.unit
        result = result or self.rng.choices(["A", "B", "C"], weights=[45, 40, 15])[0]
        body = text.reply_text(
            self.rng,
            topic=plan.topic,
            place=self.place,
            addressee=self._addressee(plan),
            proposal_title=proposal.title,
            number=proposal.number,
            result_class=result,
        )
        return self.do(
            clock,
            moment,
            services.save_reply,
            actor=self.handler(unit),
            assignment=assignment,
            body=body,
            result_class=result,
            signer=self.signers[unit.pk],
        )

    def _reply_round(self, clock: _Clock, plan: Plan, proposal: Proposal, replying: list[Assignment]) -> None:
        rng, at, variant, target = self.rng, plan.at, plan.variant, plan.target
        staff = self.actor(self.staff)
        first = {"rehandled": "C", "rehandling": "C", "corrected": "A"}.get(variant, "")
        replies = []
        for assignment in replying:
            submit_at = at["rep"] if assignment == replying[-1] else self._between(clock.last, at["rep"])
            if variant == "resubmitted":
                early = self._before(submit_at, 4, 10)
                reply = self._save_reply(clock, plan, proposal, assignment, self._before(early, 0.1, 2))
                self.do(clock, early, services.submit_reply, actor=self.handler(assignment.unit), reply=reply)
                self.do(
                    clock,
                    self._between(early, submit_at),
                    services.review_reply,
                    actor=staff,
                    reply=reply,
                    approve=False,
                    note=rng.choice(text.REPLY_RETURN_NOTES),
                )
            reply = self._save_reply(
                clock, plan, proposal, assignment, self._before(submit_at, 0.1, 3), first
            )
            self.do(clock, submit_at, services.submit_reply, actor=self.handler(assignment.unit), reply=reply)
            replies.append(reply)
        if target == "reply_review":
            return
        if variant == "reply_returned":
            self.do(
                clock,
                at["ret"],
                services.review_reply,
                actor=staff,
                reply=replies[0],
                approve=False,
                note=rng.choice(text.REPLY_RETURN_NOTES),
            )
            return
        for index, reply in enumerate(replies):
            corrected = "B" if variant == "corrected" and index == 0 else ""
            moment = at["ap"] if index == len(replies) - 1 else self._between(clock.last, at["ap"])
            self.do(
                clock,
                moment,
                services.review_reply,
                actor=staff,
                reply=reply,
                approve=True,
                result_class=corrected,
            )
        if target == "answered":
            # A co-signer may rate before the lead proposer does; the proposal stays answered.
            signed = [p for p in plan.cosigners if p not in plan.silent and p != plan.decliner]
            if signed and self.rng.random() < 0.5:
                self._rate(clock, plan, replies, signed[:1], "")
            return
        lead_unit = replying[0]
        rated = at.get("rt", at.get("cl", self.now))
        if rng.random() < 0.8:
            self.do(
                clock,
                self._between(at["ap"], rated),
                services.rate_quality,
                actor=self.handler(lead_unit.unit),
                assignment=lead_unit,
                score=rng.randint(62, 98),
                comment="提案选题准确，建议具有可操作性。",
            )
        if variant == "by_staff":
            self.do(
                clock,
                at["cl"],
                services.close_proposal,
                actor=staff,
                proposal=proposal,
                note="评价期满，提案人未评价，予以办结。",
            )
            return
        first_level = {"basic": "basic", "rehandled": "unsatisfied", "rehandling": "unsatisfied"}.get(
            variant, "satisfied"
        )
        self._rate(clock, plan, replies, [plan.author], first_level, at["rt"])
        if variant == "rehandling":
            self.deadlines[lead_unit.pk] = services.add_months(
                timezone.localdate(at["rt"]), self.policy.rehandle_months
            )
            return
        if variant == "rehandled":
            self.deadlines[lead_unit.pk] = services.add_months(
                timezone.localdate(at["rt"]), self.policy.rehandle_months
            )
            method = rng.choice(list(Communication.Method.values))
            self.do(
                clock,
                self._between(at["rt"], at["rep2"]),
                services.record_communication,
                actor=self.handler(lead_unit.unit),
                assignment=lead_unit,
                method=method,
                day=self.today,
                summary="重新办理：" + text.communication(rng, method),
            )
            reply = self._save_reply(clock, plan, proposal, lead_unit, self._before(at["rep2"], 0.1, 3), "B")
            self.do(clock, at["rep2"], services.submit_reply, actor=self.handler(lead_unit.unit), reply=reply)
            self.do(clock, at["ap2"], services.review_reply, actor=staff, reply=reply, approve=True)
            replies = [reply]
            self._rate(clock, plan, replies, [plan.author], rng.choice(["basic", "unsatisfied"]), at["rt2"])
        if plan.kind == K.JOINT:
            others = [p for p in plan.cosigners if p not in plan.silent and p != plan.decliner]
            self._rate(clock, plan, replies, [p for p in others if rng.random() < 0.6], "")

    def _rate(
        self,
        clock: _Clock,
        plan: Plan,
        replies: list[Reply],
        people: list[Person],
        level: str,
        moment: datetime | None = None,
    ) -> None:
        rng = self.rng
        scores = {"satisfied": (85, 100), "basic": (70, 86), "unsatisfied": (45, 68)}
        for person in people:
            for reply in replies:
                chosen = level or rng.choices(["satisfied", "basic"], weights=[85, 15])[0]
                result = chosen if chosen != "satisfied" or rng.random() < 0.9 else "basic"
                handling = chosen if chosen != "unsatisfied" or rng.random() < 0.5 else "basic"
                when = moment or self._after(clock.last or self.now, 0.2, 6)
                self.do(
                    clock,
                    when,
                    services.rate_reply,
                    actor=self.actor(person),
                    reply=reply,
                    handling=handling,
                    result=result,
                    unit_score=rng.randint(*scores[chosen]),
                    comment=text.rating_comment(rng, chosen),
                )

    # ------------------------------------------------------------ awards and leads

    def _awards(self) -> None:
        staff = self.actor(self.staff)
        clock = _Clock(self)
        year = self.year_session.year
        closed = list(
            Proposal.objects.filter(
                organization=self.org, state=Proposal.State.CLOSED, session__year=year
            ).order_by("-key_status", "id")
        )
        best = [p for p in closed if not p.ratings.filter(is_lead=True).exclude(result="satisfied").exists()]
        moment = self._ago(2, 10)
        for proposal in best[: 3 * self.scale]:
            self.do(
                clock,
                moment,
                services.give_award,
                actor=staff,
                year=year,
                kind=Award.Kind.PROPOSAL,
                proposal=proposal,
                note=self.rng.choice(text.AWARD_PROPOSAL_NOTES),
            )
        done = Counter(
            Assignment.objects.filter(organization=self.org, state=Assignment.State.DONE).values_list(
                "unit_id", flat=True
            )
        )
        units = {u.pk: u for u in self.units}
        for unit_id, _ in sorted(done.items(), key=lambda item: (-item[1], item[0]))[:2]:
            self.do(
                clock,
                moment,
                services.give_award,
                actor=staff,
                year=year,
                kind=Award.Kind.UNIT,
                unit=units[unit_id],
                note=self.rng.choice(text.AWARD_UNIT_NOTES),
            )

    def _leads(self) -> None:
        """提案线索 from citizens: some waiting for moderation, some published, one rejected, one adopted."""
        staff = self.actor(self.staff)
        states = [
            "pending",
            "pending",
            "pending",
            "published",
            "published",
            "published",
            "rejected",
            "adopted",
        ]
        picks = self.rng.sample(text.LEADS, k=len(states))
        for index, (state, lead_words) in enumerate(zip(states, picks, strict=True)):
            clock = _Clock(self)
            title, body = text.lead_text(lead_words, self.place)
            submitted = self._ago(0.5, 12) if state == "pending" else self._ago(15, 90)
            lead = self.do(
                clock,
                submitted,
                services.submit_lead,
                organization=self.org,
                title=title,
                body=body,
                contact="",
                address=f"demo:{self.org.slug}:{index}",
            )
            if state == "pending":
                continue
            publish = state != "rejected"
            lead = self.do(
                clock,
                self._after(submitted, 1, 5),
                services.moderate_lead,
                actor=staff,
                lead=lead,
                publish=publish,
                note="" if publish else text.LEAD_REJECT_NOTE,
            )
            if state == "adopted":
                adopted = self._after(clock.last, 2, 10)
                proposal = self.do(
                    clock, adopted, services.adopt_lead, actor=self.actor(self.member), lead=lead
                )
                session = self.session_for(timezone.localdate(adopted))
                if proposal.session_id != session.pk:
                    Proposal.objects.filter(pk=proposal.pk).update(session=session, term_id=session.term_id)

    # ------------------------------------------------------------ backdating

    def _planned(self, real: datetime) -> datetime:
        index = bisect_left(self.real, real)
        return self.planned[min(index, len(self.planned) - 1)]

    def _move(self, model: type, fields: list[str], rows: list | None = None) -> list:
        if rows is None:
            rows = list(model.objects.filter(organization=self.org).only("pk", *fields))
        for row in rows:
            for name in fields:
                value = getattr(row, name)
                if value is not None and value >= self.started:
                    setattr(row, name, self._planned(value))
        model.objects.bulk_update(rows, fields, batch_size=500)
        return rows

    def _backdate(self) -> None:
        """Move every timestamp the services wrote to its planned moment; derive dates and deadlines."""
        org = self.org
        transitions = self._move(Transition, ["at"], list(Transition.objects.filter(organization=org)))
        # 办前面商 can only be recorded for today while the demo runs; the timeline tells the planned day.
        built = f"（{self.today:%Y年%m月%d日}）"
        talks = [t for t in transitions if t.action == "communicate" and built in t.note]
        for transition in talks:
            day = timezone.localdate(transition.at)
            transition.note = transition.note.replace(built, f"（{day:%Y年%m月%d日}）")
        Transition.objects.bulk_update(talks, ["note"], batch_size=500)
        self._move(Proposer, ["invited_at", "responded_at"])
        self._move(RerouteRequest, ["requested_at", "decided_at"])
        self._move(Reply, ["submitted_at", "approved_at"])
        self._move(Rating, ["rated_at"])
        self._move(Award, ["decided_at"])
        self._move(
            Lead,
            ["submitted_at"],
            list(Lead.objects.filter(organization=org, submitted_at__gte=self.started)),
        )
        for model in (Communication, SupervisionEvent):
            rows = self._move(model, ["recorded_at"])
            for row in rows:
                row.date = timezone.localdate(row.recorded_at)
            model.objects.bulk_update(rows, ["date"], batch_size=500)
        assignments = self._move(Assignment, ["assigned_at", "accepted_at", "opinion_at"])
        for assignment in assignments:
            assignment.deadline = self.deadlines[assignment.pk]
        Assignment.objects.bulk_update(assignments, ["deadline"], batch_size=500)
        open_states = {Assignment.State.ASSIGNED, Assignment.State.ACCEPTED, Assignment.State.REROUTE}
        open_deadlines: dict[int, list[date]] = {}
        for row in Assignment.objects.filter(organization=org, state__in=open_states).values(
            "proposal_id", "deadline"
        ):
            open_deadlines.setdefault(row["proposal_id"], []).append(row["deadline"])
        moments = [
            "created_at",
            "updated_at",
            "submitted_at",
            "filed_at",
            "assigned_at",
            "answered_at",
            "closed_at",
        ]
        proposals = self._move(
            Proposal, moments, list(Proposal.objects.filter(organization=org).select_related("session"))
        )
        for proposal in proposals:
            if proposal.submitted_at:
                window = proposal.session.in_plenary_window(timezone.localdate(proposal.submitted_at))
                proposal.stage = Proposal.Stage.PLENARY if window else Proposal.Stage.ORDINARY
            if proposal.deadline is not None:
                proposal.deadline = min(open_deadlines.get(proposal.pk, [proposal.deadline]))
        Proposal.objects.bulk_update(proposals, ["stage", "deadline"], batch_size=500)
        notifications = self._move(
            Notification,
            ["created_at"],
            list(Notification.objects.filter(organization=org, created_at__gte=self.started)),
        )
        # People read what reached them weeks ago; the last three weeks stay unread.
        read = [n for n in notifications if n.created_at < self.now - timedelta(days=21)]
        for notification in read:
            notification.read_at = notification.created_at + timedelta(hours=self.rng.randint(1, 48))
        Notification.objects.bulk_update(read, ["read_at"], batch_size=500)
