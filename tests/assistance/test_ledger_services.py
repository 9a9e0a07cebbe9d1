"""The fund ledger's services: balanced postings, allocation down the tree, disbursement,
refunds, reversal exactly once, period close, and the database refusing edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from gonghui.assistance import selectors, services
from gonghui.assistance.models import (
    AccountKind,
    FundAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from gonghui.assistance.services import Leg
from gonghui.core.errors import Conflict, ValidationFailed
from tests.assistance.helpers import DAY, SOURCE, assert_books_sound, funded
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def _available(union, source=SOURCE) -> int:
    return FundAccount.objects.get(union=union, source=source, kind=AccountKind.AVAILABLE).balance


def test_receipt_books_two_balanced_legs_and_moves_the_balance():
    tree = Tree()
    txn = funded(tree, fen=500_00)
    legs = sorted(txn.legs.values_list("amount", flat=True))
    assert legs == [-500_00, 500_00]
    assert txn.amount == 500_00 and txn.month == dt.date(2025, 3, 1)
    assert _available(tree.province) == 500_00
    assert_books_sound()


def test_allocation_goes_to_a_direct_child_only():
    tree = Tree()
    funded(tree, fen=1000_00)
    services.fund_allocate(union=tree.province, to_union=tree.city_a, source=SOURCE, amount=300_00,
                           memo="下拨甲市", booked_on=DAY)
    assert (_available(tree.province), _available(tree.city_a)) == (700_00, 300_00)
    with pytest.raises(ValidationFailed) as err:
        services.fund_allocate(union=tree.province, to_union=tree.county_a, source=SOURCE, amount=1,
                               memo="越级", booked_on=DAY)
    assert err.value.code == "not_a_child"
    assert_books_sound()


def test_spending_more_than_available_is_refused_with_the_balance_named():
    tree = Tree()
    funded(tree, fen=100_00)
    with pytest.raises(Conflict) as err:
        services.fund_disburse(union=tree.province, source=SOURCE, amount=100_01, payee_name="张三",
                               memo="生活救助", booked_on=DAY)
    assert err.value.code == "insufficient_funds" and "100.00" in str(err.value.message)
    assert LedgerTransaction.objects.count() == 1
    assert_books_sound()


def test_unbalanced_or_mixed_legs_are_refused_by_the_service():
    tree = Tree()
    accounts = services.fund_accounts_open(union=tree.province, source=SOURCE)
    donation = services.fund_accounts_open(union=tree.province, source="donation")
    cases = [
        [Leg(accounts["available"], 100), Leg(accounts["external"], -99)],
        [Leg(accounts["available"], 100)],
        [Leg(accounts["available"], 100), Leg(accounts["available"], -100)],
        [Leg(accounts["available"], 100), Leg(donation["external"], -100)],
        [Leg(accounts["available"], 0), Leg(accounts["external"], 0)],
    ]
    for legs in cases:
        with pytest.raises(ValidationFailed):
            services.ledger_post(union=tree.province, kind=TransactionKind.RECEIPT, source=SOURCE, legs=legs,
                                 memo="x", booked_on=DAY)
    assert LedgerTransaction.objects.count() == 0


def test_refund_returns_at_most_what_was_paid():
    tree = Tree()
    funded(tree, fen=1000_00)
    paid = services.fund_disburse(union=tree.province, source=SOURCE, amount=600_00, payee_name="李四",
                                  memo="医疗救助", booked_on=DAY)
    services.fund_refund(disbursement=paid, amount=200_00, memo="多发退回", booked_on=DAY)
    with pytest.raises(Conflict) as err:
        services.fund_refund(disbursement=paid, amount=400_01, memo="再退", booked_on=DAY)
    assert err.value.code == "refund_too_large"
    assert _available(tree.province) == 600_00
    statement = selectors.income_statement(union=tree.province, month_from=dt.date(2025, 1, 1),
                                           month_to=dt.date(2025, 12, 1))
    row = statement.rows[0]
    assert (row.opening, row.receipts, row.spent, row.refunds, row.closing) == (0, 1000_00, 600_00, 200_00, 600_00)
    assert_books_sound()


def test_reversal_mirrors_the_transaction_once_only():
    tree = Tree()
    receipt = funded(tree, fen=1000_00)
    reversal = services.ledger_transaction_reverse(txn=receipt, reason="金额录错", booked_on=DAY)
    assert sorted(reversal.legs.values_list("amount", flat=True)) == [-1000_00, 1000_00]
    assert reversal.reverses == receipt and _available(tree.province) == 0
    with pytest.raises(Conflict) as err:
        services.ledger_transaction_reverse(txn=receipt, reason="再冲", booked_on=DAY)
    assert err.value.code == "already_reversed"
    with pytest.raises(Conflict):
        services.ledger_transaction_reverse(txn=reversal, reason="冲销冲销", booked_on=DAY)
    assert_books_sound()


def test_reversing_an_allocation_the_child_already_spent_is_refused():
    tree = Tree()
    funded(tree, fen=1000_00)
    allocation = services.fund_allocate(union=tree.province, to_union=tree.city_a, source=SOURCE, amount=500_00,
                                        memo="下拨", booked_on=DAY)
    services.fund_disburse(union=tree.city_a, source=SOURCE, amount=400_00, payee_name="王五", memo="救助",
                           booked_on=DAY)
    with pytest.raises(Conflict) as err:
        services.ledger_transaction_reverse(txn=allocation, reason="撤回", booked_on=DAY)
    assert err.value.code == "insufficient_funds"
    assert_books_sound()


def test_a_closed_month_refuses_entries_with_a_chinese_error_and_earlier_months_too():
    tree = Tree()
    funded(tree, fen=1000_00)
    services.ledger_period_close(union=tree.province, month=dt.date(2025, 3, 1))
    for day in (DAY, dt.date(2025, 2, 1)):
        with pytest.raises(Conflict) as err:
            funded(tree, fen=1, day=day)
        assert err.value.code == "period_closed" and "不能再记账" in str(err.value.message)
    funded(tree, fen=1, day=dt.date(2025, 4, 1))
    # An allocation touches the child's books too: the child's closed month refuses it.
    services.ledger_period_close(union=tree.city_a, month=dt.date(2025, 4, 1))
    with pytest.raises(Conflict) as err:
        services.fund_allocate(union=tree.province, to_union=tree.city_a, source=SOURCE, amount=1, memo="下拨",
                               booked_on=dt.date(2025, 4, 2))
    assert tree.city_a.name in str(err.value.message)
    with pytest.raises(Conflict):
        services.ledger_period_close(union=tree.province, month=dt.date(2025, 2, 1))
    assert_books_sound()


def test_a_month_that_has_not_ended_cannot_be_closed():
    tree = Tree()
    with pytest.raises(ValidationFailed):
        services.ledger_period_close(union=tree.province, month=dt.date.today())


def test_ledger_rows_refuse_edit_and_delete_through_the_orm():
    tree = Tree()
    txn = funded(tree, fen=100)
    leg = txn.legs.first()
    for attempt in (lambda: txn.save(), lambda: txn.delete(), lambda: leg.save(), lambda: leg.delete(),
                    lambda: LedgerEntry.objects.filter(pk=leg.pk).update(amount=5),
                    lambda: LedgerTransaction.objects.all().delete()):
        with pytest.raises(Conflict):
            attempt()
    assert_books_sound()


def test_the_database_refuses_updates_of_ledger_rows():
    tree = Tree()
    txn = funded(tree, fen=100)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assistance_ledgerentry SET amount = amount * 2 WHERE transaction_id = %s", [txn.pk])
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assistance_ledgertransaction SET amount = 1 WHERE id = %s", [txn.pk])
    assert_books_sound()


def test_the_database_refuses_a_negative_balance_on_a_guarded_account():
    tree = Tree()
    accounts = services.fund_accounts_open(union=tree.province, source=SOURCE)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assistance_fundaccount SET balance = -1 WHERE id = %s", [accounts["available"].pk])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_refuses_an_unbalanced_transaction_at_commit_and_deletes():
    tree = Tree()
    accounts = services.fund_accounts_open(union=tree.province, source=SOURCE)
    with pytest.raises(IntegrityError), transaction.atomic():  # noqa: PT012 (the check runs at the last statement)
        txn = LedgerTransaction.objects.create(union=tree.province, union_path=tree.province.path, kind="receipt",
                                               source=SOURCE, booked_on=DAY, month=DAY.replace(day=1), amount=100,
                                               memo="手工插入")
        LedgerEntry.objects.create(transaction=txn, account=accounts["available"], amount=100, month=txn.month)
        LedgerEntry.objects.create(transaction=txn, account=accounts["external"], amount=-99, month=txn.month)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    good = funded(tree, fen=100)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assistance_ledgerentry WHERE transaction_id = %s", [good.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the good one passes the check
    assert_books_sound()


def test_balances_as_of_a_month_and_now_agree_with_the_statement():
    tree = Tree()
    funded(tree, fen=1000_00, day=dt.date(2025, 1, 5))
    services.fund_allocate(union=tree.province, to_union=tree.city_a, source=SOURCE, amount=400_00, memo="下拨",
                           booked_on=dt.date(2025, 2, 5))
    services.fund_allocate(union=tree.city_a, to_union=tree.county_a, source=SOURCE, amount=100_00, memo="下拨",
                           booked_on=dt.date(2025, 3, 5))
    services.fund_disburse(union=tree.county_a, source=SOURCE, amount=30_00, payee_name="赵六", memo="救助",
                           booked_on=dt.date(2025, 3, 6))
    city = selectors.fund_balances(union=tree.city_a)[0]
    assert (city.available, city.spent) == (370_00, 30_00)
    january = selectors.fund_balances(union=tree.city_a, as_of=dt.date(2025, 1, 31))
    assert january == []
    statement = selectors.income_statement(union=tree.city_a, month_from=dt.date(2025, 2, 1),
                                           month_to=dt.date(2025, 3, 1))
    row = statement.total
    assert (row.opening, row.receipts, row.allocations, row.spent, row.closing) == (0, 0, 400_00, 30_00, 370_00)
    march = selectors.income_statement(union=tree.city_a, month_from=dt.date(2025, 3, 1),
                                       month_to=dt.date(2025, 3, 1))
    assert (march.total.opening, march.total.allocations, march.total.closing) == (400_00, 0, 370_00)
    assert [(c.label, c.allocations, c.closing) for c in march.children] == [(tree.county_a.name, 100_00, 70_00)]
    whole = selectors.income_statement(union=tree.province, month_from=dt.date(2025, 1, 1),
                                       month_to=dt.date(2025, 12, 1))
    assert (whole.total.receipts, whole.total.allocations, whole.total.spent, whole.total.closing) == (
        1000_00, 0, 30_00, 970_00)


def test_post_many_books_one_balanced_transaction_each_and_refuses_all_when_funds_fall_short():
    from gonghui.assistance.models import AccountMonthTotal, LedgerTransaction
    from gonghui.assistance.services import Posting

    tree = Tree()
    funded(tree, fen=1000_00)  # the province: 1,000 元 available
    accounts = services.fund_accounts_open(union=tree.province, source=SOURCE)

    def pay(fen):
        return Posting(memo=f"代发 {fen}", payee_name="张三",
                       legs=[Leg(accounts["payable"], fen), Leg(accounts["available"], -fen)])

    before = LedgerTransaction.objects.count()
    with pytest.raises(Conflict) as exc:  # 600 + 500 > 1,000: nothing is booked
        services.ledger_post_many(union=tree.province, kind="payout", source=SOURCE, postings=[pay(600_00), pay(500_00)],
                                  booked_on=DAY)
    assert exc.value.code == "insufficient_funds" and LedgerTransaction.objects.count() == before
    txns = services.ledger_post_many(union=tree.province, kind="payout", source=SOURCE,
                                     postings=[pay(300_00), pay(200_00), pay(100_00)], booked_on=DAY)
    assert [t.amount for t in txns] == [300_00, 200_00, 100_00]
    assert all(sorted(t.legs.values_list("amount", flat=True)) == [-t.amount, t.amount] for t in txns)
    assert _available(tree.province) == 400_00
    payable = AccountMonthTotal.objects.get(account=accounts["payable"], txn_kind="payout")
    assert (payable.debit, payable.credit, payable.net) == (600_00, 0, 600_00)
    assert_books_sound()
