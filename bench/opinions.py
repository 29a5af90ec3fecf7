"""Public-opinion pages (issue 5): server time through the full middleware stack and SQL queries per page,
in the city (30,000 reports of its own and the copies its districts sent up) and in the smallest
district, each page as the organisation's opinion editor; with issue 6's statistics of last year's reports."""

import statistics
import time
from datetime import date, datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from zhengxie.core.permissions import actor_for
from zhengxie.figures import registry
from zhengxie.opinions import selectors
from zhengxie.opinions.models import Report

from .opinion_data import LARGE, SMALL, accounts
from .roster import BACKEND, QUERY_SAMPLES, WARMUP, _percentile

INBOX_P95_TARGET_MS = 50.0
ANALYSIS_P95_TARGET_MS = 300.0
FIGURES_P95_TARGET_MS = 500.0


def last_quarter(today: date) -> date:
    """The first day of the last complete quarter: the busiest period a 季通报 covers."""
    current = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    previous = current - timedelta(days=1)
    return date(previous.year, (previous.month - 1) // 3 * 3 + 1, 1)


def scenarios(people: dict, quarter: date, year: int) -> list[tuple[str, str, str, dict[str, str]]]:
    """(key, label, url, GET parameters)."""
    inbox = reverse("opinions:inbox")
    draft, published = people["draft"], people["published"]
    report = reverse("figures:report")
    return [
        ("inbox", "editor inbox", inbox, {}),
        ("inbox_editing", "editor inbox, 采编中", inbox, {"state": "editing"}),
        ("inbox_page2", "editor inbox, page 2", inbox, {"page": "2"}),
        ("issue_draft", "issue being compiled", reverse("opinions:issue", args=[draft.pk]), {}),
        ("issue_published", "issue printed", reverse("opinions:issue", args=[published.pk]), {}),
        (
            "analysis",
            f"analysis, quarter from {quarter.isoformat()}",
            reverse("opinions:analysis"),
            {"period": "quarter", "date": quarter.isoformat()},
        ),
        # Issue 6's statistics over the reports (the figures part measures them over the proposals).
        (
            "figures_dashboard",
            f"statistics dashboard, {year}",
            reverse("figures:dashboard"),
            {"year": str(year)},
        ),
        ("figures_report", f"annual report page, {year}", report, {"year": str(year)}),
        ("figures_json", f"annual report JSON, {year}", report, {"year": str(year), "format": "json"}),
    ]


def target(key: str) -> float:
    if key.startswith("figures"):
        return FIGURES_P95_TARGET_MS
    return ANALYSIS_P95_TARGET_MS if key == "analysis" else INBOX_P95_TARGET_MS


def _rows(key: str, people: dict, quarter: date, year: int) -> int:
    """What the page counts: inbox rows, the issue's items, the quarter's reports (as the analysis counts),
    the year's reports received (the figure 收到社情民意信息)."""
    org = people["organization"]
    if key.startswith("figures"):
        with scopes_disabled():
            return registry.compute(org, year)["opinions"]["received"]
    with scope(organization=org):
        actor = actor_for(people["editor"], org)
        if key == "inbox":
            return selectors.inbox(actor).count()
        if key == "inbox_editing":
            return selectors.inbox(actor, state=Report.State.EDITING).count()
        if key == "inbox_page2":
            return min(max(selectors.inbox(actor).count() - 20, 0), 20)
        if key.startswith("issue"):
            return people["draft" if key == "issue_draft" else "published"].items.count()
        end = date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)  # the next quarter
        tz = timezone.get_current_timezone()
        reports = Report.objects.filter(
            organization=org,
            submitted_at__gte=datetime.combine(quarter, datetime.min.time(), tzinfo=tz),
            submitted_at__lt=datetime.combine(end, datetime.min.time(), tzinfo=tz),
        )
        return reports.exclude(state__in=[Report.State.DRAFT, Report.State.WITHDRAWN]).count()


def _get(client: Client, url: str, params: dict[str, str], slug: str):
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params} answered {response.status_code} in {slug}")
    return response


def measure(*, requests: int, log) -> list[dict]:
    """Every page in both organisations; the timed requests take turns across the pages (see roster.py)."""
    results = []
    quarter = last_quarter(timezone.localdate())
    year = timezone.localdate().year - 1
    for spec in (LARGE, SMALL):
        people = accounts(spec)
        if people["draft"] is None or people["published"] is None:
            raise RuntimeError(f"{spec.slug}: the benchmark data has no issue being compiled or none printed")
        org = people["organization"]
        with scope(organization=org):
            size = Report.objects.filter(organization=org).count()
        client = Client()
        client.force_login(people["editor"], backend=BACKEND)
        pages = scenarios(people, quarter, year)
        queries: dict[str, list[int]] = {key: [] for key, *_ in pages}
        for key, _, url, params in pages:
            for _ in range(WARMUP):
                _get(client, url, params, spec.slug)
            for _ in range(QUERY_SAMPLES):
                with CaptureQueriesContext(connection) as captured:
                    _get(client, url, params, spec.slug)
                queries[key].append(len(captured.captured_queries))
        timings: dict[str, list[float]] = {key: [] for key, *_ in pages}
        for _ in range(requests):
            for key, _, url, params in pages:
                started = time.perf_counter_ns()
                _get(client, url, params, spec.slug)
                timings[key].append((time.perf_counter_ns() - started) / 1e6)
        for key, label, url, params in pages:
            result = {
                "scenario": key,
                "label": label,
                "path": url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""),
                "reports": size,
                "matches": _rows(key, people, quarter, year),
                "requests": requests,
                "p50_ms": statistics.median(timings[key]),
                "p95_ms": _percentile(timings[key], 95),
                "target_ms": target(key),
                "queries": statistics.mode(queries[key]),
            }
            log(
                f"  {size:>7,} reports  {label:<36} p50 {result['p50_ms']:6.1f} ms"
                f"  p95 {result['p95_ms']:6.1f} ms  {result['queries']} queries  {result['matches']:,} rows"
            )
            results.append(result)
    return results
