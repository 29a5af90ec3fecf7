import pytest
from django.urls import reverse

from zhengxie.core.models import AuditEvent, HandlingUnit, PlenarySession
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.helpers import count_queries
from zhengxie.core.views.org import KINDS


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_list_answers_admin_leader_and_refuses_member(client, world, kind):
    leader = f.PersonFactory()
    f.RoleGrantFactory(organization=world.org, person=leader, role=Role.LEADER)
    url = reverse("core:record_list", args=[kind])
    client.force_login(world.alice)
    assert "新增" in client.get(url).content.decode()
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200 and "新增" + KINDS[kind].label not in response.content.decode()
    assert client.get(reverse("core:record_create", args=[kind])).status_code == 403
    client.force_login(world.bob)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("kind", list(KINDS))
def test_list_query_count_is_constant(client, world, kind):
    client.force_login(world.alice)
    url = reverse("core:record_list", args=[kind])
    small = None
    for i in range(31):
        if i == 1:
            small = count_queries(client, url)
        if kind == "sessions":
            f.SessionFactory(term=world.term, organization=world.org, number=10 + i)
        elif kind == "terms":
            f.TermFactory(organization=world.org, number=10 + i, is_current=False)
        else:
            f.__dict__[
                {
                    "sectors": "SectorFactory",
                    "committees": "CommitteeFactory",
                    "participating-units": "ParticipatingUnitFactory",
                    "handling-units": "HandlingUnitFactory",
                }[kind]
            ](organization=world.org)
    assert count_queries(client, url) == small


def test_admin_adds_handling_unit_audited(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("core:record_create", args=["handling-units"]),
        {"name": "市教育局", "sort_order": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    unit = HandlingUnit.objects.get(name="市教育局")
    assert unit.organization == world.org
    assert AuditEvent.objects.filter(action="core.handlingunit.create", object_id=str(unit.pk)).exists()


def test_duplicate_name_is_refused_at_the_field(client, world):
    f.HandlingUnitFactory(organization=world.org, name="市教育局")
    client.force_login(world.alice)
    body = client.post(
        reverse("core:record_create", args=["handling-units"]), {"name": "市教育局", "sort_order": 1}
    ).content.decode()
    assert "本组织已存在相同名称的承办单位" in body
    assert HandlingUnit.objects.filter(name="市教育局").count() == 1


def _session(term, **changes):
    data = {
        "term": term.pk,
        "number": 5,
        "name": "第五次会议",
        "year": 2027,
        "opens_on": "2027-01-10",
        "closes_on": "2027-01-15",
        "submission_opens_on": "2026-10-10",
        "submission_closes_on": "2027-01-12",
    }
    return {**data, **changes}


def test_session_dates_must_be_ordered(client, world):
    client.force_login(world.alice)
    data = _session(world.term, closes_on="2027-01-05", submission_closes_on="2026-10-01")
    body = client.post(reverse("core:record_create", args=["sessions"]), data).content.decode()
    assert "闭幕日期不能早于开幕日期" in body and "截止日期不能早于征集开始日期" in body
    assert not PlenarySession.objects.exists()


def test_session_in_foreign_term_is_refused(client, world):
    client.force_login(world.alice)
    data = _session(world.other_term)
    response = client.post(reverse("core:record_create", args=["sessions"]), data)
    assert response.status_code == 200 and not PlenarySession.objects.exists()


def test_foreign_record_edit_is_404_and_unknown_kind_is_404(client, world):
    foreign = f.HandlingUnitFactory(organization=world.other_org)
    client.force_login(world.alice)
    assert client.get(reverse("core:record_edit", args=["handling-units", foreign.pk])).status_code == 404
    assert (
        client.post(
            reverse("core:record_edit", args=["handling-units", foreign.pk]), {"name": "x"}
        ).status_code
        == 404
    )
    assert client.get(reverse("core:record_list", args=["no-such-kind"])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "x"
