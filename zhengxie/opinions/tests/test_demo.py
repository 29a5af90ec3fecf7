from collections import defaultdict

import pytest
from django.db.models import Count
from django.utils import timezone

from zhengxie.core import demo
from zhengxie.core import demo_data as words
from zhengxie.core.models import Organization
from zhengxie.opinions import demo_data, services
from zhengxie.opinions.models import (
    LEVEL_BITS,
    Feedback,
    Forwarding,
    Instruction,
    Issue,
    IssueItem,
    Level,
    Report,
    ReportTransition,
    Revision,
)
from zhengxie.opinions.workflow import AFTER_ADOPTION
from zhengxie.search.models import Entry

S = Report.State


@pytest.fixture
def small_demo(monkeypatch):
    # The city and one district, with fewer people and reports: every case still occurs, quickly.
    registered = list(demo._STEPS)
    monkeypatch.setattr(demo, "MEMBERS_PER_ORG", 60)
    monkeypatch.setattr(words, "DISTRICTS", words.DISTRICTS[:1])
    monkeypatch.setattr(demo_data, "CITY_REPORTS", 120)
    monkeypatch.setattr(demo_data, "DISTRICT_REPORTS", 50)
    # The proposals' demo first: it converts some not-filed proposals into reports (转社情民意).
    proposals = next(step for step in registered if step[0] == "提案")
    monkeypatch.setattr(demo, "_STEPS", [proposals, ("社情民意", demo_data.build)])
    return registered


def _timeline_holds(report: Report, steps: list[ReportTransition]) -> None:
    """Steps in order, each starting where the previous ended, the last ending in the report's state."""
    state = ""
    for step in steps:
        assert step.from_state == state, (report.pk, step.action, step.from_state, state)
        assert step.at <= timezone.now()
        state = step.to_state
    assert state == report.state, (report.pk, state, report.state)
    own = [s for s in steps if s.action not in ("create", "receive_upper") and s.actor_id is not None]
    assert report.version == 1 + len(own), report.pk
    assert report.updated_at == steps[-1].at


@pytest.mark.django_db
def test_demo_fills_every_report_state_and_keeps_the_invariants(small_demo):
    assert ("社情民意", demo_data.build) in small_demo
    lines = []
    demo.build_demo(scale=1, log=lines.append)
    city = Organization.objects.get(slug=demo.CITY_SLUG)
    district = Organization.objects.get(slug="demo-d1")
    assert Report.objects.filter(organization=city, source_proposal__isnull=False).exists()
    for org in (city, district):
        reports = Report.objects.filter(organization=org)
        assert set(reports.values_list("state", flat=True)) == set(S.values), org
        assert set(Issue.objects.filter(organization=org).values_list("state", flat=True)) >= {
            Issue.State.PUBLISHED,
            Issue.State.DRAFT,
        }
        assert reports.filter(edited_body="").exclude(state__in=AFTER_ADOPTION).exists()
        assert Revision.objects.filter(organization=org).exists()
        # Points as the services score them: scoring again changes nothing.
        assert services.rescore_organization(org) == 0
    assert f"{city.name}：社情民意信息 {Report.objects.filter(organization=city).count()} 篇" in lines[-1]
    assert Issue.objects.filter(organization=city, state=Issue.State.SIGNOFF, signer__username="demo-leader")

    # The demo member (city and first district) sees a report in each state on their list.
    mine = Report.objects.filter(organization=city, submitter__username="demo-member")
    assert set(mine.values_list("state", flat=True)) == set(S.values)

    # Adopted or later: in exactly one published issue; a report in an issue not yet printed is being edited.
    for report in Report.objects.exclude(item=None).select_related("item__issue"):
        published = report.item.issue.state == Issue.State.PUBLISHED
        assert (report.state in AFTER_ADOPTION) == published, report.pk
    assert not Report.objects.filter(state__in=AFTER_ADOPTION, item=None).exists()
    assert not Report.objects.filter(state__in=AFTER_ADOPTION, adopted_at=None).exists()
    assert not IssueItem.objects.annotate(n=Count("reports")).filter(n=0).exists()
    assert IssueItem.objects.annotate(n=Count("reports")).filter(n__gt=1).exists()  # merged items

    # Issue numbers run 1, 2, 3 … per year; the printed ones come first.
    numbers = defaultdict(list)
    for issue in Issue.objects.order_by("number"):
        numbers[(issue.organization_id, issue.year)].append(issue)
    for issues in numbers.values():
        assert [i.number for i in issues] == list(range(1, len(issues) + 1))
        states = [i.state == Issue.State.PUBLISHED for i in issues]
        assert states == sorted(states, reverse=True)
        published = [i.published_on for i in issues if i.published_on]
        assert published == sorted(published)
        assert all(i.items.exists() for i in issues if i.state != Issue.State.DRAFT)

    # Instructions only on adopted reports, never before adoption, at every level; the levels add up.
    instructions = Instruction.objects.select_related("report")
    assert {i.level for i in instructions} == set(Level.values)
    levels = defaultdict(int)
    for instruction in instructions:
        report = instruction.report
        assert report.state in AFTER_ADOPTION
        assert instruction.instructed_on >= timezone.localdate(report.adopted_at)
        levels[report.pk] |= LEVEL_BITS[Level(instruction.level)]
    for report in Report.objects.filter(instruction_levels__gt=0):
        # A copy's instruction up there counts for the original too.
        assert levels[report.pk] & report.instruction_levels == levels[report.pk]
    assert not Report.objects.filter(state=S.INSTRUCTED, instructions=None).exists()
    assert not Report.objects.filter(state=S.FEEDBACK, feedbacks=None).exists()
    assert not Feedback.objects.exclude(report__state=S.FEEDBACK).exists()
    assert not Report.objects.filter(state=S.FORWARDED, forwardings=None).exists()

    # 报送上级: each copy waits in (or went through) the city's inbox; adopted there, the original knows.
    ups = Forwarding.objects.filter(target=Forwarding.Target.UPPER).select_related("upper_report", "report")
    assert ups.exists()
    for forwarding in ups:
        copy = forwarding.upper_report
        assert copy.organization_id == city.pk and copy.forwarded_from_id == forwarding.report_id
        assert copy.lower_organization_id == district.pk and forwarding.recipient == city.name
        assert forwarding.report.upper_adopted == (copy.adopted_at is not None)
    assert ups.filter(upper_report__state__in=AFTER_ADOPTION).exists()
    assert Forwarding.objects.filter(target=Forwarding.Target.PARTY_GOV).exists()

    steps = defaultdict(list)
    for step in ReportTransition.objects.order_by("at", "id"):
        steps[step.report_id].append(step)
    for report in Report.objects.filter(source_proposal=None):
        _timeline_holds(report, steps[report.pk])

    # Submitted reports are in search, drafts are not.
    assert Entry.objects.filter(source="opinion").count() == Report.objects.exclude(state=S.DRAFT).count()

    counts = {m: m.objects.count() for m in (Report, Issue, IssueItem, ReportTransition, Instruction)}
    demo.build_demo(scale=1, log=lines.append)
    assert {m: m.objects.count() for m in counts} == counts
    assert f"{city.name}：已有社情民意信息，跳过" in lines
