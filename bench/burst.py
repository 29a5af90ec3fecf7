"""Plenary burst (issue 3): 500 members each sign in, open the form, write and submit a proposal within
60 s, against the production server; errors, proposals lost, and the create and submit times.

Each simulated member is a thread with its own cookie jar doing what the browser does: GET the login
form, POST it with its CSRF token, GET /proposals/new/, POST the form with its CSRF token and the form's
once-only token, POST /proposals/<pk>/submit/, following each redirect as a browser would. Members start
evenly over SPREAD_S, so the whole burst ends within the minute. Times are the client's: connection,
queueing in the server's backlog, the request, the full response.

The members belong to their own organisation, `bench-burst`, which is reset before each run: its
proposals and notifications are deleted (its audit events are append-only and stay), and its session's
submission window is moved to contain today. The 500 accounts share one pre-computed Argon2 hash.
"""

import http.client
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, timedelta
from random import Random
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from zhengxie.core.demo import person_name
from zhengxie.core.models import Member, Notification, Organization, Person, PlenarySession, RoleGrant, Term
from zhengxie.core.roles import Role
from zhengxie.proposals.models import Category, Proposal
from zhengxie.proposals.services import DEFAULT_CATEGORIES

from .proposal_text import Texts
from .roster import BACKEND
from .servers import HOST, PROXY_HEADERS

SLUG = "bench-burst"
PLACE = "基准会"
MEMBERS = 500
SPREAD_S = 50.0
TARGET_S = 60.0
THREADS = 100
REQUEST_TIMEOUT_S = 30
RUN_TIMEOUT_S = 240
MARKER = "bench-burst-v1"
# Only ever in the benchmark database; the accounts exist nowhere else.
PASSWORD = "bench-burst-Plenary-2026"  # noqa: S105
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')
PROPOSAL = re.compile(r"^/proposals/(\d+)/$")


def username(k: int) -> str:
    return f"bb-{k:04d}"


@scopes_disabled()
def ensure(log) -> Organization:
    """The burst organisation with its 500 members, then reset for this run."""
    org = Organization.objects.filter(slug=SLUG).first()
    built = (
        org is not None
        and org.settings.get("bench") == MARKER
        and Member.objects.filter(organization=org, status=Member.Status.ACTIVE).count() == MEMBERS
    )
    if not built:
        if org is not None:
            raise RuntimeError(
                f"{SLUG} exists but is not complete; drop the benchmark database to rebuild it"
            )
        log(f"  building {SLUG}: {MEMBERS} members sharing one Argon2 password hash")
        with transaction.atomic():
            org = _build()
    _current_hash(log)
    reset(org)
    return org


def _current_hash(log) -> None:
    """One hash for all members again when the hasher's parameters changed since the accounts were made:
    signing in with an outdated hash costs the old parameters once more and re-hashes, which is not
    what a plenary morning does."""
    people = Person.objects.filter(username__startswith="bb-")
    stored = people.filter(username=username(1)).values_list("password", flat=True).get()
    if identify_hasher(stored).must_update(stored) or not check_password(PASSWORD, stored):
        log(f"  {SLUG}: password hasher changed, one new hash for all accounts")
        people.update(password=make_password(PASSWORD))


def _build() -> Organization:
    org = Organization.objects.create(
        slug=SLUG,
        name=f"{PLACE}政协",
        short_name=PLACE,
        level=Organization.Level.COUNTY,
        settings={"bench": MARKER},
    )
    Category.objects.bulk_create(
        [Category(organization=org, name=n, sort_order=i) for i, n in enumerate(DEFAULT_CATEGORIES)]
    )
    term = Term.objects.create(
        organization=org, number=1, name="第一届", starts_on=date(2024, 1, 1), is_current=True
    )
    today = timezone.localdate()
    PlenarySession.objects.create(
        organization=org,
        term=term,
        number=1,
        name="第一次会议",
        year=today.year,
        opens_on=today,
        closes_on=today,
        submission_opens_on=today,
        submission_closes_on=today,
    )
    hashed = make_password(PASSWORD)
    rng = Random(MARKER)
    people = [
        Person(username=username(k), full_name=person_name(rng)[0], password=hashed)
        for k in range(1, MEMBERS + 1)
    ]
    staff = [
        Person(username=f"bb-staff{k}", full_name=f"{PLACE}提案委工作人员{k}", password=hashed)
        for k in (1, 2)
    ]
    Person.objects.bulk_create([*people, *staff])
    Member.objects.bulk_create(
        [
            Member(organization=org, person=p, term=term, name=p.full_name, joined_on=term.starts_on)
            for p in people
        ]
    )
    # Two proposal staff: every submission notifies them, as in a real office.
    RoleGrant.objects.bulk_create(
        [RoleGrant(organization=org, person=p, role=Role.PROPOSAL_STAFF) for p in staff]
    )
    return org


