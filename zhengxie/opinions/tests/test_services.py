"""Every service of the public-opinion reports: what each step does, what it refuses, what it records."""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.http import Http404

from zhengxie.core.errors import ConflictError, WorkflowError
from zhengxie.core.models import AuditEvent, Notification, RoleGrant
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.opinions import services
from zhengxie.opinions.models import (
    Feedback,
    Forwarding,
    Instruction,
    Issue,
    IssueItem,
    Level,
    Outcome,
    Report,
    ReportTransition,
    Revision,
)

from . import builders as b
from .test_permissions import database_state

S = Report.State
I = Issue.State  # noqa: E741
T = Report.SubmitterType
UPPER, PARTY_GOV = Forwarding.Target.UPPER, Forwarding.Target.PARTY_GOV


@contextmanager
def one_step(report, action):
    """The block writes exactly one timeline row and one audit event for the report, both named `action`."""
    last_step = ReportTransition.objects.aggregate(top=Max("id"))["top"] or 0
    last_event = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    yield
    steps = ReportTransition.objects.filter(report_id=report.pk, id__gt=last_step)
    events = AuditEvent.objects.filter(
        object_type="opinions.report", object_id=str(report.pk), id__gt=last_event
    )
    assert list(steps.values_list("action", flat=True)) == [action]
    assert list(events.values_list("action", flat=True)) == [f"opinions.report.{action}"]


def editor(ow):
    return ow.actor(ow.editor)


def in_issue(ow, *reports, issue=None):
    """Place reports (being edited) in an issue, each as its own item."""
    issue = issue or b.issue(ow)
    for report in reports:
        services.include_report(actor=editor(ow), report=report, issue=issue)
    return issue


def positions(issue):
    return list(IssueItem.objects.filter(issue=issue).order_by("position").values_list("position", "title"))


def county_adopted(ow, **kwargs):
    """A county member's report adopted in a county issue."""
    report = b.editing(ow, person=ow.county_member, org=ow.county, editor=ow.county_editor, **kwargs)
    issue = b.issue(ow, org=ow.county, editor=ow.county_editor)
    services.include_report(actor=ow.actor(ow.county_editor, ow.county), report=report, issue=issue)
    b.publish(ow, issue, org=ow.county, editor=ow.county_editor, leader=ow.county_leader)
    report.refresh_from_db()
    return report


# ---------------------------------------------------------------- submitters


def test_member_writes_a_draft_and_submits_it_to_the_editors(ow):
    report = b.draft(ow)
    assert (report.state, report.submitter_type, report.submitter_name) == (S.DRAFT, T.MEMBER, "李博")
    assert report.transitions.get().action == "create"
    assert AuditEvent.objects.get(object_type="opinions.report").action == "opinions.report.create"
    with one_step(report, "submit"):
        report = services.submit_report(actor=ow.actor(ow.bob), report=report)
    report.refresh_from_db()
    assert report.state == S.SUBMITTED
    assert report.submitted_at is not None
    assert report.year == b.today().year
    assert Notification.objects.filter(recipient=ow.editor, kind="opinion_submitted").count() == 1


def test_information_officer_submits_in_own_name_as_officer(ow):
    report = b.submitted(ow, person=ow.officer, submitter_type=T.OFFICER)
    assert (report.submitter_type, report.submitter_name, report.state) == (T.OFFICER, "孙信息", S.SUBMITTED)


def test_unit_liaison_submits_in_the_units_name(ow):
    report = b.submitted(
        ow, person=ow.liaison, submitter_type=T.UNIT, participating_unit_id=ow.liaison_unit.pk
    )
    assert (report.submitter_type, report.submitter_name) == (T.UNIT, "民建甲市委")
    assert report.participating_unit == ow.liaison_unit
    assert report.submitter == ow.liaison


def test_committee_staff_submit_in_the_committees_name(ow):
    committee = f.CommitteeFactory(organization=ow.org, name="社会和法制委员会")
    staff = f.PersonFactory(username="cstaff", full_name="冯专委")
    f.RoleGrantFactory(organization=ow.org, person=staff, role=Role.COMMITTEE_STAFF, committee=committee)
    report = b.submitted(ow, person=staff, submitter_type=T.COMMITTEE, committee_id=committee.pk)
    assert (report.submitter_type, report.submitter_name, report.committee) == (
        T.COMMITTEE,
        "社会和法制委员会",
        committee,
    )


def test_nobody_writes_in_a_capacity_they_do_not_hold(ow):
    other_unit = f.ParticipatingUnitFactory(organization=ow.org, name="民盟甲市委")
    with pytest.raises(PermissionDenied):
        b.draft(ow, submitter_type=T.UNIT, participating_unit_id=ow.liaison_unit.pk)
    with pytest.raises(PermissionDenied):
        b.draft(ow, person=ow.liaison, submitter_type=T.UNIT, participating_unit_id=other_unit.pk)
    with pytest.raises(PermissionDenied):
        b.draft(ow, submitter_type=T.OFFICER)
    with pytest.raises(PermissionDenied):
        b.draft(ow, person=ow.officer, submitter_type=T.MEMBER)
    assert not Report.objects.exists()


