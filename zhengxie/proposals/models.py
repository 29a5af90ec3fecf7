"""提案 (SPEC §3.1): a proposal, the people behind it, its review, assignments, replies and ratings.

Every state change goes through `services.py`; every change of state also writes a `Transition`
row (the timeline, and the raw material for figures) besides the audit event.
"""

from django.db import models
from django.utils import timezone

from zhengxie.core.models import (
    HandlingUnit,
    ParticipatingUnit,
    Person,
    PlenarySession,
    ReferenceModel,
    SpecialCommittee,
    TenantModel,
    Term,
    TimelineStep,
)


class Category(ReferenceModel):
    """The organisation's proposal categories (经济建设, 社会建设 … or its own groups)."""

    class Meta(ReferenceModel.Meta):
        verbose_name = "提案类别"
        verbose_name_plural = "提案类别"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="category_unique_name")]


class NotFilingGround(ReferenceModel):
    """A listed ground for not filing (不予立案理由), e.g. 涉及国家秘密."""

    class Meta(ReferenceModel.Meta):
        verbose_name = "不予立案理由"
        verbose_name_plural = "不予立案理由"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="ground_unique_name")]


class Proposal(TenantModel):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        COSIGNING = "cosigning", "待联名"
        SUBMITTED = "submitted", "已提交"
        REVIEWING = "reviewing", "审查中"
        RETURNED = "returned", "退回修改"
        WITHDRAWN = "withdrawn", "已撤回"
        NOT_FILED = "not_filed", "不予立案"
        MERGED = "merged", "已并案"
        FILED = "filed", "已立案"
        ASSIGNED = "assigned", "已交办"
        HANDLING = "handling", "办理中"
        REPLY_REVIEW = "reply_review", "答复审核"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已办结"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "个人提案"
        JOINT = "joint", "联名提案"
        COLLECTIVE = "collective", "集体提案"

    class Stage(models.TextChoices):
        PLENARY = "plenary", "大会期间"
        ORDINARY = "ordinary", "平时"

    class Disposition(models.TextChoices):
        REFERENCE = "reference", "转为工作参考"
        OPINION = "opinion", "转为社情民意"
        LETTER = "letter", "转为委员来信"
        RETURN = "return", "退回修改"

    class Waiting(models.TextChoices):
        """Whose move it is; kept by the services so every list can filter and show it."""

        NONE = "", "—"
        PROPOSER = "proposer", "待提案人处理"
        COSIGNERS = "cosigners", "待联名"
        REVIEW = "review", "待审查"
        ASSIGNMENT = "assignment", "待交办"
        ACCEPTANCE = "acceptance", "待签收"
        REROUTE = "reroute", "退办待审批"
        UNITS = "units", "承办单位办理中"
        COUNTERSIGN = "countersign", "协办未会签"
        OFFICE_REVIEW = "office_review", "督办未审核"
        RATING = "rating", "委员未评价"

    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        PlenarySession, verbose_name="会次", on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.PositiveIntegerField("提案号", null=True, blank=True)
    title = models.CharField("案由", max_length=50)
    reason = models.TextField("提案理由", blank=True)
    suggestions = models.TextField("具体建议", blank=True)
    category = models.ForeignKey(
        Category, verbose_name="类别", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("提案类型", max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    proposer = models.ForeignKey(
        Person, verbose_name="提案人（领衔）", on_delete=models.PROTECT, related_name="led_proposals"
    )
    proposer_name = models.CharField("提案人", max_length=100)
    participating_unit = models.ForeignKey(
        ParticipatingUnit,
        verbose_name="提交单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name="提交专委会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField("状态", max_length=14, choices=State.choices, default=State.DRAFT)
    waiting = models.CharField(
        "待办方", max_length=14, choices=Waiting.choices, default=Waiting.PROPOSER, blank=True
    )
    stage = models.CharField("提交阶段", max_length=10, choices=Stage.choices, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)
    review_reason = models.TextField("审查意见", blank=True)
    not_filed_ground = models.ForeignKey(
        NotFilingGround,
        verbose_name="不予立案理由",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposition = models.CharField("处理方式", max_length=10, choices=Disposition.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入提案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    deadline = models.DateField("办理期限", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    rehandled = models.BooleanField("已重新办理", default=False)
    # Facts of the handling that the year's figures count, derived from the replies, ratings and
    # communications and stored by every step (facts.py).
    answer_class = models.CharField("答复类别", max_length=1, blank=True, default="", editable=False)
    satisfaction = models.CharField("满意度", max_length=12, blank=True, default="", editable=False)
    answered_late = models.BooleanField("逾期答复", default=False, editable=False)
    face_to_face = models.BooleanField("面商", default=False, editable=False)
    is_confidential = models.BooleanField("不公开", default=False)
    key_status = models.CharField(
        "重点提案",
        max_length=10,
        blank=True,
        choices=[("", "否"), ("proposed", "拟定重点提案"), ("key", "重点提案")],
    )
    key_leader = models.ForeignKey(
        Person, verbose_name="领衔督办领导", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_lead = models.ForeignKey(
        "Lead", verbose_name="来源线索", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # A random token from the writing form: the same form sent twice creates one draft.
    form_token = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = "提案"
        verbose_name_plural = "提案"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "proposer", "form_token"],
                condition=~models.Q(form_token=""),
                name="proposal_form_once",
            ),
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=models.Q(number__isnull=False),
                name="proposal_number_unique_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "state", "id"], name="proposal_state"),
            models.Index(fields=["organization", "waiting", "id"], name="proposal_waiting"),
            models.Index(fields=["organization", "session", "number"], name="proposal_session_number"),
            # A year's figures group by state: this walks the year in state order without sorting.
            models.Index(fields=["organization", "session", "state"], name="proposal_session_state"),
            models.Index(fields=["organization", "state", "deadline"], name="proposal_deadline"),
            models.Index(fields=["organization", "key_status", "id"], name="proposal_key"),
            models.Index(fields=["organization", "key_leader", "id"], name="proposal_key_leader"),
            # The public portal walks published replies newest first and checks state and secrecy in the index.
            models.Index(
                fields=["organization", "answered_at", "id", "state", "is_confidential"],
                name="proposal_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.title}"

    @property
    def display_number(self) -> str:
        return f"第{self.number}号" if self.number else "（未编号）"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def is_withdrawable(self) -> bool:
        return self.state in (
            self.State.DRAFT,
            self.State.COSIGNING,
            self.State.SUBMITTED,
            self.State.RETURNED,
        )

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.deadline
            and self.state in (self.State.ASSIGNED, self.State.HANDLING)
            and self.deadline < timezone.localdate()
        )

    @property
    def is_published(self) -> bool:
        return self.state in (self.State.ANSWERED, self.State.CLOSED) and not self.is_confidential


class Proposer(TenantModel):
    """A person behind a proposal: its lead, an invited co-signer, or a proposer of a merged case."""

    class Role(models.TextChoices):
        LEAD = "lead", "领衔提案人"
        COSIGNER = "cosigner", "联名提案人"
        MERGED = "merged", "并案提案人"

    class State(models.TextChoices):
        INVITED = "invited", "待确认"
        SIGNED = "signed", "已联名"
        DECLINED = "declined", "已谢绝"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposers")
    person = models.ForeignKey(Person, verbose_name="提案人", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("身份", max_length=10, choices=Role.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SIGNED)
    from_proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="proposer_once_per_proposal"),
        ]
        indexes = [
            models.Index(fields=["person", "organization", "state", "proposal"], name="proposer_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class Attachment(TenantModel):
    """A file on a proposal (or on a reply); size and type are checked by the form field."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey("Reply", null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("附件", upload_to="proposals/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Transition(TimelineStep):
    """One step of a proposal's life: from, to, who, when, why — its timeline (healthchecks' Flip)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=14, blank=True)
    to_state = models.CharField(max_length=14, blank=True)

    WORKFLOW = "zhengxie.proposals.workflow"
    STATES = Proposal.State

    class Meta(TimelineStep.Meta):
        indexes = [models.Index(fields=["proposal", "at"], name="transition_timeline")]


class Assignment(TenantModel):
    """A handling unit's part in a proposal: 主办 (lead), 协办 (co-handling) or 分办 (separate)."""

    class Kind(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "协办"
        SEPARATE = "separate", "分办"

    class State(models.TextChoices):
        ASSIGNED = "assigned", "待签收"
        ACCEPTED = "accepted", "办理中"
        REROUTE = "reroute", "申请退办"
        REROUTED = "rerouted", "已退办"
        DONE = "done", "已办复"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("办理方式", max_length=10, choices=Kind.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ASSIGNED)
    assigned_at = models.DateTimeField("交办时间", default=timezone.now)
    deadline = models.DateField("办理期限")
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    opinion = models.TextField("协办意见", blank=True)
    opinion_at = models.DateTimeField("会签时间", null=True, blank=True)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    quality_score = models.PositiveSmallIntegerField("提案质量评分", null=True, blank=True)
    quality_comment = models.CharField("质量评价", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["organization", "unit", "state", "deadline"], name="assignment_inbox"),
            models.Index(fields=["organization", "state", "deadline"], name="assignment_deadline"),
            # The inbox's 已办 tab: newest first, its states checked on the way.
            models.Index(fields=["organization", "unit", "id"], name="assignment_unit_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.get_kind_display()}）"

    @property
    def replies(self) -> bool:
        """Lead and separate units write a reply; co-handling units send their view to the lead."""
        return self.kind != self.Kind.CO

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.ASSIGNED, self.State.ACCEPTED, self.State.REROUTE)

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days


class RerouteRequest(TenantModel):
    """A unit's request to be relieved of an assignment (申请退办); staff decide."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "同意退办"
        REJECTED = "rejected", "不同意"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reroutes")
    reason = models.TextField("退办理由")
    suggested_unit = models.CharField("建议承办单位", max_length=100, blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField("审批结果", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    new_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name="改交单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "decision", "id"], name="reroute_pending")]


class Communication(TenantModel):
    """The unit's contact with the proposer before replying (办前面商)."""

    class Method(models.TextChoices):
        FACE = "face", "面商"
        PHONE = "phone", "电话"
        WRITTEN = "written", "书面"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="communications")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="communications")
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    date = models.DateField("日期")
    summary = models.TextField("沟通情况")
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]


class Reply(TenantModel):
    """A unit's reply letter (答复); the office reviews it before the proposers see it."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "督办审核中"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "已答复"

    class ResultClass(models.TextChoices):
        A = "A", "A类（所提问题已经解决或基本解决/已采纳）"
        B = "B", "B类（正在解决或已列入计划）"
        C = "C", "C类（因条件限制留作参考）"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reply_set")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    body = models.TextField("答复内容")
    result_class = models.CharField("答复类别", max_length=1, choices=ResultClass.choices)
    signer = models.CharField("签发人", max_length=50)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    written_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("答复时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="reply_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["organization", "state", "approved_at"], name="reply_published"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.unit} 答复"


class Rating(TenantModel):
    """One proposer's rating of one reply: on the handling and on the result, with the unit's score."""

    class Level(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="ratings")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField("领衔提案人评价", default=False)
    handling = models.CharField("对办理工作", max_length=12, choices=Level.choices)
    result = models.CharField("对办理结果", max_length=12, choices=Level.choices)
    unit_score = models.PositiveSmallIntegerField("对承办单位评分", null=True, blank=True)
    comment = models.CharField("意见", max_length=500, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["reply", "person"], name="rating_once_per_reply")]

    @property
    def is_unsatisfied(self) -> bool:
        return self.Level.UNSATISFIED in (self.handling, self.result)


class SupervisionEvent(TenantModel):
    """A supervision step on a key proposal (调研、座谈、视察) by its leader or the office."""

    class Kind(models.TextChoices):
        VISIT = "visit", "走访调研"
        MEETING = "meeting", "座谈会商"
        INSPECTION = "inspection", "视察督办"
        OTHER = "other", "其他"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supervision")
    kind = models.CharField("形式", max_length=12, choices=Kind.choices)
    date = models.DateField("日期")
    summary = models.TextField("情况")
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]


class Award(TenantModel):
    """Year-end selection: 优秀提案 or 先进承办单位."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "优秀提案"
        UNIT = "unit", "先进承办单位"

    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    unit = models.ForeignKey(HandlingUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "proposal"],
                condition=models.Q(proposal__isnull=False),
                name="award_proposal_once",
            ),
            models.UniqueConstraint(
                fields=["organization", "year", "unit"],
                condition=models.Q(unit__isnull=False),
                name="award_unit_once",
            ),
        ]


class Lead(TenantModel):
    """提案线索: a citizen's anonymous lead, moderated by staff, adoptable by a member into a draft."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已采纳为线索"
        REJECTED = "rejected", "不予采用"
        ADOPTED = "adopted", "已转为提案"

    title = models.CharField("标题", max_length=50)
    body = models.TextField("内容")
    contact = models.CharField("联系方式（选填）", max_length=50, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    address_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    moderation_note = models.CharField("审核意见", max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "state", "id"], name="lead_state")]

    def __str__(self) -> str:
        return self.title


class UnitProfile(TenantModel):
    """What the organisation's past assignments say about one handling unit: the TF-IDF centroid of the
    proposals it led, and how often it led each category. Learned by `zhengxie learn-units`."""

    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="+")
    proposals = models.PositiveIntegerField(default=0)
    vector = models.TextField(blank=True)  # "word:weight …", zhengxie.search.vectors
    categories = models.JSONField(default=dict)  # {category id: proposals led}
    learned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "unit"], name="unit_profile_unique")]

    def __str__(self) -> str:
        return str(self.unit)