def reset(org: Organization) -> int:
    """Remove the earlier runs' proposals and notifications; open the session's window around today."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    today = timezone.localdate()
    with transaction.atomic(), scope(organization=org):
        removed, _ = Proposal.objects.filter(organization=org).delete()
        Notification.objects.filter(organization=org).delete()
        PlenarySession.objects.filter(organization=org).update(
            submission_opens_on=today - timedelta(days=30),
            submission_closes_on=today + timedelta(days=30),
            opens_on=today + timedelta(days=31),
            closes_on=today + timedelta(days=35),
            year=(today + timedelta(days=31)).year,
        )
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__startswith="bb-").delete()
        Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return removed


class Browser:
    """One simulated member's browser: a cookie jar and the requests it makes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, referer: str = "") -> tuple:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "zhengxie-bench", **PROXY_HEADERS}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = urlsplit(response.getheader("Location") or "").path
        return response.status, location, text, elapsed

    def follow(self, location: str) -> str:
        status, _, page, _ = self.request("GET", location)
        if status != 200:
            raise RuntimeError(f"GET {location} answered {status}")
        return page


def _token(pattern: re.Pattern, text: str, what: str) -> str:
    found = pattern.search(text)
    if not found:
        raise RuntimeError(f"no {what} in the page")
    return found.group(1)


def sign_in(browser: Browser, k: int, timings: dict, lock: threading.Lock) -> None:
    """The login form, as a browser fills it in, and the home page it leads to."""
    status, _, page, _ = browser.request("GET", "/accounts/login/")
    if status != 200:
        raise RuntimeError(f"GET /accounts/login/ answered {status}")
    form = {
        "username": username(k),
        "password": PASSWORD,
        "csrfmiddlewaretoken": _token(CSRF, page, "CSRF token"),
        "next": "",
    }
    status, location, _, login_ms = browser.request("POST", "/accounts/login/", form)
    if status != 302:
        raise RuntimeError(f"sign-in answered {status}")
    browser.follow(location)
    with lock:
        timings["login"].append(login_ms)


def write(browser: Browser, k: int, category: int, texts: Texts, timings: dict, lock: threading.Lock) -> int:
    """The form, the new proposal and its submission; returns the proposal's id."""
    rng = Random(f"{MARKER}:{k}")
    status, _, page, _ = browser.request("GET", "/proposals/new/")
    if status != 200:
        raise RuntimeError(f"GET /proposals/new/ answered {status}")
    topic = rng.randrange(len(texts.topics))
    form = {
        "csrfmiddlewaretoken": _token(CSRF, page, "CSRF token"),
        "token": _token(FORM_TOKEN, page, "form token"),
        "title": texts.title(rng, topic),
        "category": str(category),
        "reason": texts.reason(rng, topic),
        "suggestions": texts.suggestions(rng, topic),
        "kind": "individual",
        "cosigners": "",
    }
    status, location, _, create_ms = browser.request("POST", "/proposals/new/", form)
    found = PROPOSAL.match(location) if status == 302 else None
    if not found:
        raise RuntimeError(f"creating answered {status} {location}")
    page = browser.follow(location)
    pk = int(found.group(1))
    token = {"csrfmiddlewaretoken": _token(CSRF, page, "CSRF token")}
    status, location, _, submit_ms = browser.request(
        "POST", f"/proposals/{pk}/submit/", token, referer=location
    )
    if status != 302 or not PROPOSAL.match(location):
        raise RuntimeError(f"submitting answered {status} {location}")
    browser.follow(location)
    with lock:
        timings["create"].append(create_ms)
        timings["submit"].append(submit_ms)
    return pk


