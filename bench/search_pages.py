"""Search, similar proposals and suggested units (issue 4), beside the list and the proposal page, in the city
(100,000 proposals) and the smallest district of the million: server time in process (p50/p95, queries),
then requests/s under wrk against gunicorn with a signed-in session, as a share of the ceiling view, and
the memory of one server process.

Searches take turns over realistic queries: a subject word, two words, a long phrase, a word with filters,
and one no proposal contains; members search too (their own proposals only). Similar: a member typing a
variant of an existing proposal (the htmx panel); staff opening the review page's list. Suggest: the
assignment page of a filed proposal.
"""

import os
import resource
import secrets
import statistics
import time
from random import Random
from urllib.parse import urlencode

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django_scopes import scopes_disabled

from zhengxie.proposals.models import Proposal
from zhengxie.search import similar

from .proposal_data import LARGE, SMALL, accounts
from .roster import BACKEND, WARMUP, _percentile
from .servers import production_server
from .throughput import run_wrk, wrk_path

SEARCHES = [
    ("subject word", {"q": "乡村振兴"}),
    ("two words", {"q": "停车 学校"}),
    ("phrase", {"q": "加快推进城乡公交一体化"}),
    ("word, filed this year", {"q": "养老", "state": "filed"}),
    ("no match", {"q": "量子通信卫星"}),
]


