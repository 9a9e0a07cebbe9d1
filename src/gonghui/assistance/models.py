"""The fund ledger: double-entry books in integer fen, per union and fund source.

Accounts (`FundAccount`) belong to one union and one fund source; their kind says whether
the balance may go below zero. A `LedgerTransaction` moves money between accounts of one
fund source through two or more `LedgerEntry` legs (debit positive, credit negative) that
sum to zero. Ledger rows are append-only: a mistake is corrected by a reversing
transaction (`reverses`, at most once per transaction), never by an edit or a delete — the
models refuse it here, the database refuses it with triggers (migration 0002).

The books follow the union tree as it stands now: a union move (调整隶属关系,
`orgs.union_move`) re-files the moved unions' accounts, transactions, monthly totals and
closed periods under their new ancestors by rewriting their tree-path copies, in the move's
transaction. That rewrite is the only change a transaction row ever takes, and the database
allows it only to the unions' current paths (migration 0012); amounts never move, so the
monthly totals still agree with the legs.

Balances are kept pre-aggregated, written in the same database transaction as the legs:
`FundAccount.balance` (now) and `AccountMonthTotal` (per account, month and transaction
kind), so a province's balance and its 收支表 for a year read a few thousand summary rows,
not millions of legs. `LedgerPeriod` rows are closed months: no leg may be booked into them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.errors import Conflict
from gonghui.core.files import random_upload_name
from gonghui.core.pii import EncryptedTextField


class FundSource(models.TextChoices):
    CENTRAL = "central", _("中央财政专项帮扶资金")
    ACFTU = "acftu", _("全总工会经费")
    PROVINCIAL = "provincial", _("省总工会经费")
    CITY = "city", _("市总工会经费")
    COUNTY = "county", _("县（区）总工会经费")
    DONATION = "donation", _("社会捐赠")


class AccountKind(models.TextChoices):
    EXTERNAL = "external", _("资金来源")
    AVAILABLE = "available", _("可用资金")
    PAYABLE = "payable", _("待支付（银行在途）")
    EXPENSE = "expense", _("帮扶支出")


# Only the source account (the other side of money received from outside the books: a
# fiscal appropriation, a donation) runs negative; it mirrors what came in.
NEGATIVE_ALLOWED = frozenset({AccountKind.EXTERNAL})
# The union's money: what the 收支表 calls 余额.
FUND_KINDS = (AccountKind.AVAILABLE, AccountKind.PAYABLE)


class TransactionKind(models.TextChoices):
    RECEIPT = "receipt", _("资金入账")
    ALLOCATION = "allocation", _("下拨")
    DISBURSEMENT = "disbursement", _("帮扶支出")
    REFUND = "refund", _("退回")
    PAYOUT = "payout", _("银行代发")
    PAYOUT_SETTLE = "payout_settle", _("代发成功")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class LedgerRowQuerySet(models.QuerySet[Any]):
    """Ledger rows are written once: bulk updates and deletes are refused as well. The one
    exception is a union move re-filing the rows' tree paths (`TREE_PATH_COPIES`), which the
    database also allows only to the unions' current paths (migration 0012)."""

    def update(self, **kwargs: Any) -> int:
        if kwargs and set(kwargs) <= set(getattr(self.model, "TREE_PATH_COPIES", ())):
            return super().update(**kwargs)
        raise Conflict(_("账务记录不可修改，请用冲销更正。"), code="ledger_immutable")

    def delete(self) -> NoReturn:
        raise Conflict(_("账务记录不可删除，请用冲销更正。"), code="ledger_immutable")


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("账务记录不可修改，请用冲销更正。"), code="ledger_immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise Conflict(_("账务记录不可删除，请用冲销更正。"), code="ledger_immutable")


class FundAccountQuerySet(models.QuerySet["FundAccount"]):
    def visible_to(self, user: Any, action: str = "view") -> FundAccountQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class FundAccount(models.Model):
    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT,
                              related_name="fund_accounts")
    # The union's tree path, copied: subtree sums filter on it without a join.
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    kind = models.CharField(_("账户类型"), max_length=12, choices=AccountKind.choices)
    allow_negative = models.BooleanField(_("允许负数"), default=False, editable=False)
    balance = models.BigIntegerField(_("余额（分）"), default=0, editable=False)
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    objects = FundAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金账户")
        verbose_name_plural = _("资金账户")
        ordering = ["union_path", "source", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["union", "source", "kind"], name="fund_account_one_per_kind"),
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0), name="fund_account_not_below_zero"
            ),
            models.CheckConstraint(
                condition=Q(kind=AccountKind.EXTERNAL, allow_negative=True)
                | (~Q(kind=AccountKind.EXTERNAL) & Q(allow_negative=False)),
                name="fund_account_negative_only_external",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.union} · {self.get_source_display()} · {self.get_kind_display()}"


