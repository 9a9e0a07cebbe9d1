"""The fund ledger: double-entry books in integer fen, per union and fund source.

Accounts (`FundAccount`) belong to one union and one fund source; their kind says whether
the balance may go below zero. A `LedgerTransaction` moves money between accounts of one
fund source through two or more `LedgerEntry` legs (debit positive, credit negative) that
sum to zero. Ledger rows are append-only: a mistake is corrected by a reversing
transaction (`reverses`, at most once per transaction), never by an edit or a delete — the
models refuse it here, the database refuses it with triggers (migration 0002).

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
    """Ledger rows are written once: bulk updates and deletes are refused as well."""

    def update(self, **kwargs: Any) -> NoReturn:
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
        indexes = [models.Index(fields=["union_path", "month"], name="account_month_path_month")]

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
