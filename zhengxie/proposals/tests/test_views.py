import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhengxie.core.models import Notification
from zhengxie.core.tests.helpers import count_queries
from zhengxie.proposals import services
from zhengxie.proposals.models import Assignment, Attachment, Proposal, Reply

from .builders import answer, answered, draft, filed, handled, submitted

S = Proposal.State


def detail_url(proposal):
    return reverse("proposals:detail", args=[proposal.pk])


def test_member_writes_saves_and_submits_a_proposal(client, pw):
    client.force_login(pw.bob)
    page = client.get(reverse("proposals:create"))
    token = page.context["form"].initial["token"]
    data = {
        "title": "关于完善社区养老服务的建议",
        "category": pw.category.pk,
        "reason": "老龄化加快。",
        "suggestions": "增加社区食堂。",
        "kind": "individual",
        "token": token,
    }
    first = client.post(reverse("proposals:create"), data)
    again = client.post(reverse("proposals:create"), data)
    assert first.status_code == again.status_code == 302
    assert Proposal.objects.filter(proposer=pw.bob).count() == 1
    proposal = Proposal.objects.get(proposer=pw.bob)
    response = client.post(reverse("proposals:submit", args=[proposal.pk]), follow=True)
    assert "提案已提交" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    assert Notification.objects.filter(recipient=pw.staff, kind="submitted").exists()