def test_a_deactivated_officer_may_no_longer_write(ow):
    officer = ow.officer
    record = services.InfoOfficer.objects.get(person=officer)
    services.update_officer(
        actor=ow.actor(ow.world.alice),
        officer=record,
        kind="regular",
        workplace="",
        note="调离",
        is_active=False,
    )
    with pytest.raises(PermissionDenied):
        b.draft(ow, person=officer, submitter_type=T.OFFICER)
    services.update_officer(
        actor=ow.actor(ow.world.alice), officer=record, kind="invited", workplace="", note="", is_active=True
    )
    assert b.draft(ow, person=officer, submitter_type=T.OFFICER).submitter_type == T.OFFICER


def test_the_same_form_sent_twice_makes_one_draft(ow):
    first = b.draft(ow, token="form-1")
    second = b.draft(ow, token="form-1")
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert ReportTransition.objects.count() == 1
    assert b.draft(ow, token="form-2").pk != first.pk


def test_body_over_the_organisations_limit_is_refused_in_chinese(ow):
    services.update_policy(actor=ow.actor(ow.world.alice), values={"body_max": 300})
    with pytest.raises(ValidationError) as info:
        b.draft(ow, body="字" * 301)
    assert info.value.message_dict["body"] == ["正文不能超过300个字（现有301字）。"]
    assert not Report.objects.exists()
    assert b.draft(ow, body="字" * 300).body == "字" * 300


def test_title_is_required_and_limited(ow):
    with pytest.raises(ValidationError) as info:
        b.draft(ow, title="   ")
    assert info.value.message_dict["title"] == ["请填写标题。"]
    with pytest.raises(ValidationError) as info:
        b.draft(ow, title="题" * 61)
    assert info.value.message_dict["title"] == ["标题不能超过60个字。"]


def test_submitting_needs_a_body_and_a_category(ow):
    report = services.create_report(actor=ow.actor(ow.bob), title="关于路灯不亮的反映")
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.submit_report(actor=ow.actor(ow.bob), report=report)
    assert info.value.message_dict == {"body": ["报送前请填写正文。"], "category": ["报送前请选择类别。"]}
    assert database_state() == before


def test_submitter_changes_the_draft_and_a_stale_form_is_refused(ow):
    report = b.draft(ow)
    with one_step(report, "save"):
        services.update_report(
            actor=ow.actor(ow.bob),
            report=report,
            title="关于加装电梯审批的建议",
            body="审批需要六个部门盖章。",
            category=ow.category,
            urgency="urgent",
            version=1,
        )
    report.refresh_from_db()
    assert (report.title, report.urgency, report.version) == ("关于加装电梯审批的建议", "urgent", 2)
    with pytest.raises(ConflictError):
        services.update_report(
            actor=ow.actor(ow.bob),
            report=report,
            title="旧",
            body="",
            category=None,
            urgency="normal",
            version=1,
        )
    report.refresh_from_db()
    assert report.title == "关于加装电梯审批的建议"


def test_a_draft_cannot_be_saved_with_an_unknown_urgency(ow):
    report = b.draft(ow)
    with pytest.raises(ValidationError) as info:
        services.update_report(
            actor=ow.actor(ow.bob), report=report, title=report.title, body="", category=None, urgency="asap"
        )
    assert info.value.message_dict["urgency"] == ["请选择紧急程度。"]
    report.refresh_from_db()
    assert report.urgency == "normal"


def test_a_category_of_another_organisation_is_not_found(ow):
    foreign = services.ReportCategory.objects.filter(organization=ow.world.other_org).first()
    with pytest.raises(Http404):
        b.draft(ow, category=foreign)
    report = b.draft(ow)
    with pytest.raises(Http404):
        services.update_report(
            actor=ow.actor(ow.bob), report=report, title="标题", body="", category=foreign, urgency="normal"
        )


def test_only_the_submitter_changes_submits_or_withdraws(ow):
    report = b.draft(ow)
    before = database_state()
    for call in (
        lambda a: services.update_report(
            actor=a, report=report, title="改", body="", category=None, urgency="normal"
        ),
        lambda a: services.submit_report(actor=a, report=report),
        lambda a: services.withdraw_report(actor=a, report=report),
    ):
        with pytest.raises(PermissionDenied) as info:
            call(ow.actor(ow.erin))
        assert "报送人本人" in str(info.value)
    assert database_state() == before


def test_submitter_withdraws_until_an_editor_receives_it(ow):
    report = b.submitted(ow)
    with one_step(report, "withdraw"):
        services.withdraw_report(actor=ow.actor(ow.bob), report=report, reason="问题已解决")
    report.refresh_from_db()
    assert report.state == S.WITHDRAWN
    assert report.transitions.last().note == "问题已解决"
    received = b.editing(ow)
    with pytest.raises(WorkflowError) as info:
        services.withdraw_report(actor=ow.actor(ow.bob), report=received)
    assert info.value.message == "该信息当前状态为“采编中”，不能撤回。"


def test_a_submitted_report_cannot_be_changed_by_its_submitter(ow):
    report = b.submitted(ow)
    with pytest.raises(WorkflowError):
        services.update_report(
            actor=ow.actor(ow.bob), report=report, title="改", body="", category=None, urgency="normal"
        )
    with pytest.raises(WorkflowError):
        services.submit_report(actor=ow.actor(ow.bob), report=report)


