"""The analysis, ranking, points and quota selectors against small hand-made worlds: exact figures."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from zhengxie.core.tests import factories as f
from zhengxie.opinions import analysis, services
from zhengxie.opinions.analysis import Period, period_from
from zhengxie.opinions.models import Level, Report, ReportCategory

from . import builders as b


def category(org, name):
    return ReportCategory.objects.get(organization=org, name=name)


def move(report, when):
    """Put a built report's submission at another time (the services always stamp now)."""
    Report.objects.filter(pk=report.pk).update(submitted_at=when, year=timezone.localtime(when).year)


def this_quarter():
    return Period.containing("quarter", timezone.localdate())


# ---------------------------------------------------------------- periods


def test_a_quarter_runs_from_its_first_to_its_last_day():
    period = Period.containing("quarter", date(2025, 5, 17))
    assert (period.first, period.last) == (date(2025, 4, 1), date(2025, 6, 30))
    assert period.label == "2025年第二季度"
    assert period.title == "季通报（2025年第二季度）"
    assert period.previous.first == date(2025, 1, 1)
    assert period.following.first == date(2025, 7, 1)
    assert Period.containing("quarter", date(2025, 12, 31)).last == date(2025, 12, 31)


def test_a_week_runs_monday_to_sunday_and_is_named_by_its_iso_week():
    period = Period.containing("week", date(2025, 1, 1))  # a Wednesday
    assert (period.first, period.last) == (date(2024, 12, 30), date(2025, 1, 5))
    assert period.label == "2025年第1周"
    assert period.span == "2024年12月30日—2025年1月5日"
    assert period.following.first == date(2025, 1, 6)


def test_a_month_knows_its_length():
    assert Period.containing("month", date(2024, 2, 10)).last == date(2024, 2, 29)
    assert Period.containing("month", date(2025, 12, 5)).following.first == date(2026, 1, 1)
    assert Period.containing("month", date(2025, 3, 5)).label == "2025年3月"


def test_period_bounds_are_local_midnights():
    start, end = Period.containing("month", date(2025, 3, 5)).bounds()
    assert timezone.localtime(start).isoformat() == "2025-03-01T00:00:00+08:00"
    assert timezone.localtime(end).isoformat() == "2025-04-01T00:00:00+08:00"


def test_unreadable_query_falls_back_to_the_current_quarter():
    today = date(2025, 8, 20)
    assert period_from(None, None, today) == Period.containing("quarter", today)
    assert period_from("decade", "2020-01-01", today) == Period.containing("quarter", date(2020, 1, 1))
    assert period_from("week", "not a date", today) == Period.containing("week", today)
    assert period_from("month", "1900-01-01", today) == Period.containing("month", today)


# ---------------------------------------------------------------- the period summary


@pytest.fixture
def quarter_world(ow):
    """Five counted reports of the city this quarter, and several that must not be counted."""
    org = ow.org
    social = category(org, "社会建设")
    r1 = b.submitted(ow, ow.bob, title="关于老旧小区加装电梯的建议")
    r2 = b.adopted(ow, ow.bob, title="老旧小区停车难问题亟待解决", category=social)
    r3 = b.instructed(ow, ow.erin, title="加装电梯补贴资金发放慢", category=social, urgency="urgent")
    r4 = b.submitted(
        ow,
        ow.liaison,
        title="农村学校校车安全隐患",
        submitter_type="unit",
        participating_unit_id=ow.liaison_unit.pk,
        category=social,
    )
    r5 = b.editing(ow, ow.officer, title="社区养老服务短缺", submitter_type="officer")
    services.not_adopt_report(actor=ow.actor(ow.editor), report=r5, reason="已有同类信息。")
    # Not counted: withdrawn, draft, last quarter, the county's, the other organisation's.
    withdrawn = b.submitted(ow, ow.bob, title="老旧小区撤回的一篇")
    services.withdraw_report(actor=ow.actor(ow.bob), report=withdrawn)
    b.draft(ow, ow.bob, title="老旧小区草稿")
    earlier = b.submitted(ow, ow.bob, title="老旧小区上季度的信息")
    move(earlier, this_quarter().bounds()[0] - timedelta(seconds=1))
    b.submitted(ow, ow.county_member, org=ow.county, title="老旧小区区县信息")
    other_member = f.PersonFactory(username="othermember", full_name="王他委")
    f.MemberFactory(organization=ow.world.other_org, person=other_member, term=ow.world.other_term)
    b.submitted(ow, other_member, org=ow.world.other_org, title="老旧小区外市信息")
    return r1, r2, r3, r4, r5


