"""Public-opinion benchmark data (issue 5): 300,000 reports over the 100 benchmark organisations, three years
of them, seeded, built once per database and reused while its marker and counts hold.

The organisations and people are the proposal benchmark's (`proposal_data.OrgData`: the city 滨江市 and 99
districts, now below it, with their members, liaisons and leaders), built here without the million
proposals, in a database of the opinions part's own. Each organisation adds its opinion editor, a few
information officers, the default categories and scoring table.

Every report lives the demo's simulated life (`zhengxie.opinions.demo_data.Simulation`) — written,
submitted, taken up, edited, placed in an issue of about ten items (some merged), printed, forwarded to
party and government offices or to the city (whose copy is simulated there, its adoption and
instructions reported back), instructed, answered by a department — cut at the moment of the build; so
every state occurs in the share a real year produces, with one ReportTransition per step. Districts go
first, then the city with the copies they sent up. Rows are written as tuples (bench/rows.py).

Sizes follow the proposal benchmark's at 30 %: the city 30,000 of its own (plus the copies sent up), the
districts from about 700 to 4,700. The measured organisations (the city and the smallest district) end with
an issue of exactly ten items being compiled.
"""

import time
from datetime import datetime
from random import Random

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.models import Organization, Person, RoleGrant
from zhengxie.core.roles import Role
from zhengxie.opinions import services
from zhengxie.opinions.demo_data import Life, Office, Simulation, Source
from zhengxie.opinions.models import (
    Feedback,
    Forwarding,
    InfoOfficer,
    Instruction,
    Issue,
    IssueItem,
    Report,
    ReportCategory,
    ReportTransition,
    Revision,
)
from zhengxie.opinions.policy import policy_for
from zhengxie.proposals.models import Proposal

from . import proposal_data
from .rows import Ids, Table, reset_sequences, wipe

SEED = 20261204
# Bump when the shape of the generated data changes, so that cached databases are rebuilt.
DATA_VERSION = 1
MARKER = f"bench-opinions-v{DATA_VERSION}-seed{SEED}"
TOTAL = 300_000  # reports written in the organisations themselves; copies sent up come on top
YEARS = 3
OPEN_ITEMS = 10  # the issue being compiled in a measured organisation
SPECS = proposal_data.SPECS
LARGE = proposal_data.LARGE
SMALL = proposal_data.SMALL
MEASURED = {LARGE.slug, SMALL.slug}
T = Report.SubmitterType


def sizes() -> dict[str, int]:
    """Each organisation's share of TOTAL: the proposal benchmark's sizes, scaled."""
    whole = sum(s.size for s in SPECS)
    out = {s.slug: round(TOTAL * s.size / whole) for s in SPECS}
    out[LARGE.slug] += TOTAL - sum(out.values())
    return out


def editor_username(spec: proposal_data.OrgSpec) -> str:
    return spec.username("opeditor")


# ------------------------------------------------------------------ organisations and people


