"""Concurrent requests on PostgreSQL: one idempotency key pays once, one transaction is
reversed once, and two spends of the same money cannot both succeed."""

from __future__ import annotations

import pytest

from gonghui.assistance import services
from gonghui.assistance.models import FundAccount, LedgerTransaction
from gonghui.core.errors import Conflict
from tests.assistance.helpers import assert_books_sound
from tests.concurrency import THREADS, postgres_only_fixture, race
from tests.factories import Tree

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
_postgres_only = postgres_only_fixture("row locks and concurrent transactions need PostgreSQL")


def test_twenty_concurrent_disbursements_with_one_idempotency_key_pay_once():
    tree = Tree()
    services.fund_receipt(union=tree.city_a, source="central", amount=10_000_00, memo="专项资金")
    results, errors = race(lambda i: services.fund_disburse(
        union=tree.city_a, source="central", amount=500_00, payee_name="张三", memo="生活救助",
        idempotency_key="payout-2025-0001",
    ).pk)
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert LedgerTransaction.objects.filter(kind="disbursement").count() == 1
    assert FundAccount.objects.get(union=tree.city_a, source="central", kind="available").balance == 9_500_00
    assert_books_sound()


def test_twenty_concurrent_reversals_of_one_transaction_reverse_it_once():
    tree = Tree()
    receipt = services.fund_receipt(union=tree.city_a, source="central", amount=100_00, memo="专项资金")
    results, errors = race(lambda i: services.ledger_transaction_reverse(txn=receipt, reason=f"更正{i}").pk)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, Conflict) for e in errors), errors
    assert LedgerTransaction.objects.filter(reverses=receipt).count() == 1
    assert_books_sound()


def test_twenty_concurrent_spends_never_overdraw():
    tree = Tree()
    services.fund_receipt(union=tree.city_a, source="central", amount=1000_00, memo="专项资金")
    results, errors = race(lambda i: services.fund_disburse(
        union=tree.city_a, source="central", amount=300_00, payee_name=f"职工{i}", memo="救助",
    ).pk)
    assert len(results) == 3
    assert all(isinstance(e, Conflict) and e.code == "insufficient_funds" for e in errors), errors
    assert FundAccount.objects.get(union=tree.city_a, source="central", kind="available").balance == 100_00
    assert_books_sound()


def test_twenty_concurrent_payout_requests_with_one_idempotency_key_give_one_payout():
    from gonghui.assistance import payouts
    from gonghui.assistance.models import Payout

    tree = Tree()
    results, errors = race(lambda i: payouts.payout_create(
        union=tree.city_a, source="central", amount=500_00, payee_name="张三", bank_account="6222021234567890123",
        memo="生活救助", idempotency_key="payout-key-1",
    ).pk)
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert Payout.objects.filter(idempotency_key="payout-key-1").count() == 1