def test_summary_counts_the_reports_submitted_in_the_period(ow, quarter_world):
    summary = analysis.period_summary(ow.org, this_quarter())
    assert summary.total == 5
    assert (summary.adopted, summary.forwarded, summary.instructed) == (2, 1, 1)
    assert summary.not_adopted == 1
    assert summary.urgent == 1
    assert summary.instruction_rate == Decimal("50.00")
    assert summary.adoption_rate == Decimal("40.00")


def test_summary_breaks_the_reports_down_by_state_type_and_category(ow, quarter_world):
    summary = analysis.period_summary(ow.org, this_quarter())
    states = {row.label: row.count for row in summary.by_state}
    assert states == {
        "已报送": 2,
        "采编中": 0,
        "已采用": 1,
        "已报送上级/党政": 0,
        "已批示": 1,
        "已反馈": 0,
        "未采用": 1,
    }
    types = {row.label: (row.count, row.extra) for row in summary.by_type}
    assert types == {
        "委员": (3, 2),
        "参加单位": (1, 0),
        "专委会": (0, 0),
        "下级政协": (0, 0),
        "信息员": (1, 0),
    }
    categories = [(row.label, row.count, row.extra) for row in summary.by_category]
    assert categories[:2] == [("社会建设", 3, 2), ("经济建设", 2, 0)]
    assert {count for _, count, _ in categories[2:]} == {0}
    assert len(categories) == 6


def test_summary_counts_instructions_dated_in_the_period_by_level(ow, quarter_world):
    r3 = quarter_world[2]
    services.record_instruction(
        actor=ow.actor(ow.editor),
        report=r3,
        leader="李省长",
        level=Level.PROVINCE,
        instructed_on=timezone.localdate(),
        text="请省农业农村厅研究。",
    )
    summary = analysis.period_summary(ow.org, this_quarter())
    assert [(row.label, row.count) for row in summary.instructions] == [
        ("全国领导", 0),
        ("省领导", 1),
        ("市领导", 1),
        ("区县领导", 0),
    ]
    assert summary.instruction_total == 2
    assert summary.instructed == 1  # two instructions, one report
    assert analysis.period_summary(ow.org, this_quarter().previous).instruction_total == 0


def test_hot_topics_are_the_words_most_titles_share(ow, quarter_world):
    topics = analysis.period_summary(ow.org, this_quarter()).topics
    counts = {row.label: row.count for row in topics}
    assert topics[0].label in {"加装", "电梯", "老旧小区"}
    assert counts["老旧小区"] == 2
    assert counts["电梯"] == 2
    assert counts["加装"] == 2
    # Filler words and single characters are not topics.
    assert not {"关于", "建议", "亟待解决", "的"} & set(counts)


def test_the_editors_title_is_the_one_analysed(ow):
    report = b.editing(ow, ow.bob, title="关于某事的建议")
    services.edit_report(actor=ow.actor(ow.editor), report=report, title="乡村振兴人才短缺", body="正文。")
    topics = {row.label for row in analysis.period_summary(ow.org, this_quarter()).topics}
    assert "乡村振兴" in topics or "振兴" in topics
    assert "某事" not in topics


def test_active_submitters_are_named_with_their_capacity(ow, quarter_world):
    submitters = analysis.period_summary(ow.org, this_quarter()).submitters
    assert [(r.label, r.count, r.extra) for r in submitters] == [
        ("李博（委员）", 2, 1),
        ("钱尔宁（委员）", 1, 1),
        ("孙信息（信息员）", 1, 0),
        ("民建甲市委（参加单位）", 1, 0),
    ]


