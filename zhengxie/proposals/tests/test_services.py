from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhengxie.core.errors import ConflictError, WorkflowError
from zhengxie.core.models import AuditEvent, Notification
from zhengxie.proposals import services
from zhengxie.proposals.models import Assignment, Proposal, Proposer, Reply, Transition

from .builders import answered, draft, filed, handled, submitted

S = Proposal.State


def test_joint_proposal_counts_as_submitted_only_when_cosigners_confirm(pw):
    proposal = draft(pw)
    services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave, pw.erin])
    proposal = services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    assert proposal.state == S.COSIGNING
    assert proposal.submitted_at is None
    assert Notification.objects.filter(recipient=pw.dave, kind="cosign").count() == 1
    services.sign_proposal(actor=pw.actor(pw.dave), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.COSIGNING
    services.decline_proposal(actor=pw.actor(pw.erin), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    assert proposal.submitted_at is not None
    assert proposal.stage == Proposal.Stage.PLENARY
    assert proposal.kind == Proposal.Kind.JOINT
    assert set(services.proposer_ids(proposal)) == {pw.bob.pk, pw.dave.pk}


def test_unsigned_invitee_can_be_removed_and_proposal_moves_on(pw):
    proposal = draft(pw)
    services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave, pw.erin])
    services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    services.sign_proposal(actor=pw.actor(pw.dave), proposal=proposal)
    services.remove_cosigner(actor=pw.actor(pw.bob), proposal=proposal, person=pw.erin)
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    with pytest.raises(WorkflowError):
        services.remove_cosigner(actor=pw.actor(pw.bob), proposal=proposal, person=pw.dave)


def test_only_the_invited_member_can_sign(pw):
    proposal = draft(pw)
    services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave])
    services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.sign_proposal(actor=pw.actor(pw.erin), proposal=proposal)


