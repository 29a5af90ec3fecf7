"""The handling's facts kept on the proposal (facts.py) are what its replies, ratings and talks say, after
every step and after `refresh` for rows written without steps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zhengxie.proposals import facts, services
from zhengxie.proposals.models import Assignment, Communication, Proposal, Rating, Reply

from . import builders as b

pytestmark = pytest.mark.django_db


def _facts(proposal: Proposal) -> tuple:
    return tuple(Proposal.objects.filter(pk=proposal.pk).values_list(*facts.FIELDS).get())


def test_each_step_stores_the_class_the_satisfaction_the_lateness_and_the_meeting(pw):
    proposal = b.handled(pw)
    assert _facts(proposal) == ("", "", False, False)
    lead = proposal.assignments.get(kind=Assignment.Kind.LEAD)
    services.record_communication(
        actor=pw.actor(pw.handlers[0]),
        assignment=lead,
        method=Communication.Method.FACE,
        day=timezone.localdate(),
        summary="与提案人当面沟通。",
    )
    assert _facts(proposal)[3] is True
    proposal, reply = b.answered(pw)
    assert _facts(proposal) == ("A", "", False, False)
    services.rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="basic")
    assert _facts(proposal) == ("A", "basic", False, False)
    assert not facts.drift(Proposal.objects.all()).exists()


def test_a_reply_after_the_deadline_is_late_and_refresh_fills_rows_written_without_steps(pw):
    proposal, reply = b.answered(pw)
    Assignment.objects.filter(proposal=proposal).update(deadline=timezone.localdate() - timedelta(days=3))
    Rating.objects.create(
        organization=pw.org,
        reply=reply,
        proposal=proposal,
        person=pw.bob,
        is_lead=True,
        handling="unsatisfied",
        result="satisfied",
    )
    Reply.objects.filter(pk=reply.pk).update(result_class="C")
    drifted = facts.drift(Proposal.objects.all())
    assert list(drifted) == [proposal]
    assert facts.refresh(Proposal.objects.filter(pk=proposal.pk)) == 1
    assert _facts(proposal) == ("C", "unsatisfied", True, False)
    assert not facts.drift(Proposal.objects.all()).exists()
