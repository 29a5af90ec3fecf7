from django import template

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
