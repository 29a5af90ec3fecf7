"""Statistics pages (issue 6) at the million-proposal data: server time through the full middleware stack
and SQL queries per page. The city's and the smallest district's dashboard and annual report, as their
proposal staff, for last year; and a province above the hundred benchmark organisations, whose leader
reads the table of its hundred children and the total (the report over all of them).

The province (`bench-sheng`) and its leader are added once above the proposal data's organisations; the
proposal data itself is left as it is."""

import statistics
import time

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.models import Organization, Person, RoleGrant
from zhengxie.core.roles import Role
from zhengxie.figures import selectors
from zhengxie.proposals.models import Proposal

from .proposal_data import LARGE, SMALL, SPECS, accounts
from .roster import BACKEND, QUERY_SAMPLES, _percentile

PARENT_SLUG = "bench-sheng"
PARENT_LEADER = "bench-sheng-leader"
ORG_TARGET_MS = 500.0
PARENT_TARGET_MS = 2000.0
WARMUP = 3


@scopes_disabled()
def ensure_parent(log) -> tuple[Organization, Person]:
    """The province above the hundred organisations, and its leader (idempotent)."""
    parent, created = Organization.objects.get_or_create(
        slug=PARENT_SLUG,
        defaults={"name": "基准省政协", "short_name": "基准省", "level": Organization.Level.PROVINCE},
    )
    moved = 0
    for child in Organization.objects.filter(slug__in=[s.slug for s in SPECS]).exclude(parent=parent):
        child.parent = parent
        child.save(update_fields=["parent"])
        moved += 1
    leader, _ = Person.objects.get_or_create(
        username=PARENT_LEADER, defaults={"full_name": "基准省领导", "password": make_password(None)}
    )
    RoleGrant.objects.get_or_create(organization=parent, person=leader, role=Role.LEADER)
    if created or moved:
        log(f"  province {PARENT_SLUG} above {moved} organisations")
    return parent, leader


def _get(client: Client, url: str, params: dict, who: str):
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params} answered {response.status_code} for {who}")
    return response


def _pages(year: int) -> list[tuple[str, str, str, dict]]:
    dashboard, report = reverse("figures:dashboard"), reverse("figures:report")
    return [
        ("dashboard", "dashboard", dashboard, {"year": year}),
        ("report", "annual report page", report, {"year": year}),
        ("report_json", "annual report, JSON", report, {"year": year, "format": "json"}),
    ]


def _parent_pages(year: int) -> list[tuple[str, str, str, dict]]:
    dashboard, report = reverse("figures:dashboard"), reverse("figures:report")
    every = {"year": year, "org": selectors.ALL}
    return [
        ("parent_dashboard", "dashboard: 100 children and the total", dashboard, {"year": year}),
        ("parent_total_dashboard", "dashboard of the total", dashboard, every),
        ("parent_report", "annual report of the total", report, every),
        ("parent_report_json", "annual report of the total, JSON", report, {**every, "format": "json"}),
    ]


def _measure(client: Client, pages, requests: int, who: str) -> tuple[dict, dict]:
    queries: dict[str, int] = {}
    for key, _, url, params in pages:
        for _ in range(WARMUP):
            _get(client, url, params, who)
        counted = []
        for _ in range(QUERY_SAMPLES):
            with CaptureQueriesContext(connection) as captured:
                _get(client, url, params, who)
            counted.append(len(captured.captured_queries))
        queries[key] = statistics.mode(counted)
    timings: dict[str, list[float]] = {key: [] for key, *_ in pages}
    for _ in range(requests):
        for key, _, url, params in pages:
            started = time.perf_counter_ns()
            _get(client, url, params, who)
            timings[key].append((time.perf_counter_ns() - started) / 1e6)
    return timings, queries


def measure(*, requests: int, log) -> list[dict]:
    year = timezone.localdate().year - 1
    results = []
    for spec in (LARGE, SMALL):
        people = accounts(spec)
        org = people["organization"]
        with scopes_disabled():
            size = Proposal.objects.filter(organization=org, session__year=year).count()
        client = Client()
        client.force_login(people["staff"], backend=BACKEND)
        pages = _pages(year)
        timings, queries = _measure(client, pages, requests, spec.slug)
        results += _rows(pages, timings, queries, size, requests, ORG_TARGET_MS, log)
    parent, leader = ensure_parent(log)
    with scopes_disabled():
        children = parent.descendant_ids(include_self=False)
        size = Proposal.objects.filter(organization__in=children, session__year=year).count()
    client = Client()
    client.force_login(leader, backend=BACKEND)
    pages = _parent_pages(year)
    # The province's pages take a second or so: fewer rounds.
    rounds = max(10, requests // 10)
    timings, queries = _measure(client, pages, rounds, PARENT_SLUG)
    results += _rows(pages, timings, queries, size, rounds, PARENT_TARGET_MS, log, children=len(children))
    return results


def _rows(pages, timings, queries, size, requests, target, log, children: int = 1) -> list[dict]:
    rows = []
    for key, label, url, params in pages:
        row = {
            "scenario": key,
            "label": label,
            "path": url + "?" + "&".join(f"{k}={v}" for k, v in params.items()),
            "proposals": size,
            "organizations": children,
            "requests": requests,
            "p50_ms": statistics.median(timings[key]),
            "p95_ms": _percentile(timings[key], 95),
            "target_ms": target,
            "queries": queries[key],
        }
        log(
            f"  {size:>7,} proposals of the year  {label:<40} p50 {row['p50_ms']:7.1f} ms"
            f"  p95 {row['p95_ms']:7.1f} ms  {row['queries']} queries"
        )
        rows.append(row)
    return rows
