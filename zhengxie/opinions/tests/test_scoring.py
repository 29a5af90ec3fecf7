"""Scoring (SPEC §3.2): a report earns the points of its best outcome under its organisation's table;
changing the table scores every report of that organisation again, and no other's."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengxie.core.models import AuditEvent
from zhengxie.core.tests import factories as f
from zhengxie.opinions import services
from zhengxie.opinions.models import Level, Outcome, Report, ScoreRule

from . import builders as b

O = Outcome  # noqa: E741


def test_an_organisation_without_a_table_scores_by_the_example_of_the_spec(db):
    organization = f.OrganizationFactory(name="丙县政协", slug="bing")
    assert services.rules_for(organization) == {
        "adopted": Decimal("1"),
        "adopted_upper": Decimal("5"),
        "instructed_county": Decimal("5"),
        "instructed_city": Decimal("10"),
        "instructed_province": Decimal("20"),
        "instructed_national": Decimal("30"),
    }


def test_the_organisations_own_rows_override_the_defaults(ow):
    ScoreRule.objects.filter(organization=ow.org, outcome=O.ADOPTED).update(points=Decimal("2.5"))
    ScoreRule.objects.filter(organization=ow.org, outcome=O.INSTRUCTED_NATIONAL).delete()
    rules = services.rules_for(ow.org)
    assert (rules["adopted"], rules["instructed_national"]) == (Decimal("2.5"), Decimal("30"))
    assert services.rules_for(ow.county)["adopted"] == Decimal("1")


def test_outcomes_list_every_achievement_of_a_report():
    assert services.outcomes_of(adopted=False, upper_adopted=False, levels=0) == []
    assert services.outcomes_of(adopted=True, upper_adopted=True, levels=0b1010) == [
        "adopted",
        "adopted_upper",
        "instructed_city",
        "instructed_national",
    ]


def test_the_best_outcome_is_the_one_with_the_most_points():
    rules = {o: Decimal(p) for o, p in zip(O.values, ["1", "5", "5", "10", "20", "30"], strict=True)}
    assert services.best_outcome([], rules) == ("", Decimal("0"))
    assert services.best_outcome(["adopted", "instructed_city"], rules) == ("instructed_city", Decimal("10"))
    # Equal points: the higher achievement names the result.
    assert services.best_outcome(["adopted_upper", "instructed_county"], rules) == (
        "instructed_county",
        Decimal("5"),
    )
    rules["adopted_upper"] = Decimal("50")
    assert services.best_outcome(["adopted_upper", "instructed_national"], rules) == (
        "adopted_upper",
        Decimal("50"),
    )


def test_a_new_table_scores_every_report_of_the_organisation_again(ow):
    adopted = b.adopted(ow)
    instructed = b.instructed(ow, level=Level.CITY)
    draft = b.draft(ow)
    changed = services.update_rules(
        actor=ow.actor(ow.editor), values={"adopted": "2", "instructed_city": "12.5"}
    )
    assert changed == 2
    for report in (adopted, instructed, draft):
        report.refresh_from_db()
    assert (adopted.outcome, adopted.points) == (O.ADOPTED, Decimal("2"))
    assert (instructed.outcome, instructed.points) == (O.INSTRUCTED_CITY, Decimal("12.5"))
    assert (draft.outcome, draft.points) == ("", Decimal("0"))
    # The same table again changes nothing.
    assert services.update_rules(actor=ow.actor(ow.editor), values={"adopted": "2"}) == 0


def test_a_new_table_can_change_which_outcome_is_best(ow):
    report = b.instructed(ow, level=Level.COUNTY)
    assert (report.outcome, report.points) == (O.INSTRUCTED_COUNTY, Decimal("5"))
    services.update_rules(actor=ow.actor(ow.world.alice), values={"adopted": "8"})
    report.refresh_from_db()
    assert (report.outcome, report.points) == (O.ADOPTED, Decimal("8"))


def test_another_organisations_reports_keep_their_points(ow):
    city = b.adopted(ow)
    other = ow.world.other_org
    other_leader = f.PersonFactory(username="otherleader", full_name="郑他长")
    f.RoleGrantFactory(organization=other, person=other_leader, role="leader")
    theirs = b.editing(ow, person=ow.world.charlie_member.person, org=other, editor=ow.other_editor)
    issue = b.issue(ow, org=other, editor=ow.other_editor)
    services.include_report(actor=ow.actor(ow.other_editor, other), report=theirs, issue=issue)
    b.publish(ow, issue, org=other, editor=ow.other_editor, leader=other_leader)
    assert services.update_rules(actor=ow.actor(ow.editor), values={"adopted": "4"}) == 1
    city.refresh_from_db()
    theirs.refresh_from_db()
    assert (city.points, theirs.points) == (Decimal("4"), Decimal("1"))
    assert ScoreRule.objects.get(organization=other, outcome=O.ADOPTED).points == Decimal("1")


@pytest.mark.parametrize(
    "value,message",
    [
        ("abc", "“本级采用”的分值必须是数字。"),
        ("", "“本级采用”的分值必须是数字。"),
        ("-1", "“本级采用”的分值应在 0 到 1000 之间。"),
        ("1000.1", "“本级采用”的分值应在 0 到 1000 之间。"),
        ("NaN", "“本级采用”的分值应在 0 到 1000 之间。"),
        ("Infinity", "“本级采用”的分值应在 0 到 1000 之间。"),
    ],
)
def test_bad_points_are_refused_and_nothing_changes(ow, value, message):
    report = b.adopted(ow)
    rules = list(ScoreRule.objects.order_by("id").values_list("id", "points"))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        services.update_rules(actor=ow.actor(ow.editor), values={"adopted": value, "adopted_upper": "6"})
    assert info.value.message_dict == {"adopted": [message]}
    assert list(ScoreRule.objects.order_by("id").values_list("id", "points")) == rules
    assert AuditEvent.objects.count() == events
    report.refresh_from_db()
    assert report.points == Decimal("1")


def test_points_are_kept_to_one_decimal_and_the_change_is_audited(ow):
    services.update_rules(actor=ow.actor(ow.editor), values={"adopted": 1.5, "instructed_city": "1000"})
    assert ScoreRule.objects.get(organization=ow.org, outcome=O.ADOPTED).points == Decimal("1.5")
    event = AuditEvent.objects.get(action="opinions.rules.update")
    assert set(event.changes) == {"adopted", "instructed_city"}
    assert event.changes["instructed_city"][1] == "1000.0"


def test_members_and_leaders_do_not_change_the_table(ow):
    for person in (ow.bob, ow.leader, ow.proposal_staff):
        with pytest.raises(PermissionDenied):
            services.update_rules(actor=ow.actor(person), values={"adopted": "9"})
    assert services.rules_for(ow.org)["adopted"] == Decimal("1")


def _report_with(ow, *, adopted: bool, upper: bool, levels: int) -> Report:
    report = b.draft(ow)
    Report.objects.filter(pk=report.pk).update(
        adopted_at=timezone.now() if adopted else None, upper_adopted=upper, instruction_levels=levels
    )
    return report


def test_rescoring_writes_once_per_combination_of_outcomes_not_per_report(ow):
    combinations = [(True, False, 0), (True, True, 0), (True, False, 2)]
    for adopted, upper, levels in combinations:
        for _ in range(3):
            _report_with(ow, adopted=adopted, upper=upper, levels=levels)
    _report_with(ow, adopted=False, upper=False, levels=0)
    with CaptureQueriesContext(connection) as queries:
        changed = services.rescore_organization(ow.org)
    assert changed == 9
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 4  # one per combination, the unscored drafts' included
    rows = Report.objects.values_list("adopted_at", "upper_adopted", "instruction_levels", "points")
    assert {(at is not None, upper, levels): p for at, upper, levels, p in rows} == {
        (True, False, 0): Decimal("1"),
        (True, True, 0): Decimal("5"),
        (True, False, 2): Decimal("10"),
        (False, False, 0): Decimal("0"),
    }
