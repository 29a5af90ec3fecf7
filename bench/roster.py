"""Roster list and search: server time through the full middleware stack, and SQL queries per page."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from zhengxie.core import selectors
from zhengxie.core.forms import RosterFilterForm
from zhengxie.core.models import Organization, Person, Sector

from .data import ORGS

BACKEND = "zhengxie.core.auth_backends.UsernameOrMobileBackend"
WARMUP = 20
QUERY_SAMPLES = 3


def scenarios(terms: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """(key, label, GET parameters); `sector` is a name here and becomes the organisation's id."""
    return [
        ("page1", "list, page 1", {}),
        ("deep", "list, page 2000", {"page": "2000"}),
        ("name", f"search name '{terms['name']}'", {"q": terms["name"]}),
        ("mobile4", f"search mobile '{terms['mobile_short']}'", {"q": terms["mobile_short"]}),
        ("mobile7", f"search mobile '{terms['mobile_long']}'", {"q": terms["mobile_long"]}),
        ("sector", f"filter sector '{terms['sector']}'", {"sector": terms["sector"]}),
        ("standing", "filter standing", {"standing": "1"}),
    ]


def _matches(org: Organization, params: dict[str, str]) -> int:
    """Rows the page counts, computed the way the view computes them."""
    with scope(organization=org):
        form = RosterFilterForm(params or None, organization=org)
        filters = form.filters() if params else {}
        return selectors.roster(**filters).count()


def _percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _get(client: Client, url: str, params: dict[str, str], slug: str):
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params} answered {response.status_code} for {slug}")
    return response


def measure(*, terms: dict[str, str], requests: int, log) -> list[dict]:
    """Every page at each size; the timed requests take turns across the pages.

    Taking turns spreads a burst of load from elsewhere on the machine over all pages alike,
    instead of letting it land on whichever page happened to be measured at the time.
    """
    url = reverse("core:roster")
    results = []
    for spec in ORGS:
        with scopes_disabled():
            org = Organization.objects.get(slug=spec.slug)
            admin = Person.objects.get(username=spec.admin_username)
            sector_id = Sector.objects.get(organization=org, name=terms["sector"]).pk
        client = Client()
        client.force_login(admin, backend=BACKEND)
        pages = []
        for key, label, params in scenarios(terms):
            if "sector" in params:
                params = {**params, "sector": str(sector_id)}
            pages.append((key, label, params))
        queries: dict[str, list[int]] = {key: [] for key, _, _ in pages}
        for key, _, params in pages:
            for _ in range(WARMUP):
                _get(client, url, params, spec.slug)
            for _ in range(QUERY_SAMPLES):
                with CaptureQueriesContext(connection) as captured:
                    _get(client, url, params, spec.slug)
                queries[key].append(len(captured.captured_queries))
        timings: dict[str, list[float]] = {key: [] for key, _, _ in pages}
        for _ in range(requests):
            for key, _, params in pages:
                started = time.perf_counter_ns()
                _get(client, url, params, spec.slug)
                timings[key].append((time.perf_counter_ns() - started) / 1e6)
        for key, label, params in pages:
            result = {
                "scenario": key,
                "label": label,
                "members": spec.size,
                "matches": _matches(org, params),
                "requests": requests,
                "p50_ms": statistics.median(timings[key]),
                "p95_ms": _percentile(timings[key], 95),
                # The session's once-a-minute expiry refresh may add a write to one sample; the mode is the page.
                "queries": statistics.mode(queries[key]),
            }
            log(
                f"  {spec.size:>7,} members  {label:<32} p50 {result['p50_ms']:6.1f} ms"
                f"  p95 {result['p95_ms']:6.1f} ms  {result['queries']} queries  {result['matches']:,} rows"
            )
            results.append(result)
    return results