def test_attachments_follow_the_state_read_under_lock_not_the_page_loaded_before(ow, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stale = b.draft(ow)
    services.submit_report(actor=ow.actor(ow.bob), report=Report.objects.get(pk=stale.pk))
    upload = SimpleUploadedFile("说明.pdf", b"%PDF-1.4")
    with pytest.raises(PermissionDenied):
        services.add_attachment(actor=ow.actor(ow.bob), report=stale, upload=upload)
    assert not stale.attachments.exists()


def test_an_attachment_over_the_size_limit_is_refused(ow, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.update_policy(actor=ow.actor(ow.world.alice), values={"attachment_max_mb": 1})
    report = b.draft(ow)
    big = SimpleUploadedFile("图.png", b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as info:
        services.add_attachment(actor=ow.actor(ow.bob), report=report, upload=big)
    assert info.value.message_dict["attachment"] == ["附件不能超过1MB。"]


# ---------------------------------------------------------------- editors: receiving and editing


def test_editor_receives_a_submitted_report(ow):
    report = b.submitted(ow)
    with one_step(report, "receive"):
        services.receive_report(actor=editor(ow), report=report)
    report.refresh_from_db()
    assert (report.state, report.editor) == (S.EDITING, ow.editor)
    with pytest.raises(WorkflowError):
        services.receive_report(actor=editor(ow), report=report)


def test_editing_keeps_the_original_and_writes_a_revision_per_save(ow):
    report = b.editing(ow)
    original = (report.title, report.body)
    with one_step(report, "edit"):
        services.edit_report(actor=editor(ow), report=report, title="加装电梯审批亟需简化", body="第一稿。")
    services.edit_report(
        actor=editor(ow), report=report, title="加装电梯审批亟需简化", body="第二稿。", note="精简"
    )
    report.refresh_from_db()
    assert (report.title, report.body) == original
    assert (report.display_title, report.display_body) == ("加装电梯审批亟需简化", "第二稿。")
    assert list(Revision.objects.filter(report=report).order_by("id").values_list("body", "note")) == [
        ("第一稿。", ""),
        ("第二稿。", "精简"),
    ]
    assert AuditEvent.objects.filter(action="opinions.report.edit").count() == 2


def test_an_edit_needs_title_and_body(ow):
    report = b.editing(ow)
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.edit_report(actor=editor(ow), report=report, title=" ", body="")
    assert info.value.message_dict == {"title": ["请填写标题。"], "body": ["请填写正文。"]}
    assert database_state() == before


def test_the_item_of_a_single_report_follows_its_edits_until_the_issue_goes_for_signing(ow):
    report = b.editing(ow)
    issue = in_issue(ow, report)
    services.edit_report(actor=editor(ow), report=report, title="第一次编辑", body="第一次编辑的正文。")
    assert IssueItem.objects.get(issue=issue).title == "第一次编辑"
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.edit_report(actor=editor(ow), report=report, title="送签后又改", body="送签后的正文。")
    item = IssueItem.objects.get(issue=issue)
    # The leader signs what was sent; a later edit stays on the report until the issue is recalled.
    assert (item.title, item.body) == ("第一次编辑", "第一次编辑的正文。")


def test_not_adopting_needs_a_reason_and_tells_the_submitter(ow):
    report = b.submitted(ow)
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.not_adopt_report(actor=editor(ow), report=report, reason="  ")
    assert info.value.message_dict["reason"] == ["请填写不予采用的原因。"]
    assert database_state() == before
    with one_step(report, "not_adopt"):
        services.not_adopt_report(actor=editor(ow), report=report, reason="与已采用信息重复。")
    report.refresh_from_db()
    assert (report.state, report.not_adopted_reason) == (S.NOT_ADOPTED, "与已采用信息重复。")
    assert (
        "与已采用信息重复" in Notification.objects.get(recipient=ow.bob, kind="opinion_not_adopted").message
    )


def test_not_adopting_takes_the_report_out_of_its_draft_issue(ow):
    first, second = b.editing(ow, title="第一篇"), b.editing(ow, title="第二篇")
    issue = in_issue(ow, first, second)
    services.not_adopt_report(actor=editor(ow), report=first, reason="不宜公开。")
    first.refresh_from_db()
    assert first.item is None
    assert positions(issue) == [(1, "第二篇")]


def test_a_report_in_an_issue_out_for_signing_cannot_be_refused(ow):
    report = b.editing(ow)
    issue = in_issue(ow, report)
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    before = database_state()
    with pytest.raises(WorkflowError):
        services.not_adopt_report(actor=editor(ow), report=report, reason="不宜公开。")
    assert database_state() == before


# ---------------------------------------------------------------- issues


def test_issues_are_numbered_consecutively_per_year(ow):
    first, second = b.issue(ow), b.issue(ow)
    last_year = services.create_issue(actor=editor(ow), year=b.today().year - 1)
    assert [(i.year, i.number) for i in (first, second, last_year)] == [
        (b.today().year, 1),
        (b.today().year, 2),
        (b.today().year - 1, 1),
    ]
    assert (first.title, first.created_by) == ("社情民意", ow.editor)
    assert AuditEvent.objects.filter(action="opinions.issue.create").count() == 3
    assert services.create_issue(actor=ow.actor(ow.county_editor, ow.county)).number == 1


def test_a_number_that_leaves_a_gap_or_repeats_is_refused_naming_the_expected_one(ow):
    year = b.today().year
    b.issue(ow)
    with pytest.raises(ValidationError) as info:
        services.create_issue(actor=editor(ow), number=3)
    assert info.value.message_dict["number"] == [f"期号不能跳号：{year}年下一期应为第2期，不能直接编第3期。"]
    with pytest.raises(ValidationError) as info:
        services.create_issue(actor=editor(ow), number=1)
    assert info.value.message_dict["number"] == [f"{year}年第1期已存在，下一期应为第2期。"]
    assert services.create_issue(actor=editor(ow), number=2).number == 2
    assert Issue.objects.count() == 2


def test_new_issues_carry_the_organisations_lines(ow):
    services.update_policy(
        actor=ow.actor(ow.world.alice),
        values={"publication_title": "甲市社情民意", "send_to": "市委、市政府", "copy_to": "各区县政协"},
    )
    issue = b.issue(ow)
    assert (issue.title, issue.send_to, issue.copy_to) == ("甲市社情民意", "市委、市政府", "各区县政协")
    services.update_issue(actor=editor(ow), issue=issue, send_to=" 市委 ", copy_to="")
    issue.refresh_from_db()
    assert (issue.send_to, issue.copy_to) == ("市委", "")


def test_including_makes_the_report_the_last_item_from_its_edited_version(ow):
    first, second = b.editing(ow, title="第一篇"), b.editing(ow, title="第二篇")
    services.edit_report(actor=editor(ow), report=second, title="第二篇（编辑稿）", body="编辑稿正文。")
    issue = b.issue(ow)
    services.include_report(actor=editor(ow), report=first, issue=issue)
    with one_step(second, "include"):
        item = services.include_report(actor=editor(ow), report=second, issue=issue)
    assert (item.position, item.body, item.sources) == (2, "编辑稿正文。", "李博")
    assert positions(issue) == [(1, "第一篇"), (2, "第二篇（编辑稿）")]
    second.refresh_from_db()
    assert second.state == S.EDITING
    with pytest.raises(WorkflowError) as info:
        services.include_report(actor=editor(ow), report=second, issue=b.issue(ow))
    assert info.value.message == "该信息已编入期刊，请先移出再编入其他期。"


def test_merging_puts_several_reports_under_one_item_and_keeps_positions(ow):
    first = b.editing(ow, title="第一篇")
    second = b.editing(ow, person=ow.erin, title="第二篇")
    third = b.editing(ow, title="第三篇")
    issue = in_issue(ow, first, second, third)
    target = IssueItem.objects.get(issue=issue, position=1)
    with one_step(second, "merge"):
        services.merge_report(actor=editor(ow), report=second, item=target)
    target.refresh_from_db()
    assert target.sources == "李博、钱尔宁"
    assert set(target.reports.values_list("title", flat=True)) == {"第一篇", "第二篇"}
    assert positions(issue) == [(1, "第一篇"), (2, "第三篇")]
    with pytest.raises(WorkflowError):
        services.merge_report(actor=editor(ow), report=second, item=target)


def test_excluding_takes_the_report_back_and_renumbers(ow):
    reports = [b.editing(ow, title=t) for t in ("甲", "乙", "丙")]
    issue = in_issue(ow, *reports)
    with one_step(reports[1], "exclude"):
        services.exclude_report(actor=editor(ow), report=reports[1])
    assert positions(issue) == [(1, "甲"), (2, "丙")]
    with pytest.raises(WorkflowError) as info:
        services.exclude_report(actor=editor(ow), report=reports[1])
    assert info.value.message == "该信息尚未编入期刊。"


def test_excluding_one_of_a_merged_item_keeps_the_item_for_the_other(ow):
    first, second = b.editing(ow, title="甲"), b.editing(ow, person=ow.erin, title="乙")
    issue = in_issue(ow, first)
    item = IssueItem.objects.get(issue=issue)
    services.merge_report(actor=editor(ow), report=second, item=item)
    services.exclude_report(actor=editor(ow), report=first)
    item.refresh_from_db()
    assert (item.sources, list(item.reports.all())) == ("钱尔宁", [second])


def test_an_items_text_is_edited_and_needs_title_and_body(ow):
    issue = in_issue(ow, b.editing(ow))
    item = IssueItem.objects.get(issue=issue)
    services.update_item(actor=editor(ow), item=item, title="合并后的标题", body="合并后的正文。")
    item.refresh_from_db()
    assert (item.title, item.body) == ("合并后的标题", "合并后的正文。")
    with pytest.raises(ValidationError) as info:
        services.update_item(actor=editor(ow), item=item, title="", body=" ")
    assert info.value.message_dict == {"title": ["请填写条目标题。"], "body": ["请填写条目正文。"]}
    assert AuditEvent.objects.filter(action="opinions.issue.compose").count() == 1


def test_items_move_up_and_down_and_stay_numbered_one_to_n(ow):
    issue = in_issue(ow, *[b.editing(ow, title=t) for t in ("甲", "乙", "丙")])
    items = {i.title: i for i in IssueItem.objects.filter(issue=issue)}
    services.move_item(actor=editor(ow), item=items["丙"], offset=-1)
    assert positions(issue) == [(1, "甲"), (2, "丙"), (3, "乙")]
    services.move_item(actor=editor(ow), item=items["甲"], offset=1)
    assert positions(issue) == [(1, "丙"), (2, "甲"), (3, "乙")]
    services.move_item(actor=editor(ow), item=items["乙"], offset=1)  # already last: stays
    assert positions(issue) == [(1, "丙"), (2, "甲"), (3, "乙")]


def test_an_empty_issue_cannot_go_for_signing(ow):
    issue = b.issue(ow)
    with pytest.raises(WorkflowError) as info:
        services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    assert info.value.message == "该期还没有任何条目，不能送签。"


def test_the_signer_must_be_a_leader_of_the_organisation(ow):
    issue = in_issue(ow, b.editing(ow))
    for person in (ow.bob, ow.editor, ow.county_leader):
        with pytest.raises(ValidationError) as info:
            services.request_signoff(actor=editor(ow), issue=issue, signer=person)
        assert info.value.message_dict["signer"] == ["签发人必须是本组织的领导。"]
    issue.refresh_from_db()
    assert issue.state == I.DRAFT
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    issue.refresh_from_db()
    assert (issue.state, issue.signer) == (I.SIGNOFF, ow.leader)
    assert Notification.objects.filter(recipient=ow.leader, kind="opinion_signoff").count() == 1


def test_the_chosen_leader_signs_and_the_editor_is_told(ow):
    issue = in_issue(ow, b.editing(ow))
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=issue, note="同意。")
    issue.refresh_from_db()
    assert (issue.state, issue.signoff_note) == (I.SIGNED, "同意。")
    assert issue.signed_at is not None
    assert Notification.objects.filter(recipient=ow.editor, kind="opinion_signed").count() == 1
    assert AuditEvent.objects.get(action="opinions.issue.sign").changes["state"] == ["signoff", "signed"]


def test_returning_needs_a_note_and_sends_the_issue_back_to_editing(ow):
    issue = in_issue(ow, b.editing(ow))
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    with pytest.raises(ValidationError) as info:
        services.return_issue(actor=ow.actor(ow.leader), issue=issue, note=" ")
    assert info.value.message_dict["note"] == ["请填写退回修改的意见。"]
    services.return_issue(actor=ow.actor(ow.leader), issue=issue, note="第一条数据请核实。")
    issue.refresh_from_db()
    assert (issue.state, issue.signoff_note) == (I.DRAFT, "第一条数据请核实。")
    assert "第一条数据请核实" in Notification.objects.get(kind="opinion_returned").message


def test_the_editor_recalls_an_issue_sent_or_signed(ow):
    issue = in_issue(ow, b.editing(ow))
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.recall_issue(actor=editor(ow), issue=issue)
    issue.refresh_from_db()
    assert issue.state == I.DRAFT
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=issue)
    services.recall_issue(actor=editor(ow), issue=issue)
    issue.refresh_from_db()
    assert (issue.state, issue.signed_at) == (I.DRAFT, None)


def test_publishing_adopts_every_report_of_the_issue_and_scores_it(ow):
    first, second = b.editing(ow, title="甲"), b.editing(ow, person=ow.erin, title="乙")
    third = b.editing(ow, title="丙")
    issue = in_issue(ow, first, third)
    services.merge_report(
        actor=editor(ow), report=second, item=IssueItem.objects.get(issue=issue, position=1)
    )
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=issue)
    with one_step(second, "adopt"):
        services.publish_issue(actor=editor(ow), issue=issue)
    issue.refresh_from_db()
    assert (issue.state, issue.published_on) == (I.PUBLISHED, b.today())
    for report in (first, second, third):
        report.refresh_from_db()
        assert (report.state, report.outcome, report.points) == (S.ADOPTED, Outcome.ADOPTED, Decimal("1"))
        assert report.adopted_at is not None
    assert Notification.objects.filter(kind="opinion_adopted").count() == 2  # bob once, erin once