def test_rates_have_two_decimals_rounded_half_up(ow, quarter_world):
    summary = analysis.period_summary(ow.org, this_quarter())
    assert replace(summary, adopted=3, instructed=1).instruction_rate == Decimal("33.33")
    assert replace(summary, adopted=3, instructed=2).instruction_rate == Decimal("66.67")
    assert replace(summary, adopted=800, instructed=1).instruction_rate == Decimal("0.13")
    assert replace(summary, total=4000, adopted=1).adoption_rate == Decimal("0.03")


def test_an_empty_period_has_no_rates(ow, quarter_world):
    summary = analysis.period_summary(ow.org, this_quarter().previous.previous)
    assert summary.total == 0
    assert summary.instruction_rate is None
    assert summary.adoption_rate is None
    assert summary.topics == []
    assert summary.chart_data()["states"] == {"labels": [], "values": []}


def test_a_report_submitted_at_the_periods_last_moment_counts_and_the_next_moment_not(ow):
    period = Period.containing("month", date(2024, 5, 10))
    start, end = period.bounds()
    inside = b.submitted(ow, ow.bob)
    outside = b.submitted(ow, ow.bob)
    move(inside, end - timedelta(microseconds=1))
    move(outside, end)
    assert analysis.period_summary(ow.org, period).total == 1
    assert analysis.period_summary(ow.org, period.following).total == 1


def test_summary_query_count_does_not_grow_with_reports(ow, django_assert_max_num_queries):
    b.submitted(ow, ow.bob)
    with django_assert_max_num_queries(8):
        analysis.period_summary(ow.org, this_quarter())
    for _ in range(5):
        b.adopted(ow, ow.erin, title="农村公路养护资金不足")
    with django_assert_max_num_queries(8):
        analysis.period_summary(ow.org, this_quarter())


# ---------------------------------------------------------------- rankings and points


@pytest.fixture
def year_world(ow):
    """bob: adopted (1) + instructed by a city leader (10) + not adopted (0) = 11; erin: adopted (1);
    the unit: adopted (1) + submitted (0); a withdrawn report of erin and a draft of bob count nothing."""
    b.adopted(ow, ow.bob)
    b.instructed(ow, ow.bob, level=Level.CITY)
    rejected = b.editing(ow, ow.bob)
    services.not_adopt_report(actor=ow.actor(ow.editor), report=rejected, reason="不具备采用价值。")
    b.adopted(ow, ow.erin)
    unit = {"submitter_type": "unit", "participating_unit_id": ow.liaison_unit.pk}
    b.adopted(ow, ow.liaison, **unit)
    b.submitted(ow, ow.liaison, **unit)
    withdrawn = b.submitted(ow, ow.erin)
    services.withdraw_report(actor=ow.actor(ow.erin), report=withdrawn)
    b.draft(ow, ow.bob)
    return timezone.localdate().year


def test_person_ranking_sums_points_of_reports_in_their_own_name(ow, year_world):
    rows = list(analysis.person_ranking(ow.org, year_world))
    assert [
        (r["submitter__full_name"], r["points"], r["reports"], r["adopted"], r["instructed"], r["rank"])
        for r in rows
    ] == [
        ("李博", Decimal("11"), 3, 2, 1, 1),
        ("钱尔宁", Decimal("1"), 1, 1, 0, 2),
    ]


def test_equal_points_share_a_place(ow, year_world):
    b.adopted(ow, ow.officer, submitter_type="officer")
    ranks = {r["submitter__full_name"]: r["rank"] for r in analysis.person_ranking(ow.org, year_world)}
    assert ranks == {"李博": 1, "钱尔宁": 2, "孙信息": 2}


def test_unit_ranking_counts_reports_in_the_units_name(ow, year_world):
    rows = list(analysis.unit_ranking(ow.org, year_world))
    assert [(r["participating_unit__name"], r["points"], r["reports"], r["adopted"]) for r in rows] == [
        ("民建甲市委", Decimal("1"), 2, 1)
    ]


