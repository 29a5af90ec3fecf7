import os
import secrets

from django import forms
from django_scopes.forms import SafeModelChoiceField, SafeModelMultipleChoiceField

from zhengxie.core import policies
from zhengxie.core.forms import DATE_WIDGET, OrgFormMixin
from zhengxie.core.models import (
    HandlingUnit,
    Organization,
    ParticipatingUnit,
    PlenarySession,
    SpecialCommittee,
)

from .models import Award, Category, Communication, NotFilingGround, Proposal, Rating, Reply, SupervisionEvent
from .policy import ATTACHMENT_TYPES, Policy, policy_for

TEXTAREA = forms.Textarea(attrs={"rows": 8})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})

# The first bytes of each allowed type: a renamed executable is refused even with a .pdf name.
MAGIC = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".ofd": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
}


class AttachmentField(forms.FileField):
    """A file no larger than the organisation's limit, of an office document or image type."""

    def __init__(self, *args, max_mb: int = 10, **kwargs):
        self.max_mb = max_mb
        kwargs.setdefault("help_text", f"支持 PDF、Word、Excel、OFD、JPG、PNG，不超过 {max_mb}MB。")
        super().__init__(*args, **kwargs)
        self.widget.attrs["accept"] = ",".join(ATTACHMENT_TYPES)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        ext = os.path.splitext(upload.name)[1].lower()
        if ext not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                f"不支持“{ext or '无扩展名'}”类型的文件，请上传 PDF、Word、Excel、OFD 或图片。"
            )
        if upload.size > self.max_mb * 1024 * 1024:
            raise forms.ValidationError(
                f"文件大小为 {upload.size / 1024 / 1024:.1f}MB，超过 {self.max_mb}MB 的上限。"
            )
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(m) for m in MAGIC[ext]):
            raise forms.ValidationError("文件内容与扩展名不符，请上传真实的文档或图片。")
        return upload


class ProposalForm(OrgFormMixin, forms.Form):
    title = forms.CharField(label="案由", max_length=50, help_text="一事一案，简明扼要。")
    category = SafeModelChoiceField(
        label="类别", queryset=Category.objects.none(), required=False, empty_label="（请选择）"
    )
    reason = forms.CharField(label="提案理由", widget=TEXTAREA, required=False, help_text="情况和分析。")
    suggestions = forms.CharField(label="具体建议", widget=TEXTAREA, required=False)
    kind = forms.ChoiceField(
        label="提案类型", choices=Proposal.Kind.choices, initial=Proposal.Kind.INDIVIDUAL
    )
    participating_unit = SafeModelChoiceField(
        label="提交单位（集体提案）", queryset=ParticipatingUnit.objects.none(), required=False
    )
    committee = SafeModelChoiceField(
        label="提交专委会（集体提案）", queryset=SpecialCommittee.objects.none(), required=False
    )
    cosigners = forms.CharField(
        label="邀请联名委员",
        required=False,
        help_text="填写委员姓名，用“、”分隔；同名委员写成“姓名-手机号后四位”。",
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
        for name in ("reason", "suggestions"):
            self.fields[name].max_length = policy.section_max
            self.fields[name].widget.attrs["maxlength"] = policy.section_max
        self.fields["attachment"].max_mb = policy.attachment_max_mb
        self.fields["category"].queryset = self.fields["category"].queryset.filter(is_active=True)
        liaison_units = [g.participating_unit_id for g in actor.grants if g.participating_unit_id]
        committees = [g.committee_id for g in actor.grants if g.role == "committee_staff" and g.committee_id]
        self.fields["participating_unit"].queryset = self.fields["participating_unit"].queryset.filter(
            pk__in=liaison_units
        )
        self.fields["committee"].queryset = self.fields["committee"].queryset.filter(pk__in=committees)
        kinds = []
        if actor.has_role("member"):
            kinds += [Proposal.Kind.INDIVIDUAL, Proposal.Kind.JOINT]
        if liaison_units or committees:
            kinds.append(Proposal.Kind.COLLECTIVE)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if not liaison_units:
            del self.fields["participating_unit"]
        if not committees:
            del self.fields["committee"]
        if editing:
            for name in ("kind", "participating_unit", "committee", "cosigners", "token"):
                self.fields.pop(name, None)
        elif not self.is_bound:
            self.initial["token"] = secrets.token_hex(16)


class AttachmentForm(forms.Form):
    file = AttachmentField(label="附件")

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].max_mb = policy_for(organization).attachment_max_mb