def test_collective_proposal_needs_the_units_liaison(pw):
    with pytest.raises(PermissionDenied):
        services.create_proposal(
            actor=pw.actor(pw.bob),
            title="集体提案",
            kind=Proposal.Kind.COLLECTIVE,
            participating_unit=pw.liaison_unit,
        )
    proposal = services.create_proposal(
        actor=pw.actor(pw.liaison),
        title="关于支持民营经济发展的建议",
        reason="理由",
        suggestions="建议",
        category=pw.category,
        kind=Proposal.Kind.COLLECTIVE,
        participating_unit=pw.liaison_unit,
    )
    assert proposal.proposer_name == "民盟甲市委"
    services.submit_proposal(actor=pw.actor(pw.liaison), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED


def test_stale_edit_is_refused(pw):
    proposal = draft(pw)
    actor = pw.actor(pw.bob)
    services.update_proposal(
        actor=actor, proposal=proposal, version=1, title="新案由", reason="", suggestions="", category=None
    )
    with pytest.raises(ConflictError):
        services.update_proposal(
            actor=actor,
            proposal=proposal,
            version=1,
            title="旧案由",
            reason="",
            suggestions="",
            category=None,
        )
    proposal.refresh_from_db()
    assert proposal.title == "新案由"


def test_same_form_twice_creates_one_draft(pw):
    first = draft(pw, token="abc")
    second = draft(pw, token="abc")
    assert first.pk == second.pk
    assert Proposal.objects.filter(proposer=pw.bob).count() == 1


def test_submit_needs_complete_content(pw):
    proposal = draft(pw, suggestions="")
    with pytest.raises(ValidationError) as info:
        services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    assert "具体建议" in str(info.value)


def test_filing_numbers_proposals_consecutively_per_session(pw):
    first, second = filed(pw), filed(pw)
    assert (first.number, second.number) == (1, 2)


def test_not_filing_needs_ground_reason_and_disposition(pw):
    proposal = submitted(pw)
    staff = pw.actor(pw.staff)
    with pytest.raises(ValidationError):
        services.not_file_proposal(
            actor=staff, proposal=proposal, ground=None, reason="", disposition="reference"
        )
    proposal = services.not_file_proposal(
        actor=staff, proposal=proposal, ground=pw.ground, reason="涉密", disposition="reference"
    )
    assert proposal.state == S.NOT_FILED
    note = Notification.objects.get(recipient=pw.bob, kind="not_filed")
    assert "转为工作参考" in note.message and str(pw.ground) in note.message


def test_returned_proposal_can_be_edited_and_resubmitted(pw):
    proposal = submitted(pw)
    services.not_file_proposal(
        actor=pw.actor(pw.staff),
        proposal=proposal,
        ground=None,
        reason="请补充具体建议",
        disposition="return",
    )
    proposal.refresh_from_db()
    assert proposal.state == S.RETURNED
    services.update_proposal(
        actor=pw.actor(pw.bob),
        proposal=proposal,
        version=proposal.version,
        title=proposal.title,
        reason=proposal.reason,
        suggestions="补充后的建议",
        category=pw.category,
    )
    proposal = services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    assert proposal.state == S.SUBMITTED


def test_merge_keeps_every_proposer_of_both(pw):
    target = submitted(pw)
    other = draft(pw, person=pw.dave)
    services.invite_cosigners(actor=pw.actor(pw.dave), proposal=other, people=[pw.erin])
    services.submit_proposal(actor=pw.actor(pw.dave), proposal=other)
    services.sign_proposal(actor=pw.actor(pw.erin), proposal=other)
    services.merge_proposal(actor=pw.actor(pw.staff), proposal=other, into=target)
    other.refresh_from_db()
    assert other.state == S.MERGED and other.merged_into_id == target.pk
    assert set(services.proposer_ids(target)) == {pw.bob.pk, pw.dave.pk, pw.erin.pk}


def test_withdraw_only_before_filing(pw):
    proposal = submitted(pw)
    services.withdraw_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.WITHDRAWN
    proposal = filed(pw)
    with pytest.raises(WorkflowError):
        services.withdraw_proposal(actor=pw.actor(pw.bob), proposal=proposal)


def test_default_deadline_is_three_months_and_extension_at_most_six(pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    assignment = proposal.assignments.get()
    today = timezone.localdate()
    assert assignment.deadline == services.add_months(today, 3)
    with pytest.raises(ValidationError):
        services.extend_deadline(
            actor=pw.actor(pw.staff),
            assignment=assignment,
            deadline=services.add_months(today, 7),
            reason="调研",
        )
    with pytest.raises(ValidationError):
        services.extend_deadline(
            actor=pw.actor(pw.staff), assignment=assignment, deadline=services.add_months(today, 5), reason=""
        )
    services.extend_deadline(
        actor=pw.actor(pw.staff),
        assignment=assignment,
        deadline=services.add_months(today, 6),
        reason="需跨部门协调",
    )
    assignment.refresh_from_db()
    assert assignment.deadline == services.add_months(today, 6)


def test_only_the_assigned_unit_accepts_and_replies(pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    assignment = proposal.assignments.get()
    with pytest.raises(PermissionDenied):
        services.accept_assignment(actor=pw.actor(pw.handlers[2]), assignment=assignment)
    services.accept_assignment(actor=pw.actor(pw.handlers[0]), assignment=assignment)
    with pytest.raises(PermissionDenied):
        services.save_reply(
            actor=pw.actor(pw.handlers[2]), assignment=assignment, body="x", result_class="A", signer="x"
        )


def test_lead_cannot_submit_reply_before_co_units_countersign(pw):
    proposal = handled(pw)
    lead = proposal.assignments.get(kind=Assignment.Kind.LEAD)
    reply = services.save_reply(
        actor=pw.actor(pw.handlers[0]), assignment=lead, body="答复", result_class="B", signer="王局长"
    )
    proposal.refresh_from_db()
    assert proposal.waiting == Proposal.Waiting.COUNTERSIGN
    with pytest.raises(WorkflowError) as info:
        services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=reply)
    assert "协办单位尚未会签" in info.value.message


def test_reply_needs_communication_when_the_organisation_requires_it(pw):
    services.update_policy(actor=pw.actor(pw.world.alice), values={"require_communication": True})
    proposal = handled(pw, co=False)
    lead = proposal.assignments.get()
    actor = pw.actor(pw.handlers[0])
    reply = services.save_reply(actor=actor, assignment=lead, body="答复", result_class="B", signer="王局长")
    with pytest.raises(WorkflowError):
        services.submit_reply(actor=actor, reply=reply)
    services.record_communication(
        actor=actor, assignment=lead, method="face", day=timezone.localdate(), summary="当面听取意见"
    )
    services.submit_reply(actor=actor, reply=reply)
    proposal.refresh_from_db()
    assert proposal.state == S.REPLY_REVIEW
    assert proposal.waiting == Proposal.Waiting.OFFICE_REVIEW


def test_office_may_correct_the_class_before_proposers_see_it(pw):
    proposal = handled(pw, co=False)
    lead = proposal.assignments.get()
    reply = services.save_reply(
        actor=pw.actor(pw.handlers[0]), assignment=lead, body="答复", result_class="A", signer="王局长"
    )
    services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=reply)
    services.review_reply(actor=pw.actor(pw.staff), reply=reply, approve=False, note="答复过于简单")
    reply.refresh_from_db()
    assert reply.state == Reply.State.RETURNED
    assert not Notification.objects.filter(recipient=pw.bob, kind="replied").exists()
    services.save_reply(
        actor=pw.actor(pw.handlers[0]), assignment=lead, body="详细答复", result_class="A", signer="王局长"
    )
    services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=reply)
    services.review_reply(actor=pw.actor(pw.staff), reply=reply, approve=True, result_class="B")
    reply.refresh_from_db()
    proposal.refresh_from_db()
    assert reply.result_class == "B"
    assert proposal.state == S.ANSWERED
    assert Notification.objects.filter(recipient=pw.bob, kind="replied").count() == 1


