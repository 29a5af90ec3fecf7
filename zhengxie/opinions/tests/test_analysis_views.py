"""The analysis, ranking, scoring-rule and quota pages: who may open them, what they show, their queries."""

import json
from datetime import timedelta
from io import BytesIO
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from zhengxie.core.exports import XLSX
from zhengxie.core.tests import factories as f
from zhengxie.core.tests.helpers import count_queries
from zhengxie.opinions import services
from zhengxie.opinions.analysis import Period
from zhengxie.opinions.models import Level, Report, ScoreRule
from zhengxie.opinions.views import analysis as views

from . import builders as b

ANALYSIS = reverse("opinions:analysis")
XLSX_URL = reverse("opinions:analysis_xlsx")
RANKINGS = reverse("opinions:rankings")
RULES = reverse("opinions:rules")
QUOTAS = reverse("opinions:quotas")
PAGES = [ANALYSIS, XLSX_URL, RANKINGS, RULES, QUOTAS]


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def chart_data(response) -> dict:
    match = response.content.decode().split('<script id="chart-data" type="application/json">')[1]
    return json.loads(match.split("</script>")[0])


def quarter():
    return Period.containing("quarter", timezone.localdate())


@pytest.fixture
def city(ow):
    """Three reports of the city this quarter (one instructed by a city leader), one of the other
    organisation with a distinctive title."""
    b.submitted(ow, ow.bob, title="老旧小区加装电梯审批难")
    b.adopted(ow, ow.erin, title="老旧小区停车位不足")
    b.instructed(ow, ow.bob, title="城市内涝治理资金缺口", level=Level.CITY)
    other = f.PersonFactory(username="othermember", full_name="王他委")
    f.MemberFactory(organization=ow.world.other_org, person=other, term=ow.world.other_term)
    b.submitted(ow, other, org=ow.world.other_org, title="外市独有的话题词汇")
    return ow


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, ow, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("url", PAGES)
def test_a_member_may_open_none_of_the_pages(client, ow, url):
    client.force_login(ow.bob)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_the_editor_may_open_every_page(client, ow, url):
    client.force_login(ow.editor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [ANALYSIS, XLSX_URL, RANKINGS, QUOTAS])
def test_a_leader_may_read_the_figures(client, ow, url):
    client.force_login(ow.leader)
    assert client.get(url).status_code == 200


def test_a_leader_may_not_change_the_scoring_rules(client, ow):
    client.force_login(ow.leader)
    assert client.get(RULES).status_code == 403
    assert client.post(RULES, {"adopted": "3"}).status_code == 403
    assert ScoreRule.objects.get(organization=ow.org, outcome="adopted").points == 1


@pytest.mark.parametrize("url", PAGES)
def test_the_org_admin_may_open_every_page(client, ow, url):
    client.force_login(ow.world.alice)
    assert client.get(url).status_code == 200


# ---------------------------------------------------------------- analysis


def test_analysis_shows_the_quarters_figures_in_chinese(client, city):
    client.force_login(city.editor)
    page = text(client.get(ANALYSIS))
    assert "<h1>信息分析</h1>" in page
    assert quarter().title in page
    assert "批示率 50.00%" in page  # one instructed of two adopted
    assert "批示率 = 获领导批示的信息篇数 ÷ 已采用" in page
    for heading in ("按状态", "按类别", "按报送人类型", "热点话题", "领导批示", "活跃报送人"):
        assert f">{heading}</h2>" in page
    assert "vendor/echarts.min.js" in page
    assert "js/charts.js" in page


def test_analysis_chart_data_matches_the_tables(client, city):
    client.force_login(city.editor)
    data = chart_data(client.get(ANALYSIS))
    assert dict(zip(data["states"]["labels"], data["states"]["values"], strict=True)) == {
        "已报送": 1,
        "已采用": 1,
        "已批示": 1,
    }
    assert data["types"]["values"][0] == 3  # 委员
    topics = dict(zip(data["topics"]["labels"], data["topics"]["values"], strict=True))
    assert topics["老旧小区"] == 2
    assert dict(zip(data["instructions"]["labels"], data["instructions"]["values"], strict=True)) == {
        "全国领导": 0,
        "省领导": 0,
        "市领导": 1,
        "区县领导": 0,
    }


