"""Per-organisation rules of an application, kept in `Organization.settings[section]` (SPEC §2: each
organisation configures its own). An application describes its rules once as a `Policy` dataclass — defaults,
Chinese labels, the bounds of each number and the length of each text — and this module reads them with their
defaults, checks a change (the settings form and the service both use the same bounds), and stores it with an
audit event."""

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from . import audit
from .models import Organization

P = TypeVar("P", bound="Policy")


@dataclass(frozen=True)
class Policy:
    """Base of an application's rules; subclasses are frozen dataclasses whose fields are the settings."""

    SECTION: ClassVar[str] = ""
    LABELS: ClassVar[dict[str, str]] = {}
    LIMITS: ClassVar[dict[str, tuple[int, int]]] = {}  # whole numbers: (lowest, highest)
    TEXT_MAX: ClassVar[dict[str, int]] = {}  # texts: most characters
    REQUIRED: ClassVar[frozenset[str]] = frozenset()  # texts that may not be empty
    HELP: ClassVar[dict[str, str]] = {}

    def problems(self) -> dict[str, str]:
        """Rules between settings (a subclass adds its own); each problem under the setting it names."""
        return {}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read(organization: Organization, policy_class: type[P]) -> P:
    """The organisation's rules: what it stored, the defaults for the rest; stored names no longer known are
    ignored."""
    stored = (organization.settings or {}).get(policy_class.SECTION, {})
    known = {f.name for f in fields(policy_class)}
    return policy_class(**{k: v for k, v in stored.items() if k in known})


def check(current: Policy, values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with changing `current` by `values`: unknown names, numbers out of bounds, texts too long or
    empty where required, values of the wrong kind, then the policy's own rules between settings."""
    cls = type(current)
    defaults = {f.name: f.default for f in fields(cls)}
    errors: dict[str, str] = {}
    for name, value in values.items():
        label = cls.LABELS.get(name, name)
        if name not in defaults:
            errors[name] = f"没有名为“{name}”的设置。"
        elif name in cls.LIMITS:
            low, high = cls.LIMITS[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[name] = f"“{label}”应为{low}到{high}之间的整数。"
        elif name in cls.TEXT_MAX:
            if not isinstance(value, str) or len(value) > cls.TEXT_MAX[name]:
                errors[name] = f"“{label}”不能超过{cls.TEXT_MAX[name]}个字。"
            elif name in cls.REQUIRED and not value.strip():
                errors[name] = f"请填写{label}。"
        elif isinstance(defaults[name], bool) and not isinstance(value, bool):
            errors[name] = f"“{label}”应为是或否。"
    if not errors:
        errors = replace(current, **values).problems()
    return errors


def store(*, actor, policy_class: type[Policy], values: dict[str, Any], action: str) -> None:
    """Change the actor's organisation's rules by `values` after checking them (ValidationError with each
    problem under its setting); the organisation row is locked, the change audited. The caller checks the
    actor's permission."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=actor.organization.pk)
        errors = check(read(organization, policy_class), values)
        if errors:
            raise ValidationError(errors)
        settings = dict(organization.settings or {})
        before = dict(settings.get(policy_class.SECTION, {}))
        settings[policy_class.SECTION] = {**before, **values}
        organization.settings = settings
        organization.save(update_fields=["settings"])
        audit.record(
            action=action,
            organization=organization,
            actor=actor.person,
            obj=organization,
            changes=audit.diff(before, settings[policy_class.SECTION]),
        )
    actor.organization.settings = settings


class PolicyForm(forms.Form):
    """The settings form of a policy: one field per setting, in the dataclass's order, with its label, bounds
    and help; the policy's rules between settings are checked on the whole. Subclasses set `policy_class`."""

    policy_class: ClassVar[type[Policy]]

    def __init__(self, *args, organization: Organization, **kwargs):
        cls = self.policy_class
        self.current = read(organization, cls)
        kwargs.setdefault("initial", self.current.as_dict())
        super().__init__(*args, **kwargs)
        for f in fields(cls):
            options = {"label": cls.LABELS[f.name], "help_text": cls.HELP.get(f.name, "")}
            if f.name in cls.LIMITS:
                low, high = cls.LIMITS[f.name]
                field = forms.IntegerField(min_value=low, max_value=high, **options)
            elif f.name in cls.TEXT_MAX:
                field = forms.CharField(
                    max_length=cls.TEXT_MAX[f.name], required=f.name in cls.REQUIRED, **options
                )
            else:
                field = forms.BooleanField(required=False, **options)
            self.fields[f.name] = field

    def clean(self):
        data = super().clean()
        if not self.errors:
            for name, message in check(self.current, data).items():
                self.add_error(name if name in self.fields else None, message)
        return data