def _offices(orgs: list[proposal_data.OrgData]) -> dict[str, Office]:
    """The tree (districts below the city), each office's editor, officers, categories and scoring table."""
    unusable = make_password(None)
    city = orgs[0].org
    children = [o.org.pk for o in orgs[1:]]
    Organization.objects.filter(pk__in=children).update(parent=city)
    for org in orgs[1:]:
        Organization.objects.filter(pk=org.org.pk).update(path=f"{city.path}{org.org.pk}/")
    editors = [
        Person(username=editor_username(o.spec), full_name=f"{o.spec.place}信息编辑", password=unusable)
        for o in orgs
    ]
    officers = [
        [
            Person(
                username=o.spec.username(f"of{k}"),
                full_name=f"{o.spec.place}信息员{k + 1}",
                password=unusable,
            )
            for k in range(3 if o.spec.index == 0 else 2)
        ]
        for o in orgs
    ]
    Person.objects.bulk_create([*editors, *(p for group in officers for p in group)], batch_size=2000)
    grants, registered = [], []
    for org, editor, group in zip(orgs, editors, officers, strict=True):
        grants.append(RoleGrant(organization=org.org, person=editor, role=Role.OPINION_EDITOR))
        for k, person in enumerate(group):
            grants.append(RoleGrant(organization=org.org, person=person, role=Role.INFO_OFFICER))
            registered.append(
                InfoOfficer(
                    organization=org.org,
                    person=person,
                    kind=InfoOfficer.Kind.INVITED if k == 0 else InfoOfficer.Kind.REGULAR,
                    workplace=f"{org.spec.place}融媒体中心",
                    registered_on=proposal_data.local_day(org.org.created_at),
                )
            )
    RoleGrant.objects.bulk_create(grants, batch_size=2000)
    InfoOfficer.objects.bulk_create(registered, batch_size=2000)
    offices = {}
    for org, editor, group in zip(orgs, editors, officers, strict=True):
        organization = Organization.objects.get(pk=org.org.pk)
        services.ensure_reference_lists(organization)
        policy = policy_for(organization)
        units = [
            Source(T.UNIT, person_id, person_name, unit_name, unit_id=unit_id)
            for person_id, person_name, unit_id, unit_name in org.liaisons
        ]
        offices[org.spec.slug] = Office(
            id=organization.pk,
            name=organization.name,
            display=organization.display_name,
            place=org.spec.place,
            level=organization.level,
            parent_id=organization.parent_id,
            parent_name=city.name if organization.parent_id else "",
            editor=(editor.pk, editor.full_name),
            leader=org.leader,
            categories=dict(
                ReportCategory.objects.filter(organization=organization).values_list("name", "id")
            ),
            departments={name.removeprefix(org.spec.place): name for _, name in org.units},
            publication_title=policy.publication_title,
            send_to=policy.send_to,
            copy_to=policy.copy_to,
            sources={
                T.MEMBER: [Source(T.MEMBER, pk, name, name) for pk, name in org.term_members[6]],
                T.OFFICER: [Source(T.OFFICER, p.pk, p.full_name, p.full_name) for p in group],
                T.UNIT: units,
            },
            rules=services.rules_for(organization),
        )
    return offices


# ------------------------------------------------------------------ rows


