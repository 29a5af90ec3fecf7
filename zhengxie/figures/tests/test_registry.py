"""Every figure is the length of its own record list; counts are integers, rates two-decimal percentages."""

import json
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.figures import registry
from zhengxie.opinions import services as opinion_services
from zhengxie.opinions.tests import builders as ob
from zhengxie.proposals.models import Proposal
from zhengxie.proposals.services import not_file_proposal, rate_reply
from zhengxie.proposals.tests import builders as pb

pytestmark = pytest.mark.django_db


def test_percentages_round_half_up_and_have_none_for_nothing():
    assert registry.percentage(1, 3) == Decimal("33.33")
    assert registry.percentage(2, 3) == Decimal("66.67")
    assert registry.percentage(1, 0) is None


def _opinion_world(pw):
    """The opinion builders' world in the proposal world's organisation (an editor besides its people)."""
    opinion_services.ensure_reference_lists(pw.org)
    editor = f.PersonFactory(username="opeditor", full_name="陈编辑")
    f.RoleGrantFactory(organization=pw.org, person=editor, role=Role.OPINION_EDITOR)
    return SimpleNamespace(org=pw.org, bob=pw.bob, editor=editor, leader=pw.leader, actor=pw.actor)


def _year(pw):
    ow = _opinion_world(pw)
    pb.submitted(pw)
    pb.filed(pw)
    pb.handled(pw)
    _, reply = pb.answered(pw)
    rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="satisfied")
    _, reply = pb.answered(pw)
    rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="basic")
    not_file_proposal(
        actor=pw.actor(pw.staff),
        proposal=pb.submitted(pw),
        ground=pw.ground,
        reason="转为社情民意。",
        disposition=Proposal.Disposition.OPINION,
    )
    ob.submitted(ow)
    ob.adopted(ow)
    ob.instructed(ow)


def test_every_count_equals_the_length_of_its_record_list(pw):
    _year(pw)
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


def test_figures_never_count_another_organisation(pw):
    _year(pw)
    values = registry.compute(pw.world.other_org, timezone.localdate().year)
    assert all(v in (0, None) for group in values.values() for v in group.values())


def test_report_command_prints_json_and_refuses_an_unknown_organisation(pw):
    _year(pw)
    out = StringIO()
    call_command("report", "--org", "jia", "--year", str(timezone.localdate().year), stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["organization"] == "甲市政协"
    assert payload["proposals"]["received"] == 6
    assert payload["proposals"]["satisfied_rate"] == "50.00"
    assert payload["opinions"]["instructed_city"] == 1
    with pytest.raises(CommandError, match="没有代码为“nowhere”的组织"):
        call_command("report", "--org", "nowhere", "--year", "2026")
