"""The permission matrix: every step of the report and issue graphs × every role, on a record in the right
state and in a wrong one. Allowed people succeed; the others get PermissionDenied (Http404 from another
organisation) and nothing in the database changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from zhengxie.core.errors import WorkflowError
from zhengxie.core.models import AuditEvent, Notification, Person, RoleGrant
from zhengxie.core.permissions import Actor
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.opinions import services
from zhengxie.opinions.models import (
    Feedback,
    Forwarding,
    InfoOfficer,
    Instruction,
    Issue,
    IssueItem,
    Level,
    Report,
    ReportAttachment,
    ReportTransition,
    Revision,
    ScoreRule,
)
from zhengxie.opinions.workflow import ISSUE_STEPS, STEPS, guard, guard_issue

from . import builders as b

S = Report.State
I = Issue.State  # noqa: E741


def first(rows):
    return rows[0]


# ---------------------------------------------------------------- shared by the other test files


def database_state() -> tuple:
    """Everything a refused step must leave exactly as it was."""
    return (
        sorted(
            Report.objects.values_list(
                "id",
                "state",
                "version",
                "updated_at",
                "title",
                "body",
                "edited_title",
                "edited_body",
                "item_id",
                "adopted_at",
                "upper_adopted",
                "instruction_levels",
                "outcome",
                "points",
            )
        ),
        sorted(Issue.objects.values_list("id", "state", "number", "signer_id", "signoff_note", "updated_at")),
        sorted(IssueItem.objects.values_list("id", "issue_id", "position", "title", "body", "sources")),
        ReportTransition.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
        Revision.objects.count(),
        Forwarding.objects.count(),
        Instruction.objects.count(),
        Feedback.objects.count(),
    )


def _issue(report: Report, pick) -> Issue:
    rows = list(Issue.objects.filter(organization=report.organization).order_by("year", "number"))
    return pick(rows) if rows else Issue(organization=report.organization, year=b.today().year, number=0)


def _item(report: Report, pick) -> IssueItem:
    rows = list(IssueItem.objects.filter(organization=report.organization).order_by("id"))
    if rows:
        return pick(rows)
    return IssueItem(organization=report.organization, issue=_issue(report, pick), position=1)


def leader_of(organization) -> Person | None:
    return Person.objects.filter(
        pk__in=RoleGrant.objects.filter(organization=organization, role=Role.LEADER).values("person_id")
    ).first()


# Every step of the two graphs as one call with plausible arguments: `CALLS[name](actor, record, pick)`.
# "adopt" and "upper_adopt" have no call of their own: publishing the issue adopts its reports.
REPORT_CALLS = {
    "save": lambda a, r, pick: services.update_report(
        actor=a,
        report=r,
        title="关于老旧小区加装电梯的建议（修改稿）",
        body=r.body,
        category=r.category,
        urgency=r.urgency,
    ),
    "submit": lambda a, r, pick: services.submit_report(actor=a, report=r),
    "withdraw": lambda a, r, pick: services.withdraw_report(actor=a, report=r, reason="情况已解决"),
    "receive": lambda a, r, pick: services.receive_report(actor=a, report=r),
    "edit": lambda a, r, pick: services.edit_report(
        actor=a, report=r, title="加装电梯审批亟需简化", body="编辑后的正文。", note="压缩篇幅"
    ),
    "include": lambda a, r, pick: services.include_report(actor=a, report=r, issue=_issue(r, pick)),
    "merge": lambda a, r, pick: services.merge_report(actor=a, report=r, item=_item(r, pick)),
    "exclude": lambda a, r, pick: services.exclude_report(actor=a, report=r),
    "not_adopt": lambda a, r, pick: services.not_adopt_report(actor=a, report=r, reason="与已采用信息重复。"),
    "forward": lambda a, r, pick: services.forward_report(
        actor=a,
        report=r,
        target=pick([Forwarding.Target.PARTY_GOV, Forwarding.Target.UPPER]),
        recipient="市委办公室",
    ),
    "instruct": lambda a, r, pick: services.record_instruction(
        actor=a,
        report=r,
        leader="王书记",
        level=pick(list(Level.values)),
        instructed_on=b.today(),
        text="请市住建局研究。",
    ),
    "feedback": lambda a, r, pick: services.record_feedback(
        actor=a, report=r, department="市住建局", received_on=b.today(), text="已简化审批流程。"
    ),
}
ISSUE_CALLS = {
    "create_issue": lambda a, i, pick: services.create_issue(actor=a),
    "compose": lambda a, i, pick: services.update_issue(
        actor=a, issue=i, send_to="市委、市政府领导", copy_to="市委办公室"
    ),
    "request_signoff": lambda a, i, pick: services.request_signoff(
        actor=a, issue=i, signer=leader_of(i.organization)
    ),
    "recall": lambda a, i, pick: services.recall_issue(actor=a, issue=i),
    "sign": lambda a, i, pick: services.sign_issue(actor=a, issue=i, note="同意印发。"),
    "return_signoff": lambda a, i, pick: services.return_issue(actor=a, issue=i, note="第二条请压缩。"),
    "publish": lambda a, i, pick: services.publish_issue(actor=a, issue=i),
    "delete_issue": lambda a, i, pick: services.delete_issue(actor=a, issue=i),
}


def attempt(name: str, actor, record, pick=first):
    """Call the service of one step on a report (report steps) or an issue (issue steps)."""
    if name in REPORT_CALLS:
        return REPORT_CALLS[name](actor, record, pick)
    return ISSUE_CALLS[name](actor, record, pick)


# ---------------------------------------------------------------- records in a given state


def report_in(ow, state: str) -> Report:
    """A report of bob's in the city in the given state, built through the services."""
    editor = ow.actor(ow.editor)
    if state == S.DRAFT:
        return b.draft(ow)
    if state == S.SUBMITTED:
        return b.submitted(ow)
    if state == S.WITHDRAWN:
        return services.withdraw_report(actor=ow.actor(ow.bob), report=b.draft(ow))
    if state == S.EDITING:
        return b.editing(ow)
    if state == S.NOT_ADOPTED:
        return services.not_adopt_report(actor=editor, report=b.editing(ow), reason="内容不实。")
    if state == S.ADOPTED:
        return b.adopted(ow)
    if state == S.FORWARDED:
        return b.forwarded(ow)
    if state == S.INSTRUCTED:
        return b.instructed(ow)
    if state == S.FEEDBACK:
        report = b.instructed(ow)
        services.record_feedback(
            actor=editor, report=report, department="市住建局", received_on=b.today(), text="已落实。"
        )
        report.refresh_from_db()
        return report
    raise AssertionError(state)


