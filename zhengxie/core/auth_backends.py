"""Sign-in with the username or the mobile number."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import Person


def find_person(identifier: str) -> Person | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return Person.objects.filter(Q(username=identifier) | Q(mobile=identifier)).first()


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        person = find_person(username or kwargs.get(Person.USERNAME_FIELD, ""))
        if person is None:
            # Run the hasher anyway so that timing does not reveal which accounts exist.
            Person().set_password(password)
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None


def axes_username(request, credentials) -> str:
    """Count failures against the account, whether it was named by username or by mobile."""
    identifier = (credentials or {}).get("username") or ""
    person = find_person(identifier)
    return person.username if person else identifier.strip()
