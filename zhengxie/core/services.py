"""Every write to organisations, people, memberships and roles: guarded, transactional, audited."""

import secrets
from datetime import date
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from . import audit
from .errors import ConflictError, WorkflowError
from .models import (
    HandlingUnit,
    Member,
    Organization,
    ParticipatingUnit,
    Person,
    RoleGrant,
    SpecialCommittee,
    TenantModel,
    Term,
)
from .permissions import Actor, require
from .roles import GRANTABLE_ROLES, Role
from .search_grams import index_members
from .selectors import forget_member_count

MEMBER_FIELDS = [
    "name",
    "term",
    "sector",
    "committees",
    "is_standing",
    "workplace",
    "status",
    "joined_on",
    "note",
]
PERSON_FIELDS = ["full_name", "gender", "mobile"]


def _own(actor: Actor, record: TenantModel) -> None:
    """A record of another organisation is reported as missing, never as forbidden."""
    if record.pk is not None and record.organization_id != actor.organization.pk:
        raise Http404("记录不存在。")


def new_username(mobile: str | None) -> str:
    suffix = secrets.token_hex(3)
    return (
        f"m{mobile}" if mobile and not Person.objects.filter(username=f"m{mobile}").exists() else f"p{suffix}"
    )


def _person_for_mobile(*, full_name: str, gender: str, mobile: str | None) -> Person:
    """The person with this mobile (a member at several levels is one person) or a new one."""
    person = Person.objects.filter(mobile=mobile).first() if mobile else None
    if person is not None:
        if person.full_name != full_name:
            raise ValidationError({"mobile": f"该手机号已登记给“{person.full_name}”，与姓名不一致。"})
        return person
    person = Person(username=new_username(mobile), full_name=full_name, gender=gender, mobile=mobile or None)
    person.set_unusable_password()
    person.save()
    return person


@transaction.atomic
def create_member(
    *,
    actor: Actor,
    full_name: str,
    mobile: str | None,
    term: Term,
    gender: str = "",
    sector=None,
    committees=(),
    is_standing: bool = False,
    workplace: str = "",
    joined_on: date | None = None,
    note: str = "",
) -> Member:
    """Add a member to the actor's organisation for a term; reuses the person with the same mobile."""
    require(actor, "roster.manage")
    for ref in (term, sector, *committees):
        if ref is not None:
            _own(actor, ref)
    person = _person_for_mobile(full_name=full_name, gender=gender, mobile=mobile)
    if Member.objects.filter(person=person, term=term).exists():
        raise ValidationError({"mobile": f"{full_name}已是{term.name}委员。"})
    member = Member.objects.create(
        organization=actor.organization,
        person=person,
        term=term,
        name=full_name,
        sector=sector,
        is_standing=is_standing,
        workplace=workplace,
        joined_on=joined_on,
        note=note,
    )
    member.committees.set(committees)
    index_members([member], replace=False)
    transaction.on_commit(lambda: forget_member_count(actor.organization.pk))
    audit.record(
        action="core.member.create",
        organization=actor.organization,
        actor=actor.person,
        obj=member,
        changes=audit.diff({}, {**audit.snapshot(member, MEMBER_FIELDS), "mobile": mobile}),
    )
    return member


@transaction.atomic
def update_member(*, actor: Actor, member: Member, version: int, values: dict[str, Any]) -> Member:
    """Change a member's record and the person's name, gender and mobile; refuses stale edits."""
    require(actor, "roster.manage")
    _own(actor, member)
    member = Member.objects.select_for_update().select_related("person").get(pk=member.pk)
    if member.version != version:
        raise ConflictError("该委员信息已被他人修改，请刷新页面后重新编辑。")
    person = member.person
    before = {**audit.snapshot(member, MEMBER_FIELDS), **audit.snapshot(person, PERSON_FIELDS)}
    mobile = values.get("mobile") or None
    if mobile and Person.objects.filter(mobile=mobile).exclude(pk=person.pk).exists():
        raise ValidationError({"mobile": "该手机号已被其他人员使用。"})
    for ref in (values.get("term"), values.get("sector"), *values.get("committees", [])):
        if ref is not None:
            _own(actor, ref)
    person.full_name = values["full_name"]
    person.gender = values.get("gender", "")
    person.mobile = mobile
    person.save(update_fields=["full_name", "gender", "mobile"])
    member.name = person.full_name
    for name in ("term", "sector", "is_standing", "workplace", "joined_on", "note"):
        if name in values:
            setattr(member, name, values[name])
    member.version += 1
    member.save(
        update_fields=["name", "term", "sector", "is_standing", "workplace", "joined_on", "note", "version"]
    )
    if "committees" in values:
        member.committees.set(values["committees"])
    index_members([member])
    after = {**audit.snapshot(member, MEMBER_FIELDS), **audit.snapshot(person, PERSON_FIELDS)}
    audit.record(
        action="core.member.update",
        organization=actor.organization,
        actor=actor.person,
        obj=member,
        changes=audit.diff(before, after),
    )
    return member