class Writer:
    """Simulated organisations as rows; the copies' forwardings and the originals' gains come last."""

    def __init__(self) -> None:
        self.ids = Ids()
        self.reports = Table(
            Report,
            [
                "id",
                "organization_id",
                "year",
                "title",
                "body",
                "category_id",
                "urgency",
                "submitter_type",
                "submitter_id",
                "submitter_name",
                "participating_unit_id",
                "committee_id",
                "lower_organization_id",
                "state",
                "submitted_at",
                "edited_title",
                "edited_body",
                "editor_id",
                "item_id",
                "adopted_at",
                "not_adopted_reason",
                "forwarded_at",
                "upper_adopted",
                "instruction_levels",
                "outcome",
                "points",
                "forwarded_from_id",
                "version",
                "created_at",
                "updated_at",
            ],
        )
        self.issues = Table(
            Issue,
            [
                "id",
                "organization_id",
                "year",
                "number",
                "title",
                "state",
                "send_to",
                "copy_to",
                "signer_id",
                "signoff_note",
                "signed_at",
                "published_on",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        )
        self.items = Table(
            IssueItem, ["id", "organization_id", "issue_id", "position", "title", "body", "sources"]
        )
        self.steps = Table(
            ReportTransition,
            [
                "id",
                "organization_id",
                "report_id",
                "action",
                "from_state",
                "to_state",
                "actor_id",
                "actor_name",
                "note",
                "at",
            ],
        )
        self.revisions = Table(
            Revision, ["id", "organization_id", "report_id", "title", "body", "editor_id", "note", "at"]
        )
        self.forwardings = Table(
            Forwarding,
            [
                "id",
                "organization_id",
                "report_id",
                "target",
                "recipient",
                "upper_report_id",
                "forwarded_on",
                "actor_id",
                "recorded_at",
            ],
        )
        self.instructions = Table(
            Instruction,
            [
                "id",
                "organization_id",
                "report_id",
                "leader",
                "leader_title",
                "level",
                "instructed_on",
                "text",
                "recorded_by_id",
                "recorded_at",
            ],
        )
        self.feedbacks = Table(
            Feedback,
            [
                "id",
                "organization_id",
                "report_id",
                "department",
                "received_on",
                "text",
                "recorded_by_id",
                "recorded_at",
            ],
        )
        self.tables = [
            self.reports,
            self.issues,
            self.items,
            self.steps,
            self.revisions,
            self.forwardings,
            self.instructions,
            self.feedbacks,
        ]
        # Forwardings up point at the copy, which gets its id with the upper organisation's reports.
        self.up: list[tuple[Life, tuple]] = []

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def organisation(self, simulation: Simulation) -> None:
        office = simulation.office
        org = office.id
        take = self.ids.take
        first = take(Issue, len(simulation.issues))
        for k, planned in enumerate(simulation.issues):
            planned.id = first + k
            self.issues.add(
                (
                    planned.id,
                    org,
                    planned.year,
                    planned.number,
                    office.publication_title,
                    planned.state,
                    office.send_to,
                    office.copy_to,
                    office.leader[0] if planned.signoff_at else None,
                    planned.sign_note,
                    planned.signed_at,
                    simulation.local_date(planned.printed_at) if planned.printed_at else None,
                    office.editor[0],
                    planned.created_at,
                    planned.updated_at,
                )
            )
            for item in planned.items:
                item.id = take(IssueItem)
                self.items.add((item.id, org, planned.id, item.position, item.title, item.body, item.sources))
        lives = sorted(simulation.lives, key=lambda r: r.key)
        first = take(Report, len(lives))
        for k, life in enumerate(lives):
            life.id = first + k
        for life in lives:
            self._report(life, office)
            # A copy sent up keeps its original alive until the city is written: keep only what it reads.
            life.item, life.body, life.edited_body, life.revisions = None, "", "", []
        simulation.lives.clear()

    def _report(self, life: Life, office: Office) -> None:
        take, org, rid = self.ids.take, life.org_id, life.id
        outcome, points = life.score(office.rules)
        self.reports.add(
            (
                rid,
                org,
                life.year,
                life.title,
                life.body,
                life.category_id,
                life.urgency,
                life.submitter_type,
                life.submitter_id,
                life.submitter_name,
                life.unit_id,
                life.committee_id,
                life.lower_org_id,
                life.state,
                life.submitted_at,
                life.edited_title,
                life.edited_body,
                life.editor_id,
                life.item.id if life.item is not None else None,
                life.adopted_at,
                life.not_adopted_reason,
                life.forwarded_at,
                life.upper_adopted,
                life.levels,
                outcome,
                points,
                life.original.id if life.original is not None else None,
                life.version,
                life.created_at,
                life.updated_at,
            )
        )
        for step in life.steps:
            self.steps.add((take(ReportTransition), org, rid, *step[1:], step[0]))
        for at, title, body, editor_id, note in life.revisions:
            self.revisions.add((take(Revision), org, rid, title, body, editor_id, note, at))
        for forwarding in life.forwardings:
            if forwarding[3] is not None:
                self.up.append((life, forwarding))
                continue
            self._forwarding(life, forwarding)
        for at, leader, title, level, words in life.instructions:
            self.instructions.add(
                (take(Instruction), org, rid, leader, title, level, _local(at), words, life.editor_id, at)
            )
        for at, department, words in life.feedbacks:
            self.feedbacks.add((take(Feedback), org, rid, department, _local(at), words, life.editor_id, at))

    def _forwarding(self, life: Life, forwarding: tuple) -> None:
        at, target, recipient, copy = forwarding
        self.forwardings.add(
            (
                self.ids.take(Forwarding),
                life.org_id,
                life.id,
                target,
                recipient,
                copy.id if copy is not None else None,
                _local(at),
                life.editor_id,
                at,
            )
        )

    def finish(self, offices: dict[int, Office]) -> int:
        """The forwardings up (their copies have ids now) and what the originals gained up there."""
        gained = []
        for life, forwarding in self.up:
            self._forwarding(life, forwarding)
            if life.late_steps:
                outcome, points = life.score(offices[life.org_id].rules)
                gained.append((life.upper_adopted, life.levels, outcome, points, life.updated_at, life.id))
                for step in life.late_steps:
                    self.steps.add(
                        (self.ids.take(ReportTransition), life.org_id, life.id, *step[1:], step[0])
                    )
        self.flush()
        table = connection.ops.quote_name(Report._meta.db_table)
        if connection.vendor == "sqlite":
            gained = [
                (up, levels, outcome, str(points), updated.isoformat(" ")[:-6], pk)
                for up, levels, outcome, points, updated, pk in gained
            ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET upper_adopted = %s, instruction_levels = %s, outcome = %s, points = %s,"
                " updated_at = %s WHERE id = %s",
                gained,
            )
        self.up.clear()
        return len(gained)


def _local(moment: datetime):
    return timezone.localdate(moment)


# ------------------------------------------------------------------ building


def _is_built() -> bool:
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=[s.slug for s in SPECS])}
    if len(orgs) != len(SPECS) or any(o.settings.get("bench_opinions") != MARKER for o in orgs.values()):
        return False
    expected = orgs[LARGE.slug].settings.get("bench_opinion_reports")
    return Report.objects.filter(organization__in=list(orgs.values())).count() == expected