def issue_in(ow, state: str, *, empty: bool = False) -> Issue:
    """A city issue in the given state holding one report (an empty draft if asked)."""
    issue = b.issue(ow)
    if empty:
        return issue
    editor = ow.actor(ow.editor)
    services.include_report(actor=editor, report=b.editing(ow), issue=issue)
    if state == I.DRAFT:
        return issue
    issue = services.request_signoff(actor=editor, issue=issue, signer=ow.leader)
    if state == I.SIGNOFF:
        return issue
    issue = services.sign_issue(actor=ow.actor(ow.leader), issue=issue)
    if state == I.SIGNED:
        return issue
    return services.publish_issue(actor=editor, issue=issue)


def people_by_role(ow) -> dict[str, tuple[Person, object]]:
    """One person per role, each with the organisation they act in."""
    committee = f.CommitteeFactory(organization=ow.org, name="经济委员会")
    committee_staff = f.PersonFactory(username="committeestaff", full_name="冯专委")
    f.RoleGrantFactory(
        organization=ow.org, person=committee_staff, role=Role.COMMITTEE_STAFF, committee=committee
    )
    return {
        "member": (ow.bob, ow.org),  # writes every report below
        "other_member": (ow.erin, ow.org),
        "officer": (ow.officer, ow.org),
        "liaison": (ow.liaison, ow.org),
        "committee_staff": (committee_staff, ow.org),
        "editor": (ow.editor, ow.org),
        "leader": (ow.leader, ow.org),
        "org_admin": (ow.world.alice, ow.org),
        "proposal_staff": (ow.proposal_staff, ow.org),
        "county_editor": (ow.county_editor, ow.county),
        "other_editor": (ow.other_editor, ow.world.other_org),
    }


