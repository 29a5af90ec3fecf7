import datetime
import itertools

import factory
from django.utils import timezone

from zhengxie.core.models import (
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
from zhengxie.core.search_grams import index_members

PASSWORD = "Secret-pass-2026"
_mobiles = itertools.count(1)


def next_mobile() -> str:
    return f"186{next(_mobiles):08d}"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"测试{n}市政协")
    level = Organization.Level.CITY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    mobile = factory.LazyFunction(next_mobile)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    organization = factory.SubFactory(OrganizationFactory)
    number = 6
    name = "第六届"
    starts_on = datetime.date(2023, 1, 10)
    is_current = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlenarySession

    term = factory.SubFactory(TermFactory)
    organization = factory.SelfAttribute("term.organization")
    number = 4
    name = "第四次会议"
    year = 2026
    opens_on = datetime.date(2026, 1, 10)
    closes_on = datetime.date(2026, 1, 14)
    submission_opens_on = datetime.date(2025, 10, 10)
    submission_closes_on = datetime.date(2026, 1, 12)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"界别{n}")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialCommittee

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"专委会{n}")


class ParticipatingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipatingUnit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"参加单位{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"承办单位{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    person = factory.SubFactory(PersonFactory)
    term = factory.LazyAttribute(
        lambda o: (
            Term.objects.filter(organization=o.organization, is_current=True).first()
            or TermFactory(organization=o.organization)
        )
    )
    name = factory.SelfAttribute("person.full_name")
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search_grams(obj, create, extracted, **kwargs):
        if create:
            index_members([obj])


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    organization = factory.SubFactory(OrganizationFactory)
    person = factory.SubFactory(PersonFactory)
