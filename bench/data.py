"""Benchmark data: seeded, built once per database with bulk inserts, reused while its counts hold."""

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django_scopes import scopes_disabled

from zhengxie.core import demo_data as words
from zhengxie.core.demo import person_name
from zhengxie.core.models import (
    Member,
    MemberSearchGram,
    Organization,
    Person,
    RoleGrant,
    Sector,
    SpecialCommittee,
    Term,
)
from zhengxie.core.roles import Role
from zhengxie.core.search_grams import index_members

from .rows import wipe

SEED = 20260501
# Bump when the shape of the generated data changes, so that cached databases are rebuilt.
DATA_VERSION = 1
MARKER = f"bench-v{DATA_VERSION}-seed{SEED}"
BATCH = 2000
IMPORT_ROWS = 10_000
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 "
    "180 181 182 185 186 187 188 189 198 199"
).split()


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    place: str
    size: int

    @property
    def admin_username(self) -> str:
        return f"{self.slug}-admin"


SMALL = OrgSpec("bench-small", "基准县政协", "基准县", 100)
LARGE = OrgSpec("bench-large", "基准市政协", "基准市", 100_000)
ORGS = (SMALL, LARGE)


def mobiles(count: int) -> list[str]:
    """The first `count` distinct mobile numbers of one seeded sequence (a prefix of any longer call)."""
    rng = random.Random(SEED)
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")
    return list(seen)


def mobile_slices() -> dict[str, list[str]]:
    """Disjoint numbers for the small organisation, the large one and the imported workbook."""
    numbers = mobiles(SMALL.size + LARGE.size + IMPORT_ROWS)
    return {
        SMALL.slug: numbers[: SMALL.size],
        LARGE.slug: numbers[SMALL.size : SMALL.size + LARGE.size],
        "import": numbers[SMALL.size + LARGE.size :],
    }


def workplace(rng: random.Random, place: str) -> str:
    return rng.choice(words.WORKPLACES).format(p=place) + " " + rng.choice(words.TITLES)


def reference_data(org: Organization) -> tuple[list[Sector], list[SpecialCommittee]]:
    sectors = Sector.objects.bulk_create(
        [Sector(organization=org, name=name, sort_order=i) for i, name in enumerate(words.SECTORS)]
    )
    committees = SpecialCommittee.objects.bulk_create(
        [
            SpecialCommittee(organization=org, name=name, sort_order=i, is_proposal_committee=proposal)
            for i, (name, proposal) in enumerate(words.COMMITTEES)
        ]
    )
    return sectors, committees


def organization_with_admin(spec: OrgSpec) -> tuple[Organization, Person]:
    org = Organization.objects.create(
        slug=spec.slug,
        name=spec.name,
        short_name=spec.place,
        level=Organization.Level.CITY,
        settings={"bench": MARKER},
    )
    admin = Person(username=spec.admin_username, full_name=f"{spec.place}机关管理员")
    admin.set_unusable_password()
    admin.save()
    RoleGrant.objects.create(organization=org, person=admin, role=Role.ORG_ADMIN)
    return org, admin


def _build_org(spec: OrgSpec, numbers: list[str]) -> None:
    """One organisation, its reference lists, one current term, an org admin and `spec.size` members."""
    org, _ = organization_with_admin(spec)
    sectors, committees = reference_data(org)
    term = Term.objects.create(
        organization=org, number=6, name="第六届", starts_on=date(2023, 1, 10), is_current=True
    )
    rng = random.Random(f"{SEED}:{spec.slug}")
    people = []
    for mobile in numbers:
        name, gender = person_name(rng)
        person = Person(username=f"m{mobile}", full_name=name, gender=gender, mobile=mobile)
        person.set_unusable_password()
        people.append(person)
    Person.objects.bulk_create(people, batch_size=BATCH)
    members, chosen = [], []
    for person in people:
        members.append(
            Member(
                organization=org,
                person_id=person.pk,
                term=term,
                name=person.full_name,
                sector=rng.choice(sectors),
                is_standing=rng.random() < 0.15,
                workplace=workplace(rng, spec.place),
                joined_on=term.starts_on,
            )
        )
        chosen.append(rng.sample(committees, k=rng.choice([1, 1, 2])))
    Member.objects.bulk_create(members, batch_size=BATCH)
    index_members(members, replace=False)
    through = Member.committees.through
    through.objects.bulk_create(
        [
            through(member_id=m.pk, specialcommittee_id=c.pk)
            for m, cs in zip(members, chosen, strict=True)
            for c in cs
        ],
        batch_size=BATCH,
    )


def _is_built() -> bool:
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=[s.slug for s in ORGS])}
    for spec in ORGS:
        org = orgs.get(spec.slug)
        if org is None or org.settings.get("bench") != MARKER:
            return False
        if Member.objects.filter(organization=org).count() != spec.size:
            return False
        if not MemberSearchGram.objects.filter(organization=org).exists():
            return False
        if not RoleGrant.objects.filter(
            organization=org, person__username=spec.admin_username, role=Role.ORG_ADMIN
        ).exists():
            return False
    return True


@scopes_disabled()
def ensure(log, *, rebuild: bool = False) -> str:
    """Reuse the database's benchmark data if its counts hold; otherwise empty it and build it again."""
    if not rebuild and _is_built():
        _settle()
        return "reused"
    started = time.perf_counter()
    orgs = list(Organization.objects.filter(slug__in=[s.slug for s in ORGS]).values_list("pk", flat=True))
    people = list(
        Person.objects.filter(
            Q(username__regex=r"^m1[0-9]{10}$") | Q(username__in=[s.admin_username for s in ORGS])
        ).values_list("pk", flat=True)
    )
    if orgs or people:
        # Only the roster's organisations and people: the proposal data (bench/proposal_data.py) stays.
        log("  roster benchmark data incomplete or outdated: removing it")
        with transaction.atomic():
            wipe(orgs, people)
    slices = mobile_slices()
    with transaction.atomic():
        for spec in ORGS:
            log(f"  building {spec.slug}: {spec.size:,} members")
            _build_org(spec, slices[spec.slug])
    _settle()
    return f"built in {time.perf_counter() - started:.0f} s"


def _settle() -> None:
    """On PostgreSQL, what autovacuum does after a bulk load: planner statistics, the visibility map.

    Also clears the rows an earlier run's rolled-back import left behind, so every run starts alike.
    SQLite gets the platform's own sampled ANALYZE (core/upkeep.py), which the worker runs after the data.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


@scopes_disabled()
def search_terms() -> dict[str, str]:
    """Search inputs that match members in both organisations, derived from the seeded data.

    Equal query counts at both sizes are only comparable when both pages have rows to show.
    """
    small = Organization.objects.get(slug=SMALL.slug)
    large = Organization.objects.get(slug=LARGE.slug)
    small_members = list(
        Member.objects.filter(organization=small).order_by("name", "id").values_list("name", "person__mobile")
    )
    large_members = Member.objects.filter(organization=large)
    fragments = Counter(name[i : i + 2] for name, _ in small_members for i in range(len(name) - 1))
    name = next(f for f, _ in fragments.most_common() if large_members.filter(name__contains=f).exists())
    short = small_members[0][1][:4]
    long = next(
        mobile[:7]
        for _, mobile in small_members
        if large_members.filter(person__mobile__startswith=mobile[:7]).exists()
    )
    sector = Counter(
        Member.objects.filter(organization=small).values_list("sector__name", flat=True)
    ).most_common(1)[0][0]
    return {"name": name, "mobile_short": short, "mobile_long": long, "sector": sector}
