"""What a parent organisation may see of its children's reports: their figures on the analysis page and
what they forward up; a child never reaches its parent's or a sibling's figures."""

import pytest
from django.urls import reverse

from zhengxie.core.tests import factories as f

from . import builders as b

pytestmark = pytest.mark.django_db


def _county_reports(ow, n):
    for i in range(n):
        b.submitted(ow, person=ow.county_member, org=ow.county, title=f"关于乡村道路养护的建议{i}")


def test_the_city_office_chooses_a_district_and_sees_its_figures(client, ow):
    _county_reports(ow, 3)
    b.submitted(ow, title="市里的一篇")
    client.force_login(ow.editor)
    own = client.get(reverse("opinions:analysis"))
    assert own.context["summary"].total == 1
    assert "甲市乙区政协" in own.content.decode()  # offered in the organisation choice
    county = client.get(reverse("opinions:analysis"), {"org": ow.county.pk})
    assert county.context["summary"].organization == ow.county
    assert county.context["summary"].total == 3
    assert f"&org={ow.county.pk}" in county.context["previous_link"]
    export = client.get(reverse("opinions:analysis_xlsx"), {"org": ow.county.pk})
    assert export.status_code == 200
    assert "%E4%B9%99%E5%8C%BA" in export["Content-Disposition"]  # 乙区 in the file name


def test_a_district_cannot_reach_its_parent_or_a_sibling(client, ow):
    sibling = f.OrganizationFactory(name="甲市丙区政协", slug="jia-bingqu", parent=ow.org)
    b.submitted(ow, title="市里的一篇")
    _county_reports(ow, 2)
    client.force_login(ow.county_editor)
    for other in (ow.org, sibling):
        page = client.get(reverse("opinions:analysis"), {"org": other.pk})
        assert page.context["summary"].organization == ow.county
        assert page.context["summary"].total == 2
    assert "甲市丙区政协" not in page.content.decode()


def test_another_organisation_is_never_offered(client, ow):
    client.force_login(ow.editor)
    page = client.get(reverse("opinions:analysis"), {"org": ow.world.other_org.pk})
    assert page.context["summary"].organization == ow.org
    assert "乙市政协" not in page.content.decode()
