"""Every write to the fund ledger. One function, one database transaction.

`ledger_post` is the only function that writes legs. It guarantees, before anything is
stored: at least two legs, none zero, summing to zero, all of one fund source; every
account's period open; no account of a kind that may not go negative ends below zero
(accounts are row-locked in id order, so concurrent postings cannot both spend the same
fen). In the same transaction it moves `FundAccount.balance` and the monthly totals, and
writes the audit event. The other functions build the legs for one business operation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, ValidationFailed
from gonghui.core.money import fen_to_yuan
from gonghui.orgs.models import Union

from .models import (
    NEGATIVE_ALLOWED,
    AccountKind,
    AccountMonthTotal,
    FundAccount,
    FundSource,
    LedgerEntry,
    LedgerPeriod,
    LedgerTransaction,
    TransactionKind,
    month_start,
)

# 100 亿元: far above any one movement of assistance funds, far below a bigint's range.
MAX_AMOUNT_FEN = 1_000_000_000_000


@dataclass(frozen=True)
class Leg:
    account: FundAccount
    amount: int  # fen: debit > 0, credit < 0


def amount_check(amount: Any, *, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationFailed(_("金额必须是以分为单位的整数。"), code="invalid_amount", field=field)
    if amount <= 0:
        raise ValidationFailed(_("金额必须大于 0。"), code="invalid_amount", field=field)
    if amount > MAX_AMOUNT_FEN:
        raise ValidationFailed(_("金额超出允许范围（单笔不超过 100 亿元）。"), code="invalid_amount", field=field)
    return amount


def _source_check(source: str) -> str:
    if source not in FundSource.values:
        raise ValidationFailed(_("资金来源不正确。"), code="invalid_source", field="source")
    return source


def _booked_on_check(booked_on: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if booked_on is None:
        return today
    if booked_on > today:
        raise ValidationFailed(_("记账日期不能晚于今天。"), code="invalid_date", field="booked_on")
    if booked_on.year < 2000:
        raise ValidationFailed(_("记账日期不正确。"), code="invalid_date", field="booked_on")
    return booked_on


def _memo_check(memo: str) -> str:
    memo = (memo or "").strip()
    if not memo:
        raise ValidationFailed(_("请填写摘要。"), code="memo_required", field="memo")
    if len(memo) > 200:
        raise ValidationFailed(_("摘要不能超过 200 个字。"), code="memo_too_long", field="memo")
    return memo


def fund_accounts_open(*, union: Union, source: str, actor: Any = None) -> dict[str, FundAccount]:
    """The union's four accounts for one fund source, opened where missing (idempotent)."""
    _source_check(source)
    if union.status != Union.Status.ACTIVE:
        raise Conflict(_("该工会已撤销，不能开立资金账户。"), code="union_inactive")
    found: dict[str, FundAccount] = {a.kind: a for a in FundAccount.objects.filter(union=union, source=source)}
    missing = [kind for kind in AccountKind.values if kind not in found]
    if missing:
        with transaction.atomic():
            path = Union.objects.values_list("path", flat=True).get(pk=union.pk)  # not a stale copy
            for kind in missing:
                try:
                    with transaction.atomic():
                        found[kind] = FundAccount.objects.create(
                            union=union, union_path=path, source=source, kind=kind,
                            allow_negative=kind in NEGATIVE_ALLOWED,
                        )
                except IntegrityError:  # opened at the same moment by another request
                    found[kind] = FundAccount.objects.get(union=union, source=source, kind=kind)
            audit_record(actor=actor, action="ledger.accounts_open", target=union,
                         data={"source": source, "kinds": missing})
    return found


def ledger_closed_through(*, union_id: int) -> dt.date | None:
    """The last closed month of the union's books (every month up to it is closed)."""
    return (
        LedgerPeriod.objects.filter(union_id=union_id).order_by("-month").values_list("month", flat=True).first()
    )


