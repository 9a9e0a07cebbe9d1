"""Ledger helpers for tests: a funded tree and the invariants every test may assert."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from gonghui.assistance import services
from gonghui.assistance.models import FundAccount, LedgerEntry, LedgerTransaction
from tests.factories import Tree

SOURCE = "central"
DAY = dt.date(2025, 3, 10)


def funded(tree: Tree, *, fen: int = 1_000_000, source: str = SOURCE, day: dt.date = DAY) -> LedgerTransaction:
    """The province receives `fen` of one source."""
    return services.fund_receipt(union=tree.province, source=source, amount=fen, memo="2025 年中央专项资金",
                                 actor=tree.staff_a, booked_on=day)


def assert_books_sound() -> None:
    """Every transaction balances, all balances sum to zero, no guarded account below zero."""
    assert services.ledger_verify() == []
    assert (FundAccount.objects.aggregate(total=Sum("balance"))["total"] or 0) == 0
    assert (LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0
    assert not FundAccount.objects.filter(allow_negative=False, balance__lt=0).exists()
