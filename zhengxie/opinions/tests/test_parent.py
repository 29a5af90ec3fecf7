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


def test_an_instruction_on_the_city_copy_is_recorded_on_the_district_original_for_its_feedback(ow):
    from zhengxie.opinions import services
    from zhengxie.opinions.models import Instruction, Level, Report

    county_editor = ow.actor(ow.county_editor, ow.county)
    report = b.editing(ow, person=ow.county_member, org=ow.county, editor=ow.county_editor)
    county_issue = b.issue(ow, org=ow.county, editor=ow.county_editor)
    services.include_report(actor=county_editor, report=report, issue=county_issue)
    b.publish(ow, county_issue, org=ow.county, editor=ow.county_editor, leader=ow.county_leader)
    report.refresh_from_db()
    services.forward_report(actor=county_editor, report=report, target="upper")
    copy = Report.objects.get(forwarded_from=report)
    city = ow.actor(ow.editor)
    services.receive_report(actor=city, report=copy)
    city_issue = b.issue(ow)
    services.include_report(actor=city, report=copy, issue=city_issue)
    b.publish(ow, city_issue)
    copy.refresh_from_db()
    services.record_instruction(
        actor=city,
        report=copy,
        leader="王市长",
        level=Level.CITY,
        instructed_on=b.today(),
        text="请区政府落实。",
    )
    report.refresh_from_db()
    assert report.state == Report.State.INSTRUCTED
    assert report.upper_adopted and report.instruction_levels == 2
    mirrored = Instruction.objects.get(report=report)
    assert (mirrored.leader, mirrored.organization_id) == ("王市长", ow.county.pk)
    services.record_feedback(
        actor=county_editor, report=report, department="区卫健局", received_on=b.today(), text="已落实。"
    )
    report.refresh_from_db()
    assert report.state == Report.State.FEEDBACK
