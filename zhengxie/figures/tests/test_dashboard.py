"""The dashboard and the record lists behind its numbers: every number opens exactly the records it counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.figures import registry, selectors
from zhengxie.proposals.tests import builders as pb

from .builders import year_of_work

pytestmark = pytest.mark.django_db


def _year() -> int:
    return timezone.localdate().year


def test_the_dashboard_shows_each_groups_numbers_and_links_them_to_their_records(client, pw):
    year_of_work(pw)
    client.force_login(pw.staff)
    response = client.get(reverse("figures:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    values = registry.compute(pw.org, _year())
    received = selectors.records_url(selectors.where(pw.actor(pw.staff)), _year(), "proposals", "received")
    assert f'<a href="{received.replace("&", "&amp;")}">{values["proposals"]["received"]}</a>' in page
    assert "满意率" in page and "50.00" in page
    charts = response.context["charts"]
    assert charts["proposals-state"]["values"] == [2, 1, 1, 1, 1]
    assert charts["proposals-state"]["unit"] == "件"
    assert all(
        url.startswith("/figures/records/proposals/by_state/") for url in charts["proposals-state"]["urls"]
    )
    assert charts["opinions-adoption"]["labels"] == ["采用", "未采用", "尚在处理"]
    assert "导入往年数据" in page  # proposal staff may import past years; leaders may not
    client.force_login(pw.leader)
    assert "导入往年数据" not in client.get(reverse("figures:dashboard")).content.decode()
    assert response.context["tree_rows"] == []  # no organisation below


def test_every_number_on_the_dashboard_opens_a_list_of_exactly_that_many_records(client, pw):
    year_of_work(pw)
    client.force_login(pw.leader)
    response = client.get(reverse("figures:dashboard"))
    numbers = [n for board in response.context["boards"] for n in board.headline if n.url]
    numbers += [n for board in response.context["boards"] for data in board.charts for n in data.rows]
    assert len(numbers) > 20
    for number in numbers:
        listed = client.get(number.url)
        assert listed.status_code == 200, number.url
        assert listed.context["page"].paginator.count == number.value, (number.label, number.url)


def test_each_count_has_its_list_on_the_report_and_the_list_agrees(client, pw):
    year_of_work(pw)
    client.force_login(pw.leader)
    values = registry.compute(pw.org, _year())
    for figure in registry.figures():
        if isinstance(figure, registry.Count):
            url = reverse("figures:records", args=[figure.group, figure.name])
            listed = client.get(url, {"year": _year()})
            assert listed.context["page"].paginator.count == values[figure.group][figure.name], figure.name


def test_the_record_list_shows_the_records_with_links_and_its_definition(client, pw):
    year_of_work(pw)
    client.force_login(pw.staff)
    response = client.get(reverse("figures:records", args=["proposals", "replied"]), {"year": _year()})
    page = response.content.decode()
    assert "统计口径：" + registry.get("proposals", "replied").definition in page
    replied = registry.get("proposals", "replied").records(pw.org, _year())
    for proposal in replied:
        assert reverse("proposals:detail", args=[proposal.pk]) in page
    assert '共 <strong class="figure-total">2</strong> 件' in page


def test_a_segment_list_is_the_segment(client, pw):
    year_of_work(pw)
    client.force_login(pw.staff)
    url = reverse("figures:records", args=["proposals", "by_state"])
    response = client.get(url, {"year": _year(), "value": "closed"})
    assert response.context["title"] == "按状态：已办结"
    assert response.context["page"].paginator.count == 2
    unit = pw.units[0]
    response = client.get(
        reverse("figures:records", args=["proposals", "by_lead_unit"]), {"year": _year(), "value": unit.pk}
    )
    assert response.context["title"] == "按主办单位：发展改革委"
    assert response.context["page"].paginator.count == 3


def test_unknown_figures_rates_and_bad_segments_are_not_found(client, pw):
    client.force_login(pw.staff)
    for group, name, query in (
        ("proposals", "nothing", {}),
        ("nowhere", "received", {}),
        ("proposals", "satisfied_rate", {}),
        ("proposals", "by_state", {}),
        ("proposals", "by_category", {"value": "abc"}),
        ("proposals", "by_lead_unit", {"value": "1.5"}),
    ):
        assert client.get(reverse("figures:records", args=[group, name]), query).status_code == 404, name
    # A year out of range or not a number is this year.
    response = client.get(reverse("figures:dashboard"), {"year": "abc"})
    assert response.context["year"] == _year()
    assert client.get(reverse("figures:dashboard"), {"year": "99999"}).context["year"] == _year()


def test_members_may_not_open_the_figures_and_editors_not_the_proposal_records(client, pw):
    year_of_work(pw)
    client.force_login(pw.bob)
    assert client.get(reverse("figures:dashboard")).status_code == 403
    assert client.get(reverse("figures:records", args=["proposals", "received"])).status_code == 403
    editor = f.PersonFactory(username="opeditor2", full_name="陈编辑")
    f.RoleGrantFactory(organization=pw.org, person=editor, role=Role.OPINION_EDITOR)
    client.force_login(editor)
    dashboard = client.get(reverse("figures:dashboard"))
    assert dashboard.status_code == 200
    # The proposal numbers are shown, not linked to lists the editor may not open; the reports' are.
    proposals, opinions = dashboard.context["boards"]
    assert all(not n.url for n in proposals.headline) and all(n.url for n in opinions.headline)
    assert dashboard.context["charts"]["proposals-state"]["urls"] is None
    assert client.get(reverse("figures:records", args=["proposals", "received"])).status_code == 403
    assert client.get(reverse("figures:records", args=["opinions", "received"])).status_code == 200


def test_another_organisations_staff_see_none_of_these_records(client, pw):
    year_of_work(pw)
    client.force_login(pw.other_staff)
    response = client.get(reverse("figures:records", args=["proposals", "received"]), {"org": pw.org.pk})
    assert response.context["where"].ids == [pw.world.other_org.pk]
    assert response.context["page"].paginator.count == 0
    dashboard = client.get(reverse("figures:dashboard"), {"org": pw.org.pk})
    assert all(not n.value for board in dashboard.context["boards"] for n in board.headline if n.url)


def _queries(client, url, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query or {}).status_code == 200
    return len(captured)


def test_the_dashboards_and_lists_queries_do_not_grow_with_the_records(client, pw):
    year_of_work(pw)
    client.force_login(pw.leader)
    client.get(reverse("figures:dashboard"))  # the session's first request reads more
    dashboard = _queries(client, reverse("figures:dashboard"))
    records = _queries(client, reverse("figures:records", args=["proposals", "received"]))
    report = _queries(client, reverse("figures:report"))
    for _ in range(3):
        pb.answered(pw)
    pb.submitted(pw, kind="individual")
    assert _queries(client, reverse("figures:dashboard")) == dashboard
    assert _queries(client, reverse("figures:records", args=["proposals", "received"])) == records
    assert _queries(client, reverse("figures:report")) == report


def test_the_report_page_gives_the_sentences_the_table_and_the_files(client, pw):
    year_of_work(pw)
    client.force_login(pw.leader)
    response = client.get(reverse("figures:report"))
    page = response.content.decode()
    assert "共收到提案6件" in page
    assert "满意率" in page
    for figure in registry.figures():
        assert figure.label in page
    files = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json; charset=utf-8",
    }
    for wanted, content_type in files.items():
        download = client.get(reverse("figures:report"), {"format": wanted})
        assert download["Content-Type"] == content_type
        assert re.search(rf"filename\*=UTF-8''.+\.{wanted}", download["Content-Disposition"])
    payload = client.get(reverse("figures:report"), {"format": "json"}).json()
    assert payload["proposals"]["received"] == 6
    assert payload["proposals"]["satisfied_rate"] == "50.00"
    assert payload["organization"] == "甲市政协"
