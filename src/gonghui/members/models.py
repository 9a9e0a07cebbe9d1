"""People, membership applications, memberships, transfers and e-member cards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.pii import EncryptedTextField, mask_id_number, mask_phone


class EmploymentForm(models.TextChoices):
    STANDARD = "standard", _("劳动合同用工")
    DISPATCHED = "dispatched", _("劳务派遣")
    PART_TIME = "part_time", _("非全日制")
    NEW_FORM = "new_form", _("新就业形态")
    FLEXIBLE = "flexible", _("灵活就业")
    OTHER = "other", _("其他")


class NewFormKind(models.TextChoices):
    NONE = "", _("不适用")
    FOOD_DELIVERY = "rider", _("外卖骑手")
    COURIER = "courier", _("快递员")
    RIDE_HAIL = "ride_hail", _("网约车司机")
    TRUCKER = "trucker", _("货车司机")
    HOUSEKEEPING = "housekeeping", _("网约家政服务员")
    LIVE_STREAMER = "streamer", _("网络主播")
    OTHER = "other", _("其他新就业形态")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any, action: str = "view") -> PersonQuerySet:
        """Staff see people who hold, held, or asked for membership in their subtree."""
        paths = jurisdiction.union_paths_for(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        condition = models.Q()
        for path in paths:
            condition |= models.Q(memberships__union__path__startswith=path)
            condition |= models.Q(applications__union__path__startswith=path)
        return self.filter(condition).distinct()


class Person(models.Model):
    """A worker. ID number and phone are encrypted; lookups go through blind indexes."""

    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("拼音"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, blank=True, db_index=True)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(max_length=32, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="person",
    )
    employer = models.ForeignKey(
        "orgs.Employer", verbose_name=_("当前单位"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="people",
    )
    employment_form = models.CharField(
        _("用工形式"), max_length=12, choices=EmploymentForm.choices, default=EmploymentForm.STANDARD
    )
    new_form_kind = models.CharField(_("新就业形态类别"), max_length=14, choices=NewFormKind.choices, blank=True, default="")
    is_migrant_worker = models.BooleanField(_("农民工"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("职工")
        verbose_name_plural = _("职工")
        ordering = ["name_pinyin", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class ScopedByUnionQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, action: str = "view") -> Any:
        return jurisdiction.scope(self, user, path_field="union__path", action=action)


class MembershipApplication(models.Model):
    """入会申请: a worker asks a union to take them in."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    person = models.ForeignKey(Person, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="applications")
    union = models.ForeignKey("orgs.Union", verbose_name=_("申请加入的工会"), on_delete=models.PROTECT, related_name="applications")
    employer = models.ForeignKey(
        "orgs.Employer", verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employment_form = models.CharField(_("用工形式"), max_length=12, choices=EmploymentForm.choices)
    new_form_kind = models.CharField(_("新就业形态类别"), max_length=14, choices=NewFormKind.choices, blank=True, default="")
    is_migrant_worker = models.BooleanField(_("农民工"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    decision_reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ScopedByUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="submitted"), name="application_one_open_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.union}"


class Membership(models.Model):
    """会员关系: a person's membership in one union; history is kept, never deleted."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        TRANSFERRING = "transferring", _("接转中")
        TRANSFERRED_OUT = "transferred", _("已转出")
        ENDED = "ended", _("已终止")

    person = models.ForeignKey(Person, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="memberships")
    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="memberships")
    employer = models.ForeignKey(
        "orgs.Employer", verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    number = models.CharField(_("会员号"), max_length=20, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    joined_on = models.DateField(_("入会日期"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=20, default="application")  # application / import / transfer
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedByUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("会员关系")
        verbose_name_plural = _("会员关系")
        ordering = ["-joined_on", "-pk"]
        constraints = [
            # One live membership per person: a transfer ends the old one as it opens the new one.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status__in=["active", "transferring"]),
                name="membership_one_live_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person}"

    @property
    def is_live(self) -> bool:
        return self.status in {self.Status.ACTIVE, self.Status.TRANSFERRING}


class MembershipTransfer(models.Model):
    """会员关系接转: the old union releases, the new union accepts."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待转出")
        RELEASED = "released", _("待接收")
        ACCEPTED = "accepted", _("已完成")
        REJECTED = "rejected", _("已退回")
        CANCELLED = "cancelled", _("已取消")

    membership = models.ForeignKey(Membership, verbose_name=_("原会员关系"), on_delete=models.PROTECT, related_name="transfers")
    from_union = models.ForeignKey("orgs.Union", verbose_name=_("转出工会"), on_delete=models.PROTECT, related_name="transfers_out")
    to_union = models.ForeignKey("orgs.Union", verbose_name=_("转入工会"), on_delete=models.PROTECT, related_name="transfers_in")
    to_employer = models.ForeignKey(
        "orgs.Employer", verbose_name=_("新单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_membership = models.OneToOneField(
        Membership, verbose_name=_("新会员关系"), null=True, blank=True, on_delete=models.PROTECT, related_name="transfer_in"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    reason = models.CharField(_("接转原因"), max_length=300, blank=True)
    note = models.CharField(_("处理意见"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("转出经办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收经办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    released_at = models.DateTimeField(_("转出时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会员关系接转")
        verbose_name_plural = _("会员关系接转")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=models.Q(status__in=["requested", "released"]),
                name="transfer_one_open_per_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person}: {self.from_union} → {self.to_union}"


class MemberCard(models.Model):
    """电子会员卡. The QR code carries a signed token naming the card, nothing personal."""

    membership = models.ForeignKey(Membership, verbose_name=_("会员关系"), on_delete=models.PROTECT, related_name="cards")
    serial = models.CharField(_("卡号"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("发卡时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("注销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("电子会员卡")
        verbose_name_plural = _("电子会员卡")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.serial


# --- roster import (花名册导入) ---------------------------------------------------------------


class ImportJob(models.Model):
    """One uploaded roster file: validated row by row, then committed in one transaction."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("待确认导入")
        INVALID = "invalid", _("文件无法读取")
        COMMITTING = "committing", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    union = models.ForeignKey("orgs.Union", verbose_name=_("导入到工会"), on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to="roster_imports/", max_length=200)
    file_format = models.CharField(_("格式"), max_length=8)  # csv / xlsx
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    staged_path = models.CharField(max_length=255, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.VALIDATING, db_index=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    error_rows = models.PositiveIntegerField(_("问题行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("已导入"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    validated_at = models.DateTimeField(_("校验完成时间"), null=True, blank=True)
    commit_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认导入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Liveness of the background task (members/roster_jobs.py): when its current task was
    # queued, the last sign of life of the worker running it, and how many runs it took.
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    # The member numbers reserved for this import: a retried commit reuses them.
    member_numbers_start = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = ScopedByUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.COMMITTING}

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALIDATED and self.valid_rows > 0


class ImportRowError(models.Model):
    """One problem in one row of an import file: row number as Excel shows it, column, reason."""

    job = models.ForeignKey(ImportJob, verbose_name=_("导入任务"), on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=30, blank=True)
    code = models.CharField(_("错误代码"), max_length=40)
    message = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("导入问题行")
        verbose_name_plural = _("导入问题行")
        ordering = ["job", "row_number", "pk"]
        indexes = [models.Index(fields=["job", "row_number"])]

    def __str__(self) -> str:
        return f"{self.row_number} {self.column}: {self.message}"
