import pytest
from django.core.exceptions import PermissionDenied

from zhengxie.core.imports import import_roster
from zhengxie.core.models import AuditEvent, Member, Person, RosterImport
from zhengxie.core.permissions import actor_for
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.xlsx import workbook_bytes


@pytest.fixture
def setup(world):
    f.SectorFactory(organization=world.org, name="经济界")
    f.SectorFactory(organization=world.org, name="教育界")
    f.CommitteeFactory(organization=world.org, name="经济委员会")
    f.CommitteeFactory(organization=world.org, name="提案委员会")
    return world, actor_for(world.alice, world.org)


def _import(actor, world, rows, **kwargs):
    return import_roster(
        actor=actor, file=workbook_bytes(rows, **kwargs), filename="名册.xlsx", term=world.term
    )


def test_good_workbook_imports_every_row(setup):
    world, admin = setup
    rows = [
        ("周建国", "男", "13800000001", "经济界", "经济委员会、提案委员会", "是", "示范银行 行长"),
        ("吴丽", "女", "138 0000 0002", "教育界", "", "否", "示范一中 校长"),
        ("郑平", "", "13800000003", "", "提案委员会", "", ""),
    ]
    result = _import(admin, world, rows)
    assert result.status == RosterImport.Status.IMPORTED
    assert result.created_count == 3 and result.errors == []
    zhou = Member.objects.get(name="周建国")
    assert zhou.is_standing and zhou.sector.name == "经济界" and zhou.workplace == "示范银行 行长"
    assert sorted(c.name for c in zhou.committees.all()) == ["提案委员会", "经济委员会"]
    assert Member.objects.get(name="吴丽").person.mobile == "13800000002"
    assert AuditEvent.objects.filter(action="core.member.create").count() == 3
    assert AuditEvent.objects.filter(action="core.rosterimport.import").count() == 1


def test_one_bad_row_imports_nothing_and_reports_every_problem(setup):
    world, admin = setup
    rows = [
        ("周建国", "男", "13800000001", "经济界", "", "是", ""),
        ("", "男", "13800000002", "经济界", "", "否", ""),  # empty name
        ("吴丽", "女", "1380000", "教育界", "", "否", ""),  # bad phone
        ("郑平", "男", "13800000001", "经济界", "", "否", ""),  # duplicate mobile
        ("王五", "男", "13800000005", "不存在界", "", "否", ""),  # unknown sector
        ("赵六", "未知", "13800000006", "经济界", "无此委员会", "也许", ""),  # gender, committee, standing
    ]
    before = (Person.objects.count(), Member.objects.count())
    result = _import(admin, world, rows)
    assert result.status == RosterImport.Status.REJECTED
    problems = {(e["row"], e["column"]) for e in result.errors}
    assert problems == {
        (3, "姓名"),
        (4, "手机号"),
        (5, "手机号"),
        (6, "界别"),
        (7, "性别"),
        (7, "专委会"),
        (7, "是否常委"),
    }
    duplicate = next(e for e in result.errors if e["row"] == 5)
    assert "第 2 行" in duplicate["reason"]
    assert (Person.objects.count(), Member.objects.count()) == before
    assert not AuditEvent.objects.filter(action="core.member.create").exists()


def test_missing_required_header_is_reported(setup):
    world, admin = setup
    result = _import(admin, world, [("周建国", "经济界")], headers=["姓名", "界别"])
    assert result.status == RosterImport.Status.REJECTED
    assert "手机号" in result.errors[0]["reason"]


def test_unreadable_file_is_reported_not_raised(setup):
    world, admin = setup
    from io import BytesIO

    result = import_roster(actor=admin, file=BytesIO(b"not a workbook"), filename="x.xlsx", term=world.term)
    assert result.status == RosterImport.Status.REJECTED
    assert "无法读取" in result.errors[0]["reason"]


def test_empty_workbook_is_reported(setup):
    world, admin = setup
    result = _import(admin, world, [])
    assert result.status == RosterImport.Status.REJECTED
    assert "没有数据" in result.errors[0]["reason"]


def test_existing_member_and_name_mismatch_are_reported(setup):
    world, admin = setup
    rows = [
        (world.bob.full_name, "男", world.bob.mobile, "", "", "", ""),  # already a member this term
        ("另一个人", "男", world.charlie_member.person.mobile, "", "", "", ""),  # mobile of someone else
    ]
    result = _import(admin, world, rows)
    reasons = [e["reason"] for e in result.errors]
    assert any("已是第六届委员" in r for r in reasons)
    assert any("姓名不一致" in r for r in reasons)


def test_member_of_another_organization_is_reused(setup):
    world, admin = setup
    other = world.charlie_member.person
    result = _import(admin, world, [(other.full_name, "", other.mobile, "", "", "", "")])
    assert result.status == RosterImport.Status.IMPORTED
    assert Member.objects.get(organization=world.org, person=other)


def test_only_org_admin_may_import(setup):
    world, _ = setup
    with pytest.raises(PermissionDenied):
        _import(actor_for(world.bob, world.org), world, [("周建国", "", "13800000001", "", "", "", "")])


def test_ten_thousand_rows_import_completely(setup):
    world, admin = setup
    rows = [
        (f"委员{i}", "男" if i % 2 else "女", f"135{i:08d}", "经济界", "经济委员会", "否", "单位")
        for i in range(10_000)
    ]
    result = _import(admin, world, rows)
    assert result.status == RosterImport.Status.IMPORTED, result.errors[:3]
    assert Member.objects.filter(organization=world.org).count() == 10_001
    assert Member.committees.through.objects.count() == 10_000


def test_ten_thousand_rows_with_one_bad_row_import_nothing(setup):
    world, admin = setup
    rows = [(f"委员{i}", "", f"135{i:08d}", "经济界", "", "否", "") for i in range(10_000)]
    rows[9_876] = ("委员坏", "", "12345", "经济界", "", "否", "")
    result = _import(admin, world, rows)
    assert [(e["row"], e["column"]) for e in result.errors] == [(9_878, "手机号")]
    assert Member.objects.filter(organization=world.org).count() == 1