@transaction.atomic
def set_member_status(*, actor: Actor, member: Member, status: str) -> Member:
    """Deactivate (停用) or reactivate a member; a deactivated member loses the member role."""
    require(actor, "roster.manage")
    _own(actor, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if status not in Member.Status.values:
        raise WorkflowError("未知的委员状态。")
    if member.status == status:
        raise WorkflowError(f"该委员已是“{Member.Status(status).label}”状态。")
    before = member.status
    member.status = status
    member.version += 1
    member.save(update_fields=["status", "version"])
    transaction.on_commit(lambda: forget_member_count(actor.organization.pk))
    audit.record(
        action="core.member.deactivate" if status != Member.Status.ACTIVE else "core.member.reactivate",
        organization=actor.organization,
        actor=actor.person,
        obj=member,
        changes={"status": [before, status]},
    )
    return member


@transaction.atomic
def set_member_password(*, actor: Actor, member: Member, password: str) -> Person:
    """The org admin sets a member's sign-in password (e.g. on first issue of the account)."""
    require(actor, "roster.manage")
    _own(actor, member)
    person = member.person
    password_validation.validate_password(password, person)
    person.set_password(password)
    person.is_active = True
    person.save(update_fields=["password", "is_active"])
    audit.record(
        action="core.person.password", organization=actor.organization, actor=actor.person, obj=person
    )
    return person


@transaction.atomic
def save_org_record(*, actor: Actor, record: TenantModel, values: dict[str, Any]) -> TenantModel:
    """Create or change one of the organisation's lists (sectors, committees, units, terms, sessions)."""
    require(actor, "org.manage")
    _own(actor, record)
    creating = record.pk is None
    fields = list(values)
    before = {} if creating else audit.snapshot(type(record).objects.get(pk=record.pk), fields)
    for name, value in values.items():
        if isinstance(value, TenantModel):
            _own(actor, value)
        setattr(record, name, value)
    record.organization = actor.organization
    if creating:
        record.save()
    else:
        record.save(update_fields=fields)
    if isinstance(record, Term) and record.is_current:
        Term.objects.exclude(pk=record.pk).filter(is_current=True).update(is_current=False)
    audit.record(
        action=f"core.{record._meta.model_name}.{'create' if creating else 'update'}",
        organization=actor.organization,
        actor=actor.person,
        obj=record,
        changes=audit.diff(before, audit.snapshot(record, fields)),
    )
    return record


def account_for(*, full_name: str, mobile: str | None, username: str = "", password: str = "") -> Person:
    """The person with this mobile, or a new sign-in account; a new account must come with a password."""
    is_new = not (mobile and Person.objects.filter(mobile=mobile).exists())
    if is_new and not password:
        raise ValidationError({"password": "新账号必须设置初始密码。"})
    person = _person_for_mobile(full_name=full_name, gender="", mobile=mobile)
    if username and person.username != username:
        if Person.objects.filter(username=username).exclude(pk=person.pk).exists():
            raise ValidationError({"username": "该用户名已被使用。"})
        person.username = username
        person.save(update_fields=["username"])
    if password:
        password_validation.validate_password(password, person)
        person.set_password(password)
        person.save(update_fields=["password"])
    return person


@transaction.atomic
def grant_role(
    *,
    actor: Actor,
    full_name: str,
    mobile: str | None,
    role: Role,
    username: str = "",
    password: str = "",
    handling_unit: HandlingUnit | None = None,
    committee: SpecialCommittee | None = None,
    participating_unit: ParticipatingUnit | None = None,
) -> RoleGrant:
    """Grant a role in the actor's organisation to the person with this mobile (created if new)."""
    require(actor, "roles.manage")
    if role not in GRANTABLE_ROLES:
        raise ValidationError({"role": "该角色不能直接授予。"})
    if role == Role.HANDLER and handling_unit is None:
        raise ValidationError({"handling_unit": "承办单位用户必须选择所属承办单位。"})
    if role == Role.COMMITTEE_STAFF and committee is None:
        raise ValidationError({"committee": "专委会工作人员必须选择所属专委会。"})
    if role == Role.UNIT_LIAISON and participating_unit is None:
        raise ValidationError({"participating_unit": "参加单位联络员必须选择所属参加单位。"})
    for ref in (handling_unit, committee, participating_unit):
        if ref is not None:
            _own(actor, ref)
    person = account_for(full_name=full_name, mobile=mobile, username=username, password=password)
    if RoleGrant.objects.filter(person=person, role=role).exists():
        raise ValidationError({"role": f"{person.full_name}已拥有“{Role(role).label}”角色。"})
    grant = RoleGrant.objects.create(
        organization=actor.organization,
        person=person,
        role=role,
        handling_unit=handling_unit if role == Role.HANDLER else None,
        committee=committee if role == Role.COMMITTEE_STAFF else None,
        participating_unit=participating_unit,
    )
    audit.record(
        action="core.rolegrant.grant",
        organization=actor.organization,
        actor=actor.person,
        obj=grant,
        changes=audit.diff(
            {}, audit.snapshot(grant, ["person", "role", "handling_unit", "committee", "participating_unit"])
        ),
    )
    return grant


@transaction.atomic
def revoke_role(*, actor: Actor, grant: RoleGrant) -> None:
    """Withdraw a role; an admin cannot remove their own admin role (the organisation would lock itself out)."""
    require(actor, "roles.manage")
    _own(actor, grant)
    if grant.person_id == actor.person.pk and grant.role == Role.ORG_ADMIN:
        raise PermissionDenied("不能撤销自己的机关管理员角色。")
    audit.record(
        action="core.rolegrant.revoke",
        organization=actor.organization,
        actor=actor.person,
        obj=grant,
        changes={"role": [grant.role, None]},
    )
    grant.delete()


def switch_organization(*, person: Person, organization: Organization) -> None:
    """Remember the organisation a person last worked in."""
    person.last_organization = organization
    person.save(update_fields=["last_organization"])
