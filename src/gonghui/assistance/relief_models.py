"""送温暖 campaigns (winter relief visits): a named campaign of one union with a budget passed
down the tree through the fund ledger, a list of households drawn from active hardship files,
the visit to each household and the payment of its cash part through the payout batches.

Imported at the end of `models.py`, so these are models of the `assistance` app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.files import random_upload_name
from gonghui.core.pii import EncryptedTextField

from .models import FundSource, HardshipGrade


def _ancestor_paths(path: str) -> list[str]:
    """"/1/5/12/" → ["/1/", "/1/5/", "/1/5/12/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class ReliefCampaignQuerySet(models.QuerySet["ReliefCampaign"]):
    def visible_to(self, user: Any, action: str = "view") -> ReliefCampaignQuerySet:
        """Campaigns run in the user's branch, and campaigns of the unions above it (their
        households are in the user's branch; the union below visits them)."""
        paths = jurisdiction.union_paths_for(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(union_path__startswith=path) | Q(union_path__in=_ancestor_paths(path))
        return self.filter(condition)


class ReliefCampaign(models.Model):
    """A 送温暖 campaign, e.g. 2026 年元旦春节送温暖, run by one union over its subtree."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT,
                              related_name="relief_campaigns")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    name = models.CharField(_("活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    budget = models.BigIntegerField(_("预算（分）"))
    # {"deep": 150000, "relative": 80000, "accident": 100000}: the least cash (fen) for a
    # household of each grade; a grade missing or at 0 is not on the generated list.
    grade_amounts = models.JSONField(_("各类困难户慰问标准（分）"), default=dict)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ReliefCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("送温暖活动")
        verbose_name_plural = _("送温暖活动")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="relief_campaign_budget_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="relief_campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.name


class ReliefAllocation(models.Model):
    """Budget of a campaign passed from one union to a direct child: a ledger allocation."""

    campaign = models.ForeignKey(ReliefCampaign, verbose_name=_("送温暖活动"), on_delete=models.PROTECT,
                                 related_name="allocations")
    from_union = models.ForeignKey("orgs.Union", verbose_name=_("下拨工会"), on_delete=models.PROTECT,
                                   related_name="+")
    to_union = models.ForeignKey("orgs.Union", verbose_name=_("接收工会"), on_delete=models.PROTECT,
                                 related_name="+")
    to_path = models.CharField(max_length=255, db_index=True, editable=False)
    amount = models.BigIntegerField(_("金额（分）"))
    txn = models.OneToOneField("assistance.LedgerTransaction", verbose_name=_("下拨凭证"), on_delete=models.PROTECT,
                               related_name="relief_allocation")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("送温暖资金下拨")
        verbose_name_plural = _("送温暖资金下拨")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="relief_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.to_union_id}"


class ReliefTargetQuerySet(models.QuerySet["ReliefTarget"]):
    def visible_to(self, user: Any, action: str = "view") -> ReliefTargetQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


def relief_photo_path(instance: ReliefTarget, filename: str) -> str:
    return random_upload_name("assistance/relief", filename)


class ReliefTarget(models.Model):
    """One household on a campaign's list, held by the union holding its hardship file:
    待慰问 → 已慰问 (the visit, then the cash part paid by the bank), or 已移出 with a reason."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待慰问")
        VISITED = "visited", _("已慰问")
        REMOVED = "removed", _("已移出")

    campaign = models.ForeignKey(ReliefCampaign, verbose_name=_("送温暖活动"), on_delete=models.PROTECT,
                                 related_name="targets")
    union = models.ForeignKey("orgs.Union", verbose_name=_("慰问工会"), on_delete=models.PROTECT,
                              related_name="relief_targets")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    hardship_file = models.ForeignKey("assistance.HardshipFile", verbose_name=_("困难职工档案"),
                                      on_delete=models.PROTECT, related_name="relief_targets")
    name = models.CharField(_("户主"), max_length=50)
    grade = models.CharField(_("困难类别"), max_length=10, choices=HardshipGrade.choices)
    amount = models.BigIntegerField(_("拟慰问金（分）"), default=0)
    goods = models.CharField(_("拟慰问物品"), max_length=200, blank=True)
    bank_account = EncryptedTextField(_("收款银行账号"), blank=True, default="")
    bank_name = models.CharField(_("开户行"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    removed_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    visited_on = models.DateField(_("慰问日期"), null=True, blank=True)
    visitors = models.CharField(_("慰问人"), max_length=200, blank=True)
    cash_given = models.BigIntegerField(_("慰问金（分）"), default=0)
    goods_given = models.CharField(_("慰问物品"), max_length=200, blank=True)
    photo = models.FileField(_("慰问照片"), upload_to=relief_photo_path, max_length=200, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    visit_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    payout = models.OneToOneField("assistance.Payout", verbose_name=_("代发记录"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="relief_target")
    created_at = models.DateTimeField(_("列入时间"), auto_now_add=True)

    objects = ReliefTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("送温暖对象")
        verbose_name_plural = _("送温暖对象")
        ordering = ["union_path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "hardship_file"], name="relief_target_once_per_campaign"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(cash_given__gte=0), name="relief_target_amounts"),
        ]
        indexes = [models.Index(fields=["campaign", "union_path"], name="relief_target_campaign_path"),
                   models.Index(fields=["visited_on"], name="relief_target_visited_on")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.name}"

    @property
    def bank_account_masked(self) -> str:
        from .models import mask_bank_account

        return mask_bank_account(self.bank_account)