def member_run(browser: Browser, k: int, category: int, texts: Texts, timings: dict, lock) -> int:
    if not browser.cookies:
        sign_in(browser, k, timings, lock)
    return write(browser, k, category, texts, timings, lock)


def _percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@scopes_disabled()
def queries_in_process(org: Organization) -> dict[str, int]:
    """SQL queries of the create and submit requests, counted in process with the test client."""
    person = Person.objects.get(username=username(1))
    client = Client()
    client.force_login(person, backend=BACKEND)
    category = Category.objects.filter(organization=org).order_by("sort_order").first()
    page = client.get("/proposals/new/").content.decode()
    form = {
        "token": _token(FORM_TOKEN, page, "form token"),
        "title": "关于完善社区养老服务设施的建议",
        "category": str(category.pk),
        "reason": "调研发现，部分社区养老服务设施不足。" * 5,
        "suggestions": "建议统筹规划，补齐社区养老服务设施短板。" * 5,
        "kind": "individual",
    }
    # Counted at once: the next request's request_started signal empties the query log.
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/proposals/new/", form)
    created = len(captured.captured_queries)
    pk = int(PROPOSAL.match(response["Location"]).group(1))
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/proposals/{pk}/submit/")
    submitted = len(captured.captured_queries)
    if response.status_code != 302:
        raise RuntimeError(f"in-process submit answered {response.status_code}")
    reset(org)
    return {"create": created, "submit": submitted}


@scopes_disabled()
def measure(
    base_url: str, org: Organization, *, log, members: int = MEMBERS, signed_in: bool = False
) -> dict:
    """The burst as the issue has it; with `signed_in`, the members sign in before the timed minute
    (as on the plenary's morning), so the minute holds only the form, the proposal and its submission."""
    port = urlsplit(base_url).port
    category = (
        Category.objects.filter(organization=org).order_by("sort_order").values_list("pk", flat=True)[3]
    )
    texts = Texts(Random(MARKER), PLACE)
    timings: dict[str, list[float]] = {"login": [], "create": [], "submit": []}
    lock = threading.Lock()
    errors: list[str] = []
    created: list[int] = []
    browsers = {k: Browser(port) for k in range(1, members + 1)}
    if signed_in:
        with ThreadPoolExecutor(max_workers=4) as pool:
            for future in [pool.submit(sign_in, browsers[k], k, timings, lock) for k in browsers]:
                future.result(timeout=RUN_TIMEOUT_S)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = []
        for k in range(1, members + 1):
            delay = started + (k - 1) * SPREAD_S / members - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(member_run, browsers[k], k, category, texts, timings, lock))
        for future in as_completed(futures, timeout=RUN_TIMEOUT_S):
            try:
                created.append(future.result())
            except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                errors.append(f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - started
    with scope(organization=org):
        stored = Proposal.objects.filter(organization=org)
        submitted = stored.filter(state=Proposal.State.SUBMITTED).count()
        total = stored.count()
    result = {
        "members": members,
        "signed_in": signed_in,
        "seconds": seconds,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "created": total,
        "submitted": submitted,
        "lost": members - submitted,
    }
    for step, values in timings.items():
        result[step] = {
            "requests": len(values),
            "p50_ms": statistics.median(values) if values else 0.0,
            "p95_ms": _percentile(values, 95),
            "max_ms": max(values) if values else 0.0,
        }
    log(
        f"  burst{' (signed in beforehand)' if signed_in else ''}: {members} members in {seconds:.1f} s, {len(errors)} errors, {submitted} submitted in the database;"
        f" create p95 {result['create']['p95_ms']:.0f} ms, submit p95 {result['submit']['p95_ms']:.0f} ms"
        f" (sign-in p95 {result['login']['p95_ms']:.0f} ms)"
    )
    for sample in result["error_samples"]:
        log(f"    error: {sample}")
    return result
