"""Tenancy: another organisation's records answer 404 from every service; the county and the city each keep
their own reports, and the only way up is the forwarded copy. Steps run inside the organisation's scope, as
a request opens it, so a query that forgets the tenant fails here."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_scopes import scope

from zhengxie.core.models import Notification
from zhengxie.opinions import selectors, services
from zhengxie.opinions.models import Forwarding, Issue, IssueItem, Level, Report, ReportTransition
from zhengxie.opinions.workflow import ISSUE_STEPS, STEPS

from . import builders as b
from .test_permissions import REPORT_CALLS, attempt, database_state, issue_in, report_in

S = Report.State
I = Issue.State  # noqa: E741


@contextmanager
def request_of(actor):
    """What the middleware does around a request: everything inside sees the actor's organisation only."""
    with scope(organization=actor.organization):
        yield actor


def county_report(ow, state=S.EDITING, **kwargs):
    """A county member's report, taken up by the county editor (and adopted in a county issue if asked)."""
    report = b.editing(ow, person=ow.county_member, org=ow.county, editor=ow.county_editor, **kwargs)
    if state == S.ADOPTED:
        issue = b.issue(ow, org=ow.county, editor=ow.county_editor)
        services.include_report(actor=ow.actor(ow.county_editor, ow.county), report=report, issue=issue)
        b.publish(ow, issue, org=ow.county, editor=ow.county_editor, leader=ow.county_leader)
        report.refresh_from_db()
    return report


def forwarded_up(ow, **kwargs):
    """A county report adopted there and forwarded to the city; returns (original, the city's copy)."""
    report = county_report(ow, S.ADOPTED, **kwargs)
    with request_of(ow.actor(ow.county_editor, ow.county)) as county_editor:
        services.forward_report(actor=county_editor, report=report, target=Forwarding.Target.UPPER)
    return report, Report.objects.get(forwarded_from=report)


@pytest.mark.parametrize("name", list(REPORT_CALLS))
def test_another_organisations_editor_never_reaches_a_report(ow, name):
    report = report_in(ow, STEPS[name].sources[0])
    b.issue(ow)  # something to include into, in the city
    outsider = ow.actor(ow.other_editor, ow.world.other_org)
    before = database_state()
    with request_of(outsider), pytest.raises(Http404):
        attempt(name, outsider, report)
    assert database_state() == before


@pytest.mark.parametrize("name", ["compose", "request_signoff", "recall", "sign", "publish", "delete_issue"])
def test_another_organisations_editor_never_reaches_an_issue(ow, name):
    issue = issue_in(ow, ISSUE_STEPS[name].sources[0], empty=name == "delete_issue")
    outsider = ow.actor(ow.other_editor, ow.world.other_org)
    before = database_state()
    with request_of(outsider), pytest.raises(Http404):
        attempt(name, outsider, issue)
    assert database_state() == before


def test_another_organisations_items_and_issues_are_not_found_when_compiling(ow):
    city_report = b.editing(ow)
    city_issue = issue_in(ow, I.DRAFT)
    city_item = IssueItem.objects.get(issue=city_issue)
    other = ow.actor(ow.other_editor, ow.world.other_org)
    before = database_state()
    with request_of(other):
        for call in (
            lambda: services.update_item(actor=other, item=city_item, title="改", body="改"),
            lambda: services.move_item(actor=other, item=city_item, offset=1),
            lambda: services.update_issue(actor=other, issue=city_issue, send_to="", copy_to=""),
        ):
            with pytest.raises(Http404):
                call()
    # The city's editor cannot put the city's report into the county's issue or item either.
    county_issue = b.issue(ow, org=ow.county, editor=ow.county_editor)
    services.include_report(
        actor=ow.actor(ow.county_editor, ow.county), report=county_report(ow), issue=county_issue
    )
    county_item = IssueItem.objects.get(issue=county_issue)
    before = database_state()
    with request_of(ow.actor(ow.editor)) as editor:
        with pytest.raises(Http404):
            services.include_report(actor=editor, report=city_report, issue=county_issue)
        with pytest.raises(Http404):
            services.merge_report(actor=editor, report=city_report, item=county_item)
    assert database_state() == before