# Who may take each step on a city record: literal, as the office describes its work.
ALLOWED = {
    "save": {"member"},
    "submit": {"member"},
    "withdraw": {"member"},
    "receive": {"editor"},
    "edit": {"editor"},
    "include": {"editor"},
    "merge": {"editor"},
    "exclude": {"editor"},
    "not_adopt": {"editor"},
    "forward": {"editor"},
    "instruct": {"editor"},
    "feedback": {"editor"},
    "create_issue": {"editor"},
    "compose": {"editor"},
    "request_signoff": {"editor"},
    "recall": {"editor"},
    "sign": {"leader"},
    "return_signoff": {"leader"},
    "publish": {"editor"},
    "delete_issue": {"editor"},
}
# Editors of another organisation (or of the county below) never learn the record exists.
FOREIGN = {"county_editor", "other_editor"}
WRONG_REPORT_STATES = [S.DRAFT, S.WITHDRAWN, S.NOT_ADOPTED, S.EDITING, S.ADOPTED]
WRONG_ISSUE_STATES = [I.PUBLISHED, I.DRAFT]


def right_record(ow, name: str):
    """A city record on which the step is allowed, with what the step needs beside it."""
    if name == "create_issue":
        return None
    if name in ISSUE_STEPS:
        return issue_in(ow, ISSUE_STEPS[name].sources[0], empty=name == "delete_issue")
    report = report_in(ow, STEPS[name].sources[0])
    editor = ow.actor(ow.editor)
    if name == "include":
        b.issue(ow)
    if name == "merge":
        other = b.editing(ow, title="关于加装电梯资金分摊的建议")
        services.include_report(actor=editor, report=other, issue=b.issue(ow))
    if name == "exclude":
        services.include_report(actor=editor, report=report, issue=b.issue(ow))
    report.refresh_from_db()
    return report


def wrong_record(ow, name: str):
    if name in STEPS:
        state = next(s for s in WRONG_REPORT_STATES if s not in STEPS[name].sources)
        if name in ("include", "merge"):
            # An issue open for compiling (with an item to merge into), so only the report's state is wrong.
            other = b.editing(ow, title="关于加装电梯资金分摊的建议")
            services.include_report(actor=ow.actor(ow.editor), report=other, issue=b.issue(ow))
        return report_in(ow, state)
    state = next(s for s in WRONG_ISSUE_STATES if s not in ISSUE_STEPS[name].sources)
    return issue_in(ow, state)


STEP_NAMES = [n for n in STEPS if n in REPORT_CALLS] + list(ISSUE_CALLS)


def test_every_step_has_a_service_call_or_comes_with_publishing():
    assert set(REPORT_CALLS) | {"adopt", "upper_adopt"} == set(STEPS)
    assert set(ISSUE_CALLS) == set(ISSUE_STEPS)
    assert set(ALLOWED) == set(STEP_NAMES)


@pytest.mark.parametrize("name", list(STEPS))
@pytest.mark.parametrize("role", list(Role))
def test_report_guard_matrix(world, name, role):
    step = STEPS[name]
    actor = Actor(person=world.bob, organization=world.org, roles=frozenset({role}))
    right = Report(organization=world.org, state=step.sources[0])
    wrong = Report(organization=world.org, state=next(s for s in S.values if s not in step.sources))
    if role in step.roles:
        assert guard(name, actor, right) is step
        with pytest.raises(WorkflowError) as info:
            guard(name, actor, wrong)
        assert "不能" in info.value.message
    else:
        for report in (right, wrong):
            with pytest.raises(PermissionDenied):
                guard(name, actor, report)