def _refuse_closed(accounts: Sequence[FundAccount], month: dt.date) -> None:
    closed = (
        LedgerPeriod.objects.filter(union_id__in={a.union_id for a in accounts}, month__gte=month)
        .select_related("union").order_by("union_id", "-month").first()
    )
    if closed is not None:
        raise Conflict(
            _("%(union)s 的账已结至 %(closed)s，%(month)s 不能再记账；请记入未结账的月份。")
            % {"union": closed.union.name, "closed": f"{closed.month:%Y-%m}", "month": f"{month:%Y-%m}"},
            code="period_closed", field="booked_on",
        )


def _month_totals_add(accounts: dict[int, FundAccount], deltas: dict[int, int], month: dt.date, kind: str) -> None:
    for account_id, delta in deltas.items():
        debit, credit = (delta, 0) if delta > 0 else (0, -delta)
        _month_total_add(accounts[account_id], debit, credit, month, kind)


def _month_total_add(account: FundAccount, debit: int, credit: int, month: dt.date, kind: str) -> None:
    if not debit and not credit:
        return
    lookup = {"account_id": account.pk, "month": month, "txn_kind": kind}
    changes = {"debit": F("debit") + debit, "credit": F("credit") + credit, "net": F("net") + debit - credit}
    if AccountMonthTotal.objects.filter(**lookup).update(**changes):
        return
    try:
        with transaction.atomic():
            AccountMonthTotal.objects.create(
                **lookup, union_id=account.union_id, union_path=account.union_path, source=account.source,
                account_kind=account.kind, debit=debit, credit=credit, net=debit - credit,
            )
    except IntegrityError:  # the account rows are locked, so only a retry gets here
        AccountMonthTotal.objects.filter(**lookup).update(**changes)


def _legs_check(legs: Sequence[Leg], source: str) -> tuple[dict[int, int], dict[int, FundAccount], int]:
    """Net amount per account of a balanced set of legs, the accounts, and the debits' sum."""
    if len(legs) < 2:
        raise ValidationFailed(_("一笔凭证至少要有借贷两方。"), code="unbalanced")
    deltas: dict[int, int] = defaultdict(int)
    accounts_by_id: dict[int, FundAccount] = {}
    for leg in legs:
        if isinstance(leg.amount, bool) or not isinstance(leg.amount, int) or leg.amount == 0:
            raise ValidationFailed(_("分录金额必须是非零的整数（分）。"), code="invalid_amount")
        if leg.account.source != source:
            raise ValidationFailed(_("一笔凭证只能在同一资金来源的账户之间记账。"), code="mixed_sources")
        deltas[leg.account.pk] += leg.amount
        accounts_by_id[leg.account.pk] = leg.account
    if sum(deltas.values()) != 0:
        raise ValidationFailed(_("借贷不平衡：借方合计必须等于贷方合计。"), code="unbalanced")
    deltas = {pk: d for pk, d in deltas.items() if d != 0}
    if len(deltas) < 2:
        raise ValidationFailed(_("一笔凭证至少要有借贷两方。"), code="unbalanced")
    amount = sum(d for d in deltas.values() if d > 0)
    if amount > MAX_AMOUNT_FEN:
        raise ValidationFailed(_("金额超出允许范围（单笔不超过 100 亿元）。"), code="invalid_amount", field="amount")
    return deltas, accounts_by_id, amount


def _funds_check(locked: dict[int, FundAccount], deltas: dict[int, int]) -> None:
    for pk, delta in deltas.items():
        account = locked[pk]
        if not account.allow_negative and account.balance + delta < 0:
            raise Conflict(
                _("%(account)s 余额不足：现有 %(balance)s 元，本笔需要 %(need)s 元。")
                % {"account": account, "balance": fen_to_yuan(account.balance), "need": fen_to_yuan(-delta)},
                code="insufficient_funds", field="amount",
            )


def _current_path(union_id: int, locked: dict[int, FundAccount]) -> str:
    """The union's tree path as the database has it now. Read after the accounts are locked:
    a union move (orgs.union_move) re-files the accounts before the transactions, so a posting
    that waited for it sees the new path, and one it waited for is re-filed by it."""
    for account in locked.values():
        if account.union_id == union_id:
            return account.union_path
    return Union.objects.values_list("path", flat=True).get(pk=union_id)