def test_analysis_never_counts_another_organisations_reports(client, city):
    client.force_login(city.editor)
    page = text(client.get(ANALYSIS))
    assert "外市独有" not in page
    assert "王他委" not in page
    client.force_login(city.other_editor)
    data = chart_data(client.get(ANALYSIS))
    assert dict(zip(data["states"]["labels"], data["states"]["values"], strict=True)) == {"已报送": 1}
    assert "老旧小区" not in data["topics"]["labels"]


def test_analysis_switches_to_a_week_and_links_the_neighbouring_weeks(client, city):
    client.force_login(city.editor)
    week = Period.containing("week", timezone.localdate())
    page = text(client.get(ANALYSIS, {"period": "week", "date": timezone.localdate().isoformat()}))
    assert week.title in page
    assert f'href="?period=week&amp;date={week.previous.first.isoformat()}" rel="prev"' in page
    assert f'href="?period=week&amp;date={week.following.first.isoformat()}" rel="next"' in page
    assert "上一周" in page and "下一周" in page


def test_analysis_of_an_earlier_month_counts_only_that_month(client, city):
    report = b.submitted(city, city.bob, title="上月的信息")
    last_month = Period.containing("month", timezone.localdate()).previous
    Report.objects.filter(pk=report.pk).update(submitted_at=last_month.bounds()[0] + timedelta(hours=1))
    client.force_login(city.editor)
    data = chart_data(client.get(ANALYSIS, {"period": "month", "date": last_month.first.isoformat()}))
    assert data["states"] == {"labels": ["已报送"], "values": [1]}


def test_an_empty_period_says_so_and_draws_no_chart(client, city):
    client.force_login(city.editor)
    page = text(client.get(ANALYSIS, {"period": "quarter", "date": "2001-01-01"}))
    assert "本期没有报送的信息" in page
    assert 'data-chart="states"' not in page
    assert "批示率 —" in page


def test_analysis_links_to_rankings_quotas_and_rules(client, city):
    client.force_login(city.editor)
    page = text(client.get(ANALYSIS))
    for url in (RANKINGS, QUOTAS, RULES):
        assert f'href="{url}' in page
    client.force_login(city.leader)
    assert f'href="{RULES}"' not in text(client.get(ANALYSIS))


def test_analysis_queries_do_not_grow_with_reports(client, city):
    client.force_login(city.editor)
    few = count_queries(client, ANALYSIS)
    for title in ("农村饮水安全", "农村公路养护", "中小学课后服务", "社区养老食堂"):
        b.adopted(city, city.erin, title=title)
    b.submitted(city, city.officer, title="外卖骑手权益保障", submitter_type="officer")
    assert count_queries(client, ANALYSIS) == few
    assert few <= 14


def test_analysis_quarter_page_has_a_bounded_query_count(client, city, django_assert_max_num_queries):
    client.force_login(city.editor)
    client.get(ANALYSIS)
    with django_assert_max_num_queries(14):
        assert client.get(ANALYSIS).status_code == 200


# ---------------------------------------------------------------- Excel


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(BytesIO(response.content))