def test_create_with_cosigners_by_name(client, pw):
    client.force_login(pw.bob)
    data = {
        "title": "联名提案",
        "kind": "joint",
        "cosigners": "赵大伟、钱尔宁",
        "reason": "",
        "suggestions": "",
    }
    response = client.post(reverse("proposals:create"), data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(proposer=pw.bob)
    assert proposal.kind == Proposal.Kind.JOINT
    assert set(proposal.proposers.values_list("name", flat=True)) == {"李博", "赵大伟", "钱尔宁"}


def test_unknown_cosigner_is_reported_at_the_field(client, pw):
    client.force_login(pw.bob)
    data = {"title": "联名提案", "kind": "joint", "cosigners": "查无此人", "reason": "", "suggestions": ""}
    response = client.post(reverse("proposals:create"), data)
    assert response.status_code == 200
    assert "本组织没有在任委员“查无此人”" in response.content.decode()
    assert not Proposal.objects.exists()


def test_stale_edit_shows_a_clear_conflict(client, pw):
    proposal = draft(pw)
    client.force_login(pw.bob)
    url = reverse("proposals:edit", args=[proposal.pk])
    data = {"title": "第一次修改", "reason": "", "suggestions": "", "version": 1}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "过期的修改"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "第一次修改"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "不支持“.exe”类型的文件"),
        ("假文档.pdf", b"MZ\x90\x00not a pdf", "文件内容与扩展名不符"),
    ],
)
def test_wrong_type_attachment_is_refused_at_the_field(client, pw, name, content, message):
    proposal = draft(pw)
    client.force_login(pw.bob)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("proposals:attach", args=[proposal.pk]), {"file": upload}, follow=True)
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_oversized_attachment_is_refused(client, pw):
    services.update_policy(actor=pw.actor(pw.world.alice), values={"attachment_max_mb": 1})
    proposal = draft(pw)
    client.force_login(pw.bob)
    upload = SimpleUploadedFile("大文件.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10))
    response = client.post(reverse("proposals:attach", args=[proposal.pk]), {"file": upload}, follow=True)
    assert "超过 1MB 的上限" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_upload_and_download_by_those_who_may_see_it(client, pw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposal = draft(pw)
    client.force_login(pw.bob)
    upload = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 test")
    client.post(reverse("proposals:attach", args=[proposal.pk]), {"file": upload})
    attachment = Attachment.objects.get()
    url = reverse("proposals:download", args=[attachment.pk])
    assert client.get(url).status_code == 200
    client.force_login(pw.dave)
    assert client.get(url).status_code == 404


def test_wrong_role_gets_403_wrong_state_409_and_nothing_changes(client, pw):
    proposal = submitted(pw)
    client.force_login(pw.bob)
    response = client.post(reverse("proposals:file", args=[proposal.pk]))
    assert response.status_code == 403
    assert "权限" in response.content.decode()
    client.force_login(pw.staff)
    client.post(reverse("proposals:file", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == S.FILED and proposal.number == 1
    response = client.post(reverse("proposals:file", args=[proposal.pk]))
    assert response.status_code == 409
    assert "不能立案" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.number == 1


def test_not_filing_without_a_ground_is_refused_with_a_message(client, pw):
    proposal = submitted(pw)
    client.force_login(pw.staff)
    url = reverse("proposals:not_file", args=[proposal.pk])
    response = client.post(url, {"disposition": "reference", "reason": "x"}, follow=True)
    assert "不予立案理由" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED


def test_foreign_proposal_answers_404(client, pw):
    proposal = submitted(pw)
    client.force_login(pw.world.charlie)
    assert client.get(detail_url(proposal)).status_code == 404
    client.force_login(pw.other_staff)
    assert client.post(reverse("proposals:file", args=[proposal.pk])).status_code == 404


def test_uninvolved_member_cannot_open_a_proposal(client, pw):
    proposal = submitted(pw)
    client.force_login(pw.erin)
    assert client.get(detail_url(proposal)).status_code == 404


def test_staff_assigns_and_handler_sees_it_in_the_inbox(client, pw):
    proposal = filed(pw)
    client.force_login(pw.staff)
    url = reverse("proposals:assign", args=[proposal.pk])
    assert "建议主办单位" in client.get(url).content.decode()
    response = client.post(url, {"mode": "lead", "lead": pw.units[0].pk, "co": [pw.units[1].pk]})
    assert response.status_code == 302
    client.force_login(pw.handlers[1])
    body = client.get(reverse("proposals:inbox")).content.decode()
    assert proposal.title in body and "协办" in body
    client.force_login(pw.handlers[2])
    assert proposal.title not in client.get(reverse("proposals:inbox")).content.decode()
    assert client.get(detail_url(proposal)).status_code == 404


def test_handler_writes_and_submits_a_reply(client, pw):
    proposal = handled(pw, co=False)
    assignment = proposal.assignments.get()
    client.force_login(pw.handlers[0])
    url = reverse("proposals:reply", args=[assignment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "答复正文", "result_class": "B", "signer": "王局长", "submit": "1"})
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.state == Reply.State.REVIEW
    client.force_login(pw.bob)
    assert "答复正文" not in client.get(detail_url(proposal)).content.decode()


def test_member_rates_a_reply_on_the_page(client, pw):
    proposal, reply = answered(pw)
    client.force_login(pw.bob)
    body = client.get(detail_url(proposal)).content.decode()
    assert "请评价本答复" in body
    response = client.post(
        reverse("proposals:rate", args=[reply.pk]),
        {"handling": "satisfied", "result": "basic", "comment": "好"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == S.CLOSED
    again = client.post(
        reverse("proposals:rate", args=[reply.pk]), {"handling": "satisfied", "result": "basic"}
    )
    assert again.status_code == 409


def test_lists_show_whose_move_it_is(client, pw):
    proposal = handled(pw)
    lead = proposal.assignments.get(kind=Assignment.Kind.LEAD)
    services.save_reply(
        actor=pw.actor(pw.handlers[0]), assignment=lead, body="x", result_class="A", signer="王"
    )
    client.force_login(pw.staff)
    body = client.get(reverse("proposals:register")).content.decode()
    assert "协办未会签" in body
    proposal2, _ = answered(pw)
    body = client.get(reverse("proposals:register") + "?waiting=rating").content.decode()
    assert "委员未评价" in body and proposal2.title in body


@pytest.mark.parametrize("name", ["mine", "queue", "register", "inbox", "key", "board", "leads"])
def test_list_pages_keep_a_constant_number_of_queries(client, pw, name):
    people = {
        "mine": pw.bob,
        "queue": pw.staff,
        "register": pw.staff,
        "inbox": pw.handlers[0],
        "key": pw.staff,
        "board": pw.staff,
        "leads": pw.staff,
    }
    client.force_login(people[name])
    url = reverse(f"proposals:{name}")

    def grow(n):
        for _ in range(n):
            proposal = handled(pw)
            services.propose_key(actor=pw.actor(pw.staff), proposal=proposal)
            submitted(pw)

    grow(1)
    small = count_queries(client, url)
    grow(4)
    assert count_queries(client, url) == small


def test_detail_page_keeps_a_constant_number_of_queries(client, pw):
    """Queries do not grow with the records on the page; records a proposal cannot have yet are not asked
    for, so a page is compared with one at the same stage."""
    client.force_login(pw.staff)
    proposal = handled(pw)
    services.merge_proposal(actor=pw.actor(pw.staff), proposal=submitted(pw), into=proposal)
    answer_and_rate(pw, proposal)
    small = count_queries(client, detail_url(proposal))
    big = handled(pw)
    services.merge_proposal(actor=pw.actor(pw.staff), proposal=submitted(pw), into=big)
    services.merge_proposal(actor=pw.actor(pw.staff), proposal=submitted(pw), into=big)
    lead, _ = big.assignments.order_by("id")
    for _ in range(3):
        services.record_communication(
            actor=pw.actor(pw.handlers[0]),
            assignment=lead,
            method="face",
            day=timezone.localdate(),
            summary="面商",
        )
    answer_and_rate(pw, big)
    assert count_queries(client, detail_url(big)) == small
    assert small <= 16


def answer_and_rate(pw, proposal):
    reply = answer(pw, proposal)
    services.rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="satisfied")


def test_notification_centre_counts_unread_and_opens_the_record(client, pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    client.force_login(pw.handlers[0])
    home = client.get("/").content.decode()
    assert "1 条未读" in home
    note = Notification.objects.get(recipient=pw.handlers[0])
    response = client.get(reverse("core:notification_open", args=[note.pk]))
    assert response["Location"] == detail_url(proposal)
    note.refresh_from_db()
    assert note.read_at is not None
    client.force_login(pw.bob)
    assert client.get(reverse("core:notification_open", args=[note.pk])).status_code == 404


def test_policy_settings_page(client, pw):
    client.force_login(pw.world.alice)
    url = reverse("proposals:settings")
    data = {
        "title_max": 40,
        "section_max": 2000,
        "deadline_months": 2,
        "max_extension_months": 6,
        "rehandle_months": 1,
        "reroute_working_days": 5,
        "rating_working_days": 15,
        "cosign_days": 5,
        "require_communication": "on",
        "attachment_max_mb": 5,
    }
    assert client.post(url, data).status_code == 302
    from zhengxie.proposals.policy import policy_for

    pw.org.refresh_from_db()
    policy = policy_for(pw.org)
    assert policy.require_communication and policy.deadline_months == 2
    client.force_login(pw.bob)
    assert client.get(url).status_code == 403


def test_reply_attachment_is_listed_with_its_reply(client, pw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposal = handled(pw, co=False)
    assignment = proposal.assignments.get()
    client.force_login(pw.handlers[0])
    upload = SimpleUploadedFile("办理情况.pdf", b"%PDF-1.4 reply")
    data = {"body": "答复正文", "result_class": "B", "signer": "王局长", "submit": "1", "attachment": upload}
    assert client.post(reverse("proposals:reply", args=[assignment.pk]), data).status_code == 302
    body = client.get(detail_url(proposal)).content.decode()
    assert "附件：办理情况.pdf" in body
    assert Attachment.objects.get().reply_id == Reply.objects.get().pk


def test_unit_asks_to_reroute_and_scores_quality_through_its_forms(client, pw):
    proposal = filed(pw)
    services.assign_units(actor=pw.actor(pw.staff), proposal=proposal, lead=pw.units[0])
    assignment = proposal.assignments.get()
    client.force_login(pw.handlers[0])
    url = reverse("proposals:request_reroute", args=[assignment.pk])
    response = client.post(url, {"reason": "不属本单位职责", "suggested_unit": "交通运输局"}, follow=True)
    assert "退办申请已提交" in response.content.decode()
    assert assignment.reroutes.get().suggested_unit == "交通运输局"
    response = client.post(
        reverse("proposals:quality", args=[assignment.pk]), {"score": 88, "comment": "质量较好"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.quality_score, assignment.quality_comment) == (88, "质量较好")
    client.force_login(pw.handlers[1])
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_policy_settings_are_checked_by_the_service_too(client, pw):
    from django.core.exceptions import ValidationError

    from zhengxie.core.models import AuditEvent
    from zhengxie.proposals.policy import Policy, policy_for

    actor = pw.actor(pw.world.alice)
    events = AuditEvent.objects.filter(action="proposals.policy.update").count()
    for values, message in [
        ({"deadline_months": 0}, "“办理期限（交办后月数）”应为1到6之间的整数。"),
        ({"deadline_months": "3"}, "“办理期限（交办后月数）”应为1到6之间的整数。"),
        ({"require_communication": "yes"}, "“无沟通未协商不答复”应为是或否。"),
        ({"colour": "red"}, "没有名为“colour”的设置。"),
        ({"deadline_months": 6, "max_extension_months": 4}, "延期后最长期限不能短于办理期限。"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.update_policy(actor=actor, values=values)
        assert refused.value.messages == [message]
    pw.org.refresh_from_db()
    assert policy_for(pw.org) == Policy()  # still the defaults
    assert AuditEvent.objects.filter(action="proposals.policy.update").count() == events

    # The rule between two settings is checked against what is stored, and shown on its field.
    client.force_login(pw.world.alice)
    data = {**policy_for(pw.org).as_dict(), "deadline_months": 5, "max_extension_months": 4}
    response = client.post(reverse("proposals:settings"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"max_extension_months": ["延期后最长期限不能短于办理期限。"]}
    services.update_policy(actor=actor, values={"deadline_months": 2})
    assert policy_for(pw.org).deadline_months == 2
    assert AuditEvent.objects.filter(action="proposals.policy.update").count() == events + 1


def test_the_timeline_names_each_step_and_the_state_it_led_to(client, pw):
    proposal = filed(pw)
    client.force_login(pw.staff)
    page = client.get(detail_url(proposal)).content.decode()
    assert "提交 → 已提交" in page and "立案 → 已立案" in page
