import secrets

from django import forms
from django.utils import timezone
from django_scopes.forms import SafeModelChoiceField

from zhengxie.core import policies
from zhengxie.core.forms import DATE_WIDGET, OrgFormMixin
from zhengxie.core.models import Organization, Person, RoleGrant, mobile_validator
from zhengxie.core.roles import Role
from zhengxie.proposals.forms import AttachmentField

from .models import Forwarding, InfoOfficer, Level, Report, ReportCategory
from .policy import Policy, policy_for
from .services import capacities

TEXTAREA = forms.Textarea(attrs={"rows": 12})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def capacity_key(capacity) -> str:
    if capacity.participating_unit is not None:
        return f"unit:{capacity.participating_unit.pk}"
    if capacity.committee is not None:
        return f"committee:{capacity.committee.pk}"
    return capacity.submitter_type


def parse_capacity(key: str) -> tuple[str, int | None, int | None]:
    kind, _, pk = key.partition(":")
    if kind == "unit":
        return Report.SubmitterType.UNIT, int(pk), None
    if kind == "committee":
        return Report.SubmitterType.COMMITTEE, None, int(pk)
    return kind, None, None


class ReportForm(OrgFormMixin, forms.Form):
    title = forms.CharField(label="标题", help_text="一事一报，标题概括所反映的问题。")
    category = SafeModelChoiceField(
        label="类别", queryset=ReportCategory.objects.none(), required=False, empty_label="（请选择）"
    )
    urgency = forms.ChoiceField(
        label="紧急程度", choices=Report.Urgency.choices, initial=Report.Urgency.NORMAL
    )
    capacity = forms.ChoiceField(label="报送身份")
    body = forms.CharField(
        label="正文",
        widget=TEXTAREA,
        required=False,
        help_text="反映的情况、原因分析和意见建议，真实、及时。",
    )
    attachment = AttachmentField(label="附件", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organization: Organization, actor, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)
        policy = policy_for(organization)
        self.fields["title"].max_length = policy.title_max
        self.fields["title"].widget.attrs["maxlength"] = policy.title_max
        self.fields["body"].max_length = policy.body_max
        self.fields["body"].widget.attrs["maxlength"] = policy.body_max
        self.fields["body"].help_text += f"不超过{policy.body_max}字。"
        self.fields["attachment"].max_mb = policy.attachment_max_mb
        self.fields["category"].queryset = self.fields["category"].queryset.filter(is_active=True)
        choices = [
            (capacity_key(c), f"{c.name}（{Report.SubmitterType(c.submitter_type).label}）")
            for c in capacities(actor)
        ]
        self.fields["capacity"].choices = choices
        if editing or len(choices) <= 1:
            self.fields["capacity"].required = False
            self.fields["capacity"].widget = forms.HiddenInput()
            if choices:
                self.fields["capacity"].initial = choices[0][0]
        if editing:
            self.fields.pop("token")
        elif not self.is_bound:
            self.fields["token"].initial = secrets.token_hex(16)


class ReviseForm(forms.Form):
    title = forms.CharField(label="编辑后标题", max_length=100)
    body = forms.CharField(label="编辑后正文", widget=TEXTAREA)
    note = forms.CharField(label="修改说明", max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=SHORT_TEXTAREA, max_length=1000)


class ForwardForm(forms.Form):
    target = forms.ChoiceField(label="报送对象", choices=Forwarding.Target.choices, widget=forms.RadioSelect)
    recipient = forms.CharField(
        label="报送单位",
        max_length=100,
        required=False,
        help_text="报送党委政府时填写，如“市委办公室”“市政府办公室”。",
    )
    forwarded_on = forms.DateField(label="报送日期", widget=DATE_WIDGET, initial=timezone.localdate)


class InstructionForm(forms.Form):
    leader = forms.CharField(label="批示领导", max_length=50, required=False)
    leader_title = forms.CharField(label="职务", max_length=100, required=False)
    level = forms.ChoiceField(label="级别", choices=[("", "（请选择）"), *Level.choices], required=False)
    instructed_on = forms.DateField(label="批示日期", widget=DATE_WIDGET, required=False)
    text = forms.CharField(label="批示内容", widget=SHORT_TEXTAREA, required=False)


class FeedbackForm(forms.Form):
    department = forms.CharField(label="反馈单位", max_length=100, required=False)
    received_on = forms.DateField(label="反馈日期", widget=DATE_WIDGET, required=False)
    text = forms.CharField(label="反馈内容", widget=SHORT_TEXTAREA, required=False)


class IssueCreateForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label="期号", min_value=1, max_value=999, required=False, help_text="留空则自动编为下一期。"
    )


class IssueLinesForm(forms.Form):
    send_to = forms.CharField(label="报送", max_length=300, required=False)
    copy_to = forms.CharField(label="抄送", max_length=300, required=False)


class SignoffForm(forms.Form):
    signer = forms.ModelChoiceField(
        label="签发领导", queryset=Person.objects.none(), empty_label="（请选择）"
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = RoleGrant.objects.filter(organization=organization, role=Role.LEADER).values("person")
        self.fields["signer"].queryset = Person.objects.filter(pk__in=leaders).order_by("full_name")
        self.fields["signer"].label_from_instance = lambda p: p.full_name


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", widget=SHORT_TEXTAREA, max_length=300, required=False)


class PublishForm(forms.Form):
    published_on = forms.DateField(label="印发日期", widget=DATE_WIDGET, initial=timezone.localdate)


class ItemForm(forms.Form):
    title = forms.CharField(label="条目标题", max_length=100)
    body = forms.CharField(label="条目正文", widget=TEXTAREA)


class OfficerForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(label="手机号", max_length=11, validators=[mobile_validator])
    kind = forms.ChoiceField(label="类别", choices=InfoOfficer.Kind.choices)
    workplace = forms.CharField(label="工作单位", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)
    username = forms.CharField(label="用户名", max_length=64, required=False, help_text="留空则用手机号。")
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="新账号必须设置。",
    )


class OfficerEditForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=InfoOfficer.Kind.choices)
    workplace = forms.CharField(label="工作单位", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)
    is_active = forms.BooleanField(label="在册（可报送信息）", required=False)


class PolicyForm(policies.PolicyForm):
    policy_class = Policy


class RegisterFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Report.State.choices[1:]])
    submitter_type = forms.ChoiceField(
        label="报送人类型", required=False, choices=[("", "全部"), *Report.SubmitterType.choices]
    )
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
