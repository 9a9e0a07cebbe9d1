"""调整隶属关系 moves a union's records with it: every copy of the tree path kept on another
table (for `union_path__startswith` scoping) is rewritten in the move's transaction, so the
old parent's staff no longer see the moved branch's files, grants, claims or proposals, and
the new parent's staff do. Found by discovery: a new module's copy is covered without a line
here. The fund ledger follows the move too (its transactions' paths are the only columns the
database lets change, and only to the unions' current paths): see tests/assistance/test_ledger_union_move.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gonghui.orgs.services import tree_path_copies, union_move
from tests.test_cross_branch_generic import FACTORIES, World

pytestmark = pytest.mark.django_db


COPIES = tree_path_copies()
MODELS = sorted({model for model, _field in COPIES}, key=lambda m: m._meta.label)


def test_discovery_finds_the_path_copies_of_the_modules():
    labels = {f"{model._meta.label}.{field}" for model, field in COPIES}
    assert {"cases.Case.union_path", "notices.Notice.union_path", "assistance.HardshipFile.union_path",
            "assistance.Grant.approving_path", "mutualaid.Claim.union_path", "skills.Proposal.union_path"} <= labels


def _notice(w: World) -> Any:
    from gonghui.notices.services import notice_send

    return notice_send(user_ids=[w.worker.pk], module="cases", text="诉求已受理", union_path=w.tree.grassroots_a.path)[0]


def _honour(w: World) -> Any:
    from django.utils import timezone

    from gonghui.skills.models import Honour

    union = w.tree.grassroots_a
    return Honour.objects.create(user=w.worker, name="王小明", title="技术能手", union=union, union_path=union.path,
                                 year=2026, source="测试", awarded_at=timezone.now())


def _month_total(w: World) -> Any:
    import datetime as dt

    from gonghui.assistance import services as ledger
    from gonghui.assistance.models import AccountMonthTotal

    ledger.fund_receipt(union=w.tree.grassroots_a, source="central", amount=100_00, memo="入账",
                        booked_on=dt.date(2025, 3, 1))
    return AccountMonthTotal.objects.filter(union=w.tree.grassroots_a).first()


# Objects that are not addressed by id (so not in the cross-branch FACTORIES) but keep a path.
OWN_FACTORIES: dict[str, Callable[[World], Any]] = {"notices.Notice": _notice, "skills.Honour": _honour,
                                                    "assistance.AccountMonthTotal": _month_total}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_move_rewrites_the_path_copies_of_the_moved_subtree(model):
    world = World()
    own = OWN_FACTORIES.get(model._meta.label)
    assert own or model in FACTORIES, f"no factory for {model._meta.label}: add one to OWN_FACTORIES here"
    obj = own(world) if own else world.get(model)
    fields = [field for m, field in COPIES if m is model]
    county = type(world.tree.county_a).objects.get(pk=world.tree.county_a.pk)
    before = {field: getattr(model._default_manager.get(pk=obj.pk), field) for field in fields}

    moved = union_move(union=county, new_parent=world.tree.city_b, actor=world.tree.staff_a)

    assert moved.path != county.path
    after = {field: getattr(model._default_manager.get(pk=obj.pk), field) for field in fields}
    for field in fields:
        assert not model._default_manager.filter(**{f"{field}__startswith": county.path}).exists(), field
        if before[field].startswith(county.path):  # in the moved subtree: follows it
            assert after[field] == moved.path + before[field][len(county.path):], field
        else:  # elsewhere (an object of city A itself): untouched
            assert after[field] == before[field], field


def test_the_ledger_follows_the_move():
    """Accounts, transactions (booking and counterparty paths), monthly totals and closed
    periods are all re-filed; the accounts before the transactions (a posting that waited for
    the move's lock on its accounts then reads the new path: assistance.services._current_path)."""
    labels = [f"{model._meta.label}.{field}" for model, field in COPIES]
    ledger = [label for label in labels if label.split(".")[1] in
              {"FundAccount", "LedgerTransaction", "AccountMonthTotal", "LedgerPeriod"}]
    assert ledger == ["assistance.FundAccount.union_path", "assistance.LedgerTransaction.union_path",
                      "assistance.LedgerTransaction.counterparty_path", "assistance.AccountMonthTotal.union_path",
                      "assistance.LedgerPeriod.union_path"]
