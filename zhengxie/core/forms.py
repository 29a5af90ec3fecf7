from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django_scopes.forms import SafeModelChoiceField, SafeModelMultipleChoiceField

from .models import (
    HandlingUnit,
    Member,
    Organization,
    ParticipatingUnit,
    Person,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Term,
    mobile_validator,
)
from .roles import GRANTABLE_ROLES, Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号",
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": "用户名（或手机号）与密码不匹配，请重新输入。连续失败 5 次将锁定 15 分钟。",
        "inactive": "该账号已停用，请联系机关管理员。",
    }


class OrgFormMixin:
    """Limit every choice of a scoped record to the organisation the form works in."""

    def limit_to(self, organization: Organization) -> None:
        for field in self.fields.values():
            if isinstance(field, (SafeModelChoiceField, SafeModelMultipleChoiceField)):
                field.queryset = field.queryset.model.objects.filter(organization=organization)


class MemberForm(OrgFormMixin, forms.Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=[("", "—"), *Person.Gender.choices], required=False)
    mobile = forms.CharField(label="手机号", max_length=11, validators=[mobile_validator])
    term = SafeModelChoiceField(label="届次", queryset=Term.objects.none(), empty_label=None)
    sector = SafeModelChoiceField(
        label="界别", queryset=Sector.objects.none(), required=False, empty_label="（未选择）"
    )
    committees = SafeModelMultipleChoiceField(
        label="专委会",
        queryset=SpecialCommittee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_standing = forms.BooleanField(label="常委", required=False)
    workplace = forms.CharField(label="工作单位及职务", max_length=200, required=False)
    joined_on = forms.DateField(label="任职日期", required=False, widget=DATE_WIDGET)
    note = forms.CharField(label="备注", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)
        self.fields["sector"].queryset = self.fields["sector"].queryset.filter(is_active=True)
        self.fields["committees"].queryset = self.fields["committees"].queryset.filter(is_active=True)
        current = self.fields["term"].queryset.filter(is_current=True).first()
        if current and not self.is_bound and "term" not in self.initial:
            self.initial["term"] = current.pk

    @staticmethod
    def initial_for(member: Member) -> dict:
        return {
            "full_name": member.person.full_name,
            "gender": member.person.gender,
            "mobile": member.person.mobile,
            "term": member.term_id,
            "sector": member.sector_id,
            "committees": [c.pk for c in member.committees.all()],
            "is_standing": member.is_standing,
            "workplace": member.workplace,
            "joined_on": member.joined_on,
            "note": member.note,
            "version": member.version,
        }


class RosterFilterForm(OrgFormMixin, forms.Form):
    q = forms.CharField(
        label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "姓名、单位或手机号"})
    )
    sector = SafeModelChoiceField(
        label="界别", queryset=Sector.objects.none(), required=False, empty_label="全部界别"
    )
    committee = SafeModelChoiceField(
        label="专委会", queryset=SpecialCommittee.objects.none(), required=False, empty_label="全部专委会"
    )
    term = SafeModelChoiceField(
        label="届次", queryset=Term.objects.none(), required=False, empty_label="全部届次"
    )
    standing = forms.ChoiceField(
        label="常委", required=False, choices=[("", "全部"), ("1", "常委"), ("0", "非常委")]
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("active", "在职"), ("inactive", "已停用"), ("former", "往届"), ("all", "全部")],
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)

    def select_options(self) -> list[dict]:
        """Each filter as plain (value, label) pairs: rendered by a loop, not by Django's widget templates,
        which cost several milliseconds per page at 30+ options."""
        selected = self.data if self.is_bound else {}
        options = []
        for name in ("sector", "committee", "term", "standing", "status"):
            field = self.fields[name]
            if isinstance(field, SafeModelChoiceField):
                pairs = [("", field.empty_label)] + [
                    (str(pk), label) for pk, label in field.queryset.values_list("pk", "name")
                ]
            else:
                pairs = [(str(v), label) for v, label in field.choices]
            options.append(
                {"name": name, "label": field.label, "value": selected.get(name, ""), "choices": pairs}
            )
        return options

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        standing = {"1": True, "0": False}.get(data["standing"])
        status = data["status"] or "active"
        return {
            "q": data["q"],
            "sector": data["sector"].pk if data["sector"] else None,
            "committee": data["committee"].pk if data["committee"] else None,
            "term": data["term"].pk if data["term"] else None,
            "standing": standing,
            "status": None if status == "all" else status,
        }


