"""A proposal world on top of the shared one: a session open for submissions, reference lists, and one
person for every role in the proposal workflow."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from zhengxie.core.permissions import actor_for
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.proposals.models import Category, NotFilingGround
from zhengxie.proposals.services import ensure_reference_lists


@dataclass
class ProposalWorld:
    world: object
    org: object
    session: object
    category: object
    ground: object
    units: list
    bob: object  # member, lead proposer
    dave: object  # member, co-signer
    erin: object  # member, co-signer
    staff: object
    handlers: list  # one user per unit, same order as units
    leader: object
    liaison: object
    liaison_unit: object
    other_staff: object  # proposal staff of the other organisation

    def actor(self, person, org=None):
        return actor_for(person, org or self.org)


@pytest.fixture
def pw(world):
    org = world.org
    today = timezone.localdate()
    session = f.SessionFactory(
        organization=org,
        term=world.term,
        year=today.year,
        submission_opens_on=today - timedelta(days=10),
        submission_closes_on=today + timedelta(days=10),
        opens_on=today + timedelta(days=5),
        closes_on=today + timedelta(days=9),
    )
    f.SessionFactory(organization=world.other_org, term=world.other_term, year=today.year, number=1)
    ensure_reference_lists(org)
    ensure_reference_lists(world.other_org)
    units = [f.HandlingUnitFactory(organization=org, name=n) for n in ("发展改革委", "教育局", "交通运输局")]
    handlers = []
    for i, unit in enumerate(units):
        person = f.PersonFactory(username=f"handler{i}", full_name=f"承办员{i}")
        f.RoleGrantFactory(organization=org, person=person, role=Role.HANDLER, handling_unit=unit)
        handlers.append(person)
    dave = f.PersonFactory(username="dave", full_name="赵大伟")
    f.MemberFactory(organization=org, person=dave, term=world.term, name="赵大伟")
    erin = f.PersonFactory(username="erin", full_name="钱尔宁")
    f.MemberFactory(organization=org, person=erin, term=world.term, name="钱尔宁")
    staff = f.PersonFactory(username="staff", full_name="孙提办")
    f.RoleGrantFactory(organization=org, person=staff, role=Role.PROPOSAL_STAFF)
    leader = f.PersonFactory(username="leader", full_name="周主席")
    f.RoleGrantFactory(organization=org, person=leader, role=Role.LEADER)
    liaison_unit = f.ParticipatingUnitFactory(organization=org, name="民盟甲市委")
    liaison = f.PersonFactory(username="liaison", full_name="吴联络")
    f.RoleGrantFactory(
        organization=org, person=liaison, role=Role.UNIT_LIAISON, participating_unit=liaison_unit
    )
    other_staff = f.PersonFactory(username="otherstaff", full_name="郑他办")
    f.RoleGrantFactory(organization=world.other_org, person=other_staff, role=Role.PROPOSAL_STAFF)
    return ProposalWorld(
        world=world,
        org=org,
        session=session,
        category=Category.objects.filter(organization=org).first(),
        ground=NotFilingGround.objects.filter(organization=org).first(),
        units=units,
        bob=world.bob,
        dave=dave,
        erin=erin,
        staff=staff,
        handlers=handlers,
        leader=leader,
        liaison=liaison,
        liaison_unit=liaison_unit,
        other_staff=other_staff,
    )