def test_unsatisfied_rating_sends_proposal_back_once(pw):
    proposal, reply = answered(pw)
    bob = pw.actor(pw.bob)
    services.rate_reply(actor=bob, reply=reply, handling="basic", result="unsatisfied", comment="未解决")
    proposal.refresh_from_db()
    assert proposal.state == S.HANDLING and proposal.rehandled
    lead = proposal.assignments.get(kind=Assignment.Kind.LEAD)
    assert lead.round == 2 and lead.state == Assignment.State.ACCEPTED
    with pytest.raises(WorkflowError):
        services.rate_reply(actor=bob, reply=reply, handling="satisfied", result="satisfied")
    second = services.save_reply(
        actor=pw.actor(pw.handlers[0]),
        assignment=lead,
        body="重新办理后的答复",
        result_class="B",
        signer="王局长",
    )
    assert second.pk != reply.pk
    services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=second)
    services.review_reply(actor=pw.actor(pw.staff), reply=second, approve=True)
    services.rate_reply(actor=bob, reply=second, handling="unsatisfied", result="unsatisfied")
    proposal.refresh_from_db()
    assert proposal.state == S.CLOSED


def test_satisfied_lead_rating_closes_and_cosigner_may_still_rate(pw):
    proposal, reply = answered(pw)
    services.rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="satisfied")
    proposal.refresh_from_db()
    assert proposal.state == S.CLOSED
    with pytest.raises(PermissionDenied):
        services.rate_reply(actor=pw.actor(pw.dave), reply=reply, handling="satisfied", result="satisfied")


