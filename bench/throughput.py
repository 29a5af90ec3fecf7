"""Public portal throughput (issue 3): `wrk -t2 -c8 -d20s` on loopback against the published list and a
proposal's public page of the organisation with 10,000 published replies, on the production server
with 2 workers; beside them, as the ceiling, a minimal Django view serving a fixed 6 kB page through
the same middleware and server settings (bench/ceiling_urls.py, only in the benchmark's settings).

SQL queries per page are counted in process with the test client: with an empty cache (the first
visitor, or every visitor of a search), and again with the cache the view fills (the list keeps its
unfiltered pages CACHE_SECONDS). The in-process server time of an uncached request is measured too:
under wrk most list requests are cache hits, so that time is what each miss costs.
"""

import json
import shutil
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from zhengxie.core.models import Organization
from zhengxie.proposals import selectors

from .proposal_data import PUBLIC, PUBLISHED
from .roster import _percentile
from .servers import PROXY_HEADERS, production_server

THREADS, CONNECTIONS, DURATION_S = 2, 8, 20
WORKERS = 2
SCRIPT = Path(__file__).resolve().parent / "wrk_summary.lua"
UNCACHED_REQUESTS = 100


def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)


@scopes_disabled()
def targets() -> list[tuple[str, str, str]]:
    org = Organization.objects.get(slug=PUBLIC.slug)
    with scope(organization=org):
        newest = selectors.published(org.pk).values_list("pk", flat=True).first()
    return [
        ("ceiling", "ceiling, minimal view", "/bench/ceiling/"),
        ("list", "public list of replies", reverse("public:replies", args=[org.slug])),
        ("proposal", "public proposal page", reverse("public:proposal", args=[org.slug, newest])),
    ]


def in_process(path: str) -> dict:
    """Queries with an empty cache and with a warm one, and the server time of uncached requests."""
    client = Client()
    cache.clear()
    # Counted at once: the next request's request_started signal empties the query log.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    cold = len(captured.captured_queries)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in process")
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    warm = len(captured.captured_queries)
    timings = []
    for _ in range(UNCACHED_REQUESTS):
        cache.clear()
        started = time.perf_counter_ns()
        client.get(path)
        timings.append((time.perf_counter_ns() - started) / 1e6)
    cache.clear()
    return {
        "queries": cold,
        "queries_cached": warm,
        "bytes": len(response.content),
        "uncached_p50_ms": statistics.median(timings),
        "uncached_p95_ms": _percentile(timings, 95),
    }


def run_wrk(url: str, *, duration: int, headers: dict[str, str] | None = None) -> dict:
    """wrk's figures for one URL; `headers` (e.g. a signed-in session's cookie) go with every request."""
    headers = {**PROXY_HEADERS, **(headers or {})}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        if response.status != 200 or response.url != url:
            raise RuntimeError(f"{url} answered {response.status} at {response.url}")
    command = [wrk_path(), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "-s", str(SCRIPT)]
    for name, value in (headers or {}).items():
        if name not in PROXY_HEADERS:
            command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True)  # noqa: S603
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / seconds,
        "errors": errors,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "bytes": figures["bytes"] / max(figures["requests"], 1),
    }


def measure(database_url: str, *, log, duration: int = DURATION_S) -> dict:
    if wrk_path() is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    pages = targets()
    counted = {key: in_process(path) for key, _, path in pages if key != "ceiling"}
    rows = []
    with production_server(
        database_url, workers=WORKERS, name="throughput", settings_module="bench.server_settings", log=log
    ) as base:
        for key, label, path in pages:
            figures = run_wrk(base + path, duration=duration)
            row = {"scenario": key, "label": label, "path": path, **figures, **counted.get(key, {})}
            rows.append(row)
            extra = ""
            if key in counted:
                extra = (
                    f", {row['queries']} queries ({row['queries_cached']} cached),"
                    f" uncached p50 {row['uncached_p50_ms']:.1f} ms in process"
                )
            log(
                f"  wrk {label:<28} {row['rps']:7.0f} requests/s  p95 {row['p95_ms']:5.1f} ms"
                f"  {row['errors']} errors  {row['bytes'] / 1024:.1f} kB{extra}"
            )
    ceiling = rows[0]["rps"]
    for row in rows:
        row["of_ceiling"] = row["rps"] / ceiling if ceiling else 0.0
    return {
        "published": PUBLISHED,
        "workers": WORKERS,
        "wrk": f"wrk -t{THREADS} -c{CONNECTIONS} -d{duration}s",
        "rows": rows,
    }