@pytest.mark.parametrize("name", list(ISSUE_STEPS))
@pytest.mark.parametrize("role", list(Role))
def test_issue_guard_matrix(world, name, role):
    step = ISSUE_STEPS[name]
    actor = Actor(person=world.bob, organization=world.org, roles=frozenset({role}))
    wrong = Issue(organization=world.org, state=next(s for s in I.values if s not in step.sources))
    if role in step.roles:
        if step.sources:
            assert guard_issue(name, actor, Issue(organization=world.org, state=step.sources[0])) is step
        with pytest.raises(WorkflowError):
            guard_issue(name, actor, wrong)
    else:
        with pytest.raises(PermissionDenied):
            guard_issue(name, actor, wrong)


def test_nobody_takes_the_system_step_of_upper_adoption(world):
    actor = Actor(person=world.bob, organization=world.org, roles=frozenset(Role))
    with pytest.raises(PermissionDenied):
        guard("upper_adopt", actor, Report(organization=world.org, state=S.ADOPTED))


@pytest.mark.parametrize("name", STEP_NAMES)
def test_each_step_is_taken_by_its_roles_only_and_a_refusal_changes_nothing(ow, name):
    people = people_by_role(ow)
    record = right_record(ow, name)
    for key, (person, org) in people.items():
        if key in ALLOWED[name] or (name == "create_issue" and key in FOREIGN):
            continue  # a foreign editor creating an issue creates one in their own organisation
        before = database_state()
        expected = Http404 if key in FOREIGN else PermissionDenied
        with pytest.raises(expected):
            attempt(name, ow.actor(person, org), record)
        assert database_state() == before, key
    (allowed,) = ALLOWED[name]
    person, org = people[allowed]
    attempt(name, ow.actor(person, org), record)
    assert database_state() != before


@pytest.mark.parametrize("name", [n for n in STEP_NAMES if n != "create_issue"])  # a new issue has no state
def test_each_step_in_a_wrong_state_is_a_workflow_error_and_changes_nothing(ow, name):
    record = wrong_record(ow, name)
    (allowed,) = ALLOWED[name]
    person = {"member": ow.bob, "editor": ow.editor, "leader": ow.leader}[allowed]
    before = database_state()
    with pytest.raises(WorkflowError) as info:
        attempt(name, ow.actor(person), record)
    assert "不能" in info.value.message
    assert database_state() == before


def test_only_submitter_capacities_may_write_reports(ow):
    people = people_by_role(ow)
    may = {"member", "other_member", "officer", "liaison", "committee_staff"}
    committee = RoleGrant.objects.get(role=Role.COMMITTEE_STAFF).committee
    for key, (person, org) in people.items():
        actor = ow.actor(person, org)
        if key in may:
            kind, unit_id, committee_id = {
                "liaison": (Report.SubmitterType.UNIT, ow.liaison_unit.pk, None),
                "committee_staff": (Report.SubmitterType.COMMITTEE, None, committee.pk),
                "officer": (Report.SubmitterType.OFFICER, None, None),
            }.get(key, (Report.SubmitterType.MEMBER, None, None))
            report = services.create_report(
                actor=actor,
                title="关于夜间施工扰民的反映",
                submitter_type=kind,
                participating_unit_id=unit_id,
                committee_id=committee_id,
            )
            assert report.organization == org
            continue
        before = database_state()
        with pytest.raises(PermissionDenied):
            services.create_report(actor=actor, title="关于夜间施工扰民的反映")
        assert database_state() == before, key


def test_the_scoring_table_and_the_rules_are_for_editors_and_admins(ow):
    people = people_by_role(ow)
    for key, (person, org) in people.items():
        actor = ow.actor(person, org)
        if key in {"editor", "org_admin"}:
            services.update_rules(actor=actor, values={"adopted": "2"})
            services.update_policy(actor=actor, values={"member_quota": 2})
            continue
        if key in FOREIGN:
            continue  # their own organisation's table
        before = (database_state(), list(ScoreRule.objects.values_list("id", "points")))
        with pytest.raises(PermissionDenied):
            services.update_rules(actor=actor, values={"adopted": "9"})
        with pytest.raises(PermissionDenied):
            services.update_policy(actor=actor, values={"member_quota": 9})
        assert (database_state(), list(ScoreRule.objects.values_list("id", "points"))) == before, key
    ow.org.refresh_from_db()
    assert ow.org.settings["opinions"]["member_quota"] == 2