def test_an_empty_issue_is_never_published(ow):
    issue = b.issue(ow)
    Issue.objects.filter(pk=issue.pk).update(state=I.SIGNED)  # only damaged data gets here
    issue.refresh_from_db()
    with pytest.raises(WorkflowError) as info:
        services.publish_issue(actor=editor(ow), issue=issue)
    assert info.value.message == "该期没有任何条目，不能印发空白期刊。"


def test_an_issue_waits_for_every_earlier_issue_of_its_year(ow):
    year = b.today().year
    first = in_issue(ow, b.editing(ow))
    second = in_issue(ow, b.editing(ow))
    services.request_signoff(actor=editor(ow), issue=second, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=second)
    before = database_state()
    with pytest.raises(WorkflowError) as info:
        services.publish_issue(actor=editor(ow), issue=second)
    assert info.value.message == f"{year}年第1期尚未印发，期号须连续，请先印发前面的期刊。"
    assert database_state() == before
    b.publish(ow, first)
    second.refresh_from_db()
    services.publish_issue(actor=editor(ow), issue=second)
    assert list(
        Issue.objects.filter(state=I.PUBLISHED).values_list("number", flat=True).order_by("number")
    ) == [
        1,
        2,
    ]


def test_the_publication_date_must_lie_in_the_issues_year(ow):
    issue = in_issue(ow, b.editing(ow))
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=issue)
    with pytest.raises(ValidationError) as info:
        services.publish_issue(actor=editor(ow), issue=issue, published_on=b.today() - timedelta(days=400))
    assert info.value.message_dict["published_on"] == [f"印发日期须在{issue.year}年内。"]
    issue.refresh_from_db()
    assert issue.state == I.SIGNED