@scopes_disabled()
def _pages(spec, people, rng: Random) -> list[tuple[str, str, str, str, dict]]:
    """(key, label, who, url, params)."""
    org = people["organization"]
    sample = Proposal.objects.filter(organization=org, state=Proposal.State.CLOSED).order_by("-pk").first()
    filed = Proposal.objects.filter(organization=org, state=Proposal.State.FILED).order_by("-pk").first()
    if filed is None:
        raise RuntimeError(f"{spec.slug}: no filed proposal to assign")
    typed = {
        "title": sample.title.replace("建议", "提案"),
        "reason": sample.reason[: len(sample.reason) // 2],
        "suggestions": sample.suggestions[len(sample.suggestions) // 3 :],
    }
    year = sample.session.year
    pages = [("list", "list: review queue (staff)", "staff", reverse("proposals:queue"), {})]
    pages.append(
        (
            "detail",
            "detail: a closed proposal (staff)",
            "staff",
            reverse("proposals:detail", args=[sample.pk]),
            {},
        )
    )
    for label, params in SEARCHES:
        if "state" in params:
            params = {**params, "year": year}
        pages.append(
            (f"search {label}", f"search: {label} (staff)", "staff", reverse("search:search"), params)
        )
    pages.append(
        ("search member", "search: subject word (member)", "member", reverse("search:search"), {"q": "建设"})
    )
    pages.append(
        ("similar typing", "similar: while writing (member)", "member", reverse("proposals:similar"), typed)
    )
    review = Proposal.objects.filter(organization=org, state=Proposal.State.SUBMITTED).order_by("-pk").first()
    if review is not None:
        pages.append(
            (
                "similar review",
                "similar: review page (staff)",
                "staff",
                reverse("proposals:detail", args=[review.pk]),
                {},
            )
        )
    pages.append(
        (
            "suggest",
            "suggest: assignment page (staff)",
            "staff",
            reverse("proposals:assign", args=[filed.pk]),
            {},
        )
    )
    return pages


POSTED = {"similar typing"}  # the writing form's panel sends the text being written in a POST


def _get(client: Client, url: str, params: dict, key: str = ""):
    response = client.post(url, params) if key in POSTED else client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params} answered {response.status_code}")
    return response


def measure(*, requests: int, log) -> list[dict]:
    results = []
    rng = Random(4)
    for spec in (LARGE, SMALL):
        with scopes_disabled():
            people = accounts(spec)
            size = Proposal.objects.filter(organization=people["organization"]).count()
        clients = {}
        for who in ("staff", "member"):
            clients[who] = Client()
            clients[who].force_login(people[who], backend=BACKEND)
        pages = _pages(spec, people, rng)
        started = time.perf_counter()
        for key, _, who, url, params in pages:  # the first similar query builds the organisation's matrix
            _get(clients[who], url, params, key)
        log(f"  {spec.slug}: first requests (similarity matrix built) {time.perf_counter() - started:.1f} s")
        queries = {}
        for key, _, who, url, params in pages:
            for _ in range(WARMUP):
                _get(clients[who], url, params, key)
            with CaptureQueriesContext(connection) as captured:
                response = _get(clients[who], url, params, key)
            queries[key] = (len(captured.captured_queries), len(response.content))
        timings: dict[str, list[float]] = {key: [] for key, *_ in pages}
        for _ in range(requests):
            for key, _, who, url, params in pages:
                t = time.perf_counter_ns()
                _get(clients[who], url, params, key)
                timings[key].append((time.perf_counter_ns() - t) / 1e6)
        for key, label, who, url, params in pages:
            row = {
                "scenario": key,
                "label": label,
                "proposals": size,
                "path": url + ("?" + urlencode(params) if params else ""),
                "requests": requests,
                "p50_ms": statistics.median(timings[key]),
                "p95_ms": _percentile(timings[key], 95),
                "queries": queries[key][0],
                "bytes": queries[key][1],
                "who": who,
            }
            results.append(row)
            log(
                f"  {size:>7,} proposals  {label:<36} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms"
                f"  {row['queries']} queries"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(f"  memory of this process (all of the above in it): peak {rss:,.0f} MB")
    return {"rows": results, "peak_rss_mb": rss, "similar_cached": len(similar._indexes)}


def _session_cookie(person) -> str:
    """A signed-in session in the database, as the login view would make it."""
    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    return store.session_key


def _worker_rss(pids: list[int]) -> float:
    peak = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peak


def throughput(database_url: str, rows: list[dict], *, log, duration: int) -> dict:
    """requests/s of the city's pages under wrk, with the ceiling view first; the peak memory of a worker."""
    if wrk_path() is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    # Sessions made here, signed with the key the server gets (production refuses the development key).
    secret_key = secrets.token_urlsafe(60)
    with scopes_disabled(), override_settings(SECRET_KEY=secret_key):
        people = accounts(LARGE)
        cookies = {who: _session_cookie(people[who]) for who in ("staff", "member")}
    # wrk sends GETs here; the POSTed panel is timed in process only.
    city = [
        r for r in rows if r["proposals"] == max(x["proposals"] for x in rows) and r["scenario"] not in POSTED
    ]
    out = []
    with production_server(
        database_url,
        workers=2,
        name="search",
        settings_module="bench.server_settings",
        log=log,
        secret_key=secret_key,
    ) as base:
        started = time.perf_counter()
        _warm(base, city, cookies)
        log(
            f"  both workers warmed up (each reads the city's similarity snapshot) in {time.perf_counter() - started:.0f} s"
        )
        ceiling = run_wrk(base + "/bench/ceiling/", duration=duration)
        log(f"  wrk ceiling {ceiling['rps']:,.0f} requests/s")
        for row in city:
            headers = {"Cookie": f"sessionid={cookies[row['who']]}"}
            figures = run_wrk(base + row["path"], duration=duration, headers=headers)
            figures["of_ceiling"] = figures["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
            out.append({"scenario": row["scenario"], "label": row["label"], **figures})
            log(
                f"  wrk {row['label']:<36} {figures['rps']:7.0f} requests/s ({figures['of_ceiling']:.0%})"
                f"  p95 {figures['p95_ms']:6.1f} ms  {figures['errors']} errors"
            )
        rss = _worker_rss(_listeners(base))
    log(f"  peak memory of one gunicorn worker: {rss:,.0f} MB")
    return {"ceiling": ceiling, "rows": out, "worker_peak_rss_mb": rss}


def _warm(base: str, rows: list[dict], cookies: dict[str, str]) -> None:
    """Every page requested by both workers at once, three times: the first similar query of a process
    reads the organisation's similarity snapshot the measuring process saved (about a second; building it
    would take tens of seconds at 100,000 proposals), which is not what wrk should time."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from .servers import PROXY_HEADERS

    def fetch(row: dict) -> None:
        headers = {**PROXY_HEADERS, "Cookie": f"sessionid={cookies[row['who']]}"}
        request = urllib.request.Request(base + row["path"], headers=headers)
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback only
            response.read()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(3):
            for row in rows:
                list(pool.map(fetch, [row, row]))


def _listeners(base: str) -> list[int]:
    """gunicorn's master and workers: the processes holding the server's listening socket."""
    port = int(base.rsplit(":", 1)[1].strip("/"))
    inode = None
    with open("/proc/net/tcp", encoding="ascii") as tcp:
        for line in tcp.readlines()[1:]:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) == port and parts[3] == "0A":
                inode = parts[9]
                break
    found = []
    if inode is None:
        return found
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if any(
                os.readlink(f"/proc/{entry}/fd/{fd}") == f"socket:[{inode}]"
                for fd in os.listdir(f"/proc/{entry}/fd")
            ):
                found.append(int(entry))
        except OSError:
            continue
    return found
