"""`zhengxie demo`: the demo city, its districts, people and one account per role. Idempotent.

Domain apps add their own demo data through `register_step`; the steps run after the organisations exist.
"""

import os
import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django_scopes import scopes_disabled

from . import demo_data as words
from .models import (
    HandlingUnit,
    Member,
    Organization,
    ParticipatingUnit,
    Person,
    PlenarySession,
    RoleGrant,
    Sector,
    SpecialCommittee,
    Term,
)
from .roles import Role
from .search_grams import index_unindexed

CITY_SLUG = "demo-city"
MEMBERS_PER_ORG = 300
DEFAULT_PASSWORD = "zhengxie-demo"

ACCOUNTS = [
    ("demo-admin", Role.ORG_ADMIN, "机关管理员"),
    ("demo-member", Role.MEMBER, "委员"),
    ("demo-proposal-staff", Role.PROPOSAL_STAFF, "提案委员会工作人员"),
    ("demo-opinion-editor", Role.OPINION_EDITOR, "社情民意信息编辑"),
    ("demo-committee-staff", Role.COMMITTEE_STAFF, "专委会工作人员"),
    ("demo-studio-keeper", Role.STUDIO_KEEPER, "委员工作室管理员"),
    ("demo-handler", Role.HANDLER, "承办单位用户"),
    ("demo-leader", Role.LEADER, "主席会议成员"),
    ("demo-liaison", Role.UNIT_LIAISON, "参加单位联络员"),
]

DemoStep = Callable[..., None]
_STEPS: list[tuple[str, DemoStep]] = []


def register_step(name: str, step: DemoStep) -> None:
    """A domain app adds demo data: step(organizations=[...], scale=N, rng=Random, log=print)."""
    if name not in [n for n, _ in _STEPS]:
        _STEPS.append((name, step))


def demo_password() -> str:
    return os.environ.get("ZHENGXIE_DEMO_PASSWORD", DEFAULT_PASSWORD)


def person_name(rng: random.Random) -> tuple[str, str]:
    gender = rng.choice(["男", "男", "女"])
    chars = words.GIVEN_MALE if gender == "男" else words.GIVEN_FEMALE
    given = "".join(rng.choice(chars) for _ in range(rng.choice([1, 2, 2, 2])))
    return rng.choice(words.SURNAMES) + given, gender


def _org(slug: str, name: str, short: str, level: str, parent: Organization | None) -> Organization:
    org, _ = Organization.objects.get_or_create(
        slug=slug, defaults={"name": name, "short_name": short, "level": level, "parent": parent}
    )
    return org


def _reference_data(org: Organization, place: str) -> None:
    for i, name in enumerate(words.SECTORS):
        Sector.objects.get_or_create(organization=org, name=name, defaults={"sort_order": i})
    for i, (name, is_proposal) in enumerate(words.COMMITTEES):
        SpecialCommittee.objects.get_or_create(
            organization=org, name=name, defaults={"sort_order": i, "is_proposal_committee": is_proposal}
        )
    for i, (pattern, kind) in enumerate(words.PARTICIPATING_UNITS):
        ParticipatingUnit.objects.get_or_create(
            organization=org, name=pattern.format(p=place[-1]), defaults={"sort_order": i, "kind": kind}
        )
    for i, name in enumerate(words.HANDLING_UNITS):
        HandlingUnit.objects.get_or_create(
            organization=org, name=f"{place}{name}", defaults={"sort_order": i, "short_name": name}
        )


def _terms(org: Organization) -> Term:
    term, _ = Term.objects.get_or_create(
        organization=org,
        number=6,
        defaults={"name": "第六届", "starts_on": date(2023, 1, 10), "is_current": True},
    )
    Term.objects.get_or_create(
        organization=org,
        number=5,
        defaults={"name": "第五届", "starts_on": date(2018, 1, 12), "ends_on": date(2023, 1, 9)},
    )
    for number, year in enumerate(range(2023, 2028), start=1):
        names = "一二三四五"
        PlenarySession.objects.get_or_create(
            organization=org,
            term=term,
            number=number,
            defaults={
                "name": f"第{names[number - 1]}次会议",
                "year": year,
                "opens_on": date(year, 1, 10),
                "closes_on": date(year, 1, 14),
                "submission_opens_on": date(year - 1, 10, 10),
                "submission_closes_on": date(year, 1, 12),
            },
        )
    return term