def test_xlsx_has_the_same_figures_for_the_same_period(client, city):
    client.force_login(city.editor)
    period = quarter()
    response = client.get(XLSX_URL, {"period": "quarter", "date": period.first.isoformat()})
    book = workbook(response)
    assert quote(f"社情民意季通报-{period.label}.xlsx") in response["Content-Disposition"]
    assert book.sheetnames == [
        "概况",
        "按状态",
        "按类别",
        "按报送人类型",
        "领导批示",
        "热点话题",
        "活跃报送人",
    ]
    overview = [list(row) for row in book["概况"].iter_rows(values_only=True)]
    assert overview[0][0] == f"甲市政协 社情民意季通报（{period.label}）（{period.span}）"
    figures = {row[0]: row[1] for row in overview[2:] if row and row[0]}
    assert figures["收到信息（篇）"] == 3
    assert figures["已采用（篇）"] == 2
    assert figures["获领导批示（篇）"] == 1
    assert figures["批示率"] == "50.00%"
    states = {row[0]: row[1] for row in book["按状态"].iter_rows(min_row=3, values_only=True)}
    assert states["已报送"] == 1 and states["已批示"] == 1 and states["采编中"] == 0
    levels = {row[0]: row[1] for row in book["领导批示"].iter_rows(min_row=3, values_only=True)}
    assert levels["市领导"] == 1
    topics = {row[0]: row[1] for row in book["热点话题"].iter_rows(min_row=3, values_only=True)}
    assert topics["老旧小区"] == 2
    people = [row[0] for row in book["活跃报送人"].iter_rows(min_row=3, values_only=True)]
    assert people[0] == "李博（委员）"


def test_xlsx_of_a_week_is_named_after_the_week(client, city):
    client.force_login(city.editor)
    week = Period.containing("week", timezone.localdate())
    response = client.get(XLSX_URL, {"period": "week", "date": week.last.isoformat()})
    book = workbook(response)
    assert quote(f"社情民意周研判-{week.label}.xlsx") in response["Content-Disposition"]
    assert week.label in book["概况"]["A1"].value


def test_xlsx_never_holds_another_organisations_reports(client, city):
    client.force_login(city.other_editor)
    book = workbook(client.get(XLSX_URL))
    assert book["概况"]["A1"].value.startswith("乙市政协")
    topics = [row[0] for row in book["热点话题"].iter_rows(min_row=3, values_only=True)]
    assert "老旧小区" not in topics


# ---------------------------------------------------------------- rankings


def test_rankings_list_submitters_by_points(client, city):
    client.force_login(city.editor)
    page = text(client.get(RANKINGS))
    assert "<h1>采用排名</h1>" in page
    assert page.index("李博") < page.index("钱尔宁")
    assert "<strong>10</strong>" in page  # bob: instructed by a city leader (10), a submitted one (0)
    assert "<strong>1</strong>" in page  # erin: adopted here
    assert "王他委" not in page


def test_rankings_of_units(client, city):
    b.adopted(city, city.liaison, submitter_type="unit", participating_unit_id=city.liaison_unit.pk)
    client.force_login(city.editor)
    page = text(client.get(RANKINGS, {"by": "unit"}))
    assert "民建甲市委" in page
    assert "李博" not in page


def test_rankings_of_a_year_without_reports(client, city):
    client.force_login(city.editor)
    page = text(client.get(RANKINGS, {"year": "2001"}))
    assert "2001年还没有报送的信息" in page


