"""不予立案，转为社情民意: the proposal's content goes on as a public-opinion report, linked both ways."""

import pytest
from django.urls import reverse

from zhengxie.opinions.models import Report
from zhengxie.proposals import services
from zhengxie.proposals.models import Proposal

from .builders import submitted

pytestmark = pytest.mark.django_db


def _not_file(pw, proposal, disposition):
    return services.not_file_proposal(
        actor=pw.actor(pw.staff),
        proposal=proposal,
        ground=pw.ground,
        reason="属于具体情况反映，适合作为社情民意信息报送。",
        disposition=disposition,
    )


def test_not_filed_as_opinion_becomes_a_submitted_report_of_the_proposer(pw):
    proposal = _not_file(pw, submitted(pw), Proposal.Disposition.OPINION)
    report = Report.objects.get(source_proposal=proposal)
    assert report.state == Report.State.SUBMITTED
    assert (report.submitter_id, report.submitter_type) == (pw.bob.pk, Report.SubmitterType.MEMBER)
    assert report.title == proposal.title
    assert proposal.reason in report.body and proposal.suggestions in report.body
    assert report.transitions.get().action == "convert"


def test_other_dispositions_make_no_report(pw):
    _not_file(pw, submitted(pw), Proposal.Disposition.REFERENCE)
    assert not Report.objects.exists()


def test_both_pages_link_to_each_other(client, pw):
    proposal = _not_file(pw, submitted(pw), Proposal.Disposition.OPINION)
    report = Report.objects.get(source_proposal=proposal)
    client.force_login(pw.bob)
    proposal_page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert reverse("opinions:detail", args=[report.pk]) in proposal_page
    report_page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert reverse("proposals:detail", args=[proposal.pk]) in report_page
    assert "不予立案后转为社情民意" in report_page


def test_staff_see_the_report_named_on_the_proposal_without_a_link_they_cannot_open(client, pw):
    proposal = _not_file(pw, submitted(pw), Proposal.Disposition.OPINION)
    report = Report.objects.get(source_proposal=proposal)
    client.force_login(pw.staff)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "社情民意信息，已报送" in page
    assert reverse("opinions:detail", args=[report.pk]) not in page
