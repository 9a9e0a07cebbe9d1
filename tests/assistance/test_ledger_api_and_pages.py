"""The ledger's API and console pages: scoped to the branch, bad input a 422 with a Chinese
message, the 收支表 page and its export agreeing with the books."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.assistance import services
from gonghui.assistance.models import LedgerTransaction
from tests.factories import Tree

pytestmark = pytest.mark.django_db
API = "/api/v1/assistance/ledger"


@pytest.fixture
def tree():
    return Tree()


def _post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_staff_book_allocate_disburse_refund_and_reverse_through_the_api(client, tree):
    client.force_login(tree.staff_a)
    r = _post(client, "/receipts", {"union_id": tree.city_a.pk, "source": "central", "amount_fen": 100000,
                                    "memo": "中央专项资金"})
    assert r.status_code == 201, r.content
    assert sorted(leg["amount_fen"] for leg in r.json()["legs"]) == [-100000, 100000]
    r = _post(client, "/allocations", {"union_id": tree.city_a.pk, "to_union_id": tree.county_a.pk,
                                       "source": "central", "amount_fen": 40000, "memo": "下拨"})
    assert r.status_code == 201, r.content
    r = _post(client, "/disbursements", {"union_id": tree.county_a.pk, "source": "central", "amount_fen": 15000,
                                         "memo": "生活救助", "payee_name": "张三"})
    assert r.status_code == 201
    paid = r.json()["id"]
    r = _post(client, f"/transactions/{paid}/refunds", {"amount_fen": 5000, "memo": "多发退回"})
    assert r.status_code == 201
    refund = r.json()["id"]
    assert _post(client, f"/transactions/{refund}/reversal", {"reason": "退回录错"}).status_code == 201
    r = _post(client, f"/transactions/{refund}/reversal", {"reason": "再冲"})
    assert (r.status_code, r.json()["code"]) == (409, "already_reversed")
    balances = client.get(f"{API}/balances", {"union_id": tree.city_a.pk}).json()
    assert balances == [{"source": "central", "source_label": "中央财政专项帮扶资金", "available_fen": 85000,
                         "payable_fen": 0, "funds_fen": 85000, "spent_fen": 15000, "received_fen": 100000}]
    year = timezone.localdate().year
    statement = client.get(f"{API}/statement", {"union_id": tree.city_a.pk, "year": year}).json()
    assert statement["total"]["closing_fen"] == 85000 and statement["total"]["receipts_fen"] == 100000
    assert [c["label"] for c in statement["children"]] == [tree.county_a.name]
    assert services.ledger_verify() == []


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/receipts", {"source": "central", "amount_fen": 0, "memo": "x"}, "amount_fen"),
    ("/receipts", {"source": "central", "amount_fen": -5, "memo": "x"}, "amount_fen"),
    ("/receipts", {"source": "central", "amount_fen": 10**13, "memo": "x"}, "amount_fen"),
    ("/receipts", {"source": "central", "amount_fen": "12.5", "memo": "x"}, "amount_fen"),
    ("/receipts", {"source": "nope", "amount_fen": 100, "memo": "x"}, None),
    ("/receipts", {"source": "central", "amount_fen": 100, "memo": ""}, "memo"),
    ("/receipts", {"source": "central", "amount_fen": 100, "memo": "x", "booked_on": "2999-01-01"}, None),
    ("/disbursements", {"source": "central", "amount_fen": 100, "memo": "x", "payee_name": "张三"}, None),
])
def test_bad_input_is_a_422_with_a_chinese_message_and_writes_nothing(client, tree, path, body, field):
    client.force_login(tree.staff_a)
    body = {"union_id": tree.city_a.pk, **body}
    r = _post(client, path, body)
    assert r.status_code in (409, 422), r.content
    problem = r.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["title"])
    if field:
        assert field in str(problem)
    assert not LedgerTransaction.objects.exists()


def test_allocation_to_a_union_that_is_not_a_direct_child_is_a_422(client, tree):
    client.force_login(tree.staff_a)
    services.fund_receipt(union=tree.city_a, source="central", amount=1000, memo="入账")
    for target in (tree.grassroots_a.pk, tree.city_b.pk, 2_000_000_000):
        r = _post(client, "/allocations", {"union_id": tree.city_a.pk, "to_union_id": target, "source": "central",
                                           "amount_fen": 10, "memo": "下拨"})
        assert (r.status_code, r.json()["code"]) == (422, "not_a_child")


def test_other_branch_unions_and_reports_are_404(client, tree):
    client.force_login(tree.staff_b)
    assert _post(client, "/receipts", {"union_id": tree.city_a.pk, "source": "central", "amount_fen": 1,
                                       "memo": "x"}).status_code == 404
    assert client.get(f"{API}/balances", {"union_id": tree.city_a.pk}).status_code == 404
    assert client.get(f"{API}/statement", {"union_id": tree.province.pk, "year": 2025}).status_code == 404
    assert _post(client, "/periods", {"union_id": tree.city_a.pk, "month": "2025-01"}).status_code == 404


def test_closing_through_the_api_then_booking_into_it_is_refused(client, tree):
    client.force_login(tree.staff_a)
    assert _post(client, "/periods", {"union_id": tree.city_a.pk, "month": "2025-03"}).status_code == 201
    r = _post(client, "/receipts", {"union_id": tree.city_a.pk, "source": "central", "amount_fen": 1, "memo": "x",
                                    "booked_on": "2025-03-31"})
    assert (r.status_code, r.json()["code"]) == (409, "period_closed")
    assert "已结至 2025-03" in r.json()["title"]
    assert _post(client, "/periods", {"union_id": tree.city_a.pk, "month": "2025-13"}).status_code == 422


def test_console_pages_show_the_books_and_export_the_statement(client, tree):
    client.force_login(tree.staff_a)
    r = client.post(reverse("console:assistance:post"), {"kind": "receipt", "union": tree.city_a.pk,
                                                          "source": "central", "amount": "1,234.56", "memo": "入账"})
    assert r.status_code == 302
    txn = LedgerTransaction.objects.get()
    assert txn.amount == 123456
    r = client.post(reverse("console:assistance:post"), {"kind": "disbursement", "union": tree.city_a.pk,
                                                          "source": "central", "amount": "99999", "memo": "救助",
                                                          "payee_name": "李四"})
    assert r.status_code == 200 and "余额不足" in r.content.decode()
    for name in ("ledger", "transactions", "post", "periods", "statement"):
        assert client.get(reverse(f"console:assistance:{name}")).status_code == 200
    page = client.get(reverse("console:assistance:transaction_detail", args=[txn.pk])).content.decode()
    assert "1,234.56" in page
    r = client.post(reverse("console:assistance:transaction_reverse", args=[txn.pk]), {"reason": "录错"})
    assert r.status_code == 302
    year = timezone.localdate().year
    query = {"union": tree.city_a.pk, "year": year, "month_from": 1, "month_to": 12, "subtree": "on"}
    assert "0.00" in client.get(reverse("console:assistance:statement"), query).content.decode()
    content = client.get(reverse("console:assistance:statement_export"), query).content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "项目" and rows[2][0] == "中央财政专项帮扶资金"
    assert client.get(reverse("console:assistance:statement"), {**query, "month_from": 13}).status_code == 200
    assert client.get(reverse("console:assistance:statement_export"), {**query, "year": "x"}).status_code == 422


def test_console_pages_of_another_branch_are_404(client, tree):
    services.fund_receipt(union=tree.city_a, source="central", amount=1000, memo="入账")
    txn = LedgerTransaction.objects.get()
    client.force_login(tree.staff_b)
    assert client.get(reverse("console:assistance:transaction_detail", args=[txn.pk])).status_code == 404
    assert client.get(reverse("console:assistance:ledger"), {"union": tree.city_a.pk}).status_code == 404
    # The form refuses a union outside the branch: a form error, no report of it.
    r = client.get(reverse("console:assistance:statement"), {"union": tree.city_a.pk, "year": 2025,
                                                             "month_from": 1, "month_to": 12})
    assert r.status_code == 200 and tree.city_a.name not in r.content.decode()
