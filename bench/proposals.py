"""Proposal pages (issue 3): server time through the full middleware stack and SQL queries per page,
in the city with 100,000 proposals and in the smallest district, each page as the user who works on it."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from zhengxie.core.permissions import actor_for
from zhengxie.proposals import selectors
from zhengxie.proposals.models import Proposal, Transition

from .proposal_data import LARGE, SMALL, accounts
from .roster import BACKEND, QUERY_SAMPLES, WARMUP, _percentile


def scenarios(people: dict) -> list[tuple[str, str, str, str, dict[str, str]]]:
    """(key, label, who, url, GET parameters)."""
    detail = reverse("proposals:detail", args=[people["detail"]])
    return [
        ("queue", "review queue (staff)", "staff", reverse("proposals:queue"), {}),
        ("mine", "my proposals (member)", "member", reverse("proposals:mine"), {}),
        ("inbox", "handler inbox, to do", "handler", reverse("proposals:inbox"), {}),
        ("inbox_done", "handler inbox, done", "handler", reverse("proposals:inbox"), {"show": "done"}),
        ("detail_staff", "closed proposal (staff)", "staff", detail, {}),
        ("detail_member", "closed proposal (lead)", "member", detail, {}),
    ]


def _rows(key: str, people: dict) -> int:
    """Rows the page counts (or, on the detail page, the steps of its timeline), as the view finds them."""
    org = people["organization"]
    with scope(organization=org):
        if key == "queue":
            actor = actor_for(people["staff"], org)
            return selectors.proposal_list(actor, states=selectors.REVIEW_STATES).count()
        if key == "mine":
            return selectors.my_proposals(actor_for(people["member"], org)).count()
        if key.startswith("inbox"):
            actor = actor_for(people["handler"], org)
            return selectors.inbox(actor, show="done" if key == "inbox_done" else "todo").count()
        return Transition.objects.filter(organization=org, proposal_id=people["detail"]).count()


def _get(client: Client, url: str, params: dict[str, str], slug: str):
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params} answered {response.status_code} in {slug}")
    return response


def measure(*, requests: int, log) -> list[dict]:
    """Every page in both organisations; the timed requests take turns across the pages (see roster.py)."""
    results = []
    for spec in (LARGE, SMALL):
        people = accounts(spec)
        if not people["detail"]:
            raise RuntimeError(
                f"{spec.slug}: the benchmark data names no closed proposal for the detail page"
            )
        with scope(organization=people["organization"]):
            size = Proposal.objects.filter(organization=people["organization"]).count()
        clients = {}
        for who in ("staff", "member", "handler"):
            clients[who] = Client()
            clients[who].force_login(people[who], backend=BACKEND)
        pages = scenarios(people)
        queries: dict[str, list[int]] = {key: [] for key, *_ in pages}
        for key, _, who, url, params in pages:
            for _ in range(WARMUP):
                _get(clients[who], url, params, spec.slug)
            for _ in range(QUERY_SAMPLES):
                with CaptureQueriesContext(connection) as captured:
                    _get(clients[who], url, params, spec.slug)
                queries[key].append(len(captured.captured_queries))
        timings: dict[str, list[float]] = {key: [] for key, *_ in pages}
        for _ in range(requests):
            for key, _, who, url, params in pages:
                started = time.perf_counter_ns()
                _get(clients[who], url, params, spec.slug)
                timings[key].append((time.perf_counter_ns() - started) / 1e6)
        for key, label, _, url, params in pages:
            result = {
                "scenario": key,
                "label": label,
                "path": url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""),
                "proposals": size,
                "unit_assignments": people["unit_assignments"],
                "matches": _rows(key, people),
                "requests": requests,
                "p50_ms": statistics.median(timings[key]),
                "p95_ms": _percentile(timings[key], 95),
                # The session's once-a-minute expiry refresh may add a write to one sample; the mode is the page.
                "queries": statistics.mode(queries[key]),
            }
            log(
                f"  {size:>7,} proposals  {label:<28} p50 {result['p50_ms']:6.1f} ms"
                f"  p95 {result['p95_ms']:6.1f} ms  {result['queries']} queries  {result['matches']:,} rows"
            )
            results.append(result)
    return results