def test_rankings_are_paginated_on_the_server(client, city, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(city.editor)
    first = text(client.get(RANKINGS))
    second = text(client.get(RANKINGS, {"page": "2"}))
    assert "李博" in first and "钱尔宁" not in first
    assert "钱尔宁" in second and "李博" not in second
    assert "第 1 / 2 页" in first


def test_rankings_queries_do_not_grow_with_submitters(client, city):
    client.force_login(city.editor)
    few = count_queries(client, RANKINGS)
    b.adopted(city, city.officer, submitter_type="officer")
    b.submitted(city, city.liaison, submitter_type="unit", participating_unit_id=city.liaison_unit.pk)
    assert count_queries(client, RANKINGS) == few


# ---------------------------------------------------------------- scoring rules


def test_rules_form_lists_every_outcome_with_its_points(client, ow):
    client.force_login(ow.editor)
    page = text(client.get(RULES))
    for label in ("本级采用", "上级采用", "区县领导批示", "市领导批示", "省领导批示", "全国（中央）领导批示"):
        assert label in page
    assert 'name="instructed_national" value="30.0"' in page


def test_saving_the_rules_rescores_the_reports_and_says_how_many(client, city):
    client.force_login(city.editor)
    values = {str(o): str(p) for o, p in services.rules_for(city.org).items()}
    values["adopted"] = "2"
    response = client.post(RULES, values, follow=True)
    assert response.redirect_chain[-1][0] == RULES
    # Only the adopted-but-not-instructed report changes: 1 → 2 points.
    assert "计分规则已保存，1 篇信息的得分已按新规则重新计算。" in text(response)
    assert ScoreRule.objects.get(organization=city.org, outcome="adopted").points == 2
    assert Report.objects.get(organization=city.org, title="老旧小区停车位不足").points == 2


def test_bad_points_come_back_on_the_form_in_chinese(client, ow):
    client.force_login(ow.editor)
    values = {str(o): str(p) for o, p in services.rules_for(ow.org).items()}
    values["adopted"] = "-1"
    values["adopted_upper"] = "很多"
    page = text(client.post(RULES, values))
    assert "“本级采用”的分值应在 0 到 1000 之间。" in page
    assert "“上级采用”的分值必须是数字。" in page
    assert ScoreRule.objects.get(organization=ow.org, outcome="adopted").points == 1


def test_the_org_admin_saves_rules_of_their_own_organisation_only(client, ow):
    client.force_login(ow.world.alice)
    values = {str(o): str(p) for o, p in services.rules_for(ow.org).items()}
    values["instructed_city"] = "12"
    assert client.post(RULES, values).status_code == 302
    assert ScoreRule.objects.get(organization=ow.org, outcome="instructed_city").points == 12
    assert ScoreRule.objects.get(organization=ow.world.other_org, outcome="instructed_city").points == 10


# ---------------------------------------------------------------- quotas


@pytest.fixture
def quota_members(ow):
    dora = f.PersonFactory(username="dora", full_name="丁朵拉")
    f.MemberFactory(organization=ow.org, person=dora, term=ow.world.term)
    b.submitted(ow, ow.bob)
    b.submitted(ow, ow.erin)
    return ow


def test_quotas_show_who_is_behind_first(client, quota_members):
    client.force_login(quota_members.editor)
    page = text(client.get(QUOTAS))
    assert "<h1>报送任务完成情况</h1>" in page
    assert "常委每人 3 篇，委员每人 1 篇" in page
    assert page.index("钱尔宁") < page.index("丁朵拉") < page.index("李博")  # 差 2, 差 1, done
    assert "未完成，差 2 篇" in page
    assert "已完成" in page


def test_quotas_can_show_only_those_behind(client, quota_members):
    client.force_login(quota_members.editor)
    page = text(client.get(QUOTAS, {"behind": "1"}))
    assert "丁朵拉" in page and "钱尔宁" in page
    assert "李博" not in page
    assert "共 2 条" in page


def test_quotas_of_another_organisation_are_never_shown(client, quota_members):
    client.force_login(quota_members.other_editor)
    page = text(client.get(QUOTAS))
    assert "钱尔宁" not in page and "李博" not in page
    assert quota_members.world.charlie_member.name in page


def test_quotas_queries_do_not_grow_with_members(client, quota_members):
    client.force_login(quota_members.editor)
    few = count_queries(client, QUOTAS)
    for i in range(4):
        person = f.PersonFactory(full_name=f"新委员{i}")
        f.MemberFactory(organization=quota_members.org, person=person, term=quota_members.world.term)
        b.submitted(quota_members, person)
    assert count_queries(client, QUOTAS) == few


def test_quotas_are_paginated_on_the_server(client, quota_members, monkeypatch):
    monkeypatch.setattr(views, "paginate", lambda rows, page, count: _page_of_two(rows, page, count))
    client.force_login(quota_members.editor)
    page = text(client.get(QUOTAS, {"page": "2"}))
    assert "李博" in page and "钱尔宁" not in page
    assert "第 2 / 2 页" in page


def _page_of_two(rows, page, count):
    from zhengxie.core.selectors import paginate

    return paginate(rows, page, 2, count=count)
