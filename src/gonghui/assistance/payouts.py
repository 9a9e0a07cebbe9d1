"""Payouts: approved payments to beneficiaries' bank accounts, sent to the bank in batches.

- `payout_create` queues one payment; its idempotency key is unique in the database, so a
  retried or concurrent request with the same key gets the first payout back, never a second.
- `payment_batch_create` sends queued payouts of one union to the bank: each gets a line and
  a `payout` transaction (available → payable) in one database transaction.
- `payment_batch_file` is the bank's batch file (full account numbers: audited).
- `payment_return_import` applies the bank's return file: a paid line settles (`payout_settle`:
  payable → expense); a failed line's `payout` transaction is reversed (at most once: the
  ledger's one-to-one `reverses`) and its payout goes back to the queue with the bank's reason.
  The same file again, or a line already answered the same way, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.sequences import sequence_reserve
from gonghui.orgs.models import Union

from . import bank_files
from .models import AccountKind, PaymentBatch, PaymentLine, PaymentReturn, Payout, TransactionKind
from .services import (
    Leg,
    Posting,
    _memo_check,
    _source_check,
    amount_check,
    fund_accounts_open,
    ledger_post_many,
)

MAX_BATCH_LINES = 100_000


def bank_account_check(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-")
    if not digits.isdigit() or not 8 <= len(digits) <= 30:
        raise ValidationFailed(_("银行账号应为 8 到 30 位数字。"), code="invalid_bank_account", field="bank_account")
    return digits


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def payout_create(
    *, union: Union, source: str, amount: int, payee_name: str, bank_account: str, memo: str,
    idempotency_key: str, bank_name: str = "", beneficiary: Any = None, actor: Any = None,
) -> Payout:
    """Queue one approved payment. The same key again returns the first payout (also when both
    requests run at the same moment); the key reused for another payment is a 422."""
    amount = amount_check(amount)
    _source_check(source)
    memo = _memo_check(memo)
    payee_name = (payee_name or "").strip()
    if not payee_name or len(payee_name) > 60:
        raise ValidationFailed(_("请填写收款人姓名（不超过 60 个字）。"), code="payee_required", field="payee_name")
    bank_account = bank_account_check(bank_account)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 200:
        raise ValidationFailed(_("幂等键应为 1 到 200 个字符。"), code="idempotency_key_invalid",
                               field="idempotency_key")
    if union.status != Union.Status.ACTIVE:
        raise Conflict(_("该工会已撤销，不能发放。"), code="union_inactive")

    def same(existing: Payout) -> Payout:
        if (existing.union_id, existing.source, existing.amount, existing.payee_name) != (
                union.pk, source, amount, payee_name):
            raise ValidationFailed(_("该幂等键已用于另一笔代发，请换一个新的键。"), code="idempotency_key_reused",
                                   field="idempotency_key")
        return existing

    existing = Payout.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return same(existing)
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                union=union, union_path=union.path, source=source, amount=amount, payee_name=payee_name,
                bank_account=bank_account, bank_name=(bank_name or "").strip()[:60], memo=memo,
                beneficiary=beneficiary, idempotency_key=key, created_by=_actor(actor),
            )
            audit_record(actor=actor, action="payout.create", target=payout,
                         data={"amount": amount, "source": source, "union": union.pk})
    except IntegrityError:
        # The same key was inserted by a request running at the same moment: it won.
        existing = Payout.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return same(existing)
    return payout


def payout_cancel(*, payout: Payout, reason: str, actor: Any = None) -> Payout:
    """Take a queued payout off the queue (it was never sent, so no money moved)."""
    reason = _memo_check(reason)
    with transaction.atomic():
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        if locked.status != Payout.Status.QUEUED:
            raise Conflict(_("只有待发放的代发可以取消。"), code="payout_not_queued")
        locked.status = Payout.Status.CANCELLED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="payout.cancel", target=locked, reason=reason)
    return locked


def payout_bank_account_reveal(*, payout: Payout, actor: Any, reason: str) -> str:
    """The full account number, to a role allowed to see personal data; audited."""
    if not jurisdiction.has_action(actor, "reveal_pii", payout.union_path):
        raise PermissionDenied(_("您的角色不能查看完整个人信息。"), code="reveal_forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写查看原因。"), code="reason_required", field="reason")
    audit_record(actor=actor, action="payout.reveal.bank_account", target=payout, reason=reason[:500])
    return payout.bank_account


def payment_batch_create(
    *, union: Union, actor: Any = None, payout_ids: list[int] | None = None, booked_on: dt.date | None = None,
) -> PaymentBatch:
    """Send the union's queued payouts (all, or those named) to the bank as one batch."""
    with transaction.atomic():
        queued = Payout.objects.select_for_update().filter(union=union, status=Payout.Status.QUEUED).order_by("pk")
        if payout_ids is not None:
            queued = queued.filter(pk__in=payout_ids)
        payouts = list(queued[: MAX_BATCH_LINES + 1])
        if not payouts:
            raise ValidationFailed(_("没有待发放的代发记录。"), code="batch_empty")
        if len(payouts) > MAX_BATCH_LINES:
            raise ValidationFailed(_("一个批次最多 100000 笔。"), code="batch_too_large")
        year = timezone.localdate().year
        number = f"DF{year}{union.pk:06d}{sequence_reserve(f'payment_batch_{year}')[0]:06d}"
        batch = PaymentBatch.objects.create(union=union, union_path=union.path, number=number,
                                            created_by=_actor(actor))
        # One `payout` transaction per line (available → payable), booked together per fund source.
        numbered = list(enumerate(payouts, start=1))
        txn_of: dict[int, Any] = {}
        for source in sorted({p.source for p in payouts}):
            accounts = fund_accounts_open(union=union, source=source)
            mine = [(seq, p) for seq, p in numbered if p.source == source]
            txns = ledger_post_many(
                union=union, kind=TransactionKind.PAYOUT, source=source, actor=actor, booked_on=booked_on,
                postings=[Posting(
                    memo=_("代发 %(batch)s-%(seq)05d：%(memo)s") % {"batch": number, "seq": seq, "memo": p.memo},
                    payee_name=p.payee_name,
                    legs=[Leg(accounts[AccountKind.PAYABLE], p.amount), Leg(accounts[AccountKind.AVAILABLE], -p.amount)],
                ) for seq, p in mine],
            )
            txn_of.update({seq: txn for (seq, _p), txn in zip(mine, txns, strict=True)})
        lines = [PaymentLine(batch=batch, payout=p, seq=seq, amount=p.amount, payout_txn=txn_of[seq])
                 for seq, p in numbered]
        PaymentLine.objects.bulk_create(lines, batch_size=2000)
        Payout.objects.filter(pk__in=[p.pk for p in payouts]).update(status=Payout.Status.SENT)
        batch.count, batch.total = len(lines), sum(line.amount for line in lines)
        batch.save(update_fields=["count", "total"])
        audit_record(actor=actor, action="payout.batch.create", target=batch,
                     data={"count": batch.count, "total": batch.total})
    return batch