def _members(org: Organization, index: int, term: Term, count: int, rng: random.Random, place: str) -> None:
    existing = set(Member.objects.filter(organization=org).values_list("person__mobile", flat=True))
    sectors = list(Sector.objects.filter(organization=org))
    committees = list(SpecialCommittee.objects.filter(organization=org))
    mobiles = [f"139{index:02d}{i:06d}" for i in range(count)]
    todo = [m for m in mobiles if m not in existing]
    people, members, chosen = [], [], []
    for mobile in todo:
        name, gender = person_name(rng)
        person = Person(username=f"m{mobile}", full_name=name, gender=gender, mobile=mobile)
        person.set_unusable_password()
        people.append(person)
    Person.objects.bulk_create(people, batch_size=1000, ignore_conflicts=True)
    by_mobile = {p.mobile: p for p in Person.objects.filter(mobile__in=todo)}
    for mobile in todo:
        person = by_mobile[mobile]
        workplace = rng.choice(words.WORKPLACES).format(p=place) + " " + rng.choice(words.TITLES)
        members.append(
            Member(
                organization=org,
                person=person,
                term=term,
                name=person.full_name,
                sector=rng.choice(sectors),
                is_standing=rng.random() < 0.15,
                workplace=workplace,
                joined_on=term.starts_on,
            )
        )
        chosen.append(rng.sample(committees, k=rng.choice([1, 1, 2])))
    Member.objects.bulk_create(members, batch_size=1000)
    saved = {m.person_id: m.pk for m in Member.objects.filter(organization=org, term=term)}
    through = Member.committees.through
    through.objects.bulk_create(
        [
            through(member_id=saved[m.person.pk], specialcommittee_id=c.pk)
            for m, cs in zip(members, chosen, strict=True)
            for c in cs
        ],
        batch_size=1000,
    )


def _account(username: str, full_name: str, mobile: str, password: str) -> Person:
    person, created = Person.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "mobile": mobile}
    )
    if created or not person.check_password(password):
        person.set_password(password)
        person.save(update_fields=["password"])
    return person


def _accounts(org: Organization, suffix: str, index: int, term: Term, password: str, place: str) -> None:
    for offset, (base, role, label) in enumerate(ACCOUNTS):
        username = f"{base}{suffix}"
        person = _account(username, f"{place}{label}", f"1370000{index:02d}{offset:02d}", password)
        if role == Role.MEMBER:
            Member.objects.get_or_create(
                organization=org,
                person=person,
                term=term,
                defaults={
                    "name": person.full_name,
                    "sector": Sector.objects.filter(organization=org, name="经济界").first(),
                    "is_standing": True,
                    "workplace": f"{place}科技创新有限公司 董事长",
                    "joined_on": term.starts_on,
                },
            )
            continue
        extra = {}
        if role == Role.HANDLER:
            extra["handling_unit"] = HandlingUnit.objects.filter(organization=org).order_by("sort_order")[1]
        if role == Role.COMMITTEE_STAFF:
            extra["committee"] = SpecialCommittee.objects.filter(organization=org).order_by("sort_order")[1]
        if role == Role.UNIT_LIAISON:
            extra["participating_unit"] = ParticipatingUnit.objects.filter(organization=org).order_by(
                "sort_order"
            )[0]
        RoleGrant.objects.get_or_create(organization=org, person=person, role=role, defaults=extra)


def demo_organizations() -> list[Organization]:
    return list(Organization.objects.filter(slug__startswith="demo-").order_by("path"))


@scopes_disabled()
def build_demo(*, scale: int = 1, log: Callable[[str], None] = print) -> list[Organization]:
    password = demo_password()
    rng = random.Random(20261123)
    with transaction.atomic():
        city = _org(CITY_SLUG, "示范市政协", "示范市", Organization.Level.CITY, None)
        orgs = [(city, "", "示范市", 0)]
        for i, (slug, place) in enumerate(words.DISTRICTS, start=1):
            org = _org(slug, f"示范市{place}政协", place, Organization.Level.COUNTY, city)
            orgs.append((org, f"-d{i}", place, i))
        for org, suffix, place, index in orgs:
            _reference_data(org, place)
            term = _terms(org)
            _members(org, index, term, MEMBERS_PER_ORG * scale, rng, place)
            _accounts(org, suffix, index, term, password, place)
            log(f"{org.name}：{Member.objects.filter(organization=org).count()} 名委员")
        # 三级委员: the city's demo member also sits on the first district's committee.
        member = Person.objects.get(username="demo-member")
        d1 = orgs[1][0]
        Member.objects.get_or_create(
            organization=d1,
            person=member,
            term=Term.objects.get(organization=d1, is_current=True),
            defaults={"name": member.full_name, "workplace": "示范市科技创新有限公司 董事长"},
        )
    organizations = [o for o, *_ in orgs]
    index_unindexed(o.pk for o in organizations)
    for name, step in _STEPS:
        log(f"演示数据：{name}")
        step(organizations=organizations, scale=scale, rng=random.Random(name), log=log)
    return organizations
