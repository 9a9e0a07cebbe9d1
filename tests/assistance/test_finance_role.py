"""The finance role (财务): books the fund ledger and runs payouts (batches, bank files, return
files) in its branch, but cannot approve a grant or a hardship file — who pays is not who
approves. Admin and staff keep both; a viewer does neither."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.assistance import grants, payouts, services
from gonghui.assistance.models import FundAccount, PaymentBatch
from gonghui.core import jurisdiction
from gonghui.core.errors import PermissionDenied
from tests.assistance.payout_helpers import ACCOUNT, queued, return_file
from tests.factories import Tree, make_member, make_staff

pytestmark = pytest.mark.django_db
API = "/api/v1/assistance"


@pytest.fixture
def tree():
    tree = Tree()
    tree.finance = make_staff(union=tree.city_a, role="finance")
    tree.viewer = make_staff(union=tree.city_a, role="viewer")
    return tree


def test_finance_books_and_pays_but_does_not_approve(client, tree):
    client.force_login(tree.finance)
    r = client.post(f"{API}/ledger/receipts", {"union_id": tree.city_a.pk, "source": "central",
                                               "amount_fen": 10_000_00, "memo": "专项资金"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    assert FundAccount.objects.get(union=tree.city_a, source="central", kind="available").balance == 10_000_00
    queued(tree.city_a, name="张三", fen=500_00)
    r = client.post(f"{API}/payment-batches", {"union_id": tree.city_a.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    batch = PaymentBatch.objects.get()
    assert client.get(reverse("console:assistance:batch_file", args=[batch.pk])).status_code == 200
    payouts.payment_return_import(batch=batch, upload=return_file(batch, {1: ("成功", "")}), actor=tree.finance)
    # Not a grant approval: that needs `approve`.
    program = grants.grant_program_create(union=tree.city_a, name="生活救助", kind="living", source="central",
                                          min_amount=100_00, max_amount=3000_00, by=tree.staff_a)
    member = make_member(union=tree.grassroots_a)
    grant = grants.grant_apply(user=member.person.user, program=program, amount=1000_00, reason="困难",
                               bank_account=ACCOUNT)
    with pytest.raises(PermissionDenied):
        grants.grant_verify(grant=grant, by=tree.finance, note="属实")
    assert not jurisdiction.has_action(tree.finance, "approve", tree.city_a.path)


def test_viewer_may_not_book_or_pay(client, tree):
    services.fund_receipt(union=tree.city_a, source="central", amount=1_000_00, memo="专项资金")
    client.force_login(tree.viewer)
    r = client.post(f"{API}/ledger/receipts", {"union_id": tree.city_a.pk, "source": "central",
                                               "amount_fen": 100_00, "memo": "x"}, content_type="application/json")
    assert r.status_code in (403, 404, 422)
    assert FundAccount.objects.get(union=tree.city_a, source="central", kind="available").balance == 1_000_00