def test_the_publication_date_cannot_lie_in_the_future(ow):
    if b.today().month == 12 and b.today().day == 31:
        pytest.skip("tomorrow is in another year, refused for that already")
    issue = in_issue(ow, b.editing(ow))
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=issue)
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.publish_issue(actor=editor(ow), issue=issue, published_on=b.today() + timedelta(days=1))
    assert info.value.message_dict["published_on"] == ["印发日期不能晚于今天。"]
    assert database_state() == before


def test_only_an_empty_last_draft_issue_may_be_deleted(ow):
    first, second = b.issue(ow), b.issue(ow)
    with pytest.raises(WorkflowError) as info:
        services.delete_issue(actor=editor(ow), issue=first)
    assert info.value.message == f"只能删除{first.year}年的最后一期，删除第1期会造成期号不连续。"
    in_issue(ow, b.editing(ow), issue=second)
    with pytest.raises(WorkflowError) as info:
        services.delete_issue(actor=editor(ow), issue=second)
    assert info.value.message == "该期已有条目，不能删除。请先移出全部条目。"
    services.exclude_report(actor=editor(ow), report=Report.objects.get(item__issue=second))
    services.delete_issue(actor=editor(ow), issue=second)
    assert list(Issue.objects.values_list("number", flat=True)) == [1]
    assert AuditEvent.objects.filter(action="opinions.issue.delete").count() == 1
    assert b.issue(ow).number == 2