def test_rankings_are_per_year_and_per_organisation(ow, year_world):
    assert list(analysis.person_ranking(ow.org, year_world - 1)) == []
    assert list(analysis.person_ranking(ow.world.other_org, year_world)) == []
    b.submitted(ow, ow.county_member, org=ow.county)
    names = {r["submitter__full_name"] for r in analysis.person_ranking(ow.org, year_world)}
    assert "冯区委员" not in names


def test_points_by_person_is_what_member_performance_reads(ow, year_world):
    assert analysis.points_by_person(ow.org, year_world) == {
        ow.bob.pk: Decimal("11"),
        ow.erin.pk: Decimal("1"),
    }
    assert analysis.points_by_person(ow.org, year_world - 1) == {}


def test_points_follow_a_change_of_the_rule_table(ow, year_world):
    services.update_rules(actor=ow.actor(ow.editor), values={"adopted": "2", "instructed_city": "8"})
    assert analysis.points_by_person(ow.org, year_world) == {
        ow.bob.pk: Decimal("10"),
        ow.erin.pk: Decimal("2"),
    }


def test_report_years_always_include_this_year(ow, year_world):
    report = b.submitted(ow, ow.bob)
    Report.objects.filter(pk=report.pk).update(year=2019)
    assert analysis.report_years(ow.org) == [year_world, 2019]


# ---------------------------------------------------------------- quotas


@pytest.fixture
def quota_world(ow):
    """The city's current term: bob (member, quota 1), erin (常委, quota 3), dora (member, nothing sent);
    a former member and a member of a past term have no quota."""
    org = ow.org
    dora = f.PersonFactory(username="dora", full_name="丁朵拉")
    f.MemberFactory(organization=org, person=dora, term=ow.world.term)
    former = f.PersonFactory(username="former", full_name="甲往届")
    f.MemberFactory(organization=org, person=former, term=ow.world.term, status="former")
    old_term = f.TermFactory(organization=org, number=5, name="第五届", is_current=False)
    f.MemberFactory(organization=org, person=f.PersonFactory(full_name="乙上届"), term=old_term)
    b.submitted(ow, ow.bob)
    b.submitted(ow, ow.erin)
    b.adopted(ow, ow.erin)
    withdrawn = b.submitted(ow, ow.erin)
    services.withdraw_report(actor=ow.actor(ow.erin), report=withdrawn)
    last_year = b.submitted(ow, ow.erin)
    Report.objects.filter(pk=last_year.pk).update(year=timezone.localdate().year - 1)
    return timezone.localdate().year


def test_quota_progress_puts_those_furthest_behind_first(ow, quota_world):
    rows = [
        (m.name, m.submitted, m.quota, m.shortfall, m.is_behind)
        for m in analysis.quota_progress(ow.org, quota_world)
    ]
    assert rows == [
        ("丁朵拉", 0, 1, 1, True),
        ("钱尔宁", 2, 3, 1, True),
        ("李博", 1, 1, 0, False),
    ]


def test_quota_progress_can_show_only_those_behind(ow, quota_world):
    names = [m.name for m in analysis.quota_progress(ow.org, quota_world, behind_only=True)]
    assert names == ["丁朵拉", "钱尔宁"]


def test_quota_figures(ow, quota_world):
    totals = analysis.quota_figures(ow.org, quota_world)
    assert (totals.members, totals.standing, totals.behind, totals.done) == (3, 1, 2, 1)
    assert (totals.standing_quota, totals.member_quota) == (3, 1)


def test_quotas_follow_the_organisations_policy(ow, quota_world):
    services.update_policy(actor=ow.actor(ow.editor), values={"standing_quota": 2, "member_quota": 2})
    ow.org.refresh_from_db()
    rows = {m.name: (m.quota, m.is_behind) for m in analysis.quota_progress(ow.org, quota_world)}
    assert rows == {"丁朵拉": (2, True), "钱尔宁": (2, False), "李博": (2, True)}


def test_quota_progress_is_one_query(ow, quota_world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(analysis.quota_progress(ow.org, quota_world))
