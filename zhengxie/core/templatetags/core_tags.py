import datetime

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from ..audit import action_label as _action_label
from ..selectors import mask_mobile

register = template.Library()

FIELD_LABELS = {
    "name": "名称/姓名",
    "full_name": "姓名",
    "gender": "性别",
    "mobile": "手机号",
    "term": "届次",
    "sector": "界别",
    "committees": "专委会",
    "is_standing": "常委",
    "workplace": "工作单位及职务",
    "status": "状态",
    "joined_on": "任职日期",
    "note": "备注",
    "role": "角色",
    "person": "人员",
    "handling_unit": "承办单位",
    "committee": "专委会",
    "participating_unit": "参加单位",
    "is_active": "启用",
    "sort_order": "排序",
    "created_count": "新增人数",
    "filename": "文件名",
    "source": "来源",
}


@register.filter
def masked_mobile(value):
    return mask_mobile(value)


@register.filter
def action_label(value):
    return _action_label(value)


@register.filter
def field_label(value):
    return FIELD_LABELS.get(value, value)


def _change_text(model, name: str, value) -> str:
    """An audited value as the interface shows it: choice labels, 是/否, Chinese dates, lists joined."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        field = None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{day.year}年{day.month}月{day.day}日"
    return str(value)


@register.filter
def audit_changes(event) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an audit event, leaving out changes that read the same."""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, pair in event.changes.items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        shown = (_change_text(model, name, before), _change_text(model, name, after))
        if shown[0] != shown[1]:
            rows.append((FIELD_LABELS.get(name, name), *shown))
    return rows
