import pytest
from django.core.cache import cache
from django.urls import reverse

from zhengxie.core.models import AuditEvent, Member, RosterImport
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.helpers import count_queries
from zhengxie.core.tests.xlsx import workbook_bytes

ROSTER = reverse("core:roster")


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(ROSTER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_may_not_see_roster(client, world):
    client.force_login(world.bob)
    response = client.get(ROSTER)
    assert response.status_code == 403
    assert "没有" in response.content.decode()


def test_admin_sees_own_members_with_masked_mobile(client, world):
    client.force_login(world.alice)
    body = client.get(ROSTER).content.decode()
    assert world.bob.full_name in body
    assert world.charlie_member.name not in body
    assert world.bob.mobile not in body
    assert f"{world.bob.mobile[:3]}****{world.bob.mobile[-4:]}" in body


def test_leader_sees_masked_mobile_on_detail_staff_sees_full(client, world):
    leader = f.PersonFactory()
    f.RoleGrantFactory(organization=world.org, person=leader, role=Role.LEADER)
    url = reverse("core:member_detail", args=[world.bob_member.pk])
    client.force_login(leader)
    assert world.bob.mobile not in client.get(url).content.decode()
    client.force_login(world.alice)
    assert world.bob.mobile in client.get(url).content.decode()


def test_search_by_name_workplace_and_mobile(client, world):
    sector = f.SectorFactory(organization=world.org, name="教育界")
    f.MemberFactory(
        organization=world.org,
        term=world.term,
        person__full_name="欧阳明",
        workplace="示范大学",
        sector=sector,
    )
    client.force_login(world.alice)
    assert "欧阳明" in client.get(ROSTER, {"q": "欧阳"}).content.decode()
    assert "欧阳明" in client.get(ROSTER, {"q": "示范大学"}).content.decode()
    by_sector = client.get(ROSTER, {"sector": sector.pk}).content.decode()
    assert "欧阳明" in by_sector and world.bob.full_name not in by_sector
    by_mobile = client.get(ROSTER, {"q": world.bob.mobile}).content.decode()
    assert world.bob.full_name in by_mobile and "欧阳明" not in by_mobile


def test_foreign_sector_filter_is_rejected_not_leaked(client, world):
    foreign = f.SectorFactory(organization=world.other_org)
    client.force_login(world.alice)
    response = client.get(ROSTER, {"sector": foreign.pk})
    assert response.status_code == 200
    assert (
        "选择一个有效的选项" in response.content.decode()
        or world.charlie_member.name not in response.content.decode()
    )


def test_roster_is_paginated_and_query_count_is_constant(client, world):
    sector = f.SectorFactory(organization=world.org)
    committees = [f.CommitteeFactory(organization=world.org) for _ in range(3)]
    client.force_login(world.alice)
    for _ in range(3):
        f.MemberFactory(organization=world.org, term=world.term, sector=sector).committees.set(committees)
    small = count_queries(client, ROSTER)
    for _ in range(60):
        f.MemberFactory(organization=world.org, term=world.term, sector=sector).committees.set(committees)
    cache.clear()  # factories bypass the services that forget the cached roster size
    large = count_queries(client, ROSTER)
    assert small == large <= 12
    page2 = client.get(ROSTER, {"page": 2}).content.decode()
    assert "第 2 / 4 页" in page2


def test_create_member_with_errors_in_chinese(client, world):
    client.force_login(world.alice)
    url = reverse("core:member_create")
    response = client.post(url, {"full_name": "", "mobile": "123", "term": world.term.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in body
    assert "请输入 11 位中国大陆手机号" in body
    assert Member.objects.filter(organization=world.org).count() == 1


def test_create_member_then_second_submit_creates_no_second_record(client, world):
    client.force_login(world.alice)
    url = reverse("core:member_create")
    data = {"full_name": "周新", "mobile": "13811112222", "term": world.term.pk, "gender": "男"}
    response = client.post(url, data)
    member = Member.objects.get(name="周新")
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:member_detail", args=[member.pk]
    )
    again = client.post(url, data)
    assert again.status_code == 200 and "已是第六届委员" in again.content.decode()
    assert Member.objects.filter(name="周新").count() == 1


def test_edit_member_and_stale_version_conflict(client, world):
    client.force_login(world.alice)
    url = reverse("core:member_edit", args=[world.bob_member.pk])
    data = {
        "full_name": "李博",
        "mobile": world.bob.mobile,
        "term": world.term.pk,
        "workplace": "新单位",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "workplace": "另一个单位"})
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode()
    world.bob_member.refresh_from_db()
    assert world.bob_member.workplace == "新单位"


@pytest.mark.parametrize("name", ["member_detail", "member_edit"])
def test_foreign_and_missing_members_answer_404(client, world, name):
    client.force_login(world.alice)
    assert client.get(reverse(f"core:{name}", args=[world.charlie_member.pk])).status_code == 404
    assert client.get(reverse(f"core:{name}", args=[999999])).status_code == 404


def test_deactivate_member_is_post_only_and_audited(client, world):
    client.force_login(world.alice)
    url = reverse("core:member_status", args=[world.bob_member.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"status": "inactive"}).status_code == 302
    world.bob_member.refresh_from_db()
    assert world.bob_member.status == Member.Status.INACTIVE
    assert AuditEvent.objects.filter(action="core.member.deactivate").exists()
    again = client.post(url, {"status": "inactive"})
    assert again.status_code == 409 and "已是" in again.content.decode()


def test_member_cannot_deactivate_and_nothing_changes(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("core:member_status", args=[world.bob_member.pk]), {"status": "inactive"})
    assert response.status_code == 403
    world.bob_member.refresh_from_db()
    assert world.bob_member.status == Member.Status.ACTIVE


def test_foreign_member_deactivation_is_404(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("core:member_status", args=[world.charlie_member.pk]), {"status": "inactive"}
    )
    assert response.status_code == 404


def test_set_password_lets_member_sign_in_with_mobile(client, world):
    client.force_login(world.alice)
    client.post(reverse("core:member_password", args=[world.bob_member.pk]), {"password": "Member2026pass"})
    client.logout()
    response = client.post(
        reverse("core:login"), {"username": world.bob.mobile, "password": "Member2026pass"}
    )
    assert response.status_code == 302


def test_import_refuses_wrong_type_and_oversized_files(client, world, settings):
    client.force_login(world.alice)
    url = reverse("core:roster_import")
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("名册.csv", b"a,b", content_type="text/csv")
    response = client.post(url, {"file": text, "term": world.term.pk})
    assert "只接受 Excel 文件" in response.content.decode()
    fake = SimpleUploadedFile("名册.xlsx", b"not really excel", content_type="application/octet-stream")
    assert "不是有效的 Excel" in client.post(url, {"file": fake, "term": world.term.pk}).content.decode()
    settings.ZHENGXIE_IMPORT_MAX_BYTES = 100
    big = workbook_bytes([("周建国", "", "13800000001", "", "", "", "")])
    upload = SimpleUploadedFile("名册.xlsx", big.read())
    assert "文件不能超过" in client.post(url, {"file": upload, "term": world.term.pk}).content.decode()
    assert not RosterImport.objects.exists()


def test_import_bad_file_shows_report_and_downloads_it(client, world):
    client.force_login(world.alice)
    bad = workbook_bytes([("", "", "123", "", "", "", "")])
    response = client.post(reverse("core:roster_import"), {"file": bad, "term": world.term.pk}, follow=True)
    body = response.content.decode()
    assert "未导入任何数据" in body and "姓名不能为空" in body and "手机号格式不正确" in body
    record = RosterImport.objects.get()
    report = client.get(reverse("core:import_report", args=[record.pk]))
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    import openpyxl

    sheet = openpyxl.load_workbook(BytesIO(report.content)).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "内容", "原因"]
    assert sheet.max_row == 3


