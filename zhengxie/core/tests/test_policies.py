"""An application's rules per organisation: read with defaults, every kind of bad change refused."""

from dataclasses import dataclass

from zhengxie.core import policies
from zhengxie.core.models import Organization


@dataclass(frozen=True)
class Rules(policies.Policy):
    limit: int = 5
    title: str = "社情民意"
    strict: bool = False

    SECTION = "example"
    LABELS = {"limit": "上限", "title": "刊物名称", "strict": "严格"}
    LIMITS = {"limit": (1, 9)}
    TEXT_MAX = {"title": 4}
    REQUIRED = frozenset({"title"})

    def problems(self):
        return {"limit": "严格时上限不能超过3。"} if self.strict and self.limit > 3 else {}


def test_stored_rules_override_the_defaults_and_unknown_stored_names_are_ignored():
    org = Organization(settings={"example": {"limit": 7, "gone": 1}, "other": {"limit": 2}})
    assert policies.read(org, Rules) == Rules(limit=7)
    assert policies.read(Organization(settings=None), Rules) == Rules()


def test_each_kind_of_bad_change_is_named_under_its_setting():
    now = Rules()
    assert policies.check(now, {"limit": 9, "title": "刊物", "strict": True}) == {
        "limit": "严格时上限不能超过3。"
    }
    assert policies.check(now, {"limit": 10, "title": "太长的名称", "strict": 1, "x": 0}) == {
        "limit": "“上限”应为1到9之间的整数。",
        "title": "“刊物名称”不能超过4个字。",
        "strict": "“严格”应为是或否。",
        "x": "没有名为“x”的设置。",
    }
    assert policies.check(now, {"title": "  "}) == {"title": "请填写刊物名称。"}
    assert policies.check(now, {"limit": True}) == {"limit": "“上限”应为1到9之间的整数。"}
    assert policies.check(now, {"limit": 3, "strict": True}) == {}


def test_the_form_has_a_field_per_setting_with_its_bounds_and_the_rules_between_them():
    class Form(policies.PolicyForm):
        policy_class = Rules

    org = Organization(settings={"example": {"limit": 2}})
    form = Form(organization=org)
    assert list(form.fields) == ["limit", "title", "strict"]
    assert form.initial["limit"] == 2
    assert form.fields["title"].max_length == 4 and form.fields["title"].required
    form = Form({"limit": 8, "title": "刊物", "strict": "on"}, organization=org)
    assert not form.is_valid() and form.errors == {"limit": ["严格时上限不能超过3。"]}
    assert not Form({"limit": 0, "title": ""}, organization=org).is_valid()
    assert Form({"limit": 3, "title": "刊物", "strict": "on"}, organization=org).is_valid()
