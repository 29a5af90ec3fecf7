"""A public-opinion world on top of the shared one: a county below the city, one person for every role
in the report workflow, and an editor of the unrelated organisation."""

from dataclasses import dataclass

import pytest

from zhengxie.core.models import Organization
from zhengxie.core.permissions import actor_for
from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.opinions import services
from zhengxie.opinions.models import ReportCategory


@dataclass
class OpinionWorld:
    world: object
    org: object  # the city
    county: object  # a district below it
    category: object
    bob: object  # member of the city
    erin: object  # another member of the city, a standing member
    officer: object  # registered information officer of the city
    liaison: object  # participating unit liaison of the city
    liaison_unit: object
    editor: object  # opinion editor of the city
    leader: object  # leader of the city (signs issues)
    proposal_staff: object
    county_editor: object
    county_member: object
    county_leader: object
    other_editor: object  # opinion editor of the unrelated organisation

    def actor(self, person, org=None):
        return actor_for(person, org or self.org)


def _grant(org, role, username, name, **extra):
    person = f.PersonFactory(username=username, full_name=name)
    f.RoleGrantFactory(organization=org, person=person, role=role, **extra)
    return person


@pytest.fixture
def ow(world):
    org = world.org
    county = f.OrganizationFactory(
        name="甲市乙区政协",
        slug="jia-yiqu",
        short_name="乙区政协",
        parent=org,
        level=Organization.Level.COUNTY,
    )
    county_term = f.TermFactory(organization=county)
    for o in (org, county, world.other_org):
        services.ensure_reference_lists(o)
    erin = f.PersonFactory(username="erin", full_name="钱尔宁")
    f.MemberFactory(organization=org, person=erin, term=world.term, is_standing=True)
    officer = f.PersonFactory(username="officer", full_name="孙信息")
    services.register_officer(
        actor=actor_for(world.alice, org),
        full_name=officer.full_name,
        mobile=officer.mobile,
        workplace="甲市日报社",
    )
    liaison_unit = f.ParticipatingUnitFactory(organization=org, name="民建甲市委")
    liaison = _grant(org, Role.UNIT_LIAISON, "liaison", "吴联络", participating_unit=liaison_unit)
    county_member = f.PersonFactory(username="countymember", full_name="冯区委员")
    f.MemberFactory(organization=county, person=county_member, term=county_term)
    return OpinionWorld(
        world=world,
        org=org,
        county=county,
        category=ReportCategory.objects.filter(organization=org).first(),
        bob=world.bob,
        erin=erin,
        officer=officer,
        liaison=liaison,
        liaison_unit=liaison_unit,
        editor=_grant(org, Role.OPINION_EDITOR, "editor", "陈编辑"),
        leader=_grant(org, Role.LEADER, "leader", "周主席"),
        proposal_staff=_grant(org, Role.PROPOSAL_STAFF, "staff", "孙提办"),
        county_editor=_grant(county, Role.OPINION_EDITOR, "countyeditor", "蒋区编"),
        county_member=county_member,
        county_leader=_grant(county, Role.LEADER, "countyleader", "韩区长"),
        other_editor=_grant(world.other_org, Role.OPINION_EDITOR, "othereditor", "郑他编"),
    )