# ---------------------------------------------------------------- forwarding


def test_forwarding_to_party_and_government_needs_the_recipient(ow):
    report = b.adopted(ow)
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.forward_report(actor=editor(ow), report=report, target=PARTY_GOV, recipient=" ")
    assert "请填写报送的党委政府部门" in info.value.message_dict["recipient"][0]
    with pytest.raises(ValidationError):
        services.forward_report(actor=editor(ow), report=report, target="somewhere", recipient="市委")
    assert database_state() == before
    with one_step(report, "forward"):
        services.forward_report(actor=editor(ow), report=report, target=PARTY_GOV, recipient="市委办公室")
    report.refresh_from_db()
    assert report.state == S.FORWARDED
    assert report.forwarded_at is not None
    assert list(report.forwardings.values_list("target", "recipient")) == [(PARTY_GOV, "市委办公室")]
    services.forward_report(actor=editor(ow), report=report, target=PARTY_GOV, recipient="市政府办公室")
    report.refresh_from_db()
    assert (report.state, report.forwardings.count()) == (S.FORWARDED, 2)


def test_a_forwarding_date_cannot_lie_in_the_future(ow):
    report = b.adopted(ow)
    with pytest.raises(ValidationError) as info:
        services.forward_report(
            actor=editor(ow),
            report=report,
            target=PARTY_GOV,
            recipient="市委",
            forwarded_on=b.today() + timedelta(days=1),
        )
    assert info.value.message_dict["forwarded_on"] == ["报送日期不能晚于今天。"]


def test_an_organisation_without_a_parent_cannot_forward_upward(ow):
    report = b.adopted(ow)
    before = database_state()
    with pytest.raises(WorkflowError) as info:
        services.forward_report(actor=editor(ow), report=report, target=UPPER)
    assert info.value.message == "本组织没有上级政协，不能报送上级。"
    assert database_state() == before


def test_forwarding_upward_gives_the_parent_its_own_submitted_copy_once(ow):
    report = county_adopted(ow, title="关于乡镇卫生院人才流失的建议")
    county_editor = ow.actor(ow.county_editor, ow.county)
    with one_step(report, "forward"):
        services.forward_report(actor=county_editor, report=report, target=UPPER)
    copy = Report.objects.get(forwarded_from=report)
    assert copy.organization == ow.org
    assert (copy.state, copy.submitter_type, copy.lower_organization) == (S.SUBMITTED, T.LOWER_ORG, ow.county)
    assert copy.submitter_name == "乙区政协（冯区委员）"
    assert copy.title == "关于乡镇卫生院人才流失的建议"
    assert copy.transitions.get().action == "receive_upper"
    assert Forwarding.objects.get(report=report).upper_report == copy
    assert Forwarding.objects.get(report=report).recipient == "甲市政协"
    assert Notification.objects.filter(recipient=ow.editor, organization=ow.org).count() == 1
    before = database_state()
    with pytest.raises(WorkflowError) as info:
        services.forward_report(actor=county_editor, report=report, target=UPPER)
    assert info.value.message == "该信息已报送上级政协，不能重复报送。"
    assert database_state() == before


def test_the_parents_adoption_of_the_copy_comes_back_to_the_original(ow):
    report = county_adopted(ow)
    services.forward_report(actor=ow.actor(ow.county_editor, ow.county), report=report, target=UPPER)
    copy = Report.objects.get(forwarded_from=report)
    services.receive_report(actor=editor(ow), report=copy)
    issue = in_issue(ow, copy)
    with one_step(report, "upper_adopt"):
        b.publish(ow, issue)
    report.refresh_from_db()
    copy.refresh_from_db()
    assert copy.state == S.ADOPTED
    assert (report.state, report.upper_adopted) == (S.FORWARDED, True)
    assert (report.outcome, report.points) == (Outcome.ADOPTED_UPPER, Decimal("5"))
    assert report.transitions.last().note == "甲市政协：被上级政协采用"
    assert Notification.objects.filter(recipient=ow.county_member, kind="opinion_upper").count() == 1


