"""Every figure is the length of its own record list; counts are integers, rates two-decimal percentages."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from zhengxie.figures import registry

from .builders import year_of_work

pytestmark = pytest.mark.django_db


def test_percentages_round_half_up_and_have_none_for_nothing():
    assert registry.percentage(1, 3) == Decimal("33.33")
    assert registry.percentage(2, 3) == Decimal("66.67")
    assert registry.percentage(1, 0) is None


def test_every_count_equals_the_length_of_its_record_list(pw):
    year_of_work(pw)
    year = timezone.localdate().year
    values = registry.compute(pw.org, year)
    counts = [f for f in registry.figures() if isinstance(f, registry.Count)]
    assert {f.group for f in counts} == {"proposals", "opinions"}
    for figure in counts:
        records = list(figure.records(pw.org, year))
        assert values[figure.group][figure.name] == len(records), figure.name
        assert isinstance(values[figure.group][figure.name], int)
    proposals = values["proposals"]
    assert (proposals["received"], proposals["filed"], proposals["assigned"]) == (6, 4, 3)
    assert proposals["not_filed_opinion"] == 1
    assert proposals["handling_units"] == 2
    assert (proposals["replied"], proposals["replied_on_time"], proposals["on_time_rate"]) == (
        2,
        2,
        Decimal("100.00"),
    )
    assert (proposals["class_a"], proposals["class_b"], proposals["class_c"]) == (2, 0, 0)
    assert (proposals["rated"], proposals["satisfied"], proposals["basically_satisfied"]) == (2, 1, 1)
    assert (proposals["satisfied_rate"], proposals["unsatisfied_rate"]) == (Decimal("50.00"), Decimal("0.00"))
    assert proposals["face_to_face_rate"] == Decimal("0.00")
    # The converted proposal is a report received this year, besides the three written as reports.
    assert values["opinions"]["received"] == 4
    assert values["opinions"]["adopted"] == 2
    assert values["opinions"]["issues"] == 2
    assert values["opinions"]["instructed"] == values["opinions"]["instructed_city"] == 1


def test_every_breakdown_segment_is_the_length_of_its_list_and_the_segments_make_up_the_base(pw):
    year_of_work(pw)
    year = timezone.localdate().year
    values = registry.compute(pw.org, year)
    breakdowns = registry.breakdowns()
    assert {b.name for b in breakdowns} >= {"by_state", "by_kind", "by_category", "by_lead_unit"}
    for breakdown in breakdowns:
        segments = breakdown.segments(pw.org, year)
        assert sum(n for _, _, n in segments) == values[breakdown.group][breakdown.base], breakdown.name
        for value, label, n in segments:
            assert breakdown.segment(pw.org, year, value).count() == n, (breakdown.name, value)
            assert len(list(breakdown.segment(pw.org, year, value))) == n
            assert label and label != value, (breakdown.name, label)
    states = {label: n for _, label, n in registry.get("proposals", "by_state").segments(pw.org, year)}
    assert states == {"已办结": 2, "不予立案": 1, "办理中": 1, "已提交": 1, "已立案": 1}
    units = registry.get("proposals", "by_lead_unit").segments(pw.org, year)
    assert [(label, n) for _, label, n in units] == [("发展改革委", 3)]


def test_several_organisations_count_as_the_sum_of_each(pw):
    year_of_work(pw)
    year = timezone.localdate().year
    ids = [pw.org.pk, pw.world.other_org.pk]
    by_org = registry.compute_by_organization(ids, year)
    assert by_org[pw.org.pk] == registry.compute(pw.org, year)
    assert by_org[pw.world.other_org.pk] == registry.compute(pw.world.other_org, year)
    assert registry.total(by_org.values()) == registry.compute(ids, year)


def test_figures_never_count_another_organisation(pw):
    year_of_work(pw)
    values = registry.compute(pw.world.other_org, timezone.localdate().year)
    assert all(v in (0, None) for group in values.values() for v in group.values())


def test_report_command_prints_json_and_refuses_an_unknown_organisation(pw):
    year_of_work(pw)
    out = StringIO()
    call_command("report", "--org", "jia", "--year", str(timezone.localdate().year), stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["organization"] == "甲市政协"
    assert payload["proposals"]["received"] == 6
    assert payload["proposals"]["satisfied_rate"] == "50.00"
    assert payload["opinions"]["instructed_city"] == 1
    with pytest.raises(CommandError, match="没有代码为“nowhere”的组织"):
        call_command("report", "--org", "nowhere", "--year", "2026")