@scopes_disabled()
def ensure(log, *, rebuild: bool = False) -> str:
    """Reuse the data if its marker and count hold; otherwise remove the benchmark organisations and people
    and build them again."""
    if not rebuild and _is_built():
        return "reused"
    started = time.perf_counter()
    if Proposal.objects.exists():
        raise RuntimeError(
            "bench: the opinions part builds its organisations in a database of its own"
            " (var/bench/opinions.sqlite3, BENCH_OPINIONS_POSTGRES_URL); this one holds proposals"
        )
    orgs, people = proposal_data._existing()
    if orgs or people:
        log(
            f"  opinion data incomplete or outdated: removing {len(orgs)} organisations, {len(people):,} people"
        )
        with transaction.atomic():
            Organization.objects.filter(pk__in=orgs).update(parent=None)
            wipe(orgs, people)
    build(log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return f"built in {time.perf_counter() - started:.0f} s"


def build(log) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    started = time.perf_counter()
    today = timezone.localdate()
    log(f"  opinion data: {len(SPECS)} organisations, {TOTAL:,} reports over {YEARS} years")
    with transaction.atomic():
        plan = proposal_data.sessions_plan(today)
        orgs = [proposal_data.OrgData(spec, plan, log if spec.index < 2 else _quiet) for spec in SPECS]
        offices = _offices(orgs)
    log(f"  people and lists of {len(orgs)} organisations ({time.perf_counter() - started:.0f} s)")
    now = timezone.now().replace(microsecond=0)
    start = datetime(today.year - YEARS + 1, 1, 1, 9, tzinfo=timezone.get_current_timezone())
    per_org = sizes()
    writer = Writer()
    sent_up: list[Life] = []
    by_id = {office.id: office for office in offices.values()}
    seq = 0
    started = time.perf_counter()
    districts = SPECS[1:]
    for first in range(0, len(districts), 10):
        with transaction.atomic():
            for spec in districts[first : first + 10]:
                simulation = _simulate(spec, offices[spec.slug], now, start, per_org[spec.slug], seq, [])
                seq = simulation.seq
                sent_up.extend(simulation.outgoing)
                writer.organisation(simulation)
            writer.flush()
        log(
            f"  districts {first + 1}-{min(first + 10, len(districts))}: {writer.reports.written:,} reports,"
            f" {writer.steps.written:,} steps so far ({time.perf_counter() - started:.0f} s)"
        )
    with transaction.atomic():
        simulation = _simulate(LARGE, offices[LARGE.slug], now, start, per_org[LARGE.slug], seq, sent_up)
        writer.organisation(simulation)
        gained = writer.finish(by_id)
        reset_sequences([t.model for t in writer.tables])
        total = writer.reports.written
        for office in offices.values():
            organization = Organization.objects.get(pk=office.id)
            settings = {**organization.settings, "bench_opinions": MARKER}
            if office.id == offices[LARGE.slug].id:
                settings["bench_opinion_reports"] = total
            Organization.objects.filter(pk=office.id).update(settings=settings)
    log(
        f"  the city with {len(sent_up):,} copies sent up; {gained:,} originals gained from them"
        f" ({time.perf_counter() - started:.0f} s)"
    )
    log("  written: " + ", ".join(f"{t.model.__name__} {t.written:,}" for t in writer.tables))


def _simulate(spec, office: Office, now, start, size: int, seq: int, incoming: list[Life]) -> Simulation:
    rng = Random(f"{SEED}:{spec.slug}")
    return Simulation(
        office,
        start=start,
        now=now,
        size=size,
        rng=rng,
        incoming=incoming,
        issue_size=(8, 12),
        max_wait_days=20,
        open_items=OPEN_ITEMS if spec.slug in MEASURED else rng.randint(2, 8),
        first_seq=seq,
    ).run()


def _quiet(message: str) -> None:
    pass


# ------------------------------------------------------------------ what the measurements use


@scopes_disabled()
def accounts(spec: proposal_data.OrgSpec) -> dict:
    """The organisation, its opinion editor, the issue being compiled and the latest printed one."""
    org = Organization.objects.get(slug=spec.slug)
    issues = Issue.objects.filter(organization=org)
    draft = issues.filter(state=Issue.State.DRAFT).order_by("-year", "-number").first()
    published = issues.filter(state=Issue.State.PUBLISHED).order_by("-year", "-number").first()
    return {
        "organization": org,
        "editor": Person.objects.get(username=editor_username(spec)),
        "draft": draft,
        "published": published,
    }
