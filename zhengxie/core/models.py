"""Organisations, people, memberships, roles and the audit log: what every application uses."""

from importlib import import_module

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from .roles import Role

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", "请输入 11 位中国大陆手机号，例如 13812345678。")


class Organization(models.Model):
    """A 政协 organisation; a tree with the city above its districts and counties."""

    class Level(models.TextChoices):
        NATIONAL = "national", "全国"
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "区县级"

    slug = models.SlugField("代码", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/4/": a parent finds its descendants with one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField("启用", default=True)
    settings = models.JSONField("设置", default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = "政协组织"
        verbose_name_plural = "政协组织"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Organization.objects.filter(pk=self.pk).update(path=path)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def descendant_ids(self, *, include_self: bool = True) -> list[int]:
        ids = list(Organization.objects.filter(path__startswith=self.path).values_list("pk", flat=True))
        return ids if include_self else [pk for pk in ids if pk != self.pk]


class PersonManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username=username)


class Person(AbstractBaseUser, PermissionsMixin):
    """A natural person. May hold memberships and roles in several organisations."""

    class Gender(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    username = models.CharField(
        "用户名",
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_.@+-]+$", "用户名只能包含字母、数字和 _ . @ + - 。")],
    )
    full_name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices, blank=True)
    mobile = models.CharField(
        "手机号", max_length=11, unique=True, null=True, blank=True, validators=[mobile_validator]
    )
    email = models.EmailField("电子邮箱", blank=True)
    is_active = models.BooleanField("可登录", default=True)
    is_staff = models.BooleanField("可进入系统后台", default=False)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    last_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PersonManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class TenantModel(models.Model):
    """A row owned by one organisation; its default manager refuses to query outside a scope."""

    organization = models.ForeignKey(Organization, verbose_name="所属组织", on_delete=models.PROTECT)

    objects = ScopedManager(organization="organization")

    class Meta:
        abstract = True


class TimelineStep(TenantModel):
    """One step of a record's life — what was done, by whom (the name kept as it was then), when, why — as its
    timeline shows it (healthchecks' Flip). Each application's timeline adds its record and the states before
    and after, and says how its actions and states are named."""

    action = models.CharField("操作", max_length=40)
    actor = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"

    # Set by each timeline: the module whose `action_label(action)` names its actions (imported when first
    # needed: workflows import their models), and the record's State choices.
    WORKFLOW = ""
    STATES: type[models.TextChoices]

    @property
    def action_label(self) -> str:
        return import_module(self.WORKFLOW).action_label(self.action)

    @property
    def to_label(self) -> str:
        return self.STATES(self.to_state).label if self.to_state else ""


class Term(TenantModel):
    """届次, e.g. 第六届."""

    number = models.PositiveSmallIntegerField("届次序号")
    name = models.CharField("名称", max_length=30)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    is_current = models.BooleanField("本届", default=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = "届次"
        verbose_name_plural = "届次"
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="term_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlenarySession(TenantModel):
    """次会议 of a term; its submission window decides 大会期间 versus 平时 proposals."""

    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField("会次序号")
    name = models.CharField("名称", max_length=30)
    year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("开幕日期")
    closes_on = models.DateField("闭幕日期")
    submission_opens_on = models.DateField("大会提案征集开始")
    submission_closes_on = models.DateField("大会提案截止")

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = "全体会议"
        verbose_name_plural = "全体会议"
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="session_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(submission_closes_on__gte=models.F("submission_opens_on")),
                name="session_submission_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term.name}{self.name}"

    def in_plenary_window(self, day) -> bool:
        return self.submission_opens_on <= day <= self.submission_closes_on


class ReferenceModel(TenantModel):
    """Named lists an organisation keeps: sectors, committees, participating and handling units."""

    name = models.CharField("名称", max_length=100)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Sector(ReferenceModel):
    """界别."""

    class Meta(ReferenceModel.Meta):
        verbose_name = "界别"
        verbose_name_plural = "界别"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="sector_unique_name")]


class SpecialCommittee(ReferenceModel):
    """专门委员会."""

    is_proposal_committee = models.BooleanField("提案委员会", default=False)

    class Meta(ReferenceModel.Meta):
        verbose_name = "专门委员会"
        verbose_name_plural = "专门委员会"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="committee_unique_name")]


class ParticipatingUnit(ReferenceModel):
    """参加单位: parties and people's organisations that may submit collective proposals."""

    class Kind(models.TextChoices):
        PARTY = "party", "中国共产党"
        DEMOCRATIC_PARTY = "democratic_party", "民主党派"
        NON_PARTY = "non_party", "无党派人士"
        PEOPLES_ORG = "peoples_org", "人民团体"
        OTHER = "other", "其他"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta(ReferenceModel.Meta):
        verbose_name = "参加单位"
        verbose_name_plural = "参加单位"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="punit_unique_name")]


