"""A parent organisation sees each organisation below it and the total, which is the sum of its rows;
a child sees only itself and never reaches its parent's or a sibling's figures or records."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.models import Organization
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.figures import registry, selectors
from zhengxie.proposals.models import Proposal

from .builders import year_of_work

pytestmark = pytest.mark.django_db
S = Proposal.State


def _district(pw, name: str, slug: str, received: int, filed: int):
    """A district below the city with `received` proposals this year, `filed` of them filed."""
    with scopes_disabled():
        org = f.OrganizationFactory(name=name, slug=slug, parent=pw.org, level=Organization.Level.COUNTY)
        term = f.TermFactory(organization=org)
        session = f.SessionFactory(organization=org, term=term, year=timezone.localdate().year)
        member = f.PersonFactory(username=f"{slug}-member", full_name=f"{name[:2]}委员")
        staff = f.PersonFactory(username=f"{slug}-staff", full_name=f"{name[:2]}提办")
        f.RoleGrantFactory(organization=org, person=staff, role=Role.PROPOSAL_STAFF)
        submitted = timezone.now() - timedelta(days=20)
        for i in range(received):
            Proposal.objects.create(
                organization=org,
                term=term,
                session=session,
                title=f"关于{name}第{i + 1}件事的建议",
                proposer=member,
                proposer_name=member.full_name,
                state=S.FILED if i < filed else S.SUBMITTED,
                stage=Proposal.Stage.ORDINARY,
                submitted_at=submitted,
                filed_at=submitted + timedelta(days=3) if i < filed else None,
                number=i + 1 if i < filed else None,
            )
    return org, staff


def test_the_parent_sees_each_organisation_below_it_and_the_total_is_their_sum(client, pw):
    year_of_work(pw)
    east, _ = _district(pw, "甲市东区政协", "jia-dong", received=4, filed=3)
    west, _ = _district(pw, "甲市西区政协", "jia-xi", received=2, filed=1)
    client.force_login(pw.leader)
    response = client.get(reverse("figures:dashboard"))
    rows = response.context["tree_rows"]
    assert [r.organization for r in rows] == [pw.org, east, west, None]
    heads = response.context["tree_heads"]
    received = heads.index(("提案", "收到提案"))
    filed = heads.index(("提案", "立案"))
    assert [r.cells[received].value for r in rows] == [6, 4, 2, 12]
    assert [r.cells[filed].value for r in rows] == [4, 3, 1, 8]
    for column, _ in enumerate(heads):
        cells = [r.cells[column] for r in rows]
        if not cells[0].parts:  # a count: the total is the sum of the rows above it
            assert cells[-1].value == sum(c.value for c in cells[:-1]), heads[column]
    year = timezone.localdate().year
    ids = [pw.org.pk, east.pk, west.pk]
    assert registry.total(registry.compute_by_organization(ids, year).values()) == registry.compute(ids, year)
    # The parent's own dashboard shows its own figures (taken from its row of the table), as its report does.
    own = registry.compute(pw.org, year)
    for board in response.context["boards"]:
        values = own[board.group.name]
        assert [n.value for n in board.headline] == [values[n] for n in board.group.headline]
        for data in board.charts:
            if not data.chart.breakdown:
                assert [n.value for n in data.rows] == [values[n] for n in data.chart.counts]
    # Each number opens its organisation's records; the total's opens them all.
    east_list = client.get(rows[1].cells[received].url)
    assert east_list.context["page"].paginator.count == 4
    assert all(p.organization_id == east.pk for p in east_list.context["page"].object_list)
    all_list = client.get(rows[-1].cells[received].url)
    assert all_list.context["page"].paginator.count == 12
    assert "甲市西区政协" in all_list.content.decode()  # the organisation column of a list over several


def test_the_parent_chooses_a_district_or_the_total_for_the_whole_dashboard(client, pw):
    year_of_work(pw)
    east, _ = _district(pw, "甲市东区政协", "jia-dong", received=4, filed=3)
    _district(pw, "甲市西区政协", "jia-xi", received=2, filed=1)
    client.force_login(pw.staff)
    chosen = client.get(reverse("figures:dashboard"), {"org": east.pk})
    assert chosen.context["where"].ids == [east.pk]
    headline = {n.name: n.value for n in chosen.context["boards"][0].headline}
    assert (headline["received"], headline["filed"]) == (4, 3)
    total = client.get(reverse("figures:dashboard"), {"org": selectors.ALL})
    headline = {n.name: n.value for n in total.context["boards"][0].headline}
    assert (headline["received"], headline["filed"]) == (12, 8)
    # The total is not split by each organisation's own units and categories, nor tabled again by organisation.
    charts = {data.chart.name for data in total.context["boards"][0].charts}
    assert "state" in charts and not {"lead_unit", "category"} & charts
    assert total.context["tree_rows"] == []
    charts = {data.chart.name for data in chosen.context["boards"][0].charts}
    assert {"lead_unit", "category"} <= charts
    report = client.get(reverse("figures:report"), {"org": east.pk, "format": "json"}).json()
    assert report["organization"] == "甲市东区政协"
    assert report["proposals"]["received"] == 4


def test_a_district_sees_only_itself_whatever_it_asks_for(client, pw):
    year_of_work(pw)
    east, east_staff = _district(pw, "甲市东区政协", "jia-dong", received=4, filed=3)
    west, _ = _district(pw, "甲市西区政协", "jia-xi", received=2, filed=1)
    client.force_login(east_staff)
    for wanted in ("", str(pw.org.pk), str(west.pk), selectors.ALL):
        page = client.get(reverse("figures:dashboard"), {"org": wanted})
        assert page.context["where"].ids == [east.pk]
        assert page.context["tree_rows"] == []
        headline = {n.name: n.value for n in page.context["boards"][0].headline}
        assert headline["received"] == 4
        listed = client.get(reverse("figures:records", args=["proposals", "received"]), {"org": wanted})
        assert listed.context["page"].paginator.count == 4
        json = client.get(reverse("figures:report"), {"org": wanted, "format": "json"}).json()
        assert json["organization"] == "甲市东区政协"
        assert json["proposals"]["received"] == 4
    text = page.content.decode()
    assert "甲市西区政协" not in text and "本级及下级合计" not in text


def test_the_report_command_gives_a_parents_total_on_request(pw):
    year_of_work(pw)
    _district(pw, "甲市东区政协", "jia-dong", received=4, filed=3)
    year = str(timezone.localdate().year)
    out = StringIO()
    call_command("report", "--org", "jia", "--year", year, stdout=out)
    assert json.loads(out.getvalue())["proposals"]["received"] == 6
    out = StringIO()
    call_command("report", "--org", "jia", "--year", year, "--total", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["organization"] == "甲市政协（本级及下级合计）"
    assert payload["proposals"]["received"] == 10
    assert payload["proposals"]["filed"] == 7
