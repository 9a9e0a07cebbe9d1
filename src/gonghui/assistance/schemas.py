"""API schemas of the fund ledger. Money is integer fen in every field named `*_fen`."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .models import FundSource

AmountFen = Field(..., gt=0, le=1_000_000_000_000, description="金额（分），1 到 1000000000000")
SOURCE_DESCRIPTION = "资金来源：" + ", ".join(f"{v}（{label}）" for v, label in FundSource.choices)


class FundAccountOut(Schema):
    id: int
    union_id: int
    union_name: str
    source: str
    source_label: str
    kind: str
    kind_label: str
    allow_negative: bool
    balance_fen: int


class AccountsOpenIn(Schema):
    union_id: int
    source: str = Field(..., max_length=16, description=SOURCE_DESCRIPTION)


class LegOut(Schema):
    account_id: int
    union_name: str
    kind: str
    amount_fen: int = Field(..., description="借方为正，贷方为负")


class LedgerTransactionOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    union_id: int
    union_name: str
    counterparty_id: int | None
    booked_on: dt.date
    amount_fen: int
    memo: str
    payee_name: str
    reverses_id: int | None
    reversed_by_id: int | None
    refund_of_id: int | None
    legs: list[LegOut]


class ReceiptIn(Schema):
    union_id: int
    source: str = Field(..., max_length=16, description=SOURCE_DESCRIPTION)
    amount_fen: int = AmountFen
    memo: str = Field(..., min_length=1, max_length=200)
    booked_on: dt.date | None = None


class AllocationIn(ReceiptIn):
    to_union_id: int


class DisbursementIn(ReceiptIn):
    payee_name: str = Field(..., min_length=1, max_length=60)


class RefundIn(Schema):
    amount_fen: int = AmountFen
    memo: str = Field(..., min_length=1, max_length=200)
    booked_on: dt.date | None = None


class ReversalIn(Schema):
    reason: str = Field(..., min_length=1, max_length=150)
    booked_on: dt.date | None = None


class PeriodCloseIn(Schema):
    union_id: int
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="会计期间，YYYY-MM")


class PeriodOut(Schema):
    union_id: int
    union_name: str
    month: str
    closed_at: dt.datetime


class BalanceOut(Schema):
    source: str
    source_label: str
    available_fen: int
    payable_fen: int
    funds_fen: int
    spent_fen: int
    received_fen: int


class StatementRowOut(Schema):
    label: str
    source: str
    opening_fen: int
    receipts_fen: int
    allocations_fen: int = Field(..., description="上级拨入减下拨给本范围以外的净额")
    spent_fen: int
    refunds_fen: int
    closing_fen: int


class StatementOut(Schema):
    union_id: int
    union_name: str
    month_from: str
    month_to: str
    subtree: bool
    rows: list[StatementRowOut]
    total: StatementRowOut
    children: list[StatementRowOut]
