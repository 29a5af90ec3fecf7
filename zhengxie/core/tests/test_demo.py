from django.core.management import call_command

from zhengxie.core import demo
from zhengxie.core.demo import ACCOUNTS
from zhengxie.core.models import HandlingUnit, Member, Organization, Person, PlenarySession, RoleGrant
from zhengxie.core.permissions import actor_for
from zhengxie.core.roles import Role


def test_demo_builds_city_districts_people_and_accounts_idempotently(db, monkeypatch):
    # The core's own part; each domain app tests its demo step itself.
    monkeypatch.setattr(demo, "_STEPS", [])
    call_command("demo", verbosity=0)
    counts = (Person.objects.count(), Member.objects.with_scopes_disabled().count())
    call_command("demo", verbosity=0)
    assert (Person.objects.count(), Member.objects.with_scopes_disabled().count()) == counts
    city = Organization.objects.get(slug="demo-city")
    assert city.name == "示范市政协"
    districts = list(Organization.objects.filter(parent=city))
    assert len(districts) == 3
    for org in [city, *districts]:
        assert Member.objects.filter(organization=org).count() >= 300
        assert HandlingUnit.objects.filter(organization=org).count() == 40
        assert PlenarySession.objects.filter(organization=org).exists()
    d1 = Organization.objects.get(slug="demo-d1")
    for username, role, _ in ACCOUNTS:
        for suffix, org in (("", city), ("-d1", d1)):
            person = Person.objects.get(username=username + suffix)
            assert person.check_password("zhengxie-demo")
            assert role in actor_for(person, org).roles
    handler = RoleGrant.objects.get(person__username="demo-handler", role=Role.HANDLER)
    assert handler.handling_unit is not None
    # 三级委员: the demo member sits in the city and the first district.
    assert Member.objects.filter(person__username="demo-member").count() == 2