def test_only_the_org_admin_registers_information_officers(ow):
    people = people_by_role(ow)
    officer = InfoOfficer.objects.get(organization=ow.org)
    for key, (person, org) in people.items():
        if key == "org_admin" or key in FOREIGN:
            continue
        with pytest.raises(PermissionDenied):
            services.register_officer(actor=ow.actor(person, org), full_name="新信息员", mobile=None)
        with pytest.raises(PermissionDenied):
            services.update_officer(
                actor=ow.actor(person, org),
                officer=officer,
                kind="invited",
                workplace="",
                note="",
                is_active=True,
            )
    assert InfoOfficer.objects.filter(organization=ow.org).count() == 1
    with pytest.raises(Http404):
        services.update_officer(
            actor=ow.actor(ow.world.charlie, ow.world.other_org),
            officer=officer,
            kind="invited",
            workplace="",
            note="",
            is_active=False,
        )
    officer.refresh_from_db()
    assert officer.is_active


def test_attachments_by_the_submitter_on_a_draft_and_by_editors_while_editing(ow, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = b.draft(ow)
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")
    for person in (ow.erin, ow.editor, ow.leader, ow.world.alice):
        with pytest.raises(PermissionDenied):
            services.add_attachment(actor=ow.actor(person), report=report, upload=upload)
    with pytest.raises(Http404):
        services.add_attachment(
            actor=ow.actor(ow.other_editor, ow.world.other_org), report=report, upload=upload
        )
    mine = services.add_attachment(actor=ow.actor(ow.bob), report=report, upload=upload)
    services.submit_report(actor=ow.actor(ow.bob), report=report)
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.add_attachment(actor=ow.actor(ow.bob), report=report, upload=upload)
    with pytest.raises(PermissionDenied):
        services.remove_attachment(actor=ow.actor(ow.bob), attachment=mine)
    upload.seek(0)
    theirs = services.add_attachment(actor=ow.actor(ow.editor), report=report, upload=upload)
    services.remove_attachment(actor=ow.actor(ow.editor), attachment=mine)
    assert list(ReportAttachment.objects.values_list("id", flat=True)) == [theirs.pk]
    with pytest.raises(ValidationError) as info:
        services.add_attachment(
            actor=ow.actor(ow.editor), report=report, upload=SimpleUploadedFile("a.exe", b"MZ")
        )
    assert "附件只能是" in str(info.value)


def test_only_proposal_staff_turn_a_proposal_into_a_report(ow):
    from zhengxie.proposals.models import Proposal

    session = f.SessionFactory(organization=ow.org, term=ow.world.term, year=b.today().year)
    proposal = Proposal.objects.create(
        organization=ow.org,
        term=ow.world.term,
        session=session,
        title="关于加强农村饮水安全的建议",
        reason="部分村庄水质不达标。",
        suggestions="建议加快管网改造。",
        proposer=ow.bob,
        proposer_name=ow.bob.full_name,
        state=Proposal.State.NOT_FILED,
    )
    for person in (ow.bob, ow.editor, ow.leader, ow.world.alice):
        with pytest.raises(PermissionDenied):
            services.report_from_proposal(actor=ow.actor(person), proposal=proposal)
    assert not Report.objects.exists()
    report = services.report_from_proposal(actor=ow.actor(ow.proposal_staff), proposal=proposal)
    assert report.state == S.SUBMITTED


def test_signing_an_issue_needs_the_leader_it_was_sent_to(ow):
    second_leader = f.PersonFactory(username="leader2", full_name="吴副主席")
    f.RoleGrantFactory(organization=ow.org, person=second_leader, role=Role.LEADER)
    issue = issue_in(ow, I.SIGNOFF)
    before = database_state()
    with pytest.raises(PermissionDenied):
        services.sign_issue(actor=ow.actor(second_leader), issue=issue)
    with pytest.raises(PermissionDenied):
        services.return_issue(actor=ow.actor(second_leader), issue=issue, note="请修改。")
    assert database_state() == before