def payment_batch_file(*, batch: PaymentBatch, actor: Any, file_format: str = "xlsx") -> bytes:
    """The bank's batch file, XLSX or CSV. It carries full account numbers, so every download is
    audited."""
    if file_format not in ("xlsx", "csv"):
        raise ValidationFailed(_("文件格式只能是 xlsx 或 csv。"), code="invalid_format", field="format")
    lines = list(batch.lines.select_related("payout").order_by("seq"))
    audit_record(actor=actor, action="payout.batch.export", target=batch,
                 data={"count": len(lines), "format": file_format})
    if file_format == "csv":
        return bank_files.batch_write_csv(batch, lines)
    return bank_files.batch_write_xlsx(batch, lines)


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _column_set(model: Any, column: str, values: dict[int, int], size: int = 5000) -> None:
    """UPDATE one integer column of many rows from a VALUES list keyed by id (PostgreSQL and
    SQLite both take `WITH v(id, x) AS (VALUES …) UPDATE … FROM v`)."""
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(column)
    items = sorted(values.items())
    with connection.cursor() as cursor:
        for i in range(0, len(items), size):
            chunk = items[i:i + size]
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH v(row_id, value) AS (VALUES {rows}) "  # noqa: S608 — names from the model, values bound
                f"UPDATE {table} SET {col} = v.value FROM v WHERE {table}.id = v.row_id",
                [x for pair in chunk for x in pair],
            )