def test_import_good_file_adds_members(client, world):
    client.force_login(world.alice)
    good = workbook_bytes([("周建国", "男", "13800000001", "", "", "否", "")])
    response = client.post(reverse("core:roster_import"), {"file": good, "term": world.term.pk}, follow=True)
    assert "已导入 1 名委员" in response.content.decode()
    assert Member.objects.filter(name="周建国", organization=world.org).exists()


def test_foreign_import_record_is_404(client, world):
    record = RosterImport.objects.create(
        organization=world.other_org, filename="x.xlsx", status=RosterImport.Status.REJECTED
    )
    client.force_login(world.alice)
    assert client.get(reverse("core:import_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("core:import_report", args=[record.pk])).status_code == 404


def test_import_template_downloads(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("core:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_roster_size_follows_member_services(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    assert "共 1 条" in client.get(ROSTER).content.decode()
    data = {"full_name": "周新", "mobile": "13811112222", "term": world.term.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:member_create"), data)
    assert "共 2 条" in client.get(ROSTER).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:member_status", args=[world.bob_member.pk]), {"status": "inactive"})
    assert "共 1 条" in client.get(ROSTER).content.decode()


def test_search_finds_two_and_longer_fragments_and_follows_edits(client, world):
    admin_client = client
    admin_client.force_login(world.alice)
    member = f.MemberFactory(
        organization=world.org,
        term=world.term,
        person__full_name="司马光明",
        workplace="示范市第一人民医院 院长",
    )
    for q in ["司马", "光明", "司马光明", "人民医院", "医院 院长"]:
        assert "司马光明" in admin_client.get(ROSTER, {"q": q}).content.decode(), q
    assert "司马光明" not in admin_client.get(ROSTER, {"q": "马司"}).content.decode()
    admin_client.post(
        reverse("core:member_edit", args=[member.pk]),
        {
            "full_name": "司马光明",
            "mobile": member.person.mobile,
            "term": world.term.pk,
            "workplace": "示范大学",
            "version": 1,
        },
    )
    assert "司马光明" not in admin_client.get(ROSTER, {"q": "医院"}).content.decode()
    assert "司马光明" in admin_client.get(ROSTER, {"q": "大学"}).content.decode()
    assert "司马光明" in admin_client.get(ROSTER, {"q": "司"}).content.decode()  # one character: plain scan


def test_migration_indexes_members_that_existed_before_the_search_index(client, world):
    import importlib

    from django.apps import apps

    from zhengxie.core.models import MemberSearchGram

    MemberSearchGram.objects.all().delete()
    migration = importlib.import_module("zhengxie.core.migrations.0005_index_existing_members")
    migration.forwards(apps, None)
    client.force_login(world.alice)
    assert world.bob.full_name in client.get(ROSTER, {"q": world.bob.full_name}).content.decode()
    assert set(MemberSearchGram.objects.values_list("member_id", flat=True)) == {
        world.bob_member.pk,
        world.charlie_member.pk,
    }
