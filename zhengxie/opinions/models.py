"""社情民意信息 (SPEC §3.2): reports, their editing, the issues (期) they are published in, forwarding,
leaders' instructions (批示), the acting departments' feedback, information officers and scoring.

Every state change goes through `services.py` and writes a `ReportTransition` row (the timeline) besides
the audit event. A report is 已采用 exactly when the issue holding it has been published.
"""

from django.db import models
from django.utils import timezone

from zhengxie.core.models import (
    Organization,
    ParticipatingUnit,
    Person,
    ReferenceModel,
    SpecialCommittee,
    TenantModel,
    TimelineStep,
)


class ReportCategory(ReferenceModel):
    """The organisation's report categories (经济建设, 社会建设 … or its own groups)."""

    class Meta(ReferenceModel.Meta):
        verbose_name = "社情民意类别"
        verbose_name_plural = "社情民意类别"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="opinion_category_unique_name")
        ]


class InfoOfficer(TenantModel):
    """A registered information officer (信息员 or 特邀信息员) who may submit reports without being a member."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "信息员"
        INVITED = "invited", "特邀信息员"

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    workplace = models.CharField("工作单位", max_length=200, blank=True)
    is_active = models.BooleanField("在册", default=True)
    registered_on = models.DateField("登记日期", default=timezone.localdate)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["-is_active", "id"]
        verbose_name = "信息员"
        verbose_name_plural = "信息员"
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="info_officer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name}（{self.get_kind_display()}）"


class Outcome(models.TextChoices):
    """What a report achieved; each earns the points of the organisation's rule table (highest counts)."""

    ADOPTED = "adopted", "本级采用"
    ADOPTED_UPPER = "adopted_upper", "上级采用"
    INSTRUCTED_COUNTY = "instructed_county", "区县领导批示"
    INSTRUCTED_CITY = "instructed_city", "市领导批示"
    INSTRUCTED_PROVINCE = "instructed_province", "省领导批示"
    INSTRUCTED_NATIONAL = "instructed_national", "全国（中央）领导批示"


class Level(models.TextChoices):
    """The level of the leader who instructed (批示)."""

    COUNTY = "county", "区县"
    CITY = "city", "市"
    PROVINCE = "province", "省"
    NATIONAL = "national", "全国"


# Instruction levels kept on a report as bits, so rankings and points need no join.
LEVEL_BITS = {Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCE: 4, Level.NATIONAL: 8}
LEVEL_OUTCOMES = {
    Level.COUNTY: Outcome.INSTRUCTED_COUNTY,
    Level.CITY: Outcome.INSTRUCTED_CITY,
    Level.PROVINCE: Outcome.INSTRUCTED_PROVINCE,
    Level.NATIONAL: Outcome.INSTRUCTED_NATIONAL,
}


class Issue(TenantModel):
    """期: one numbered issue of the organisation's 《社情民意》, numbered consecutively per year."""

    class State(models.TextChoices):
        DRAFT = "draft", "编辑中"
        SIGNOFF = "signoff", "待签发"
        SIGNED = "signed", "已签发"
        PUBLISHED = "published", "已印发"

    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("期号")
    title = models.CharField("刊物名称", max_length=50)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    send_to = models.CharField("报送", max_length=300, blank=True)
    copy_to = models.CharField("抄送", max_length=300, blank=True)
    signer = models.ForeignKey(
        Person, verbose_name="签发领导", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signoff_note = models.CharField("签发意见", max_length=300, blank=True)
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    published_on = models.DateField("印发日期", null=True, blank=True)
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = "期刊"
        verbose_name_plural = "期刊"
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "number"], name="issue_number_per_year"),
        ]
        indexes = [models.Index(fields=["organization", "state", "year", "number"], name="issue_state")]

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}期"

    @property
    def is_open(self) -> bool:
        """Items may be added, ordered, edited and removed only while the issue is being edited."""
        return self.state == self.State.DRAFT