class ExcelUploadForm(forms.Form):
    """One Excel workbook (.xlsx), within the size allowed for imports."""

    file = forms.FileField(label="Excel 文件(.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只接受 Excel 文件(.xlsx)。")
        if upload.size > settings.ZHENGXIE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"文件不能超过 {settings.ZHENGXIE_IMPORT_MAX_BYTES // (1024 * 1024)} MB。"
            )
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError("文件内容不是有效的 Excel(.xlsx)文件。")
        return upload


class ImportForm(OrgFormMixin, ExcelUploadForm):
    file = forms.FileField(label="名册文件(.xlsx)")
    term = SafeModelChoiceField(label="导入到届次", queryset=Term.objects.none(), empty_label=None)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)


class PasswordSetForm(forms.Form):
    password = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class OrgUniqueForm(forms.ModelForm):
    """Uniqueness within the organisation, which is not a form field (set by the view before validation)."""

    unique_field = "name"

    def clean(self):
        data = super().clean()
        value = data.get(self.unique_field)
        model = type(self.instance)
        if value is not None and self.instance.organization_id:
            clash = model.objects.filter(
                organization_id=self.instance.organization_id, **{self.unique_field: value}
            )
            if clash.exclude(pk=self.instance.pk).exists():
                label = model._meta.get_field(self.unique_field).verbose_name
                self.add_error(self.unique_field, f"本组织已存在相同{label}的{model._meta.verbose_name}。")
        return data


class SectorForm(OrgUniqueForm):
    class Meta:
        model = Sector
        fields = ["name", "sort_order", "is_active"]


class CommitteeForm(OrgUniqueForm):
    class Meta:
        model = SpecialCommittee
        fields = ["name", "is_proposal_committee", "sort_order", "is_active"]


class ParticipatingUnitForm(OrgUniqueForm):
    class Meta:
        model = ParticipatingUnit
        fields = ["name", "kind", "sort_order", "is_active"]


class HandlingUnitForm(OrgUniqueForm):
    class Meta:
        model = HandlingUnit
        fields = ["name", "short_name", "contact_person", "contact_phone", "sort_order", "is_active"]


class TermForm(OrgUniqueForm):
    unique_field = "number"

    class Meta:
        model = Term
        fields = ["number", "name", "starts_on", "ends_on", "is_current"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def clean(self):
        data = super().clean()
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class SessionForm(OrgFormMixin, forms.ModelForm):
    term = SafeModelChoiceField(label="届次", queryset=Term.objects.none(), empty_label=None)

    class Meta:
        model = PlenarySession
        fields = [
            "term",
            "number",
            "name",
            "year",
            "opens_on",
            "closes_on",
            "submission_opens_on",
            "submission_closes_on",
        ]
        widgets = {
            "opens_on": DATE_WIDGET,
            "closes_on": DATE_WIDGET,
            "submission_opens_on": DATE_WIDGET,
            "submission_closes_on": DATE_WIDGET,
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "闭幕日期不能早于开幕日期。")
        opens, closes = data.get("submission_opens_on"), data.get("submission_closes_on")
        if opens and closes and closes < opens:
            self.add_error("submission_closes_on", "截止日期不能早于征集开始日期。")
        return data

    def validate_unique(self):
        # The organisation is set by the service; uniqueness of (term, number) is checked here.
        term, number = self.cleaned_data.get("term"), self.cleaned_data.get("number")
        if term and number:
            clash = PlenarySession.objects.filter(term=term, number=number).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("number", "该届次已有相同会次。")


class RoleGrantForm(OrgFormMixin, forms.Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(label="手机号", max_length=11, validators=[mobile_validator])
    role = forms.ChoiceField(label="角色", choices=[(r.value, r.label) for r in GRANTABLE_ROLES])
    handling_unit = SafeModelChoiceField(
        label="承办单位（承办单位用户必选）", queryset=HandlingUnit.objects.none(), required=False
    )
    committee = SafeModelChoiceField(
        label="专委会（专委会工作人员必选）", queryset=SpecialCommittee.objects.none(), required=False
    )
    participating_unit = SafeModelChoiceField(
        label="参加单位（参加单位联络员必选）",
        queryset=ParticipatingUnit.objects.none(),
        required=False,
    )
    username = forms.CharField(label="用户名（可选）", max_length=64, required=False)
    password = forms.CharField(
        label="初始密码（新账号必填）",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(organization)

    def clean_role(self):
        return Role(self.cleaned_data["role"])


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False)
    actor = forms.IntegerField(label="操作人编号", required=False, widget=forms.HiddenInput)
    action = forms.CharField(label="操作", required=False)
    since = forms.DateField(label="开始日期", required=False, widget=DATE_WIDGET)
    until = forms.DateField(label="结束日期", required=False, widget=DATE_WIDGET)