def test_reroute_request_and_reassignment(pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    assignment = proposal.assignments.get()
    request = services.request_reroute(
        actor=pw.actor(pw.handlers[0]), assignment=assignment, reason="不属我单位职责"
    )
    proposal.refresh_from_db()
    assert proposal.waiting == Proposal.Waiting.REROUTE
    services.decide_reroute(actor=pw.actor(pw.staff), request=request, approve=True, new_unit=pw.units[2])
    proposal.refresh_from_db()
    assert proposal.state == S.ASSIGNED
    assert [a.unit_id for a in proposal.assignments.exclude(state=Assignment.State.REROUTED)] == [
        pw.units[2].pk
    ]
    assert Notification.objects.filter(recipient=pw.handlers[0], kind="reroute_decided").exists()
    assert Notification.objects.filter(recipient=pw.handlers[2], kind="assigned").exists()


def test_reroute_request_after_the_time_limit_is_refused(pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    Assignment.objects.filter(proposal=proposal).update(assigned_at=timezone.now() - timedelta(days=20))
    with pytest.raises(WorkflowError):
        services.request_reroute(
            actor=pw.actor(pw.handlers[0]), assignment=proposal.assignments.get(), reason="不属我单位职责"
        )


def test_key_proposal_with_its_leader_and_supervision(pw):
    proposal = handled(pw)
    staff = pw.actor(pw.staff)
    services.propose_key(actor=staff, proposal=proposal)
    services.decide_key(actor=staff, proposal=proposal, leader=pw.leader)
    with pytest.raises(PermissionDenied):
        services.record_supervision(
            actor=pw.actor(pw.bob), proposal=proposal, kind="visit", day=timezone.localdate(), summary="调研"
        )
    event = services.record_supervision(
        actor=pw.actor(pw.leader),
        proposal=proposal,
        kind="visit",
        day=timezone.localdate(),
        summary="实地调研",
    )
    assert event.proposal_id == proposal.pk


def test_every_step_writes_one_timeline_row_and_one_audit_event(pw):
    proposal, reply = answered(pw)
    services.rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="satisfied")
    steps = Transition.objects.filter(proposal=proposal).count()
    events = AuditEvent.objects.filter(object_type="proposals.proposal", object_id=str(proposal.pk)).count()
    assert steps == events == 11


def test_deadline_reminders_are_sent_once_a_day(pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    assignment = proposal.assignments.get()
    today = timezone.localdate()
    Assignment.objects.filter(pk=assignment.pk).update(deadline=today + timedelta(days=7))
    assert services.send_deadline_reminders(today) == 1
    assert services.send_deadline_reminders(today) == 0
    assert services.send_deadline_reminders(today + timedelta(days=1)) == 0  # 6 days before: no reminder
    assert services.send_deadline_reminders(today + timedelta(days=7)) == 1  # on the day
    overdue = services.send_deadline_reminders(today + timedelta(days=8))
    assert overdue == 2  # the unit's user and the proposal staff's summary
    assert services.send_deadline_reminders(today + timedelta(days=8)) == 0
    assert services.send_deadline_reminders(today + timedelta(days=9)) == 2


def test_foreign_proposal_is_missing(pw):
    proposal = submitted(pw)
    from django.http import Http404

    with pytest.raises(Http404):
        services.file_proposal(actor=pw.actor(pw.other_staff, pw.world.other_org), proposal=proposal)
    assert Proposer.objects.filter(proposal=proposal).count() == 1


def test_unanswered_cosign_invitations_lapse_after_the_cosign_period(pw):
    proposal = draft(pw)
    services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave, pw.erin])
    services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    services.sign_proposal(actor=pw.actor(pw.dave), proposal=proposal)
    assert services.expire_cosign_invitations() == 0
    later = timezone.now() + timedelta(days=8)
    assert services.expire_cosign_invitations(later) == 1
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    assert set(services.proposer_ids(proposal)) == {pw.bob.pk, pw.dave.pk}
    assert Transition.objects.filter(proposal=proposal, action="cosign_lapsed").count() == 1


def test_a_joint_proposal_nobody_signed_returns_to_its_lead_as_a_draft(pw):
    proposal = draft(pw)
    services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave])
    services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    services.expire_cosign_invitations(timezone.now() + timedelta(days=8))
    proposal.refresh_from_db()
    assert proposal.state == S.DRAFT
    assert Notification.objects.filter(recipient=pw.bob, kind="cosign_failed").exists()


def test_the_same_communication_sent_twice_is_recorded_once(pw):
    proposal = handled(pw, co=False)
    assignment = proposal.assignments.get()
    actor = pw.actor(pw.handlers[0])
    for _ in range(2):
        services.record_communication(
            actor=actor, assignment=assignment, method="phone", day=timezone.localdate(), summary="电话沟通"
        )
    assert assignment.communications.count() == 1
    assert Transition.objects.filter(proposal=proposal, action="communicate").count() == 1