class IssueItem(TenantModel):
    """One item of an issue: the text published, from one report or several merged into it."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文")
    # Who is named under the item (（XX委员反映）); several for a merged item.
    sources = models.CharField("反映人", max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "期刊条目"
        verbose_name_plural = "期刊条目"
        indexes = [models.Index(fields=["issue", "position"], name="issue_item_order")]

    def __str__(self) -> str:
        return self.title


class Report(TenantModel):
    """One public-opinion report (一事一报): the submitter's original, the editor's version, its fate."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        EDITING = "editing", "采编中"
        ADOPTED = "adopted", "已采用"
        FORWARDED = "forwarded", "已报送上级/党政"
        INSTRUCTED = "instructed", "已批示"
        FEEDBACK = "feedback", "已反馈"
        NOT_ADOPTED = "not_adopted", "未采用"
        WITHDRAWN = "withdrawn", "已撤回"

    class SubmitterType(models.TextChoices):
        MEMBER = "member", "委员"
        UNIT = "unit", "参加单位"
        COMMITTEE = "committee", "专委会"
        LOWER_ORG = "lower_org", "下级政协"
        OFFICER = "officer", "信息员"

    class Urgency(models.TextChoices):
        NORMAL = "normal", "一般"
        URGENT = "urgent", "紧急"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文")
    category = models.ForeignKey(
        ReportCategory, verbose_name="类别", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    submitter_type = models.CharField("报送人类型", max_length=10, choices=SubmitterType.choices)
    # The person who wrote it (for a unit, committee or lower organisation: the person acting for it).
    submitter = models.ForeignKey(Person, verbose_name="报送人", on_delete=models.PROTECT, related_name="+")
    submitter_name = models.CharField("报送人", max_length=100)
    participating_unit = models.ForeignKey(
        ParticipatingUnit,
        verbose_name="参加单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name="专委会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lower_organization = models.ForeignKey(
        Organization,
        verbose_name="下级政协",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    # The editor's version (采编), kept beside the original; empty until an editor saves one.
    edited_title = models.CharField("编辑后标题", max_length=100, blank=True)
    edited_body = models.TextField("编辑后正文", blank=True)
    editor = models.ForeignKey(
        Person, verbose_name="编辑", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # No plain index: most reports are in no item, and SQLite, which cannot tell, would otherwise pick an
    # index on item for "item IS NULL" and read every unplaced report of every organisation. The partial
    # index `report_item` below serves an item's reports.
    item = models.ForeignKey(
        IssueItem,
        verbose_name="期刊条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        db_index=False,
    )
    adopted_at = models.DateTimeField("采用时间", null=True, blank=True)
    not_adopted_reason = models.TextField("未采用原因", blank=True)
    forwarded_at = models.DateTimeField("报送上级/党政时间", null=True, blank=True)
    # Outcomes, kept by the services: adopted here, adopted by the upper organisation, instruction levels.
    upper_adopted = models.BooleanField("上级采用", default=False)
    instruction_levels = models.PositiveSmallIntegerField("批示级别", default=0)
    outcome = models.CharField("最高成效", max_length=20, choices=Outcome.choices, blank=True)
    points = models.DecimalField("得分", max_digits=6, decimal_places=1, default=0)
    # The report this one was forwarded up from (it lives in the lower organisation).
    forwarded_from = models.ForeignKey(
        "self", verbose_name="下级来稿", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A proposal not filed with the disposition 转社情民意 becomes this report.
    source_proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name="来源提案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    form_token = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = "社情民意信息"
        verbose_name_plural = "社情民意信息"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "submitter", "form_token"],
                condition=~models.Q(form_token=""),
                name="report_form_once",
            ),
            models.UniqueConstraint(
                fields=["source_proposal"],
                condition=models.Q(source_proposal__isnull=False),
                name="report_once_per_proposal",
            ),
        ]
        indexes = [
            # The editor's inbox and every state list: newest first within a state.
            models.Index(fields=["organization", "state", "id"], name="report_state"),
            models.Index(fields=["organization", "year", "state"], name="report_year_state"),
            models.Index(fields=["organization", "submitted_at"], name="report_submitted"),
            models.Index(fields=["submitter", "organization", "id"], name="report_mine"),
            models.Index(fields=["organization", "year", "submitter", "points"], name="report_rank_person"),
            models.Index(
                fields=["organization", "year", "participating_unit", "points"], name="report_rank_unit"
            ),
            models.Index(fields=["item", "id"], name="report_item", condition=models.Q(item__isnull=False)),
            models.Index(fields=["forwarded_from"], name="report_forwarded_from"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return self.edited_title or self.title

    @property
    def display_body(self) -> str:
        return self.edited_body or self.body

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def in_issue(self) -> bool:
        return self.item_id is not None


class Revision(TenantModel):
    """One saved edit by an editor (采编): the version as it stood after that save."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文")
    editor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("修改说明", max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["report", "at"], name="revision_report")]

    def __str__(self) -> str:
        return self.title


class ReportAttachment(TenantModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="opinions/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Forwarding(TenantModel):
    """报送: the report sent to the upper organisation (which receives its own copy) or to party and
    government offices."""

    class Target(models.TextChoices):
        UPPER = "upper", "上级政协"
        PARTY_GOV = "party_gov", "党委政府"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="forwardings")
    target = models.CharField("报送对象", max_length=10, choices=Target.choices)
    recipient = models.CharField("报送单位", max_length=100)
    upper_report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上级收稿"
    )
    forwarded_on = models.DateField("报送日期", default=timezone.localdate)
    actor = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["forwarded_on", "id"]
        indexes = [models.Index(fields=["report", "forwarded_on"], name="forwarding_report")]

    def __str__(self) -> str:
        return f"{self.get_target_display()}：{self.recipient}"


class Instruction(TenantModel):
    """批示: a leader's written instruction on a report: who, at what level, when, what."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="instructions")
    leader = models.CharField("批示领导", max_length=50)
    leader_title = models.CharField("职务", max_length=100, blank=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    instructed_on = models.DateField("批示日期")
    text = models.TextField("批示内容", blank=True)
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["instructed_on", "id"]
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        indexes = [
            models.Index(fields=["report", "instructed_on"], name="instruction_report"),
            models.Index(fields=["organization", "instructed_on"], name="instruction_date"),
        ]

    def __str__(self) -> str:
        return f"{self.leader}（{self.get_level_display()}）批示"


class Feedback(TenantModel):
    """反馈: what the department that acted on the instruction reported back."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="feedbacks")
    department = models.CharField("反馈单位", max_length=100)
    received_on = models.DateField("反馈日期")
    text = models.TextField("反馈内容")
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["report", "received_on"], name="feedback_report")]

    def __str__(self) -> str:
        return f"{self.department}反馈"


class ReportTransition(TimelineStep):
    """One step of a report's life: from, to, who, when, why — its timeline."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)

    WORKFLOW = "zhengxie.opinions.workflow"
    STATES = Report.State

    class Meta(TimelineStep.Meta):
        indexes = [models.Index(fields=["report", "at"], name="opinion_transition_timeline")]


class ScoreRule(TenantModel):
    """One row of the organisation's scoring table: points a report earns for an outcome."""

    outcome = models.CharField("成效", max_length=20, choices=Outcome.choices)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "社情民意计分规则"
        verbose_name_plural = "社情民意计分规则"
        constraints = [
            models.UniqueConstraint(fields=["organization", "outcome"], name="score_rule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.points}"
