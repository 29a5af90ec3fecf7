"""Random sequences of workflow steps by random people; after every step the invariants hold."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from zhengxie.core.errors import WorkflowError
from zhengxie.core.models import AuditEvent, RoleGrant
from zhengxie.core.roles import Role
from zhengxie.proposals import facts
from zhengxie.proposals.models import Assignment, Proposal, Reply, Transition
from zhengxie.proposals.workflow import AFTER_FILING, STEPS

from .actions import attempt, new_draft

S = Proposal.State
# The steps that carry a proposal towards its end; the rest are side steps and refusals.
FORWARD = {
    "submit",
    "sign",
    "precheck",
    "file",
    "assign",
    "accept",
    "countersign",
    "draft_reply",
    "submit_reply",
    "approve_reply",
    "rate",
    "close",
}
# ObjectDoesNotExist: the harness asked about a reply or re-route request that does not exist yet.
REFUSALS = (PermissionDenied, WorkflowError, ValidationError, Http404, ObjectDoesNotExist)


def check_invariants(org) -> None:
    proposals = Proposal.objects.filter(organization=org)
    # Exactly one, known state; counts by state add up to the whole.
    by_state = dict(proposals.values_list("state").annotate(n=Count("id")))
    assert set(by_state) <= set(S.values)
    assert sum(by_state.values()) == proposals.count()
    # The facts the figures count (答复类别, 满意度, 逾期, 面商) are what the replies, ratings and talks say.
    assert not facts.drift(proposals).exists()
    # Every filed proposal has a number, unique within its session.
    filed = proposals.filter(state__in=AFTER_FILING)
    assert not filed.filter(number=None).exists()
    numbers = list(proposals.exclude(number=None).values_list("session_id", "number"))
    assert len(numbers) == len(set(numbers))
    assert not proposals.exclude(state__in=AFTER_FILING).exclude(number=None).exclude(state=S.MERGED).exists()
    # Only assigned units replied: each reply belongs to a replying (lead/separate) assignment of its proposal,
    # written by a user of that unit.
    unit_users = set(
        RoleGrant.objects.filter(organization=org, role=Role.HANDLER).values_list(
            "person_id", "handling_unit_id"
        )
    )
    for reply in Reply.objects.filter(organization=org).select_related("assignment"):
        assert reply.assignment.proposal_id == reply.proposal_id
        assert reply.assignment.kind != Assignment.Kind.CO
        assert (reply.written_by_id, reply.assignment.unit_id) in unit_users
    # One audit event per timeline step.
    steps = Transition.objects.filter(organization=org).count()
    events = AuditEvent.objects.filter(organization=org, object_type="proposals.proposal").count()
    assert steps == events
    # A merged proposal points at a live case; an answered one has every replying unit done.
    assert not proposals.filter(state=S.MERGED, merged_into=None).exists()
    for proposal in proposals.filter(state__in=[S.ANSWERED]):
        replying = proposal.assignments.exclude(kind=Assignment.Kind.CO).exclude(
            state=Assignment.State.REROUTED
        )
        assert replying.exists() and not replying.exclude(state=Assignment.State.DONE).exists()


LEAD_STEPS = {"save", "invite", "uninvite", "submit", "withdraw"}


def likely(proposal, name) -> set[int]:
    """The people for whom the step is meant on this proposal: its lead, its invitees, its units' users."""
    if name in LEAD_STEPS:
        return {proposal.proposer_id}
    if name in ("sign", "decline"):
        return set(proposal.proposers.filter(state="invited").values_list("person_id", flat=True))
    if name == "rate":
        return set(proposal.proposers.filter(state="signed").values_list("person_id", flat=True))
    if STEPS[name].roles == {Role.HANDLER}:
        units = proposal.assignments.values_list("unit_id", flat=True)
        return set(
            RoleGrant.objects.filter(role=Role.HANDLER, handling_unit_id__in=units).values_list(
                "person_id", flat=True
            )
        )
    return set()


def test_random_action_sequences_keep_the_invariants(pw):
    people = [pw.bob, pw.dave, pw.erin, pw.staff, *pw.handlers, pw.leader, pw.liaison, pw.world.alice]
    names = sorted(STEPS)
    roles = {p.pk: pw.actor(p).roles for p in people}
    reached: set[str] = set()

    class ProposalMachine(RuleBasedStateMachine):
        @initialize()
        def start(self):
            # Each example starts from the same database: its writes roll back in teardown.
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.proposals = [new_draft(pw.actor(pw.bob)), new_draft(pw.actor(pw.dave))]

        @rule()
        def write_another(self):
            if len(self.proposals) < 4:
                self.proposals.append(new_draft(pw.actor(pw.erin)))

        @rule(data=st.data())
        def take_a_step(self, data):
            proposal = data.draw(st.sampled_from(self.proposals), label="proposal")
            proposal.refresh_from_db()
            # Mostly a step the proposal's state allows, often one that moves it forward, so that long
            # lives happen; sometimes any step, by anyone, to check the refusals.
            possible = [n for n in names if proposal.state in STEPS[n].sources]
            forward = [n for n in possible if n in FORWARD]
            choice = data.draw(st.integers(0, 9), label="kind of step")
            steps = forward if forward and choice < 6 else possible if possible and choice < 9 else names
            name = data.draw(st.sampled_from(steps), label="step")
            entitled = [p for p in people if roles[p.pk] & STEPS[name].roles]
            entitled = [p for p in entitled if p.pk in likely(proposal, name)] or entitled
            pool = entitled if entitled and data.draw(st.integers(0, 4), label="bias") < 4 else people
            person = data.draw(st.sampled_from(pool), label="person")
            before = (proposal.state, Transition.objects.filter(proposal=proposal).count())

            def pick(rows):
                return data.draw(st.sampled_from(rows))

            try:
                attempt(name, pw.actor(person), proposal, pick)
            except REFUSALS:
                proposal.refresh_from_db()
                assert (proposal.state, Transition.objects.filter(proposal=proposal).count()) == before

        @invariant()
        def invariants_hold(self):
            check_invariants(pw.org)
            reached.update(Proposal.objects.filter(organization=pw.org).values_list("state", flat=True))

        def teardown(self):
            if hasattr(self, "atomic"):
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)

    ProposalMachine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    ProposalMachine.TestCase().runTest()
    # The random lives went the whole way, not only through the first steps.
    assert {S.FILED, S.ASSIGNED, S.HANDLING, S.REPLY_REVIEW, S.ANSWERED, S.CLOSED} <= reached