@dataclass(frozen=True)
class Posting:
    """One transaction of a `ledger_post_many` call."""

    legs: Sequence[Leg]
    memo: str
    payee_name: str = ""
    reverses: LedgerTransaction | None = None  # a reversal: the transaction it mirrors (at most once)


def ledger_post_many(
    *, union: Union, kind: str, source: str, postings: Sequence[Posting], actor: Any = None,
    booked_on: dt.date | None = None,
) -> list[LedgerTransaction]:
    """Book many balanced transactions of one union, kind, source and day at once (a payment
    batch): the same checks and rows as `ledger_post` for each — its own transaction and legs —
    but the accounts are locked once, funds are checked against the sum of all postings (all or
    nothing), and balances and monthly totals are updated once per account. Returns the
    transactions in the order given. One audit event for the whole set."""
    if kind not in TransactionKind.values:
        raise ValidationFailed(_("业务类型不正确。"), code="invalid_kind")
    _source_check(source)
    booked_on = _booked_on_check(booked_on)
    month = month_start(booked_on)
    checked = []
    total: dict[int, int] = defaultdict(int)
    accounts_by_id: dict[int, FundAccount] = {}
    for posting in postings:
        deltas, accounts, amount = _legs_check(posting.legs, source)
        checked.append((posting, _memo_check(posting.memo), deltas, amount))
        accounts_by_id.update(accounts)
        for pk, delta in deltas.items():
            total[pk] += delta
    if not checked:
        return []
    total = {pk: d for pk, d in total.items() if d != 0}
    with transaction.atomic():
        locked = {a.pk: a for a in FundAccount.objects.select_for_update().filter(pk__in=accounts_by_id)
                  .order_by("pk")}
        _refuse_closed(list(locked.values()), month)
        _funds_check(locked, total)
        mirrored = [p.reverses.pk for p, _m, _d, _a in checked if p.reverses is not None]
        if any(p.reverses is not None and p.reverses.is_reversal for p, _m, _d, _a in checked):
            raise Conflict(_("冲销凭证不能再冲销；如需恢复，请重新记账。"), code="reversal_of_reversal")
        if mirrored and (len(set(mirrored)) != len(mirrored)
                         or LedgerTransaction.objects.filter(reverses__in=mirrored).exists()):
            raise Conflict(_("该凭证已冲销过，不能重复冲销。"), code="already_reversed")
        created_by = actor if getattr(actor, "is_authenticated", False) else None
        union_path = _current_path(union.pk, locked)
        txns = LedgerTransaction.objects.bulk_create([
            LedgerTransaction(union=union, union_path=union_path, counterparty_path="", kind=kind, source=source,
                              booked_on=booked_on, month=month, amount=amount, memo=memo,
                              payee_name=posting.payee_name[:60], created_by=created_by,
                              reverses=posting.reverses)
            for posting, memo, _deltas, amount in checked
        ], batch_size=1000)
        if any(t.pk is None for t in txns):  # a backend that does not return ids from bulk inserts
            raise RuntimeError("bulk_create returned no primary keys")
        LedgerEntry.objects.bulk_create([
            LedgerEntry(transaction=txn, account_id=pk, amount=delta, month=month)
            for txn, (_posting, _memo, deltas, _amount) in zip(txns, checked, strict=True)
            for pk, delta in deltas.items()
        ], batch_size=2000)
        for pk, delta in total.items():
            FundAccount.objects.filter(pk=pk).update(balance=F("balance") + delta)
        # Monthly totals split debit and credit per account, summed over every posting.
        for pk in accounts_by_id:
            debit = sum(d for _p, _m, deltas, _a in checked for a, d in deltas.items() if a == pk and d > 0)
            credit = -sum(d for _p, _m, deltas, _a in checked for a, d in deltas.items() if a == pk and d < 0)
            _month_total_add(locked[pk], debit, credit, month, kind)
        audit_record(actor=actor, action="ledger.post_many", target=union,
                     data={"kind": kind, "source": source, "count": len(txns),
                           "amount": sum(a for _p, _m, _d, a in checked)})
    return txns


