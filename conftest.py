"""Shared test set-up: every test gets an organisation with an admin (alice), a member of it (bob),
and an outsider from another organisation (charlie) — the healthchecks pattern."""

import os
from dataclasses import dataclass

import pytest
from django_scopes import scopes_disabled

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["zhengxie.testing.browser"]


@pytest.fixture(autouse=True)
def _no_scope_in_test_body():
    """Test bodies build data across organisations; requests made by the test still open their own scope."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Similarity snapshots of one test's organisation must not answer for the next test's (same ids).
    settings.SIMILAR_SNAPSHOTS = None


@dataclass
class World:
    org: object
    other_org: object
    term: object
    other_term: object
    alice: object  # org admin of org
    bob: object  # member of org
    bob_member: object
    charlie: object  # org admin of other_org
    charlie_member: object


@pytest.fixture
def world(db):
    from zhengxie.core.roles import Role
    from zhengxie.core.tests import factories as f

    org = f.OrganizationFactory(name="甲市政协", slug="jia")
    other = f.OrganizationFactory(name="乙市政协", slug="yi")
    term = f.TermFactory(organization=org)
    other_term = f.TermFactory(organization=other)
    alice = f.PersonFactory(username="alice", full_name="张爱丽")
    f.RoleGrantFactory(organization=org, person=alice, role=Role.ORG_ADMIN)
    bob = f.PersonFactory(username="bob", full_name="李博")
    bob_member = f.MemberFactory(organization=org, person=bob, term=term)
    charlie = f.PersonFactory(username="charlie", full_name="王查理")
    f.RoleGrantFactory(organization=other, person=charlie, role=Role.ORG_ADMIN)
    charlie_member = f.MemberFactory(organization=other, term=other_term)
    return World(org, other, term, other_term, alice, bob, bob_member, charlie, charlie_member)


def actor_of(person, org):
    from zhengxie.core.permissions import actor_for

    return actor_for(person, org)


@pytest.fixture
def as_actor():
    return actor_of