def test_the_county_cannot_act_on_the_citys_reports(ow):
    report = b.submitted(ow)
    county_editor = ow.actor(ow.county_editor, ow.county)
    with request_of(county_editor):
        with pytest.raises(Http404):
            services.receive_report(actor=county_editor, report=report)
        with pytest.raises(Http404):
            selectors.get_report_for_actor(county_editor, report.pk)
    # Acting in the city, where they hold no role, the county's editor is simply not allowed.
    with pytest.raises(PermissionDenied):
        services.receive_report(actor=ow.actor(ow.county_editor, ow.org), report=report)
    report.refresh_from_db()
    assert report.state == S.SUBMITTED


def test_the_city_does_not_act_on_county_reports_that_were_not_forwarded(ow):
    report = county_report(ow)
    city_editor = ow.actor(ow.editor)
    before = database_state()
    with request_of(city_editor):
        for name in ("edit", "not_adopt", "include"):
            with pytest.raises(Http404):
                attempt(name, city_editor, report)
        with pytest.raises(Http404):
            selectors.get_report_for_actor(city_editor, report.pk)
        assert report.pk not in [r.pk for r in selectors.inbox(city_editor)]
    assert database_state() == before


def test_the_parent_receives_only_the_forwarded_copy(ow):
    original, copy = forwarded_up(ow, title="关于乡镇卫生院人才流失的建议")
    county_report(ow, title="没有报送上级的一篇")
    assert list(Report.objects.filter(organization=ow.org)) == [copy]
    city_editor = ow.actor(ow.editor)
    with request_of(city_editor):
        assert [r.pk for r in selectors.inbox(city_editor)] == [copy.pk]
        assert selectors.get_report_for_actor(city_editor, copy.pk) == copy
        services.receive_report(actor=city_editor, report=copy)
    # The city editors heard of it although the forwarding ran in the county's scope.
    assert Notification.objects.filter(recipient=ow.editor, kind="opinion_submitted").count() == 1
    assert ReportTransition.objects.filter(report=copy).count() == 2
    county_editor = ow.actor(ow.county_editor, ow.county)
    with request_of(county_editor):
        with pytest.raises(Http404):
            selectors.get_report_for_actor(county_editor, copy.pk)
        with pytest.raises(Http404):
            services.edit_report(actor=county_editor, report=copy, title="改", body="改")
        assert selectors.forwarded_copy(original) == copy


def test_the_citys_adoption_and_instruction_reach_the_county_original_from_the_citys_scope(ow):
    original, copy = forwarded_up(ow)
    with request_of(ow.actor(ow.editor)) as city_editor:
        services.receive_report(actor=city_editor, report=copy)
        issue = services.create_issue(actor=city_editor)
        services.include_report(actor=city_editor, report=copy, issue=issue)
        issue = services.request_signoff(actor=city_editor, issue=issue, signer=ow.leader)
    with request_of(ow.actor(ow.leader)) as leader:
        issue = services.sign_issue(actor=leader, issue=issue)
    with request_of(ow.actor(ow.editor)) as city_editor:
        services.publish_issue(actor=city_editor, issue=issue)
        copy.refresh_from_db()
        services.record_instruction(
            actor=city_editor, report=copy, leader="王市长", level=Level.CITY, instructed_on=b.today()
        )
    original.refresh_from_db()
    assert (original.upper_adopted, original.instruction_levels, original.points) == (True, 2, 10)
    assert list(original.transitions.values_list("action", flat=True))[-2:] == ["upper_adopt", "instruct"]
    # The county's editors and the member who wrote it are told, though the steps ran in the city's scope.
    assert Notification.objects.filter(recipient=ow.county_member, kind="opinion_upper").count() == 2
    assert Notification.objects.filter(recipient=ow.county_editor, kind="opinion_upper").count() == 2


def test_each_organisations_issue_numbers_run_on_their_own(ow):
    with request_of(ow.actor(ow.editor)) as city_editor:
        services.create_issue(actor=city_editor)
        services.create_issue(actor=city_editor)
    with request_of(ow.actor(ow.county_editor, ow.county)) as county_editor:
        assert services.create_issue(actor=county_editor).number == 1
    with request_of(ow.actor(ow.other_editor, ow.world.other_org)) as other_editor:
        assert services.create_issue(actor=other_editor).number == 1
    assert Issue.objects.filter(organization=ow.org).count() == 2


def test_rescoring_one_organisation_leaves_the_others_alone(ow):
    city = b.adopted(ow)
    county = county_report(ow, S.ADOPTED)
    with request_of(ow.actor(ow.world.alice)) as admin:
        assert services.update_rules(actor=admin, values={"adopted": "3"}) == 1
    city.refresh_from_db()
    county.refresh_from_db()
    assert (city.points, county.points) == (3, 1)