def test_an_instruction_on_the_parents_copy_comes_back_to_the_original(ow):
    report = county_adopted(ow)
    services.forward_report(actor=ow.actor(ow.county_editor, ow.county), report=report, target=UPPER)
    copy = Report.objects.get(forwarded_from=report)
    services.receive_report(actor=editor(ow), report=copy)
    b.publish(ow, in_issue(ow, copy))
    copy.refresh_from_db()
    with one_step(report, "instruct"):
        services.record_instruction(
            actor=editor(ow), report=copy, leader="王书记", level=Level.PROVINCE, instructed_on=b.today()
        )
    report.refresh_from_db()
    assert report.instruction_levels == 4
    assert (report.outcome, report.points) == (Outcome.INSTRUCTED_PROVINCE, Decimal("20"))
    assert report.transitions.last().note == "甲市政协：获王书记（省级）批示"
    # Recorded on the original too, which moves on to 已批示 so its office can record the feedback.
    assert Instruction.objects.get(report=report).leader == "王书记"
    assert report.state == Report.State.INSTRUCTED


# ---------------------------------------------------------------- instructions and feedback


def test_an_instruction_needs_leader_level_and_a_date_not_in_the_future(ow):
    report = b.forwarded(ow)
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.record_instruction(actor=editor(ow), report=report, leader=" ", level="", instructed_on=None)
    assert info.value.message_dict == {
        "leader": ["请填写批示领导。"],
        "level": ["请选择批示领导的级别（区县/市/省/全国）。"],
        "instructed_on": ["请填写批示日期。"],
    }
    with pytest.raises(ValidationError) as info:
        services.record_instruction(
            actor=editor(ow),
            report=report,
            leader="王书记",
            level=Level.CITY,
            instructed_on=b.today() + timedelta(days=1),
        )
    assert info.value.message_dict == {"instructed_on": ["批示日期不能晚于今天。"]}
    with pytest.raises(ValidationError) as info:
        services.record_instruction(
            actor=editor(ow),
            report=report,
            leader="王书记",
            level=Level.CITY,
            instructed_on=b.today() - timedelta(days=1),
        )
    assert info.value.message_dict == {"instructed_on": ["批示日期不能早于采用日期。"]}
    assert database_state() == before


def test_an_instruction_dated_after_a_backdated_printing_is_accepted(ow):
    year = b.today().year
    if b.today() == date(year, 1, 1):
        pytest.skip("no earlier day of this year to print on")
    printed = b.today() - timedelta(days=1)
    report = b.editing(ow)
    issue = in_issue(ow, report)
    services.request_signoff(actor=editor(ow), issue=issue, signer=ow.leader)
    services.sign_issue(actor=ow.actor(ow.leader), issue=issue)
    services.publish_issue(actor=editor(ow), issue=issue, published_on=printed)
    report.refresh_from_db()
    services.record_instruction(
        actor=editor(ow), report=report, leader="王书记", level=Level.CITY, instructed_on=printed
    )
    with pytest.raises(ValidationError):
        services.record_instruction(
            actor=editor(ow),
            report=report,
            leader="王书记",
            level=Level.CITY,
            instructed_on=printed - timedelta(days=1),
        )
    assert Instruction.objects.filter(report=report).count() == 1


def test_recording_an_instruction_marks_the_report_and_scores_the_best_level(ow):
    report = b.forwarded(ow)
    with one_step(report, "instruct"):
        instruction = services.record_instruction(
            actor=editor(ow),
            report=report,
            leader=" 王书记 ",
            leader_title="市委书记",
            level=Level.CITY,
            instructed_on=b.today(),
            text="请市住建局研究。",
        )
    assert (instruction.leader, instruction.level) == ("王书记", Level.CITY)
    report.refresh_from_db()
    assert (report.state, report.instruction_levels) == (S.INSTRUCTED, 2)
    assert (report.outcome, report.points) == (Outcome.INSTRUCTED_CITY, Decimal("10"))
    services.record_instruction(
        actor=editor(ow), report=report, leader="李区长", level=Level.COUNTY, instructed_on=b.today()
    )
    report.refresh_from_db()
    assert (report.instruction_levels, report.outcome, report.points) == (
        3,
        Outcome.INSTRUCTED_CITY,
        Decimal("10"),
    )
    assert Notification.objects.filter(recipient=ow.bob, kind="opinion_instructed").count() == 2


def test_an_adopted_report_may_be_instructed_without_forwarding(ow):
    report = b.adopted(ow)
    services.record_instruction(
        actor=editor(ow), report=report, leader="王书记", level=Level.NATIONAL, instructed_on=b.today()
    )
    report.refresh_from_db()
    assert (report.state, report.points) == (S.INSTRUCTED, Decimal("30"))


