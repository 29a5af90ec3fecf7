"""Suggested lead units, learned from the organisation's own past assignments."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhengxie.core.tests import factories as f
from zhengxie.proposals import services, suggest
from zhengxie.proposals.models import UnitProfile
from zhengxie.search import similar
from zhengxie.search.index import learn_terms, refresh_keywords

from .builders import submitted

pytestmark = pytest.mark.django_db

SCHOOL = (
    "关于{}课后服务的建议",
    "中小学课后服务时间短，学生放学早，双职工家庭接送难。",
    "延长课后服务，增加课程。",
)
ROAD = ("关于{}农村公路养护的建议", "农村公路破损严重，养护资金不足，群众出行不便。", "加大公路养护投入。")


@pytest.fixture(autouse=True)
def _fresh():
    similar.forget()
    suggest._models.clear()


def history(pw, template, unit, n):
    staff = pw.actor(pw.staff)
    for i in range(n):
        proposal = submitted(pw, title=template[0].format(i), reason=template[1], suggestions=template[2])
        services.file_proposal(actor=staff, proposal=proposal)
        services.assign_units(actor=staff, proposal=proposal, lead=unit, co=[])


def learn(pw):
    learn_terms()
    refresh_keywords(["proposal"])
    return suggest.learn(pw.org)


def test_the_unit_that_led_similar_proposals_comes_first(pw):
    education, _, transport = pw.units
    history(pw, SCHOOL, education, 4)
    history(pw, ROAD, transport, 4)
    assert learn(pw) == 2
    new = submitted(pw, title="关于完善课后服务的建议", reason="课后服务内容单一，学生放学后无人看管。")
    found = suggest.suggest_units(new)
    assert [s.unit for s in found] == [education, transport]
    assert found[0].proposals == 4 and "课后" in "".join(found[0].shared)


def test_an_inactive_unit_is_not_suggested_and_nothing_is_suggested_before_learning(pw):
    education, _, transport = pw.units
    history(pw, SCHOOL, education, 3)
    new = submitted(pw, title="关于完善课后服务的建议", reason="课后服务内容单一。")
    assert suggest.suggest_units(new) == []  # nothing learned yet
    learn(pw)
    education.is_active = False
    education.save()
    assert [s.unit for s in suggest.suggest_units(new)] == []


def test_evaluation_learns_from_the_older_and_tests_the_newer(pw):
    education, _, transport = pw.units
    history(pw, SCHOOL, education, 5)
    history(pw, ROAD, transport, 5)
    learn(pw)
    measured = suggest.evaluate(pw.org, held_out=0.2)
    assert measured["training"] == 8 and measured["tested"] == 2
    assert measured["top3"] == 1.0


def test_assign_page_shows_suggestions_and_preselects_the_first(client, pw):
    education, _, transport = pw.units
    history(pw, ROAD, transport, 3)
    learn(pw)
    proposal = submitted(pw, title="关于加强农村公路养护的建议", reason="农村公路破损，养护不足。")
    services.file_proposal(actor=pw.actor(pw.staff), proposal=proposal)
    client.force_login(pw.staff)
    url = reverse("proposals:assign", args=[proposal.pk])
    html = client.get(url).content.decode()
    assert "建议主办单位" in html and transport.name in html and "以往主办 3 件" in html
    assert f'<option value="{transport.pk}" selected>' in html
    html = client.get(url, {"lead": education.pk}).content.decode()
    assert f'<option value="{education.pk}" selected>' in html


def test_learn_units_command_learns_and_evaluates(pw):
    history(pw, ROAD, pw.units[2], 3)
    learn_terms()
    refresh_keywords(["proposal"])
    out = io.StringIO()
    call_command("learn_units", "--org", pw.org.slug, stdout=out)
    assert "已学习 1 个承办单位" in out.getvalue()
    assert UnitProfile.objects.filter(organization=pw.org).count() == 1
    call_command("learn_units", "--org", pw.org.slug, "--evaluate", stdout=out)
    assert "前三命中率" in out.getvalue()
    other = f.OrganizationFactory(slug="empty")
    call_command("learn_units", "--org", other.slug, stdout=out)
    assert "已学习 0 个承办单位" in out.getvalue()
