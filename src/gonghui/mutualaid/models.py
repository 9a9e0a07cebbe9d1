"""Medical mutual aid (职工医疗互助保障): plans and their versions, group enrolments, each
person's cover, claims with the engine's explained payout.

Money is integer fen. Premiums and payouts are not booked here: an enrolment's premium is a
`receipt` in the assistance fund ledger and an approved claim becomes an assistance `Payout`
(paid by the bank in a payment batch). These rows keep the references.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import FundSource
from gonghui.core import jurisdiction
from gonghui.core.files import random_upload_name
from gonghui.core.pii import EncryptedTextField

from . import engine


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, action: str = "view") -> Any:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class Plan(models.Model):
    """A province's or city's plan for one period (usually a calendar year)."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT,
                              related_name="mutualaid_plans")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    name = models.CharField(_("计划名称"), max_length=100)
    starts_on = models.DateField(_("保障期开始"))
    ends_on = models.DateField(_("保障期结束"))
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("互助保障计划")
        verbose_name_plural = _("互助保障计划")
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """The plan's price, shares, participation rule and benefits from `effective_from` on.
    A claim is judged by the version in force on its event day."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    price = models.PositiveIntegerField(_("每人保费（分）"))
    union_share = models.PositiveSmallIntegerField(_("工会承担比例（%）"))
    min_participation = models.PositiveSmallIntegerField(_("单位最低参保比例（%）"), default=0)
    second_approval_above = models.PositiveIntegerField(_("需复核的赔付金额（分）"), default=1_000_000)
    # New-form workers (新就业形态劳动者) may enrol and pay for themselves; the union may pay a share.
    self_enrol = models.BooleanField(_("新就业形态劳动者可自行参保"), default=False)
    self_union_share = models.PositiveSmallIntegerField(_("自行参保的工会补贴比例（%）"), default=0)
    rules = models.JSONField(_("保障责任"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        ordering = ["plan", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="mutualaid_version_number"),
            models.UniqueConstraint(fields=["plan", "effective_from"], name="mutualaid_version_day"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def engine_rules(self) -> engine.Rules:
        return engine.Rules.from_dict(self.rules)

    @property
    def member_share(self) -> int:
        return 100 - self.union_share


class Enrolment(models.Model):
    """One grassroots union's group enrolment (or joiners added later) into a plan."""

    class Mode(models.TextChoices):
        WHOLE = "whole", _("整体参保")
        PICKED = "picked", _("选择参保")
        JOINERS = "joiners", _("期中新增")
        SELF = "self", _("自行参保")

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="enrolments")
    union = models.ForeignKey("orgs.Union", verbose_name=_("参保工会"), on_delete=models.PROTECT,
                              related_name="mutualaid_enrolments")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices)
    count = models.PositiveIntegerField(_("人数"))
    members_total = models.PositiveIntegerField(_("单位会员数"))
    premium = models.BigIntegerField(_("保费合计（分）"))
    union_part = models.BigIntegerField(_("工会承担（分）"))
    member_part = models.BigIntegerField(_("个人承担（分）"))
    premium_txn = models.ForeignKey("assistance.LedgerTransaction", verbose_name=_("保费入账凭证"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("参保时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("参保登记")
        verbose_name_plural = _("参保登记")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.union} · {self.count}"


class Coverage(models.Model):
    """One person's cover under one plan: from `starts_on`; illness from `waiting_until`."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="coverages")
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("参保登记"), on_delete=models.PROTECT,
                                  related_name="coverages")
    person = models.ForeignKey("members.Person", verbose_name=_("参保人"), on_delete=models.PROTECT,
                               related_name="mutualaid_coverages")
    union = models.ForeignKey("orgs.Union", verbose_name=_("参保工会"), on_delete=models.PROTECT, related_name="+")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    starts_on = models.DateField(_("保障开始"))
    waiting_until = models.DateField(_("等待期满"))
    ends_on = models.DateField(_("保障结束"))
    renewal = models.BooleanField(_("续保"), default=False)
    serial = models.CharField(_("保障凭证号"), max_length=24, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("保障凭证")
        verbose_name_plural = _("保障凭证")
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "person"], name="mutualaid_one_cover_per_plan")]

    def __str__(self) -> str:
        return self.serial

    @property
    def cover(self) -> engine.Cover:
        return engine.Cover(starts_on=self.starts_on, waiting_until=self.waiting_until, ends_on=self.ends_on)

    def in_waiting(self, day: dt.date) -> bool:
        return day < self.waiting_until


class EventKind(models.TextChoices):
    HOSPITAL = engine.HOSPITAL, _("住院")
    DISEASE = engine.DISEASE, _("重大疾病")
    ACCIDENT_DEATH = engine.ACCIDENT_DEATH, _("意外身故")
    DISABILITY = engine.DISABILITY, _("意外伤残")
    ILLNESS_DEATH = engine.ILLNESS_DEATH, _("疾病身故")


class HospitalLevel(models.TextChoices):
    ONE = "1", _("一级医院")
    TWO = "2", _("二级医院")
    THREE = "3", _("三级医院")


class Benefit(models.TextChoices):
    ALLOWANCE = engine.ALLOWANCE, _("住院津贴")
    REIMBURSE = engine.REIMBURSE, _("医疗费用补助")
    DISEASE = engine.LUMP_DISEASE, _("重大疾病")
    ACCIDENT = engine.ACCIDENT, _("意外身故伤残")
    ILLNESS_DEATH = engine.ILLNESS_DEATH_BENEFIT, _("疾病身故")


class Flag(models.TextChoices):
    WAITING = engine.FLAG_WAITING, _("等待期内")
    OUTSIDE = engine.FLAG_OUTSIDE, _("不在保障期内")
    CAP = engine.FLAG_CAP, _("已达封顶")
    NOT_LISTED = engine.FLAG_NOT_LISTED, _("不在所列疾病内")
    ALREADY_PAID = engine.FLAG_ALREADY_PAID, _("已赔付过")
    DUPLICATE_INVOICE = "duplicate_invoice", _("发票已报销过")
    MISSING_DOCUMENTS = "missing_documents", _("材料不全")


class Claim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        REVIEWED = "reviewed", _("待复核")
        APPROVED = "approved", _("已核准")
        REJECTED = "rejected", _("不予赔付")
        APPEALED = "appealed", _("申诉复查中")

    number = models.CharField(_("申请编号"), max_length=24, unique=True)
    coverage = models.ForeignKey(Coverage, verbose_name=_("保障凭证"), on_delete=models.PROTECT,
                                 related_name="claims")
    version = models.ForeignKey(PlanVersion, verbose_name=_("适用版本"), on_delete=models.PROTECT,
                                related_name="claims")
    union = models.ForeignKey("orgs.Union", verbose_name=_("参保工会"), on_delete=models.PROTECT, related_name="+")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT,
                             related_name="mutualaid_claims")
    kind = models.CharField(_("事故类型"), max_length=16, choices=EventKind.choices)
    event_on = models.DateField(_("事故日期（入院日期）"))
    discharged_on = models.DateField(_("出院日期"), null=True, blank=True)
    hospital_level = models.CharField(_("医院级别"), max_length=1, choices=HospitalLevel.choices, blank=True)
    hospital = models.CharField(_("医院"), max_length=100, blank=True)
    diagnosis = EncryptedTextField(_("诊断"))
    disease = models.CharField(_("所患重大疾病"), max_length=60, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("伤残等级"), default=0)
    cost = models.BigIntegerField(_("医疗费用（分）"), default=0)
    insurance_paid = models.BigIntegerField(_("基本医保已付（分）"), default=0)
    invoices = EncryptedTextField(_("发票号"), blank=True)
    payee_name = models.CharField(_("收款人"), max_length=60)
    bank_account = EncryptedTextField(_("银行账号"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    proposed = models.BigIntegerField(_("核算金额（分）"), default=0)
    amount = models.BigIntegerField(_("核准金额（分）"), default=0)
    explanation = models.JSONField(_("核算说明"), default=list)
    flags = models.JSONField(_("提示"), default=list)
    reason = models.CharField(_("调整或不予赔付原因"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("初审人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    appeal_reason = models.CharField(_("申诉理由"), max_length=500, blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    # Who rejected the claim before the appeal: the appeal is decided by someone else.
    appeal_of_officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("原审批人"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    payout = models.ForeignKey("assistance.Payout", verbose_name=_("代发记录"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    # An appeal against a lowered amount: the answer, and the top-up paid when it was raised.
    appeal_answer = models.CharField(_("复查意见"), max_length=300, blank=True)
    appeal_payout = models.ForeignKey("assistance.Payout", verbose_name=_("复查补发记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    appeal_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    appeal_decided_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("互助保障申请")
        verbose_name_plural = _("互助保障申请")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "union_path"])]

    def __str__(self) -> str:
        return self.number

    @property
    def diagnosis_masked(self) -> str:
        text = self.diagnosis or ""
        return text[:1] + "＊" * min(len(text) - 1, 8) if text else ""


class ClaimLine(models.Model):
    """One benefit's payout of one claim: the engine's proposal, then the approved amount.
    Approved lines are what later claims of the plan year count as already paid."""

    claim = models.ForeignKey(Claim, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="lines")
    coverage = models.ForeignKey(Coverage, verbose_name=_("保障凭证"), on_delete=models.PROTECT, related_name="+")
    benefit = models.CharField(_("保障责任"), max_length=16, choices=Benefit.choices)
    key = models.CharField(_("疾病"), max_length=60, blank=True)
    proposed = models.BigIntegerField(_("核算金额（分）"))
    amount = models.BigIntegerField(_("核准金额（分）"), default=0)
    lines = models.JSONField(_("说明"), default=list)
    approved = models.BooleanField(_("已核准"), default=False)

    class Meta:
        verbose_name = _("赔付明细")
        verbose_name_plural = _("赔付明细")
        ordering = ["claim", "pk"]
        indexes = [models.Index(fields=["coverage", "approved"])]

    def __str__(self) -> str:
        return f"{self.claim} · {self.get_benefit_display()}"


class ClaimInvoice(models.Model):
    """An invoice number's keyed hash: finds an invoice already claimed under any union."""

    claim = models.ForeignKey(Claim, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="invoice_rows")
    number_index = models.CharField(max_length=32, db_index=True)

    class Meta:
        verbose_name = _("发票索引")
        verbose_name_plural = _("发票索引")

    def __str__(self) -> str:
        return self.number_index[:8]


def claim_document_path(instance: ClaimDocument, filename: str) -> str:
    return random_upload_name("mutualaid", filename)


class ClaimDocument(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("发票")
        DISCHARGE = "discharge", _("出院小结")
        OTHER = "other", _("其他材料")

    claim = models.ForeignKey(Claim, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=10, choices=Kind.choices)
    upload = models.FileField(_("文件"), upload_to=claim_document_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class PlanTotal(models.Model):
    """Approved payouts of a plan per benefit (`benefit` "" holds the claim count and total),
    kept in step by the approval service so the loss-ratio report reads a handful of rows
    instead of every claim; `services.plan_totals_rebuild` recomputes them from the lines."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="totals")
    benefit = models.CharField(_("保障责任"), max_length=16, blank=True)
    amount = models.BigIntegerField(_("金额（分）"), default=0)
    count = models.PositiveIntegerField(_("件数"), default=0)

    class Meta:
        verbose_name = _("计划赔付合计")
        verbose_name_plural = _("计划赔付合计")
        constraints = [models.UniqueConstraint(fields=["plan", "benefit"], name="mutualaid_plan_total_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.benefit or '*'}"


class SelfEnrolment(models.Model):
    """A new-form worker's own enrolment in a plan that allows it: the premium they pay (their
    share of the prorated price) and the payment's reference; the union's staff confirm the
    money arrived, which books the premium and opens the cover."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认缴费")
        CONFIRMED = "confirmed", _("已参保")
        REJECTED = "rejected", _("未通过")
        CANCELLED = "cancelled", _("已撤回")

    class Channel(models.TextChoices):
        WECHAT = "wechat", _("微信支付")
        ALIPAY = "alipay", _("支付宝")
        BANK = "bank", _("银行转账")
        CASH = "cash", _("现场缴费")

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="self_enrolments")
    version = models.ForeignKey(PlanVersion, verbose_name=_("适用版本"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("members.Person", verbose_name=_("参保人"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT,
                             related_name="+")
    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    starts_on = models.DateField(_("保障开始"))
    months = models.PositiveSmallIntegerField(_("保障月数"))
    premium = models.BigIntegerField(_("保费（分）"))
    union_part = models.BigIntegerField(_("工会补贴（分）"))
    member_part = models.BigIntegerField(_("个人缴纳（分）"))
    channel = models.CharField(_("缴费方式"), max_length=8, choices=Channel.choices)
    payment_ref = models.CharField(_("缴费流水号"), max_length=40)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    reason = models.CharField(_("未通过原因"), max_length=300, blank=True)
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("参保登记"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自行参保")
        verbose_name_plural = _("自行参保")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], condition=models.Q(status="pending"),
                                    name="mutualaid_one_open_self_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.payment_ref}"