def payment_return_import(*, batch: PaymentBatch, upload: UploadedFile, actor: Any = None) -> tuple[PaymentReturn, bool]:
    """Apply the bank's return file; returns (the import, whether this file was new).

    The whole file is refused — nothing applied — when a row names no line of this batch,
    differs from it in account or amount, or contradicts an answer already applied.
    """
    content, digest = bank_files.return_file_check(upload)
    rows = bank_files.return_file_read(content)
    with transaction.atomic():
        # One import of a batch at a time: a second one waits, then sees what the first did.
        PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        seen = PaymentReturn.objects.filter(batch=batch, digest=digest).first()
        if seen is not None:
            return seen, False
        lines = {line.reference: line for line in batch.lines.select_related("payout", "payout_txn")}
        problems: list[str] = []
        done: set[str] = set()
        for row in rows:
            line = lines.get(row.reference)
            if line is None:
                problems.append(_("第 %(row)s 行：流水号 %(ref)s 不属于本批次") % {"row": row.row, "ref": row.reference})
            elif row.reference in done:
                problems.append(_("第 %(row)s 行：流水号 %(ref)s 重复") % {"row": row.row, "ref": row.reference})
            elif row.account != line.payout.bank_account or row.amount != line.amount:
                problems.append(_("第 %(row)s 行：账号或金额与批次不一致") % {"row": row.row})
            elif line.result != PaymentLine.Result.PENDING and (line.result == PaymentLine.Result.PAID) != row.paid:
                problems.append(_("第 %(row)s 行：该笔已回盘为“%(result)s”，不能更改")
                                % {"row": row.row, "result": line.get_result_display()})
            done.add(row.reference)
        if problems:
            raise ValidationFailed("；".join(problems[:20]) + "。", code="return_file_mismatch", field="file")
        now = timezone.now()
        today = timezone.localdate()
        pending = [(row, lines[row.reference]) for row in rows
                   if lines[row.reference].result == PaymentLine.Result.PENDING]
        unchanged = len(rows) - len(pending)
        settling = [line for row, line in pending if row.paid]
        failing = [(row, line) for row, line in pending if not row.paid]
        # Set-based, per fund source: paid lines settle (payable → expense) and failed lines'
        # `payout` transactions are reversed (available ← payable), each its own transaction,
        # booked together by `ledger_post_many` (one lock, one balance update per account).
        settle_txn: dict[int, Any] = {}
        for source in sorted({line.payout.source for _row, line in pending}):
            accounts = fund_accounts_open(union=batch.union, source=source)
            mine = [line for line in settling if line.payout.source == source]
            txns = ledger_post_many(
                union=batch.union, kind=TransactionKind.PAYOUT_SETTLE, source=source, actor=actor,
                postings=[Posting(memo=_("代发成功 %(ref)s") % {"ref": line.reference},
                                  payee_name=line.payout.payee_name,
                                  legs=[Leg(accounts[AccountKind.EXPENSE], line.amount),
                                        Leg(accounts[AccountKind.PAYABLE], -line.amount)]) for line in mine],
            )
            settle_txn.update({line.pk: txn.pk for line, txn in zip(mine, txns, strict=True)})
            back = [(row, line) for row, line in failing if line.payout.source == source]
            ledger_post_many(
                union=batch.union, kind=TransactionKind.PAYOUT, source=source, actor=actor,
                postings=[Posting(
                    memo=_("冲销 #%(id)s：%(reason)s") % {"id": line.payout_txn_id, "reason": _(
                        "银行退回 %(ref)s：%(reason)s") % {"ref": line.reference,
                                                       "reason": row.reason or _("银行未说明原因")}},
                    payee_name=line.payout.payee_name, reverses=line.payout_txn,
                    legs=[Leg(accounts[AccountKind.AVAILABLE], line.amount),
                          Leg(accounts[AccountKind.PAYABLE], -line.amount)]) for row, line in back],
            )
        # Lines and payouts: one UPDATE per distinct outcome, and the settling transaction of
        # each paid line written from a VALUES list (not a CASE per row).
        by_outcome: dict[tuple[bool, str], list[PaymentLine]] = defaultdict(list)
        for row, line in pending:
            by_outcome[(row.paid, row.reason)].append(line)
        for (is_paid, reason), group in by_outcome.items():
            for chunk in _chunks([line.pk for line in group]):
                PaymentLine.objects.filter(pk__in=chunk).update(
                    result=PaymentLine.Result.PAID if is_paid else PaymentLine.Result.FAILED,
                    bank_reason=reason, settled_at=now)
            payout_ids = [line.payout_id for line in group]
            for chunk in _chunks(payout_ids):
                if is_paid:
                    Payout.objects.filter(pk__in=chunk).update(status=Payout.Status.PAID, paid_on=today,
                                                               failure_reason="")
                else:
                    Payout.objects.filter(pk__in=chunk).update(
                        status=Payout.Status.QUEUED, failure_reason=reason or _("银行未说明原因"),
                        failures=F("failures") + 1)
        _column_set(PaymentLine, "settle_txn_id", settle_txn)
        paid, failed = len(settling), len(failing)
        if not batch.lines.filter(result=PaymentLine.Result.PENDING).exists():
            PaymentBatch.objects.filter(pk=batch.pk).update(status=PaymentBatch.Status.SETTLED)
        imported = PaymentReturn.objects.create(
            batch=batch, digest=digest, file_name=(upload.name or "")[-200:], paid=paid, failed=failed,
            unchanged=unchanged, imported_by=_actor(actor),
        )
        audit_record(actor=actor, action="payout.return.import", target=batch,
                     data={"paid": paid, "failed": failed, "unchanged": unchanged})
    return imported, True