def ledger_post(
    *,
    union: Union,
    kind: str,
    source: str,
    legs: Sequence[Leg],
    memo: str,
    actor: Any = None,
    booked_on: dt.date | None = None,
    counterparty: Union | None = None,
    payee_name: str = "",
    reverses: LedgerTransaction | None = None,
    refund_of: LedgerTransaction | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Book one balanced transaction (see the module docstring for what is guaranteed).

    With an `idempotency_key` a second call with the same key returns the first
    transaction instead of booking again, also when both calls run at the same moment.
    """
    if kind not in TransactionKind.values:
        raise ValidationFailed(_("业务类型不正确。"), code="invalid_kind")
    _source_check(source)
    memo = _memo_check(memo)
    booked_on = _booked_on_check(booked_on)
    month = month_start(booked_on)
    deltas, accounts_by_id, amount = _legs_check(legs, source)

    with transaction.atomic():
        # Lock in id order: two postings over the same accounts wait for each other, never deadlock.
        locked = {a.pk: a for a in FundAccount.objects.select_for_update().filter(pk__in=deltas).order_by("pk")}
        if idempotency_key:
            existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if (existing.union_id, existing.kind, existing.source, existing.amount) != (
                        union.pk, kind, source, amount):
                    raise ValidationFailed(_("该幂等键已用于另一笔业务，请换一个新的键。"),
                                           code="idempotency_key_reused")
                return existing
        _refuse_closed(list(locked.values()), month)
        _funds_check(locked, deltas)
        txn = LedgerTransaction.objects.create(
            union=union, union_path=_current_path(union.pk, locked), counterparty=counterparty,
            counterparty_path=_current_path(counterparty.pk, locked) if counterparty else "",
            kind=kind, source=source,
            booked_on=booked_on, month=month, amount=amount, memo=memo, payee_name=payee_name[:60],
            reverses=reverses, refund_of=refund_of, idempotency_key=idempotency_key or None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        LedgerEntry.objects.bulk_create(
            [LedgerEntry(transaction=txn, account_id=pk, amount=delta, month=month) for pk, delta in deltas.items()]
        )
        for pk, delta in deltas.items():
            FundAccount.objects.filter(pk=pk).update(balance=F("balance") + delta)
        _month_totals_add(locked, deltas, month, kind)
        audit_record(actor=actor, action="ledger.post", target=txn,
                     data={"kind": kind, "source": source, "amount": amount, "union": union.pk})
    return txn


def _accounts(union: Union, source: str) -> dict[str, FundAccount]:
    return fund_accounts_open(union=union, source=source)


def fund_receipt(
    *, union: Union, source: str, amount: int, memo: str, actor: Any = None, booked_on: dt.date | None = None,
) -> LedgerTransaction:
    """Money received from outside the books (an appropriation, a donation) into the union's funds."""
    amount = amount_check(amount)
    accounts = _accounts(union, source)
    return ledger_post(
        union=union, kind=TransactionKind.RECEIPT, source=source, memo=memo, actor=actor, booked_on=booked_on,
        legs=[Leg(accounts[AccountKind.AVAILABLE], amount), Leg(accounts[AccountKind.EXTERNAL], -amount)],
    )


def fund_allocate(
    *, union: Union, to_union: Union, source: str, amount: int, memo: str, actor: Any = None,
    booked_on: dt.date | None = None,
) -> LedgerTransaction:
    """A union passes funds of one source down to one of its direct child unions."""
    amount = amount_check(amount)
    if to_union.parent_id != union.pk:
        raise ValidationFailed(_("只能下拨给直属下级工会。"), code="not_a_child", field="to_union_id")
    if to_union.status != Union.Status.ACTIVE:
        raise ValidationFailed(_("该下级工会已撤销，不能下拨。"), code="union_inactive", field="to_union_id")
    mine, theirs = _accounts(union, source), _accounts(to_union, source)
    return ledger_post(
        union=union, kind=TransactionKind.ALLOCATION, source=source, memo=memo, actor=actor, booked_on=booked_on,
        counterparty=to_union,
        legs=[Leg(theirs[AccountKind.AVAILABLE], amount), Leg(mine[AccountKind.AVAILABLE], -amount)],
    )


def fund_disburse(
    *, union: Union, source: str, amount: int, payee_name: str, memo: str, actor: Any = None,
    booked_on: dt.date | None = None, idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Assistance paid to a beneficiary out of the union's available funds."""
    amount = amount_check(amount)
    payee_name = (payee_name or "").strip()
    if not payee_name or len(payee_name) > 60:
        raise ValidationFailed(_("请填写收款人姓名（不超过 60 个字）。"), code="payee_required", field="payee_name")
    accounts = _accounts(union, source)
    return ledger_post(
        union=union, kind=TransactionKind.DISBURSEMENT, source=source, memo=memo, actor=actor,
        booked_on=booked_on, payee_name=payee_name, idempotency_key=idempotency_key,
        legs=[Leg(accounts[AccountKind.EXPENSE], amount), Leg(accounts[AccountKind.AVAILABLE], -amount)],
    )


REFUNDABLE = (TransactionKind.DISBURSEMENT, TransactionKind.PAYOUT_SETTLE)


def fund_refund(
    *, disbursement: LedgerTransaction, amount: int, memo: str, actor: Any = None, booked_on: dt.date | None = None,
) -> LedgerTransaction:
    """A beneficiary returns (part of) a disbursement: back into the union's available funds."""
    amount = amount_check(amount)
    if disbursement.kind not in REFUNDABLE or disbursement.is_reversal:
        raise ValidationFailed(_("只有帮扶支出可以退回。"), code="not_refundable")
    union = disbursement.union
    accounts = _accounts(union, disbursement.source)
    with transaction.atomic():
        # Lock the expense account first: two refunds of one disbursement are counted one at a time.
        FundAccount.objects.select_for_update().filter(pk=accounts[AccountKind.EXPENSE].pk).get()
        if LedgerTransaction.objects.filter(reverses=disbursement).exists():
            raise Conflict(_("该支出已冲销，不能再退回。"), code="already_reversed")
        refunded = (
            disbursement.refunds.filter(reversal__isnull=True).aggregate(total=Sum("amount"))["total"] or 0
        )
        if refunded + amount > disbursement.amount:
            raise Conflict(
                _("退回金额超过原支出：原支出 %(paid)s 元，已退回 %(back)s 元。")
                % {"paid": fen_to_yuan(disbursement.amount), "back": fen_to_yuan(refunded)},
                code="refund_too_large", field="amount",
            )
        return ledger_post(
            union=union, kind=TransactionKind.REFUND, source=disbursement.source, memo=memo, actor=actor,
            booked_on=booked_on, payee_name=disbursement.payee_name, refund_of=disbursement,
            legs=[Leg(accounts[AccountKind.AVAILABLE], amount), Leg(accounts[AccountKind.EXPENSE], -amount)],
        )


def ledger_transaction_reverse(
    *, txn: LedgerTransaction, reason: str, actor: Any = None, booked_on: dt.date | None = None,
) -> LedgerTransaction:
    """Correct a transaction by booking its exact mirror (into an open month); at most once."""
    reason = _memo_check(reason)
    if txn.is_reversal:
        raise Conflict(_("冲销凭证不能再冲销；如需恢复，请重新记账。"), code="reversal_of_reversal")
    with transaction.atomic():
        legs = list(txn.legs.select_related("account"))
        # Lock the accounts before looking for an earlier reversal: a second reversal racing
        # this one waits here, then finds it (the one-to-one column refuses it regardless).
        list(FundAccount.objects.select_for_update().filter(pk__in=[leg.account_id for leg in legs]).order_by("pk"))
        if LedgerTransaction.objects.filter(reverses=txn).exists():
            raise Conflict(_("该凭证已冲销过，不能重复冲销。"), code="already_reversed")
        if txn.refunds.filter(reversal__isnull=True).exists():
            raise Conflict(_("该支出有未冲销的退回，请先冲销退回凭证。"), code="has_refunds")
        try:
            with transaction.atomic():
                return ledger_post(
                    union=txn.union, kind=txn.kind, source=txn.source, actor=actor, booked_on=booked_on,
                    memo=_("冲销 #%(id)s：%(reason)s") % {"id": txn.pk, "reason": reason},
                    counterparty=txn.counterparty, payee_name=txn.payee_name, reverses=txn,
                    legs=[Leg(leg.account, -leg.amount) for leg in legs],
                )
        except IntegrityError as exc:
            raise Conflict(_("该凭证已冲销过，不能重复冲销。"), code="already_reversed") from exc


def ledger_period_close(*, union: Union, month: dt.date, actor: Any = None) -> LedgerPeriod:
    """Close the union's books up to and including `month` (a month that has ended)."""
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationFailed(_("只能对已经结束的月份结账。"), code="period_not_ended", field="month")
    with transaction.atomic():
        # The same locks a posting takes: a posting and a close of one union run one after the other.
        locked = {a.pk: a for a in FundAccount.objects.select_for_update().filter(union=union).order_by("pk")}
        closed = ledger_closed_through(union_id=union.pk)
        if closed is not None and closed >= month:
            raise Conflict(_("%(month)s 已结账。") % {"month": f"{closed:%Y-%m}"}, code="period_closed")
        period = LedgerPeriod.objects.create(union=union, union_path=_current_path(union.pk, locked), month=month,
                                             closed_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(actor=actor, action="ledger.period_close", target=union, data={"month": f"{month:%Y-%m}"})
    return period


def ledger_verify(*, union_path: str = "") -> list[str]:
    """Problems found by recomputing the books from their legs (empty when they are sound):
    unbalanced transactions, balances and monthly totals that differ from the legs."""
    problems: list[str] = []
    txns = LedgerTransaction.objects.all()
    entries = LedgerEntry.objects.all()
    accounts = FundAccount.objects.all()
    if union_path:
        txns = txns.filter(union_path__startswith=union_path)
        entries = entries.filter(account__union_path__startswith=union_path)
        accounts = accounts.filter(union_path__startswith=union_path)
    unbalanced = (
        txns.annotate(total=Sum("legs__amount"), debits=Sum("legs__amount", filter=Q(legs__amount__gt=0)))
        .exclude(total=0, debits=F("amount")).values_list("pk", flat=True)
    )
    problems += [f"transaction {pk} does not balance" for pk in unbalanced]
    sums = dict(entries.values_list("account_id").annotate(total=Sum("amount")))
    for account_id, balance, allow_negative in accounts.values_list("pk", "balance", "allow_negative"):
        if balance != sums.get(account_id, 0):
            problems.append(f"account {account_id}: balance {balance} but legs sum to {sums.get(account_id, 0)}")
        if balance < 0 and not allow_negative:
            problems.append(f"account {account_id} is below zero")
    by_key: dict[tuple[int, dt.date, str], int] = defaultdict(int)
    for account_id, month, kind, amount in entries.values_list("account_id", "month", "transaction__kind", "amount"):
        by_key[(account_id, month, kind)] += amount
    totals = AccountMonthTotal.objects.all()
    if union_path:
        totals = totals.filter(union_path__startswith=union_path)
    stored = {(t.account_id, t.month, t.txn_kind): t.net for t in totals}
    for key in set(by_key) | set(stored):
        if by_key.get(key, 0) != stored.get(key, 0):
            problems.append(f"monthly total {key}: stored {stored.get(key, 0)}, legs {by_key.get(key, 0)}")
    return problems