def test_feedback_follows_an_instruction_only(ow):
    adopted = b.adopted(ow)
    with pytest.raises(WorkflowError):
        services.record_feedback(
            actor=editor(ow), report=adopted, department="市住建局", received_on=b.today(), text="已落实。"
        )
    report = b.instructed(ow)
    before = database_state()
    with pytest.raises(ValidationError) as info:
        services.record_feedback(actor=editor(ow), report=report, department="", received_on=None, text="")
    assert info.value.message_dict == {
        "department": ["请填写反馈单位。"],
        "text": ["请填写反馈内容。"],
        "received_on": ["请填写反馈日期。"],
    }
    assert database_state() == before
    with one_step(report, "feedback"):
        services.record_feedback(
            actor=editor(ow), report=report, department="市住建局", received_on=b.today(), text="已简化审批。"
        )
    report.refresh_from_db()
    assert report.state == S.FEEDBACK
    assert Feedback.objects.get(report=report).department == "市住建局"
    assert Notification.objects.filter(recipient=ow.bob, kind="opinion_feedback").count() == 1
    # A later instruction keeps the report at 已反馈.
    services.record_instruction(
        actor=editor(ow), report=report, leader="省长", level=Level.PROVINCE, instructed_on=b.today()
    )
    report.refresh_from_db()
    assert (report.state, report.points) == (S.FEEDBACK, Decimal("20"))


# ---------------------------------------------------------------- from proposals


def _proposal(ow, **kwargs):
    from zhengxie.proposals.models import Proposal

    session = f.SessionFactory(organization=ow.org, term=ow.world.term, year=b.today().year)
    fields = {
        "title": "关于加强农村饮水安全的建议",
        "reason": "部分村庄水质不达标。",
        "suggestions": "建议加快管网改造。",
        "proposer": ow.bob,
        "proposer_name": ow.bob.full_name,
        "state": Proposal.State.NOT_FILED,
    }
    fields.update(kwargs)
    return Proposal.objects.create(organization=ow.org, term=ow.world.term, session=session, **fields)


def test_a_proposal_becomes_one_submitted_report_however_often_asked(ow):
    proposal = _proposal(ow)
    staff = ow.actor(ow.proposal_staff)
    report = services.report_from_proposal(actor=staff, proposal=proposal)
    again = services.report_from_proposal(actor=staff, proposal=proposal)
    assert report.pk == again.pk
    assert Report.objects.count() == 1
    assert (report.state, report.submitter, report.submitter_type) == (S.SUBMITTED, ow.bob, T.MEMBER)
    assert report.body == "部分村庄水质不达标。\n\n建议加快管网改造。"
    assert list(report.transitions.values_list("action", flat=True)) == ["convert"]
    assert AuditEvent.objects.filter(action="opinions.report.convert").count() == 1
    assert Notification.objects.filter(recipient=ow.editor, kind="opinion_submitted").count() == 1


def test_a_collective_proposal_becomes_the_units_report(ow):
    proposal = _proposal(
        ow, participating_unit=ow.liaison_unit, proposer=ow.liaison, proposer_name="民建甲市委"
    )
    report = services.report_from_proposal(actor=ow.actor(ow.proposal_staff), proposal=proposal)
    assert (report.submitter_type, report.participating_unit, report.submitter_name) == (
        T.UNIT,
        ow.liaison_unit,
        "民建甲市委",
    )


def test_another_organisations_proposal_is_not_found(ow):
    proposal = _proposal(ow)
    other_staff = f.PersonFactory(username="otherstaff", full_name="郑他办")
    f.RoleGrantFactory(organization=ow.world.other_org, person=other_staff, role=Role.PROPOSAL_STAFF)
    with pytest.raises(Http404):
        services.report_from_proposal(actor=ow.actor(other_staff, ow.world.other_org), proposal=proposal)
    assert not Report.objects.exists()


# ---------------------------------------------------------------- officers and settings


def test_admin_registers_an_officer_once(ow):
    admin = ow.actor(ow.world.alice)
    officer = services.register_officer(
        actor=admin,
        full_name="赵特邀",
        mobile="13900001111",
        kind="invited",
        workplace="甲市电视台",
        password="Xinxi-2025-yuan",
    )
    assert RoleGrant.objects.filter(person=officer.person, role=Role.INFO_OFFICER).count() == 1
    with pytest.raises(ValidationError) as info:
        services.register_officer(actor=admin, full_name="赵特邀", mobile="13900001111")
    assert info.value.message_dict["mobile"] == ["赵特邀已登记为信息员。"]
    with pytest.raises(ValidationError):
        services.register_officer(
            actor=admin, full_name="钱某", mobile="13900002222", kind="honorary", password="Xinxi-2025-yuan"
        )
    assert services.InfoOfficer.objects.filter(organization=ow.org).count() == 2


def test_policy_changes_are_merged_and_audited(ow):
    services.update_policy(actor=ow.actor(ow.editor), values={"member_quota": 2})
    services.update_policy(actor=ow.actor(ow.editor), values={"standing_quota": 5})
    policy = services.policy_for(ow.org)
    assert (policy.member_quota, policy.standing_quota, policy.body_max) == (2, 5, 1500)
    assert AuditEvent.objects.filter(action="opinions.settings.update").count() == 2


def test_reference_lists_are_made_once(ow):
    services.ensure_reference_lists(ow.org)
    assert services.ReportCategory.objects.filter(organization=ow.org).count() == 6
    assert services.ScoreRule.objects.filter(organization=ow.org).count() == len(Outcome)