class LedgerTransactionQuerySet(LedgerRowQuerySet):
    def visible_to(self, user: Any, action: str = "view") -> LedgerTransactionQuerySet:
        """The booking union's staff, and the staff of the union that received an allocation."""
        paths = jurisdiction.union_paths_for(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(union_path__startswith=path) | Q(counterparty_path__startswith=path)
        return self.filter(condition)


class LedgerTransaction(AppendOnly):
    # A union move re-files the books under the union's new ancestors (orgs.union_move): these
    # two paths are the only columns that may change, and only to the unions' current paths
    # (the database checks it, migration 0012). Amounts, accounts and dates never change.
    TREE_PATH_COPIES: tuple[str, ...] = ("union_path", "counterparty_path")
    union = models.ForeignKey("orgs.Union", verbose_name=_("记账工会"), on_delete=models.PROTECT,
                              related_name="ledger_transactions")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    # The other union of an allocation (the child that received it).
    counterparty = models.ForeignKey("orgs.Union", verbose_name=_("对方工会"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    counterparty_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    kind = models.CharField(_("业务类型"), max_length=16, choices=TransactionKind.choices)
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    booked_on = models.DateField(_("记账日期"))
    month = models.DateField(_("会计期间"), editable=False)
    amount = models.BigIntegerField(_("金额（分）"))
    memo = models.CharField(_("摘要"), max_length=200)
    payee_name = models.CharField(_("收款人"), max_length=60, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("冲销的凭证"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversal")
    refund_of = models.ForeignKey("self", verbose_name=_("退回的支出"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="refunds")
    idempotency_key = models.CharField(_("幂等键"), max_length=200, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    objects = LedgerTransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_transaction_amount_positive"),
        ]
        indexes = [models.Index(fields=["union", "month"], name="ledger_txn_union_month")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.memo}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class LedgerEntry(AppendOnly):
    """One leg: `amount` fen debited (> 0) or credited (< 0) to one account."""

    transaction = models.ForeignKey(LedgerTransaction, verbose_name=_("凭证"), on_delete=models.PROTECT,
                                    related_name="legs")
    account = models.ForeignKey(FundAccount, verbose_name=_("账户"), on_delete=models.PROTECT,
                                related_name="entries")
    amount = models.BigIntegerField(_("金额（分）"))
    month = models.DateField(_("会计期间"), editable=False)

    objects = LedgerRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_not_zero")]
        indexes = [models.Index(fields=["account", "month"], name="ledger_entry_account_month")]

    def __str__(self) -> str:
        return f"#{self.transaction_id} {self.account_id} {self.amount:+d}"


class AccountMonthTotal(models.Model):
    """Pre-aggregated movements of one account in one month by one kind of transaction."""

    account = models.ForeignKey(FundAccount, on_delete=models.PROTECT, related_name="month_totals")
    union = models.ForeignKey("orgs.Union", on_delete=models.PROTECT, related_name="+")
    union_path = models.CharField(max_length=255, editable=False)
    source = models.CharField(max_length=16, choices=FundSource.choices)
    account_kind = models.CharField(max_length=12, choices=AccountKind.choices)
    month = models.DateField()
    txn_kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    net = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("月度发生额")
        verbose_name_plural = _("月度发生额")
        constraints = [
            models.UniqueConstraint(fields=["account", "month", "txn_kind"], name="account_month_total_unique"),
            models.CheckConstraint(condition=Q(net=models.F("debit") - models.F("credit")),
                                   name="account_month_total_net"),
        ]
        indexes = [
            # A subtree's months: `union_path LIKE '/1/7/%' AND month <= …`. On PostgreSQL only a
            # pattern operator class serves LIKE under a non-C collation (C.UTF-8, zh_CN.UTF-8):
            # without it the 收支表 read every monthly row of the country.
            models.Index(fields=["union_path", "month"], name="account_month_path_like",
                         opclasses=["varchar_pattern_ops", "date_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m} {self.txn_kind} {self.net:+d}"


class LedgerPeriodQuerySet(models.QuerySet["LedgerPeriod"]):
    def visible_to(self, user: Any, action: str = "view") -> LedgerPeriodQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class LedgerPeriod(models.Model):
    """A closed month of one union's books: no leg on its accounts may be booked into it."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT,
                              related_name="ledger_periods")
    union_path = models.CharField(max_length=255, db_index=True, editable=False)
    month = models.DateField(_("会计期间"))
    closed_at = models.DateTimeField(_("结账时间"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结账人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = LedgerPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("已结账期间")
        verbose_name_plural = _("已结账期间")
        ordering = ["union_path", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["union", "month"], name="ledger_period_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.union} {self.month:%Y-%m}"


# --- payouts: approved payments sent to beneficiaries' bank accounts in batches ---------------


def mask_bank_account(value: str | None) -> str:
    """6222 **** 1234: the first and last four digits, never more than half the number."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]} **** {value[-4:]}"


class PayoutQuerySet(models.QuerySet["Payout"]):
    def visible_to(self, user: Any, action: str = "view") -> PayoutQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class Payout(models.Model):
    """One approved payment to one beneficiary, to be paid by the bank in a `PaymentBatch`.

    Queued → sent (its money moved from available to payable by a `payout` transaction) →
    paid (a `payout_settle` transaction moves it to expense). A row the bank returns as failed
    has its `payout` transaction reversed and goes back to the queue with the bank's reason.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发放")
        SENT = "sent", _("银行处理中")
        PAID = "paid", _("已到账")
        CANCELLED = "cancelled", _("已取消")

    union = models.ForeignKey("orgs.Union", verbose_name=_("发放工会"), on_delete=models.PROTECT,
                              related_name="payouts")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    amount = models.BigIntegerField(_("金额（分）"))
    payee_name = models.CharField(_("收款人"), max_length=60)
    bank_account = EncryptedTextField(_("银行账号"))
    bank_name = models.CharField(_("开户行"), max_length=60, blank=True)
    memo = models.CharField(_("摘要"), max_length=200)
    # The worker paid, when known: their own page lists the payments made to them.
    beneficiary = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受助职工账号"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="assistance_payouts")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.CharField(_("银行退回原因"), max_length=200, blank=True)
    failures = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    paid_on = models.DateField(_("到账日期"), null=True, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("代发记录")
        verbose_name_plural = _("代发记录")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]
        indexes = [models.Index(fields=["union", "status"], name="payout_union_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.payee_name}"

    @property
    def bank_account_masked(self) -> str:
        return mask_bank_account(self.bank_account)


class PaymentBatchQuerySet(models.QuerySet["PaymentBatch"]):
    def visible_to(self, user: Any, action: str = "view") -> PaymentBatchQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class PaymentBatch(models.Model):
    """Queued payouts of one union sent to the bank together as one batch file."""

    class Status(models.TextChoices):
        SENT = "sent", _("已送银行")
        SETTLED = "settled", _("已回盘")

    union = models.ForeignKey("orgs.Union", verbose_name=_("发放工会"), on_delete=models.PROTECT,
                              related_name="payment_batches")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    number = models.CharField(_("批次号"), max_length=32, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SENT)
    total = models.BigIntegerField(_("合计（分）"), default=0)
    count = models.PositiveIntegerField(_("笔数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PaymentBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("代发批次")
        verbose_name_plural = _("代发批次")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.number


class PaymentLine(models.Model):
    """One payout in one batch: one attempt to pay it, with the bank's answer."""

    class Result(models.TextChoices):
        PENDING = "pending", _("待回盘")
        PAID = "paid", _("成功")
        FAILED = "failed", _("失败")

    batch = models.ForeignKey(PaymentBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="lines")
    payout = models.ForeignKey(Payout, verbose_name=_("代发记录"), on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField(_("序号"))
    amount = models.BigIntegerField(_("金额（分）"))
    result = models.CharField(_("银行结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    bank_reason = models.CharField(_("银行说明"), max_length=200, blank=True)
    payout_txn = models.OneToOneField(LedgerTransaction, verbose_name=_("转入待支付凭证"), on_delete=models.PROTECT,
                                      related_name="payment_line")
    settle_txn = models.OneToOneField(LedgerTransaction, verbose_name=_("结算凭证"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="settled_line")
    settled_at = models.DateTimeField(_("回盘时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代发明细")
        verbose_name_plural = _("代发明细")
        ordering = ["batch", "seq"]
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="payment_line_seq_unique")]

    def __str__(self) -> str:
        return f"{self.batch.number}-{self.seq}"

    @property
    def reference(self) -> str:
        return f"{self.batch.number}-{self.seq:05d}"


class PaymentReturn(models.Model):
    """One imported bank return file (its digest: the same file again changes nothing)."""

    batch = models.ForeignKey(PaymentBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="returns")
    digest = models.CharField(_("文件摘要"), max_length=64)
    file_name = models.CharField(_("文件名"), max_length=200)
    paid = models.PositiveIntegerField(_("成功笔数"), default=0)
    failed = models.PositiveIntegerField(_("失败笔数"), default=0)
    unchanged = models.PositiveIntegerField(_("已处理过的笔数"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("银行回盘")
        verbose_name_plural = _("银行回盘")
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "digest"], name="payment_return_once")]

    def __str__(self) -> str:
        return f"{self.batch.number} {self.file_name}"


# --- hardship files (困难职工建档) -------------------------------------------------------------


class HardshipStandard(models.Model):
    """The local standard for one region and year: the monthly 城乡低保 line per person, and
    the hardship line as a multiple of it (1.5× by default). Set by the province."""

    region = models.CharField(_("区划代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    low_income_line = models.BigIntegerField(_("低保标准（分/人·月）"))
    hardship_permille = models.PositiveIntegerField(_("困难标准倍数（‰）"), default=1500)
    # Documents every application in the region must carry (e.g. 收入证明, 诊断证明), by name.
    required_documents = models.JSONField(_("建档所需材料"), default=list, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("困难职工认定标准")
        verbose_name_plural = _("困难职工认定标准")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="hardship_standard_unique"),
            models.CheckConstraint(condition=Q(low_income_line__gt=0) & Q(hardship_permille__gte=1000),
                                   name="hardship_standard_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    @property
    def hardship_line(self) -> int:
        return self.low_income_line * self.hardship_permille // 1000


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOL = "school", _("子女上学")
    UNEMPLOYMENT = "unemployment", _("失业")
    ACCIDENT = "accident", _("意外事故或灾害")
    SINGLE_PARENT = "single_parent", _("单亲家庭")
    OTHER = "other", _("其他")


class HardshipGrade(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")


class HardshipFileQuerySet(models.QuerySet["HardshipFile"]):
    def visible_to(self, user: Any, action: str = "view") -> HardshipFileQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class HardshipFile(models.Model):
    """A worker's hardship file (困难职工档案), held by one union.

    待核查 → 已核查 → 已评定 → 公示中 (masked, open to objections) → 在档 (annual review keeps it
    there) → 已脱困; or 不予建档 before approval. One person has at most one open file
    nationally: a partial unique index on the ID number's blind index over the open statuses.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("待入户核查")
        VERIFIED = "verified", _("待评定")
        GRADED = "graded", _("待公示")
        NOTICE = "notice", _("公示中")
        ACTIVE = "active", _("在档")
        EXITED = "exited", _("已脱困退档")
        REJECTED = "rejected", _("不予建档")

    OPEN = (Status.APPLIED, Status.VERIFIED, Status.GRADED, Status.NOTICE, Status.ACTIVE)

    union = models.ForeignKey("orgs.Union", verbose_name=_("建档工会"), on_delete=models.PROTECT,
                              related_name="hardship_files")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="hardship_files")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(max_length=32, db_index=True, editable=False)
    household = models.JSONField(_("家庭成员"), default=list, blank=True)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    monthly_income = models.BigIntegerField(_("家庭月收入（分）"))
    cause = models.CharField(_("致困原因"), max_length=16, choices=HardshipCause.choices)
    cause_note = models.TextField(_("困难情况说明"), max_length=2000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    visited_on = models.DateField(_("入户核查日期"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    grade = models.CharField(_("困难类别"), max_length=10, choices=HardshipGrade.choices, blank=True)
    per_capita_income = models.BigIntegerField(_("人均月收入（分）"), null=True, blank=True)
    standard = models.ForeignKey(HardshipStandard, verbose_name=_("认定标准"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    approved_on = models.DateField(_("建档日期"), null=True, blank=True)
    review_due = models.DateField(_("下次年度复核"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("上次复核"), null=True, blank=True)
    closed_reason = models.CharField(_("退档或不予建档原因"), max_length=500, blank=True)
    closed_on = models.DateField(_("退档日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    # 复核 of a 不予建档 or 退档 decision, by the union above the file's union.
    appeal_union = models.ForeignKey("orgs.Union", verbose_name=_("复核工会"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="hardship_appeals")
    appeal_reason = models.TextField(_("复核理由"), max_length=1000, blank=True)
    appeal_requested_on = models.DateField(_("申请复核日期"), null=True, blank=True)
    appeal_due = models.DateField(_("复核期限"), null=True, blank=True)
    appeal_outcome = models.CharField(_("复核结论"), max_length=12, blank=True, choices=[
        ("upheld", _("维持原决定")), ("overturned", _("撤销原决定"))])
    appeal_note = models.TextField(_("复核意见"), max_length=1000, blank=True)
    appeal_decided_on = models.DateField(_("复核日期"), null=True, blank=True)

    objects = HardshipFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], name="hardship_file_one_open_per_person",
                condition=Q(status__in=["applied", "verified", "graded", "notice", "active"]),
            ),
        ]
        indexes = [models.Index(fields=["union", "status"], name="hardship_file_union_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"

    @property
    def id_number_masked(self) -> str:
        from gonghui.core.pii import mask_id_number

        return mask_id_number(self.id_number)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def name_masked(self) -> str:
        from gonghui.core.pii import mask_name

        return mask_name(self.name)


class HardshipFileEvent(models.Model):
    """A step of a file's history: who did what, when, and why."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("状态"), max_length=10, choices=HardshipFile.Status.choices)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("档案进程")
        verbose_name_plural = _("档案进程")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.status}"


def hardship_document_path(instance: HardshipDocument, filename: str) -> str:
    return random_upload_name("assistance", filename)


class HardshipDocument(models.Model):
    """A document of a file: the worker's proof, or the photos of the home visit."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("档案"), on_delete=models.PROTECT,
                             related_name="documents")
    upload = models.FileField(_("文件"), upload_to=hardship_document_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    is_visit = models.BooleanField(_("入户核查照片"), default=False)
    name = models.CharField(_("材料名称"), max_length=40, blank=True)  # a required document, by name
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("档案材料")
        verbose_name_plural = _("档案材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


# --- grants with public notice (公示) ---------------------------------------------------------


class GrantKind(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    SCHOOL = "school", _("助学")
    TEMPORARY = "temporary", _("临时救助")


class GrantProgramQuerySet(models.QuerySet["GrantProgram"]):
    def visible_to(self, user: Any, action: str = "view") -> GrantProgramQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class GrantProgram(models.Model):
    """A union's assistance program and its rules; it serves the union's whole subtree."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT,
                              related_name="grant_programs")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("救助类别"), max_length=12, choices=GrantKind.choices)
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    min_amount = models.BigIntegerField(_("最低金额（分）"))
    max_amount = models.BigIntegerField(_("最高金额（分）"))
    yearly_cap = models.BigIntegerField(_("每人每年上限（分）"), default=6000_00)
    eligible_grades = models.JSONField(_("限困难类别"), default=list, blank=True)
    members_only = models.BooleanField(_("限工会会员"), default=True)
    notice_days = models.PositiveSmallIntegerField(_("公示工作日"), default=5)
    approval_threshold = models.BigIntegerField(_("本级审批上限（分）"), default=3000_00)
    # The documents an application must carry, by name ("录取通知书", "医疗费用票据"…).
    required_documents = models.JSONField(_("所需材料"), default=list, blank=True)
    active = models.BooleanField(_("受理中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = GrantProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("救助项目")
        verbose_name_plural = _("救助项目")
        ordering = ["union_path", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__gt=0) & Q(max_amount__gte=models.F("min_amount")),
                                   name="grant_program_amount_range"),
        ]

    def __str__(self) -> str:
        return self.name


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user: Any, action: str = "view") -> GrantQuerySet:
        """The handling union's branch, and the branch of the union that approves it."""
        paths = jurisdiction.union_paths_for(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(union_path__startswith=path) | Q(approving_path__startswith=path)
        return self.filter(condition)


class Grant(models.Model):
    """One application for a grant: 待核查 → 待公示 → 公示中 → 已批准 (a payout queued) or 不予救助."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待核查")
        VERIFIED = "verified", _("待公示")
        NOTICE = "notice", _("公示中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("不予救助")

    program = models.ForeignKey(GrantProgram, verbose_name=_("救助项目"), on_delete=models.PROTECT,
                                related_name="grants")
    union = models.ForeignKey("orgs.Union", verbose_name=_("受理工会"), on_delete=models.PROTECT,
                              related_name="assistance_grants")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False)
    approving_union = models.ForeignKey("orgs.Union", verbose_name=_("审批工会"), on_delete=models.PROTECT,
                                        related_name="grants_to_approve")
    approving_path = models.CharField(max_length=255, db_index=True, editable=False)
    # Empty for a worker without an account, whose union's staff applied for them.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="assistance_grants")
    person = models.ForeignKey("members.Person", verbose_name=_("申请人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="assistance_grants")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代为申请的工会干部"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    id_number_index = models.CharField(max_length=32, db_index=True, editable=False)
    # 金秋助学: the student (the worker's child), by the ID number's blind index, and the tier.
    student_name = models.CharField(_("学生姓名"), max_length=50, blank=True)
    student_id_index = models.CharField(max_length=32, blank=True, default="", editable=False)
    student_id_masked = models.CharField(_("学生身份证号"), max_length=20, blank=True, editable=False)
    student_level = models.CharField(_("资助档次"), max_length=24, blank=True)
    school = models.CharField(_("学校"), max_length=100, blank=True)
    academic_year = models.PositiveSmallIntegerField(_("学年（起始年）"), null=True, blank=True)
    hardship_file = models.ForeignKey(HardshipFile, verbose_name=_("困难职工档案"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="grants")
    amount = models.BigIntegerField(_("申请金额（分）"))
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.TextField(_("申请理由"), max_length=2000)
    bank_account = EncryptedTextField(_("收款银行账号"))
    bank_name = models.CharField(_("开户行"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    verified_note = models.TextField(_("核查情况"), blank=True)
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    decision = models.TextField(_("会议决定"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    rejection_reason = models.CharField(_("不予救助原因"), max_length=500, blank=True)
    rejected_by = models.ForeignKey("orgs.Union", verbose_name=_("作出不予救助决定的工会"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # 复核: the worker asks once, with a reason; the union above the one that refused decides.
    review_union = models.ForeignKey("orgs.Union", verbose_name=_("复核工会"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="grant_reviews")
    review_reason = models.TextField(_("复核理由"), max_length=1000, blank=True)
    review_requested_on = models.DateField(_("申请复核日期"), null=True, blank=True)
    review_due = models.DateField(_("复核期限"), null=True, blank=True)
    review_outcome = models.CharField(_("复核结论"), max_length=12, choices=[
        ("upheld", _("维持原决定")), ("overturned", _("撤销原决定，重新办理"))], blank=True)
    review_note = models.TextField(_("复核意见"), max_length=1000, blank=True)
    review_decided_on = models.DateField(_("复核日期"), null=True, blank=True)
    payout = models.OneToOneField(Payout, verbose_name=_("代发记录"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="grant")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            # 金秋助学: one award per student per academic year, across every union.
            models.UniqueConstraint(fields=["student_id_index", "academic_year"], name="grant_one_school_award",
                                    condition=~Q(student_id_index="") & ~Q(status="rejected")),
        ]
        indexes = [models.Index(fields=["id_number_index", "year"], name="grant_person_year"),
                   models.Index(fields=["status", "notice_until"], name="grant_notice")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.program}"

    @property
    def name_masked(self) -> str:
        from gonghui.core.pii import mask_name

        return mask_name(self.name)

    @property
    def student_name_masked(self) -> str:
        from gonghui.core.pii import mask_name

        return mask_name(self.student_name)

    @property
    def student_level_label(self) -> str:
        return str(SchoolLevel(self.student_level).label) if self.student_level in SchoolLevel.values else ""

    @property
    def holder(self) -> Any:
        """The union whose move it is."""
        return self.approving_union if self.status == self.Status.NOTICE else self.union


class GrantObjection(models.Model):
    """An objection to a grant on notice; it reaches the approving union and stays with the grant."""

    grant = models.ForeignKey(Grant, verbose_name=_("救助申请"), on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("异议内容"), max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.at:%Y-%m-%d}"


class HardshipObjection(models.Model):
    """An objection to a hardship file on notice (公示). It stays with the file; the file's union
    answers it, and the file cannot be approved while an objection is unanswered."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("异议内容"), max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    answer = models.TextField(_("核实答复"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("建档公示异议")
        verbose_name_plural = _("建档公示异议")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.at:%Y-%m-%d}"


# 送温暖 campaigns live in their own file (this one is long enough); importing them here makes
# them models of this app.
from .relief_models import ReliefAllocation, ReliefCampaign, ReliefTarget  # noqa: E402, F401
from .school_models import EducationTier, GrantDocument, SchoolLevel  # noqa: E402, F401
