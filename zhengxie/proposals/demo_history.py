"""Past years for the demo: the sessions before the demo year, each with closed proposals — filed,
assigned, answered, rated — written as records the way an import of past years writes them (not step by
step through the services), with the timeline rows each one would have. They give the demo what only
history gives: similar proposals of earlier years, and assignments to learn suggested units from.
"""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from random import Random

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.models import HandlingUnit, Member, Organization, Person, PlenarySession, RoleGrant
from zhengxie.core.roles import Role

from . import demo_text as words
from . import facts
from .models import Assignment, Category, Proposal, Proposer, Rating, Reply, Transition
from .policy import policy_for
from .services import add_months

PER_SESSION = 60
NOTE = "往年记录"
S = Proposal.State
CLASSES = ["A"] * 6 + ["B"] * 3 + ["C"]
LEVELS = ["satisfied"] * 9 + ["basic"]


@scopes_disabled()
def build(*, organizations: list[Organization], scale: int, rng: Random, log: Callable[[str], None]) -> None:
    for org in organizations:
        with transaction.atomic():
            count = _History(org, rng, PER_SESSION * scale).build()
        if count:
            log(f"{org.name}：往年提案 {count} 件")


class _History:
    def __init__(self, org: Organization, rng: Random, per_session: int) -> None:
        self.org, self.rng, self.per_session = org, rng, per_session
        self.place = org.short_name or org.name
        self.units = {u.short_name or u.name: u for u in HandlingUnit.objects.filter(organization=org)}
        self.categories = {c.name: c for c in Category.objects.filter(organization=org)}
        self.members = list(
            Person.objects.filter(
                pk__in=Member.objects.filter(organization=org, status=Member.Status.ACTIVE).values("person")
            )
            .exclude(username__startswith="demo-")
            .order_by("id")[:200]
        )
        self.staff = Person.objects.filter(username__startswith="demo-proposal-staff").order_by("id").first()
        self.months = policy_for(org).deadline_months
        self.writers = {
            g.handling_unit_id: g.person
            for g in RoleGrant.objects.filter(organization=org, role=Role.HANDLER).select_related("person")
        }

    def build(self) -> int:
        this_year = timezone.localdate().year
        sessions = [
            s
            for s in PlenarySession.objects.filter(organization=self.org, year__lt=this_year).order_by("year")
            if not Proposal.objects.filter(organization=self.org, session=s).exists()
        ]
        if not self.members or not self.units:
            return 0
        # Each proposal is indexed for search as it is saved (the search source's post_save signal).
        made = [self._proposal(s, n) for s in sessions for n in range(1, self.per_session + 1)]
        # Written without the steps: store the handling's facts the figures count, as a step would.
        facts.refresh(Proposal.objects.filter(pk__in=[p.pk for p in made]))
        return len(made)

    def _at(self, day, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, self.rng.randint(0, 59))))

    def _proposal(self, session: PlenarySession, number: int) -> Proposal:
        rng = self.rng
        topic = rng.choice(words.TOPICS)
        subject = rng.choice(topic.subjects)
        reason, suggestions = words.proposal_text(rng, topic, subject, self.place)
        lead_name = next(
            (n for n in rng.sample(topic.lead_units, len(topic.lead_units)) if n in self.units), None
        )
        unit = self.units[lead_name] if lead_name else rng.choice(list(self.units.values()))
        person = rng.choice(self.members)
        plenary = rng.random() < 0.7
        submitted_day = (
            session.submission_closes_on - timedelta(days=rng.randint(0, 20))
            if plenary
            else session.closes_on + timedelta(days=rng.randint(20, 200))
        )
        submitted = self._at(submitted_day, 9)
        filed = submitted + timedelta(days=rng.randint(10, 25))
        assigned = filed + timedelta(days=rng.randint(3, 10))
        deadline = add_months(assigned.date(), self.months)
        answered = assigned + timedelta(days=rng.randint(40, 85))
        rated = answered + timedelta(days=rng.randint(3, 12))
        title = words.title(rng, subject)[:50]
        proposal = Proposal.objects.create(
            organization=self.org,
            term=session.term,
            session=session,
            number=number,
            title=title,
            reason=reason,
            suggestions=suggestions,
            category=self.categories.get(topic.category),
            kind=Proposal.Kind.INDIVIDUAL,
            proposer=person,
            proposer_name=person.full_name,
            state=S.CLOSED,
            waiting=Proposal.Waiting.NONE,
            stage=Proposal.Stage.PLENARY if plenary else Proposal.Stage.ORDINARY,
            submitted_at=submitted,
            filed_at=filed,
            assigned_at=assigned,
            answered_at=answered,
            closed_at=rated,
            created_at=submitted - timedelta(days=2),
            updated_at=rated,
        )
        Proposer.objects.create(
            organization=self.org, proposal=proposal, person=person, name=person.full_name, role="lead"
        )
        assignment = Assignment.objects.create(
            organization=self.org,
            proposal=proposal,
            unit=unit,
            kind=Assignment.Kind.LEAD,
            state=Assignment.State.DONE,
            assigned_at=assigned,
            deadline=deadline,
            accepted_at=assigned + timedelta(days=1),
        )
        result_class = rng.choice(CLASSES)
        reply = Reply.objects.create(
            organization=self.org,
            proposal=proposal,
            assignment=assignment,
            body=words.reply_text(
                rng,
                topic=topic,
                place=self.place,
                addressee=f"{person.full_name}委员",
                proposal_title=title,
                number=number,
                result_class=result_class,
            ),
            result_class=result_class,
            signer=f"{unit.short_name or unit.name}负责人",
            state=Reply.State.APPROVED,
            written_by=self.writers.get(unit.pk, person),
            submitted_at=answered - timedelta(days=2),
            approved_at=answered,
        )
        level = rng.choice(LEVELS)
        Rating.objects.create(
            organization=self.org,
            reply=reply,
            proposal=proposal,
            person=person,
            is_lead=True,
            handling=level,
            result=level,
            rated_at=rated,
        )
        staff_name = self.staff.full_name if self.staff else "提案委"
        steps = [
            (submitted, "submit", "", S.SUBMITTED, person.full_name),
            (filed, "file", S.SUBMITTED, S.FILED, staff_name),
            (assigned, "assign", S.FILED, S.ASSIGNED, staff_name),
            (assigned + timedelta(days=1), "accept", S.ASSIGNED, S.HANDLING, str(unit)),
            (answered - timedelta(days=2), "submit_reply", S.HANDLING, S.REPLY_REVIEW, str(unit)),
            (answered, "review_reply", S.REPLY_REVIEW, S.ANSWERED, staff_name),
            (rated, "rate", S.ANSWERED, S.CLOSED, person.full_name),
        ]
        Transition.objects.bulk_create(
            [
                Transition(
                    organization=self.org,
                    proposal=proposal,
                    action=action,
                    from_state=before,
                    to_state=after,
                    actor_name=who,
                    note=NOTE,
                    at=at,
                )
                for at, action, before, after, who in steps
            ]
        )
        return proposal
