"""The assistance figures on known days, rolled up the tree, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.assistance import grants, hardship, payouts, services
from gonghui.stats.selectors import Period, figure_values
from gonghui.stats.services import snapshot_range
from tests.assistance.hardship_helpers import active, standard
from tests.assistance.payout_helpers import queued, return_file
from tests.factories import Tree, make_member
from tests.stats.scenario import at

pytestmark = pytest.mark.django_db
A, B, C = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 10)
MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(at(A, 10))
    t = Tree()
    standard()
    services.fund_receipt(union=t.province, source="central", amount=10_000_00, memo="中央专项")
    services.fund_allocate(union=t.province, to_union=t.city_a, source="central", amount=5_000_00, memo="下拨")
    services.fund_allocate(union=t.city_a, to_union=t.county_a, source="central", amount=1_000_00, memo="下拨")
    services.fund_disburse(union=t.city_a, source="central", amount=300_00, payee_name="甲", memo="救助")
    county_paid = services.fund_disburse(union=t.county_a, source="central", amount=200_00, payee_name="乙",
                                         memo="救助")
    active(t.grassroots_a, t.staff_a, income=3000_00, cause="school")  # 深度困难
    exits = active(t.grassroots_b, t.staff_b, income=4200_00, cause="school")  # 相对困难
    program = grants.grant_program_create(union=t.city_a, name="生活救助", kind="living", source="central",
                                          min_amount=100_00, max_amount=5000_00, by=t.staff_a)
    member = make_member(union=t.grassroots_a)
    grant = grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="住院",
                               bank_account="6222021234567890123")
    grants.grant_verify(grant=grant, by=t.staff_a, note="属实")
    grants.grant_notice_start(grant=grant, by=t.staff_a)  # to Monday 9 March

    frozen_clock(at(B, 10))
    queued(t.city_a, name="丙", fen=500_00)
    queued(t.city_a, name="丁", fen=100_00)
    batch = payouts.payment_batch_create(union=t.city_a)
    payouts.payment_return_import(batch=batch, upload=return_file(batch, {1: ("成功", ""), 2: ("失败", "户名不符")}))
    services.fund_refund(disbursement=county_paid, amount=50_00, memo="多发退回")
    hardship.hardship_file_exit(file=exits, by=t.staff_b, reason="已再就业")

    frozen_clock(at(C, 10))
    grants.grant_approve(grant=grant, by=t.staff_a, decision="主席办公会同意", decided_on=C)

    frozen_clock(at(dt.date(2026, 4, 2), 9))
    snapshot_range(dt.date(2026, 3, 1), dt.date(2026, 3, 31), force=True)
    return t


def value(union, key, period=MARCH):
    return figure_values(union=union, period=period, keys=[key])[key]


def test_funds_paid_rolls_up_the_tree_by_fund_source(tree):
    # City A: 300 paid on A + 500 settled by the bank on B (the failed 100 was reversed: not spent),
    # plus county A below it.
    assert value(tree.city_a, "assistance.funds_paid").value == 800_00 + 150_00  # with county A
    # County A: 200 on A less the 50 refunded on B.
    assert value(tree.county_a, "assistance.funds_paid").value == 150_00
    assert value(tree.province, "assistance.funds_paid").value == 950_00
    assert value(tree.province, "assistance.funds_paid").dims == {"central": 950_00}
    assert value(tree.city_a, "assistance.funds_paid", Period(A, A)).value == 500_00
    assert value(tree.city_a, "assistance.funds_paid", Period(B, B)).value == 450_00
    assert value(tree.city_b, "assistance.funds_paid").value == 0


def test_people_paid_count_bank_confirmed_payouts(tree):
    assert value(tree.city_a, "assistance.people_paid").value == 1
    assert value(tree.province, "assistance.people_paid", Period(B, B)).value == 1
    assert value(tree.province, "assistance.people_paid", Period(A, A)).value == 0


def test_files_on_the_register_by_grade_is_a_stock(tree):
    # End of A: both files on the register; end of March: grassroots B's file has exited.
    on_a = value(tree.province, "assistance.files", Period(A, A))
    assert (on_a.value, on_a.dims) == (2, {"deep": 1, "relative": 1})
    march = value(tree.province, "assistance.files")
    assert (march.value, march.dims) == (1, {"deep": 1})
    assert value(tree.city_b, "assistance.files").value == 0
    assert value(tree.county_a, "assistance.files").value == 1
    assert value(tree.province, "assistance.files_opened").value == 2


def test_grants_count_on_the_day_of_the_decision(tree):
    assert value(tree.grassroots_a, "assistance.grants").value == 1
    assert value(tree.city_a, "assistance.grants_amount").value == 2000_00
    assert value(tree.province, "assistance.grants", Period(A, B)).value == 0
    assert value(tree.province, "assistance.grants", Period(C, C)).value == 1
