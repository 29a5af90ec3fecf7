"""The permission matrix: every workflow step × every role × a right and a wrong state."""

import pytest
from django.core.exceptions import PermissionDenied

from zhengxie.core.errors import WorkflowError
from zhengxie.core.models import AuditEvent, Notification
from zhengxie.core.permissions import Actor
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.proposals.models import Proposal, Transition
from zhengxie.proposals.workflow import STEPS, guard

from .actions import CALLS, attempt
from .builders import in_state

S = Proposal.State
WRONG_FIRST = [S.DRAFT, S.CLOSED, S.WITHDRAWN, S.SUBMITTED, S.FILED, S.ANSWERED]


def wrong_state(step) -> str:
    return next(s for s in WRONG_FIRST if s not in step.sources)


def test_every_step_has_a_service_call():
    assert set(CALLS) == set(STEPS)


@pytest.mark.parametrize("name", list(STEPS))
@pytest.mark.parametrize("role", list(Role))
def test_guard_matrix(world, name, role):
    step = STEPS[name]
    actor = Actor(person=world.bob, organization=world.org, roles=frozenset({role}))
    right = Proposal(organization=world.org, state=step.sources[0])
    wrong = Proposal(organization=world.org, state=wrong_state(step))
    if role in step.roles:
        assert guard(name, actor, right) is step
        with pytest.raises(WorkflowError) as info:
            guard(name, actor, wrong)
        assert "不能" in info.value.message
    else:
        for proposal in (right, wrong):
            with pytest.raises(PermissionDenied):
                guard(name, actor, proposal)


def people_by_role(pw) -> dict:
    people = {
        Role.MEMBER: pw.bob,
        Role.PROPOSAL_STAFF: pw.staff,
        Role.HANDLER: pw.handlers[0],
        Role.LEADER: pw.leader,
        Role.ORG_ADMIN: pw.world.alice,
        Role.UNIT_LIAISON: pw.liaison,
    }
    for role in (Role.OPINION_EDITOR, Role.COMMITTEE_STAFF, Role.STUDIO_KEEPER):
        person = f.PersonFactory(full_name=role.label[:10])
        extra = {"committee": f.CommitteeFactory(organization=pw.org)} if role == Role.COMMITTEE_STAFF else {}
        f.RoleGrantFactory(organization=pw.org, person=person, role=role, **extra)
        people[role] = person
    return people


def snapshot(proposal):
    proposal.refresh_from_db()
    return (
        proposal.state,
        proposal.version,
        proposal.updated_at,
        Transition.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_services_refuse_wrong_role_and_wrong_state_and_change_nothing(pw):
    people = people_by_role(pw)
    proposals: dict[str, Proposal] = {}

    def proposal_in(state):
        if state not in proposals:
            proposals[state] = in_state(pw, state)
        return proposals[state]

    def first(rows):
        return rows[0]

    checked = 0
    for name, step in STEPS.items():
        right = proposal_in(step.sources[0])
        for role, person in people.items():
            actor = pw.actor(person)
            if step.roles & actor.roles:
                continue
            before = snapshot(right)
            with pytest.raises(PermissionDenied):
                attempt(name, actor, right, first)
            assert snapshot(right) == before, (name, role)
            checked += 1
        wrong = proposal_in(wrong_state(step))
        holder = next(p for r, p in people.items() if r in step.roles)
        before = snapshot(wrong)
        with pytest.raises(WorkflowError):
            attempt(name, pw.actor(holder), wrong, first)
        assert snapshot(wrong) == before, name
        checked += 1
    assert checked > len(STEPS) * 5


def test_outsider_from_another_organisation_gets_404_for_every_step(pw):
    from django.http import Http404

    proposal = in_state(pw, S.SUBMITTED)
    outsider = pw.actor(pw.other_staff, pw.world.other_org)
    for name in STEPS:
        if name == "award":
            continue  # needs the proposal staff role of the proposal's organisation first
        with pytest.raises((Http404, PermissionDenied)):
            attempt(name, outsider, proposal, lambda rows: rows[0])
    assert Transition.objects.filter(proposal=proposal).count() == 2
