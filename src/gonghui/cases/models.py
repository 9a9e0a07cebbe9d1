"""12351+ case engine: cases, their timeline, attachments, ratings, 督办, routing and
deadline configuration, notifications, and the legal side (lawyers, legal aid, mediation,
一函两书 letters).

Nothing here is ever deleted: foreign keys to cases use PROTECT and the timeline is
append-only. Status changes go through `services.case_transition` only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.files import random_upload_name
from gonghui.core.pii import EncryptedTextField, mask_name, mask_phone


class Channel(models.TextChoices):
    APP = "app", _("职工之家应用")
    HOTLINE = "hotline", _("12351 热线")
    PARTNER = "partner", _("合作方系统")
    WALK_IN = "walk_in", _("来访")


class Category(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("欠薪讨薪")
    LABOR_CONTRACT = "labor_contract", _("劳动合同")
    DISMISSAL = "dismissal", _("辞退与解除劳动关系")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    WORK_INJURY = "work_injury", _("工伤与职业病")
    WORKING_HOURS = "working_hours", _("工时与休息休假")
    SAFETY = "safety", _("劳动安全卫生")
    LEGAL_CONSULTATION = "legal_consultation", _("法律咨询")
    LEGAL_AID = "legal_aid", _("法律援助")
    MEDIATION = "mediation", _("劳动争议调解")
    STATION = "station", _("站点服务")
    OTHER = "other", _("其他")


# Categories the text classifier chooses between (the legal services are picked explicitly).
CLASSIFIED_CATEGORIES = (
    Category.WAGE_ARREARS,
    Category.LABOR_CONTRACT,
    Category.DISMISSAL,
    Category.SOCIAL_INSURANCE,
    Category.WORK_INJURY,
    Category.WORKING_HOURS,
    Category.SAFETY,
)

# Default resolution deadlines in working days; `CategoryDeadline` rows override them.
DEFAULT_RESOLVE_WORKDAYS: dict[str, int] = {
    Category.WAGE_ARREARS: 5,
    Category.LEGAL_CONSULTATION: 3,
    Category.LEGAL_AID: 5,
    Category.MEDIATION: 15,
    Category.STATION: 5,
}
DEFAULT_RESOLVE_WORKDAYS_OTHER = 10
ACCEPT_WORKDAYS = 1


class Status(models.TextChoices):
    NEW = "new", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    AWAITING_INFO = "awaiting_info", _("待补充材料")
    RESOLVED = "resolved", _("已办结待回访")
    CLOSED = "closed", _("已结案")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.AWAITING_INFO)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any, action: str = "view") -> CaseQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    """One worker's problem, from intake to follow-up."""

    number = models.CharField(_("诉求编号"), max_length=24, unique=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    suggested_category = models.CharField(_("系统建议类别"), max_length=20, choices=Category.choices, blank=True)
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices, default=Status.NEW)
    union = models.ForeignKey(
        "orgs.Union", verbose_name=_("承办工会"), on_delete=models.PROTECT, related_name="cases"
    )
    # Copied from the union so queues filter one table (indexed below with status and deadline).
    union_path = models.CharField(_("承办工会路径"), max_length=255, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    # Reporter: a signed-in worker (user, maybe a registered person) or a hotline caller.
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("反映人账号"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_person = models.ForeignKey(
        "members.Person", verbose_name=_("反映人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases",
    )
    reporter_name = models.CharField(_("反映人姓名"), max_length=50)
    reporter_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    reporter_phone_index = models.CharField(max_length=32, blank=True, editable=False)
    employer_may_know_name = models.BooleanField(_("同意向用人单位透露姓名"), default=False)
    is_new_form = models.BooleanField(_("新就业形态劳动者"), default=False)
    employer = models.ForeignKey(
        "orgs.Employer", verbose_name=_("用人单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases",
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=150, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("发生地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    place = models.CharField(_("详细地点"), max_length=200, blank=True)
    description = models.TextField(_("事情经过"))
    amount_fen = models.BigIntegerField(_("涉及金额（分）"), default=0)
    people_count = models.PositiveIntegerField(_("涉及人数"), default=1)
    recovered_fen = models.BigIntegerField(_("追回金额（分）"), default=0)
    people_paid = models.PositiveIntegerField(_("已兑付人数"), default=0)
    outcome = models.TextField(_("办理结果"), blank=True)
    lawyer = models.ForeignKey(
        "Lawyer", verbose_name=_("承办律师/法律志愿者"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases", db_index=False,
    )
    accept_due = models.DateField(_("受理期限"))
    resolve_due = models.DateField(_("办结期限"), null=True, blank=True)
    due_on = models.DateField(_("当前期限"))
    # The day the current deadline's clock started, and whether the deadline is a guess
    # (counted Monday–Friday through a year whose holidays nobody has entered yet).
    # `cases_deadlines_recount` counts it again once the year is entered.
    due_from = models.DateField(_("期限起算日"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    # The deadline while the case is open, NULL once resolved or closed: computed by the
    # database, so "open and overdue / due soon, by deadline" is one ordered index range
    # (a partial index on status IN (…) is not used by SQLite when the values are
    # parameters, and three status ranges cannot be read in deadline order).
    open_due_on = models.GeneratedField(
        expression=models.Case(models.When(status__in=OPEN_STATUSES, then=models.F("due_on")), default=None),
        output_field=models.DateField(null=True), db_persist=True, verbose_name=_("在办期限"),
    )
    rating = models.CharField(_("最近评价"), max_length=14, choices=Rating.choices, blank=True)
    escalated_at = models.DateTimeField(_("超期上报时间"), null=True, blank=True)
    reminded_on = models.DateField(_("到期提醒日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff queues of a small branch: its cases by status and deadline. Branches
            # are found by `union_path LIKE '/1/7/%'`; on PostgreSQL only a pattern operator
            # class serves that under a non-C collation (zh_CN.UTF-8, en_US.UTF-8).
            models.Index(
                fields=["union_path", "status", "due_on"], name="case_queue_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["status", "due_on"], name="case_status_due_idx"),
            # Overdue and due-soon queues: open cases by deadline; walk it, filter by branch.
            models.Index(fields=["open_due_on", "id"], name="case_open_due_idx"),
            models.Index(fields=["reporter_phone_index", "created_at"], name="case_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reporter_phone_masked(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def reporter_name_masked(self) -> str:
        return mask_name(self.reporter_name)

    @property
    def summary(self) -> str:
        text = " ".join(self.description.split())
        return text[:40] + ("…" if len(text) > 40 else "")


class CaseEvent(models.Model):
    """One line of a case's timeline. Public lines are shown to the worker."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        ACCEPTED = "accepted", _("受理")
        ASSIGNED = "assigned", _("分派")
        NOTE = "note", _("备注")
        MESSAGE = "message", _("留言")
        INFO_REQUESTED = "info_requested", _("请补充材料")
        INFO_PROVIDED = "info_provided", _("已补充材料")
        TRANSFERRED = "transferred", _("转办")
        RESOLVED = "resolved", _("办结")
        CLOSED = "closed", _("结案")
        RATED = "rated", _("评价")
        REOPENED = "reopened", _("重新办理")
        ESCALATED = "escalated", _("超期上报")
        SUPERVISED = "supervised", _("督办")
        ATTACHMENT = "attachment", _("上传附件")
        LEGAL = "legal", _("法律服务")
        LETTER = "letter", _("一函两书")

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    is_public = models.BooleanField(_("对职工公开"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人显示名"), max_length=80, blank=True)
    from_status = models.CharField(_("原状态"), max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=14, choices=Status.choices, blank=True)
    body = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("诉求进程")
        verbose_name_plural = _("诉求进程")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    # Random, not the case number: a path seen once reveals nothing about other files.
    return random_upload_name("cases", filename)


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_public = models.BooleanField(_("职工可见"), default=True)
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["at"]

    def __str__(self) -> str:
        return self.original_name


class CaseRating(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(_("评价"), max_length=14, choices=Rating.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rating}"


class SupervisionQuerySet(models.QuerySet["Supervision"]):
    def visible_to(self, user: Any, action: str = "view") -> SupervisionQuerySet:
        return jurisdiction.scope(self, user, path_field="case__union_path", action=action)


class Supervision(models.Model):
    """督办: a parent union marks a child's case for escalated attention, with its own deadline."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="supervisions")
    by_union = models.ForeignKey("orgs.Union", verbose_name=_("督办工会"), on_delete=models.PROTECT, related_name="+")
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("督办意见"), max_length=500)
    due_on = models.DateField(_("督办期限"))
    created_at = models.DateTimeField(_("督办时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case.number} 督办"


class RoutingRule(models.Model):
    """Send cases of a category (optionally only in a region) to a given union."""

    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("适用地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("留空表示所有地区；选省或市则包含其下辖地区。"),
    )
    union = models.ForeignKey("orgs.Union", verbose_name=_("承办工会"), on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小的先匹配。"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.union}"


class CategoryDeadline(models.Model):
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, unique=True)
    resolve_workdays = models.PositiveSmallIntegerField(_("办结时限（工作日）"))

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.resolve_workdays}"


# --- legal services --------------------------------------------------------------------


class LawyerQuerySet(models.QuerySet["Lawyer"]):
    def visible_to(self, user: Any, action: str = "view") -> LawyerQuerySet:
        return jurisdiction.scope(self, user, path_field="union__path", action=action)


class Lawyer(models.Model):
    """A lawyer, legal volunteer or mediator on a union's roster, or one of its legal-aid
    stations (职工法律援助站). Entries marked `is_public` are listed for workers of their
    service area (`service_region`, else the union's region) with their public phone."""

    class Kind(models.TextChoices):
        LAWYER = "lawyer", _("律师")
        VOLUNTEER = "volunteer", _("法律志愿者")
        MEDIATOR = "mediator", _("调解员")
        STATION = "station", _("职工法律援助站")

    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="lawyers")
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.LAWYER)
    firm = models.CharField(_("执业机构"), max_length=120, blank=True)
    specialities = models.CharField(_("擅长领域"), max_length=200, blank=True, help_text=_("用顿号或逗号分隔"))
    phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("在册"), default=True)
    is_public = models.BooleanField(
        _("向职工公开"), default=False, help_text=_("公开后，服务地区内的职工可以在“法律援助站点与律师”中看到。")
    )
    service_region = models.ForeignKey(
        "orgs.Region", verbose_name=_("服务地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("留空表示所属工会所在地区；选省或市则包含其下辖地区。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hours = models.CharField(_("服务时间"), max_length=100, blank=True)
    public_phone = models.CharField(_("公开电话"), max_length=30, blank=True, help_text=_("向职工公开的办公或热线电话。"))

    objects = LawyerQuerySet.as_manager()

    class Meta:
        verbose_name = _("律师与法律志愿者")
        verbose_name_plural = _("律师与法律志愿者")
        ordering = ["union", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class DisputeType(models.TextChoices):
    """What a legal-aid or consultation request is about (the labour matters the union's legal
    aid covers, and one answer for everything else)."""

    WAGES = "wages", _("拖欠工资、加班费等劳动报酬")
    CONTRACT = "contract", _("劳动合同（签订、变更、解除、经济补偿）")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    WORK_INJURY = "work_injury", _("工伤、职业病待遇或赔偿")
    HOURS = "hours", _("工作时间、休息休假")
    OTHER_LABOUR = "other_labour", _("其他劳动权益（人身、民主权利等）")
    NOT_LABOUR = "not_labour", _("不是劳动争议（婚姻家庭、借款、交通事故等）")


class Hardship(models.TextChoices):
    """The applicant's economic situation, as they declare it (工会法律援助办法 第十条)."""

    HARDSHIP = "hardship", _("本人及家庭经济困难（如困难职工建档、低保，或家庭人均收入低于当地标准）")
    MIGRANT_PAY_INJURY = "migrant", _("我是农民工，要讨要劳动报酬或工伤赔偿")
    SERIOUS = "serious", _("经济不算困难，但有证据证明合法权益受到严重侵害")
    NONE = "none", _("以上都不是")


class Stage(models.TextChoices):
    NOT_STARTED = "not_started", _("还没有申请劳动仲裁或起诉")
    ARBITRATION = "arbitration", _("已申请劳动仲裁，正在仲裁")
    LITIGATION = "litigation", _("已在法院诉讼")


class LegalAidApplication(models.Model):
    """What a worker declared when applying for legal aid: checked against the eligibility
    rules (`legal_aid.legal_aid_check`) at intake, kept for the staff's review."""

    case = models.OneToOneField(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="aid_application")
    dispute_type = models.CharField(_("争议类型"), max_length=20, choices=DisputeType.choices)
    hardship = models.CharField(_("经济状况"), max_length=10, choices=Hardship.choices)
    household_income_yuan = models.PositiveIntegerField(_("家庭人均月收入（元）"), null=True, blank=True)
    stage = models.CharField(_("所处阶段"), max_length=12, choices=Stage.choices)
    case_reference = models.CharField(_("仲裁或诉讼案号"), max_length=60, blank=True)
    has_lawyer = models.BooleanField(_("已委托律师或其他代理人"), default=False)
    documents = models.JSONField(_("能提供的材料"), default=list, blank=True)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法律援助申请")
        verbose_name_plural = _("法律援助申请")

    def __str__(self) -> str:
        return f"{self.case_id} {self.dispute_type}"

    @property
    def document_labels(self) -> list[str]:
        from .legal_aid import Document

        labels = dict(Document.choices)
        return [str(labels[d]) for d in self.documents if d in labels]


class LegalAidDecision(models.Model):
    """Eligibility decision on a legal-aid application (a case of category legal_aid)."""

    case = models.OneToOneField(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="legal_aid")
    eligible = models.BooleanField(_("符合援助条件"))
    reason = models.CharField(_("理由"), max_length=500)
    lawyer = models.ForeignKey(Lawyer, verbose_name=_("指派律师"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法律援助审查")
        verbose_name_plural = _("法律援助审查")

    def __str__(self) -> str:
        return f"{self.case.number} {'符合' if self.eligible else '不符合'}"


class Mediation(models.Model):
    """A labour-dispute mediation attached to a case of category mediation."""

    class Outcome(models.TextChoices):
        PENDING = "", _("调解中")
        AGREEMENT = "agreement", _("达成调解协议")
        FAILED = "failed", _("调解不成")
        WITHDRAWN = "withdrawn", _("撤回")
        REFERRED = "referred", _("转劳动仲裁")

    case = models.OneToOneField(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="mediation")
    applicant = models.CharField(_("申请方"), max_length=120)
    respondent = models.CharField(_("被申请方"), max_length=150)
    mediator = models.ForeignKey(Lawyer, verbose_name=_("调解员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claim_fen = models.BigIntegerField(_("请求金额（分）"), default=0)
    agreed_fen = models.BigIntegerField(_("协议金额（分）"), default=0)
    agreement = models.TextField(_("协议内容"), blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, blank=True, default="")
    arbitration_ref = models.CharField(_("劳动仲裁案号"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("劳动争议调解")
        verbose_name_plural = _("劳动争议调解")

    def __str__(self) -> str:
        return f"{self.case.number} {self.applicant} / {self.respondent}"


class MediationSession(models.Model):
    mediation = models.ForeignKey(Mediation, verbose_name=_("调解"), on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    notes = models.TextField(_("记录"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("调解会")
        verbose_name_plural = _("调解会")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.mediation_id} {self.held_on}"


class LetterQuerySet(models.QuerySet["SupervisionLetter"]):
    def visible_to(self, user: Any, action: str = "view") -> LetterQuerySet:
        return jurisdiction.scope(self, user, path_field="union__path", action=action)


class SupervisionLetter(models.Model):
    """一函两书: 提示函 to an employer, 意见书 / 建议书 to an employer or a department."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("提示函")
        OPINION = "opinion", _("意见书")
        RECOMMENDATION = "recommendation", _("建议书")

    class Status(models.TextChoices):
        ISSUED = "issued", _("已制发")
        DELIVERED = "delivered", _("已送达")
        RESPONDED = "responded", _("已回复")
        FOLLOWED_UP = "followed_up", _("已跟踪落实")

    number = models.CharField(_("文号"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ISSUED)
    union = models.ForeignKey("orgs.Union", verbose_name=_("制发工会"), on_delete=models.PROTECT, related_name="letters")
    case = models.ForeignKey(Case, verbose_name=_("关联诉求"), null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用人单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("送达对象"), max_length=150)
    subject = models.CharField(_("事由"), max_length=200)
    body = models.TextField(_("正文"))
    pdf = models.FileField(_("PDF"), upload_to="letters/%Y/", max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("制发人"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("制发时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=60, blank=True)
    response_due = models.DateField(_("回复期限"), null=True, blank=True)
    # The deadline as asked (working days from the day of issue), so it can be counted again.
    response_workdays = models.PositiveSmallIntegerField(_("回复期限（工作日）"), null=True, blank=True)
    # Counted Monday–Friday because the holiday arrangement of a year on the way is not
    # entered yet (core.workdays); `letters_deadlines_recount` counts it again once it is.
    response_due_provisional = models.BooleanField(_("回复期限暂定"), default=False)
    response = models.TextField(_("回复内容"), blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    follow_up = models.TextField(_("跟踪落实情况"), blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("一函两书")
        verbose_name_plural = _("一函两书")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"
