"""Append-only audit trail. Every service writes through `record` inside its transaction."""

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from .models import AuditEvent, Organization, Person, TimelineStep


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a record as JSON-able values; foreign keys as their display text."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
        elif field.is_relation:
            data[name] = _plain(getattr(obj, name))
        else:
            data[name] = _plain(getattr(obj, name))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def build(
    *,
    action: str,
    organization: Organization,
    actor: Person | None,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        organization=organization,
        action=action,
        actor=actor,
        actor_name=(actor.full_name if actor else "系统")[:50],
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
        ip_address=ip_address,
    )


def record(**kwargs: Any) -> AuditEvent:
    """Write one audit event; call inside the service's transaction."""
    event = build(**kwargs)
    event.save()
    return event


def record_many(events: list[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(events, batch_size=1000)


ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "deactivate": "停用",
    "reactivate": "恢复",
    "import": "导入",
    "grant": "授权",
    "revoke": "撤销授权",
    "password": "设置密码",
}


def action_label(action: str) -> str:
    verb = action.rsplit(".", 1)[-1]
    return ACTION_LABELS.get(verb, action)


def step(
    timeline: type[TimelineStep],
    obj: models.Model,
    action: str,
    before: str = "",
    *,
    person: Person | None = None,
    actor_name: str = "",
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """One step of a record's life, after the record is saved: a row of its timeline (from `before` to its
    state now) and one audit event `app.model.action` whose changes also carry the state change and the note.
    `actor_name` names who took a step that no person of the organisation took (an upper organisation)."""
    link = next(f.name for f in timeline._meta.fields if f.is_relation and f.related_model is type(obj))
    timeline.objects.create(
        organization=obj.organization,
        **{link: obj},
        action=action,
        from_state=before,
        to_state=obj.state,
        actor=person,
        actor_name=actor_name or (person.full_name if person else "系统"),
        note=note,
    )
    payload = dict(changes or {})
    if before and before != obj.state:
        payload["state"] = [before, obj.state]
    if note:
        payload["note"] = note
    record(
        action=f"{obj._meta.app_label}.{obj._meta.model_name}.{action}",
        organization=obj.organization,
        actor=person,
        obj=obj,
        changes=payload,
    )