class NamesForm(forms.Form):
    names = forms.CharField(label="委员姓名", help_text="用“、”分隔；同名委员写成“姓名-手机号后四位”。")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="意见", widget=SHORT_TEXTAREA, required=False)


class NotFileForm(OrgFormMixin, forms.Form):
    ground = SafeModelChoiceField(
        label="不予立案理由", queryset=NotFilingGround.objects.none(), required=False
    )
    disposition = forms.ChoiceField(
        label="处理方式",
        choices=[(d.value, d.label) for d in Proposal.Disposition if d != Proposal.Disposition.RETURN],
    )
    reason = forms.CharField(label="审查意见", widget=SHORT_TEXTAREA)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)
        self.fields["ground"].queryset = self.fields["ground"].queryset.filter(is_active=True)
        self.fields["ground"].required = True


class FileForm(OrgFormMixin, forms.Form):
    category = SafeModelChoiceField(label="类别", queryset=Category.objects.none(), required=False)
    note = forms.CharField(label="审查意见", widget=SHORT_TEXTAREA, required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)


class MergeForm(forms.Form):
    into = forms.CharField(
        label="并入提案",
        max_length=20,
        help_text="填写目标提案的提案号（如 12），未立案的填写流水号（如 #345）。",
    )
    note = forms.CharField(label="说明", widget=SHORT_TEXTAREA, required=False)


class AssignForm(OrgFormMixin, forms.Form):
    MODES = [("lead", "主办（可加协办）"), ("separate", "分办（各自答复）")]
    mode = forms.ChoiceField(label="交办方式", choices=MODES, initial="lead", widget=forms.RadioSelect)
    lead = SafeModelChoiceField(label="主办单位", queryset=HandlingUnit.objects.none(), required=False)
    co = SafeModelMultipleChoiceField(
        label="协办单位",
        queryset=HandlingUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    separate = SafeModelMultipleChoiceField(
        label="分办单位",
        queryset=HandlingUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label="办理期限", required=False, widget=DATE_WIDGET, help_text="不填则为交办后3个月。"
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)
        for name in ("lead", "co", "separate"):
            self.fields[name].queryset = self.fields[name].queryset.filter(is_active=True)
        months = policy_for(organization).deadline_months
        self.fields["deadline"].help_text = f"不填则为交办后{months}个月。"

    def units(self) -> dict:
        data = self.cleaned_data
        if data["mode"] == "separate":
            return {"lead": None, "co": [], "separate": list(data["separate"])}
        return {"lead": data["lead"], "co": list(data["co"]), "separate": []}


class ExtendForm(forms.Form):
    deadline = forms.DateField(label="新的办理期限", widget=DATE_WIDGET)
    reason = forms.CharField(label="延期理由", max_length=300)


class RerouteDecisionForm(OrgFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="审批结果",
        choices=[("approve", "同意退办"), ("reject", "不同意，由原单位办理")],
        widget=forms.RadioSelect,
    )
    new_unit = SafeModelChoiceField(label="改交单位", queryset=HandlingUnit.objects.none(), required=False)
    note = forms.CharField(label="审批意见", max_length=300, required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)


class ReplyReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "审核通过，发送提案人"), ("return", "退回承办单位修改")],
        widget=forms.RadioSelect,
    )
    result_class = forms.ChoiceField(
        label="答复类别（可更正）",
        choices=[("", "不更正（沿用承办单位所定类别）"), *Reply.ResultClass.choices],
        required=False,
    )
    note = forms.CharField(label="审核意见", max_length=300, required=False)


class KeyDecisionForm(forms.Form):
    leader = forms.ModelChoiceField(label="领衔督办领导", queryset=None)
    note = forms.CharField(label="主席会议决定说明", max_length=300, required=False)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label="形式", choices=SupervisionEvent.Kind.choices)
    day = forms.DateField(label="日期", widget=DATE_WIDGET)
    summary = forms.CharField(label="督办情况", widget=SHORT_TEXTAREA)


