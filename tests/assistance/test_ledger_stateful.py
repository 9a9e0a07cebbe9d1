# ruff: noqa: PT017 (a state machine checks the refusals it expected, inside its own steps)
"""The ledger's invariants under any sequence of operations, including ones that fail halfway.

A hypothesis state machine books receipts, allocations down the tree, disbursements, refunds
and reversals, and closes months, on four unions and two fund sources. Some steps have a fault
injected inside the database transaction (the audit write raises after the legs and balances
are written, or the caller's own transaction raises after the service returned): such a step
must leave no trace. A plain model of the books predicts which operations succeed; after every
step the database must agree with it, every transaction must balance, all balances must sum
to zero, no account of a kind that may not go negative may be below zero, and a posting into
a closed month must have been refused. Runs on SQLite and on PostgreSQL (1,000 sequences).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gonghui.assistance import services
from gonghui.assistance.models import FundAccount, LedgerTransaction
from gonghui.core.errors import Conflict
from tests.factories import Tree

pytestmark = pytest.mark.django_db

SOURCES = ("central", "donation")
MONTHS = tuple(dt.date(2025, m, 1) for m in range(1, 7))
FAULTS = (None, None, "audit", "after")
AMOUNTS = st.integers(min_value=1, max_value=50_000)


class Injected(Exception):
    pass


@dataclass
class Booked:
    txn_id: int
    kind: str
    union: str
    source: str
    amount: int
    to: str = ""
    reversed: bool = False
    refunded: int = 0
    refund_of: int | None = None
    is_reversal: bool = False


@dataclass
class Model:
    """What the books should say: available and spent per (union, source), closed months."""

    available: dict[tuple[str, str], int] = field(default_factory=dict)
    spent: dict[tuple[str, str], int] = field(default_factory=dict)
    closed: dict[str, dt.date] = field(default_factory=dict)
    booked: list[Booked] = field(default_factory=list)

    def avail(self, union: str, source: str) -> int:
        return self.available.get((union, source), 0)

    def move(self, union: str, source: str, delta: int, *, spent: int = 0) -> None:
        self.available[(union, source)] = self.avail(union, source) + delta
        self.spent[(union, source)] = self.spent.get((union, source), 0) + spent

    def is_closed(self, month: dt.date, *unions: str) -> bool:
        return any(u in self.closed and self.closed[u] >= month for u in unions)


def build_machine(tree: Tree) -> type[RuleBasedStateMachine]:
    unions = {"province": tree.province, "city_a": tree.city_a, "county_a": tree.county_a, "city_b": tree.city_b}
    children = {"province": ("city_a", "city_b"), "city_a": ("county_a",), "county_a": (), "city_b": ()}
    edges = [(p, c) for p, cs in children.items() for c in cs]

    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.model = Model()

        def teardown(self) -> None:
            try:
                assert services.ledger_verify() == []
            finally:
                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)

        # --- running one operation, with or without a fault ----------------------------------

        def _run(self, call, *, fault, expect_ok: bool, closed: bool):  # noqa: ANN001, ANN202
            before = LedgerTransaction.objects.count()
            try:
                with transaction.atomic():
                    if fault == "audit":
                        with mock.patch.object(services, "audit_record", side_effect=Injected("audit down")):
                            result = call()
                    else:
                        result = call()
                    if fault == "after":
                        raise Injected("caller failed after the service returned")
            except Injected:
                assert LedgerTransaction.objects.count() == before
                return None
            except Conflict as exc:
                assert LedgerTransaction.objects.count() == before
                if closed:
                    assert exc.code == "period_closed", exc.code
                    assert "不能再记账" in str(exc.message)
                else:
                    assert not expect_ok, f"refused unexpectedly: {exc.code} {exc.message}"
                return None
            assert not closed, "a closed month took an entry"
            assert expect_ok, "booked although the model expected a refusal"
            if fault == "audit":  # audit_record is only reached when booking: it must have raised
                raise AssertionError("the injected audit fault did not fire")
            return result

        # --- rules -----------------------------------------------------------------------------

        @rule(union=st.sampled_from(sorted(unions)), source=st.sampled_from(SOURCES), amount=AMOUNTS,
              month=st.sampled_from(MONTHS), fault=st.sampled_from(FAULTS))
        def receive(self, union, source, amount, month, fault):  # noqa: ANN001, ANN201
            closed = self.model.is_closed(month, union)
            txn = self._run(lambda: services.fund_receipt(union=unions[union], source=source, amount=amount,
                                                           memo="入账", booked_on=month),
                            fault=fault, expect_ok=not closed, closed=closed)
            if txn is not None:
                self.model.move(union, source, amount)
                self.model.booked.append(Booked(txn.pk, "receipt", union, source, amount))

        @rule(edge=st.sampled_from(edges), source=st.sampled_from(SOURCES), amount=AMOUNTS,
              month=st.sampled_from(MONTHS), fault=st.sampled_from(FAULTS))
        def allocate(self, edge, source, amount, month, fault):  # noqa: ANN001, ANN201
            parent, child = edge
            closed = self.model.is_closed(month, parent, child)
            ok = not closed and self.model.avail(parent, source) >= amount
            txn = self._run(lambda: services.fund_allocate(union=unions[parent], to_union=unions[child], source=source,
                                                            amount=amount, memo="下拨", booked_on=month),
                            fault=fault, expect_ok=ok, closed=closed)
            if txn is not None:
                self.model.move(parent, source, -amount)
                self.model.move(child, source, amount)
                self.model.booked.append(Booked(txn.pk, "allocation", parent, source, amount, to=child))

        @rule(union=st.sampled_from(sorted(unions)), source=st.sampled_from(SOURCES), amount=AMOUNTS,
              month=st.sampled_from(MONTHS), fault=st.sampled_from(FAULTS))
        def disburse(self, union, source, amount, month, fault):  # noqa: ANN001, ANN201
            closed = self.model.is_closed(month, union)
            ok = not closed and self.model.avail(union, source) >= amount
            txn = self._run(lambda: services.fund_disburse(union=unions[union], source=source, amount=amount,
                                                            payee_name="张三", memo="救助", booked_on=month),
                            fault=fault, expect_ok=ok, closed=closed)
            if txn is not None:
                self.model.move(union, source, -amount, spent=amount)
                self.model.booked.append(Booked(txn.pk, "disbursement", union, source, amount))

        @rule(pick=st.integers(min_value=0, max_value=10_000), amount=AMOUNTS, month=st.sampled_from(MONTHS),
              fault=st.sampled_from(FAULTS))
        def refund(self, pick, amount, month, fault):  # noqa: ANN001, ANN201
            paid = [b for b in self.model.booked if b.kind == "disbursement" and not b.is_reversal]
            if not paid:
                return
            target = paid[pick % len(paid)]
            closed = self.model.is_closed(month, target.union)
            ok = not closed and not target.reversed and target.refunded + amount <= target.amount
            disbursement = LedgerTransaction.objects.get(pk=target.txn_id)
            if target.reversed:  # refused before the month is looked at
                closed = False
            txn = self._run(lambda: services.fund_refund(disbursement=disbursement, amount=amount, memo="退回",
                                                          booked_on=month),
                            fault=fault, expect_ok=ok, closed=closed and target.refunded + amount <= target.amount)
            if txn is not None:
                target.refunded += amount
                self.model.move(target.union, target.source, amount, spent=-amount)
                self.model.booked.append(Booked(txn.pk, "refund", target.union, target.source, amount,
                                                refund_of=target.txn_id))

        @rule(pick=st.integers(min_value=0, max_value=10_000), month=st.sampled_from(MONTHS),
              fault=st.sampled_from(FAULTS))
        def reverse(self, pick, month, fault):  # noqa: ANN001, ANN201
            if not self.model.booked:
                return
            target = self.model.booked[pick % len(self.model.booked)]
            unions_touched = (target.union, target.to) if target.to else (target.union,)
            has_refunds = any(b.refund_of == target.txn_id and not b.reversed for b in self.model.booked)
            refused_first = target.is_reversal or target.reversed or has_refunds
            closed = not refused_first and self.model.is_closed(month, *unions_touched)
            needs = {  # what the mirrored legs take out of an available balance
                "receipt": (target.union, target.amount),
                "allocation": (target.to, target.amount),
                "refund": (target.union, target.amount),
            }.get(target.kind)
            enough = needs is None or self.model.avail(needs[0], target.source) >= needs[1]
            ok = not refused_first and not closed and enough
            txn_obj = LedgerTransaction.objects.get(pk=target.txn_id)
            txn = self._run(lambda: services.ledger_transaction_reverse(txn=txn_obj, reason="更正", booked_on=month),
                            fault=fault, expect_ok=ok, closed=closed)
            if txn is None:
                return
            target.reversed = True
            amount, source = target.amount, target.source
            if target.kind == "receipt":
                self.model.move(target.union, source, -amount)
            elif target.kind == "allocation":
                self.model.move(target.to, source, -amount)
                self.model.move(target.union, source, amount)
            elif target.kind == "disbursement":
                self.model.move(target.union, source, amount, spent=-amount)
            elif target.kind == "refund":
                self.model.move(target.union, source, -amount, spent=amount)
                original = next(b for b in self.model.booked if b.txn_id == target.refund_of)
                original.refunded -= amount
            self.model.booked.append(Booked(txn.pk, target.kind, target.union, source, amount, to=target.to,
                                            is_reversal=True))

        @rule(union=st.sampled_from(sorted(unions)), month=st.sampled_from(MONTHS))
        def close(self, union, month):  # noqa: ANN001, ANN201
            already = union in self.model.closed and self.model.closed[union] >= month
            try:
                services.ledger_period_close(union=unions[union], month=month)
            except Conflict as exc:
                assert already and exc.code == "period_closed"
                return
            assert not already
            self.model.closed[union] = month

        # --- what must hold after every step ---------------------------------------------------------

        @invariant()
        def books_balance(self) -> None:
            accounts = FundAccount.objects.filter(union__in=unions.values())
            assert (accounts.aggregate(total=Sum("balance"))["total"] or 0) == 0
            assert not accounts.filter(allow_negative=False, balance__lt=0).exists()
            names = {u.pk: name for name, u in unions.items()}
            for union_id, source, kind, balance in accounts.values_list("union_id", "source", "kind", "balance"):
                key = (names[union_id], source)
                if kind == "available":
                    assert balance == self.model.available.get(key, 0), (key, balance)
                elif kind == "expense":
                    assert balance == self.model.spent.get(key, 0), (key, balance)

    return Ledger


def test_ledger_invariants_hold_under_any_sequence_with_faults_injected():
    tree = Tree()
    machine = build_machine(tree)
    examples = int(os.environ.get("LEDGER_EXAMPLES", "1000"))
    run_state_machine_as_test(machine, settings=settings(
        max_examples=examples, stateful_step_count=6, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    ))
    # The machine rolled every example back.
    assert not LedgerTransaction.objects.exists()
    assert connection.in_atomic_block  # still inside the test's own transaction