class HandlingUnit(ReferenceModel):
    """承办单位: a government department of the same level."""

    short_name = models.CharField("简称", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta(ReferenceModel.Meta):
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="hunit_unique_name")]


class Member(TenantModel):
    """委员: a person's membership of one organisation for one term."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在职"
        INACTIVE = "inactive", "已停用"
        FORMER = "former", "往届"

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships"
    )
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="members")
    # Copied from the person so that the roster sorts and searches on one table.
    name = models.CharField("姓名", max_length=50)
    sector = models.ForeignKey(Sector, verbose_name="界别", null=True, blank=True, on_delete=models.PROTECT)
    committees = models.ManyToManyField(
        SpecialCommittee, verbose_name="专委会", blank=True, related_name="members"
    )
    is_standing = models.BooleanField("常委", default=False)
    workplace = models.CharField("工作单位及职务", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField("任职日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "委员"
        verbose_name_plural = "委员"
        constraints = [
            models.UniqueConstraint(fields=["organization", "person", "term"], name="member_unique_per_term"),
        ]
        # Each roster filter seeks an index that also yields name order. SQLite keeps no statistics
        # unless ANALYZE runs, so it walks member_roster in name order for most pages: its trailing
        # columns let a text or mobile search check each row in the index instead of the table
        # (bench/: 2-character search at 100,000 members, 130 ms -> 20 ms on SQLite).
        indexes = [
            models.Index(
                fields=["organization", "status", "name", "id", "workplace", "person"], name="member_roster"
            ),
            models.Index(fields=["organization", "status", "sector", "name", "id"], name="member_sector"),
            models.Index(fields=["organization", "term", "name"], name="member_term"),
            models.Index(
                fields=["organization", "status", "is_standing", "name", "id"], name="member_standing"
            ),
            models.Index(fields=["organization", "status", "person"], name="member_person"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class RoleGrant(TenantModel):
    """A role a person holds in one organisation (the member role comes from Member)."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    handling_unit = models.ForeignKey(
        HandlingUnit, verbose_name="承办单位", null=True, blank=True, on_delete=models.PROTECT
    )
    committee = models.ForeignKey(
        SpecialCommittee, verbose_name="专委会", null=True, blank=True, on_delete=models.PROTECT
    )
    participating_unit = models.ForeignKey(
        ParticipatingUnit, verbose_name="参加单位", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["organization", "person", "role"], name="rolegrant_unique"),
        ]
        indexes = [models.Index(fields=["person", "organization"], name="rolegrant_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class AuditEvent(TenantModel):
    """One append-only audit row: who did what to which record, with the fields before and after."""

    action = models.CharField("操作", max_length=80, db_index=True)
    actor = models.ForeignKey(
        Person, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人姓名", max_length=50, blank=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=40)
    object_repr = models.CharField("对象", max_length=200)
    changes = models.JSONField("变更", default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_recent"),
            models.Index(fields=["organization", "object_type", "object_id"], name="audit_object"),
            models.Index(fields=["organization", "actor", "-created_at"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class RosterImport(TenantModel):
    """One upload of the roster workbook: what was checked, what was imported, what was wrong."""

    class Status(models.TextChoices):
        REJECTED = "rejected", "未导入（有错误）"
        IMPORTED = "imported", "已导入"

    actor = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    term = models.ForeignKey(Term, verbose_name="届次", null=True, on_delete=models.SET_NULL)
    status = models.CharField("结果", max_length=10, choices=Status.choices)
    row_count = models.PositiveIntegerField("行数", default=0)
    created_count = models.PositiveIntegerField("新增委员", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"

    def __str__(self) -> str:
        return self.filename


class MemberSearchGram(TenantModel):
    """Every two-character piece of a member's name and workplace, so that a roster search of two or
    more characters finds its candidates through an index instead of scanning every member."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="search_grams")
    gram = models.CharField(max_length=2)

    class Meta:
        indexes = [models.Index(fields=["organization", "gram", "member"], name="member_gram")]

    def __str__(self) -> str:
        return self.gram


class Notification(TenantModel):
    """Something a person must act on or should know, shown in their notification centre.

    `dedupe_key` makes a reminder idempotent: the same key is delivered to a person once.
    """

    recipient = models.ForeignKey(
        Person, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类别", max_length=40)
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.message