class AwardForm(OrgFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类别", choices=Award.Kind.choices)
    proposal = forms.CharField(label="提案（优秀提案填写提案号）", max_length=20, required=False)
    unit = SafeModelChoiceField(
        label="承办单位（先进承办单位）", queryset=HandlingUnit.objects.none(), required=False
    )
    session = SafeModelChoiceField(label="会次", queryset=PlenarySession.objects.none(), required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)


class RerouteRequestForm(forms.Form):
    reason = forms.CharField(label="退办理由", widget=SHORT_TEXTAREA)
    suggested_unit = forms.CharField(label="建议承办单位（选填）", max_length=100, required=False)


class CommunicationForm(forms.Form):
    method = forms.ChoiceField(label="沟通方式", choices=Communication.Method.choices)
    day = forms.DateField(label="日期", widget=DATE_WIDGET)
    summary = forms.CharField(label="沟通情况", widget=SHORT_TEXTAREA)


class CountersignForm(forms.Form):
    opinion = forms.CharField(label="协办意见", widget=TEXTAREA)


class ReplyForm(forms.Form):
    body = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 14}))
    result_class = forms.ChoiceField(label="答复类别", choices=Reply.ResultClass.choices)
    signer = forms.CharField(label="签发人", max_length=50)
    attachment = AttachmentField(label="附件（选填）", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].max_mb = policy_for(organization).attachment_max_mb


class QualityForm(forms.Form):
    score = forms.IntegerField(label="提案质量评分（0–100）", min_value=0, max_value=100)
    comment = forms.CharField(label="评价意见", max_length=300, required=False)


class RatingForm(forms.Form):
    handling = forms.ChoiceField(label="对办理工作", choices=Rating.Level.choices, widget=forms.RadioSelect)
    result = forms.ChoiceField(label="对办理结果", choices=Rating.Level.choices, widget=forms.RadioSelect)
    unit_score = forms.IntegerField(
        label="对承办单位评分（0–100，选填）", min_value=0, max_value=100, required=False
    )
    comment = forms.CharField(label="意见", widget=SHORT_TEXTAREA, max_length=500, required=False)


class LeadForm(forms.Form):
    title = forms.CharField(label="标题", max_length=50)
    body = forms.CharField(label="情况和建议", widget=TEXTAREA, max_length=3000)
    contact = forms.CharField(label="联系方式（选填，仅工作人员可见）", max_length=50, required=False)
    # A field people never see: bots fill it in.
    website = forms.CharField(
        label="网址", required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("publish", "采纳为线索，供委员参考"), ("reject", "不予采用")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="审核意见", max_length=300, required=False)


class PolicyForm(policies.PolicyForm):
    policy_class = Policy


class ListFilterForm(OrgFormMixin, forms.Form):
    q = forms.CharField(label="案由", required=False, max_length=50)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Proposal.State.choices])
    waiting = forms.ChoiceField(
        label="待办方", required=False, choices=[("", "全部"), *[c for c in Proposal.Waiting.choices if c[0]]]
    )
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *Proposal.Kind.choices])
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部"), *Proposal.Stage.choices])
    category = SafeModelChoiceField(
        label="类别", queryset=Category.objects.none(), required=False, empty_label="全部"
    )
    session = SafeModelChoiceField(
        label="会次", queryset=PlenarySession.objects.none(), required=False, empty_label="全部"
    )
    key = forms.ChoiceField(
        label="重点提案", required=False, choices=[("", "全部"), ("proposed", "拟定"), ("key", "已确定")]
    )
    overdue = forms.BooleanField(label="仅看已超期", required=False)

    def __init__(self, *args, organization: Organization, states=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)
        # A session's name shows its term: one join instead of a query per session.
        self.fields["session"].queryset = self.fields["session"].queryset.select_related("term")
        if states is not None:
            self.fields["state"].choices = [("", "全部"), *[(s.value, s.label) for s in states]]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "states": [data["state"]] if data["state"] else (),
            "waiting": data["waiting"],
            "kind": data["kind"],
            "stage": data["stage"],
            "category": data["category"].pk if data["category"] else None,
            "session": data["session"].pk if data["session"] else None,
            "key": data["key"],
            "overdue": data["overdue"],
        }
