"""调整隶属关系 and the fund ledger: after a county moves from city A to city B, its books —
accounts, transactions, monthly totals, closed months — are visible to B's staff and no longer
to A's; balances and 收支表 are those of each city's current subtree; the totals still agree with
the legs; and the transaction rows stay append-only in the database except for the move's own
re-filing of their paths. The statistics keep each day with the tree of that day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from gonghui.assistance import selectors, services
from gonghui.assistance.figures import FIGURES
from gonghui.assistance.models import (
    AccountMonthTotal,
    FundAccount,
    LedgerPeriod,
    LedgerTransaction,
)
from gonghui.core.errors import Conflict, NotFound
from gonghui.orgs.models import Union
from gonghui.orgs.services import union_move
from gonghui.stats.models import Rollup
from gonghui.stats.services import snapshot_day
from tests.factories import Tree

from .helpers import SOURCE, assert_books_sound, funded

pytestmark = pytest.mark.django_db

SPENT_ON = dt.date(2025, 3, 6)


def _books(tree: Tree) -> LedgerTransaction:
    """Province 1,000 元 → city A 400 → county A 100; the county pays 30 and closes February."""
    funded(tree, fen=1000_00, day=dt.date(2025, 1, 5))
    services.fund_allocate(union=tree.province, to_union=tree.city_a, source=SOURCE, amount=400_00, memo="下拨",
                           booked_on=dt.date(2025, 2, 5))
    services.fund_allocate(union=tree.city_a, to_union=tree.county_a, source=SOURCE, amount=100_00, memo="下拨",
                           booked_on=dt.date(2025, 3, 5))
    paid = services.fund_disburse(union=tree.county_a, source=SOURCE, amount=30_00, payee_name="赵六", memo="救助",
                                  booked_on=SPENT_ON)
    services.ledger_period_close(union=tree.county_a, month=dt.date(2025, 2, 1))
    return paid


def _move(tree: Tree) -> Union:
    county = Union.objects.get(pk=tree.county_a.pk)
    return union_move(union=county, new_parent=tree.city_b, actor=tree.staff_a)


def _closing(union: Union) -> int:
    statement = selectors.income_statement(union=union, month_from=dt.date(2025, 1, 1),
                                           month_to=dt.date(2025, 12, 1))
    total = statement.total
    assert total.opening + total.receipts + total.allocations - total.spent + total.refunds == total.closing
    return total.closing


def test_the_new_parent_sees_the_moved_county_books_and_the_old_parent_does_not():
    tree = Tree()
    paid = _books(tree)
    county_accounts = list(FundAccount.objects.filter(union=tree.county_a).values_list("pk", flat=True))

    moved = _move(tree)

    a, b = tree.staff_a, tree.staff_b
    assert not selectors.fund_account_list_for_user(user=a).filter(union=moved).exists()
    assert set(selectors.fund_account_list_for_user(user=b).filter(union=moved).values_list("pk", flat=True)) \
        == set(county_accounts)
    for user, sees in ((a, False), (b, True)):
        if sees:
            assert selectors.ledger_transaction_get_for_user(user=user, transaction_id=paid.pk) == paid
            assert selectors.fund_account_get_for_user(user=user, fund_account_id=county_accounts[0])
        else:
            with pytest.raises(NotFound):
                selectors.ledger_transaction_get_for_user(user=user, transaction_id=paid.pk)
            with pytest.raises(NotFound):
                selectors.fund_account_get_for_user(user=user, fund_account_id=county_accounts[0])
        assert selectors.ledger_period_list_for_user(user=user).filter(union=moved).exists() is sees
    # Every path copy of the county's books now lies under city B.
    for model in (FundAccount, LedgerTransaction, AccountMonthTotal, LedgerPeriod):
        paths = set(model._default_manager.filter(union=moved).values_list("union_path", flat=True))
        assert paths == {moved.path}, model
    # The allocation city A made to the county: A's own booking, now reaching into B's subtree.
    allocation = LedgerTransaction.objects.get(union=tree.city_a, counterparty=moved)
    assert allocation.union_path == tree.city_a.path and allocation.counterparty_path == moved.path
    assert selectors.ledger_transaction_list_for_user(user=b).filter(pk=allocation.pk).exists()
    assert_books_sound()


def test_balances_and_statements_follow_the_current_tree_and_still_add_up():
    tree = Tree()
    _books(tree)
    province_before = _closing(tree.province)
    assert (_closing(tree.city_a), _closing(tree.city_b)) == (370_00, 0)

    moved = _move(tree)

    # City A keeps its own 300 元 (the 100 it passed down is now money that left its subtree);
    # city B's subtree holds the county's 70 元 for the whole year, from the opening on.
    assert (_closing(tree.city_a), _closing(tree.city_b)) == (300_00, 70_00)
    assert _closing(tree.province) == province_before
    city_b = selectors.income_statement(union=tree.city_b, month_from=dt.date(2025, 1, 1),
                                        month_to=dt.date(2025, 12, 1))
    assert (city_b.total.allocations, city_b.total.spent) == (100_00, 30_00)
    assert [line.closing for line in city_b.children if line.label == moved.name] == [70_00]
    assert sum(r.funds for r in selectors.fund_balances(union=tree.city_a)) == 300_00
    assert sum(r.funds for r in selectors.fund_balances(union=tree.city_b)) == 70_00
    assert sum(r.funds for r in selectors.fund_balances(union=tree.city_b, as_of=dt.date(2025, 3, 31))) == 70_00
    assert services.ledger_verify(union_path=tree.city_b.path) == []
    assert services.ledger_verify(union_path=tree.city_a.path) == []
    assert_books_sound()


def test_postings_after_the_move_are_filed_under_the_new_parent_even_from_a_stale_union():
    tree = Tree()
    _books(tree)
    stale = tree.county_a  # loaded before the move: its .path is the old one
    old_path = stale.path
    moved = _move(tree)
    assert stale.path == old_path != moved.path

    txn = services.fund_disburse(union=stale, source=SOURCE, amount=5_00, payee_name="钱七", memo="救助",
                                 booked_on=timezone.localdate())
    assert txn.union_path == moved.path
    assert not LedgerTransaction.objects.filter(union_path__startswith=old_path).exists()
    assert selectors.ledger_transaction_list_for_user(user=tree.staff_b).filter(pk=txn.pk).exists()
    assert not selectors.ledger_transaction_list_for_user(user=tree.staff_a).filter(pk=txn.pk).exists()
    # A closed month of the county still refuses entries after the move.
    with pytest.raises(Conflict):
        services.fund_disburse(union=moved, source=SOURCE, amount=1_00, payee_name="钱七", memo="救助",
                               booked_on=dt.date(2025, 2, 20))
    assert_books_sound()


def test_the_transactions_stay_append_only_apart_from_the_moves_refiling():
    tree = Tree()
    paid = _books(tree)
    moved = _move(tree)
    with pytest.raises(Conflict):  # the ORM: only the tree paths may be re-filed
        LedgerTransaction.objects.filter(pk=paid.pk).update(amount=1)
    with pytest.raises(Conflict):
        LedgerTransaction.objects.filter(pk=paid.pk).update(union_path=moved.path, memo="改")
    statements = [
        ("UPDATE assistance_ledgertransaction SET union_path = %s WHERE id = %s", [tree.city_a.path, paid.pk]),
        ("UPDATE assistance_ledgertransaction SET union_path = %s WHERE id = %s", [f"{moved.path}9/", paid.pk]),
        ("UPDATE assistance_ledgertransaction SET union_path = %s, amount = 1 WHERE id = %s", [moved.path, paid.pk]),
        ("UPDATE assistance_ledgertransaction SET memo = 'x' WHERE id = %s", [paid.pk]),
        ("UPDATE assistance_ledgertransaction SET counterparty_path = %s WHERE id = %s", [moved.path, paid.pk]),
    ]
    for sql, params in statements:
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # The one change the database takes: a path set to its union's current path (what a move writes).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assistance_ledgertransaction SET union_path = %s WHERE id = %s", [moved.path, paid.pk])
    paid.refresh_from_db()
    assert (paid.union_path, paid.amount, paid.memo) == (moved.path, 30_00, "救助")
    assert_books_sound()


def test_statistics_keep_the_days_before_the_move_with_the_old_parent():
    """The figures file each day along the tree of that day (stats.paths_on): the county's
    spending before the move stays in city A's figures (already reported), the spending after
    it counts for city B, and the province counts each once. The books are read on today's tree."""
    tree = Tree()
    _books(tree)
    moved = _move(tree)
    today = timezone.localdate()
    services.fund_disburse(union=moved, source=SOURCE, amount=5_00, payee_name="钱七", memo="救助", booked_on=today)
    funds_paid = [f for f in FIGURES if f.key == "assistance.funds_paid"]
    snapshot_day(SPENT_ON, figures=funds_paid, periods=False)
    snapshot_day(today, figures=funds_paid, periods=False)

    def value(union: Union, day: dt.date) -> int:
        row = Rollup.objects.filter(union=union, period="day", start=day, key="assistance.funds_paid", dim="").first()
        return row.value if row else 0

    assert (value(tree.city_a, SPENT_ON), value(tree.city_b, SPENT_ON)) == (30_00, 0)
    assert (value(tree.city_a, today), value(tree.city_b, today)) == (0, 5_00)
    assert (value(tree.province, SPENT_ON), value(tree.province, today)) == (30_00, 5_00)
