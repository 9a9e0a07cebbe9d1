"""Payouts: the queue, batches booked through the ledger, the bank's batch file, the return
file (paid rows settle, failed rows are reversed once and go back to the queue, the same
file twice changes nothing), bank accounts encrypted at rest, masked and revealed with an
audit record; API and console pages scoped to the branch."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from gonghui.assistance import payouts, services
from gonghui.assistance.models import (
    FundAccount,
    LedgerTransaction,
    PaymentBatch,
    PaymentLine,
    Payout,
)
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from tests.assistance.helpers import assert_books_sound
from tests.assistance.payout_helpers import ACCOUNT, batch_rows, queued, return_file
from tests.factories import Tree, make_staff

pytestmark = pytest.mark.django_db
API = "/api/v1/assistance"


@pytest.fixture
def tree():
    tree = Tree()
    services.fund_receipt(union=tree.city_a, source="central", amount=10_000_00, memo="专项资金")
    return tree


def _balance(union, kind):
    return FundAccount.objects.get(union=union, source="central", kind=kind).balance


def test_bank_account_is_encrypted_at_rest_and_masked(tree):
    payout = queued(tree.city_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_account FROM assistance_payout WHERE id = %s", [payout.pk])
        stored = cursor.fetchone()[0]
    assert ACCOUNT not in stored and "0123" not in stored
    assert Payout.objects.get(pk=payout.pk).bank_account == ACCOUNT
    assert payout.bank_account_masked == "6222 **** 0123"


def test_one_idempotency_key_gives_one_payout_and_refuses_another_payment(tree):
    first = queued(tree.city_a, key="grant-77")
    again = queued(tree.city_a, key="grant-77")
    assert again.pk == first.pk and Payout.objects.count() == 1
    with pytest.raises(ValidationFailed) as exc:
        queued(tree.city_a, key="grant-77", fen=600_00)
    assert exc.value.code == "idempotency_key_reused"


@pytest.mark.parametrize("account", ["12345", "6222-abc-1234", "1" * 31, ""])
def test_bad_bank_account_is_refused(tree, account):
    with pytest.raises(ValidationFailed) as exc:
        queued(tree.city_a, account=account)
    assert exc.value.code == "invalid_bank_account"
    assert not Payout.objects.exists()


def test_batch_moves_money_to_payable_and_the_bank_file_carries_full_accounts(tree):
    a, b = queued(tree.city_a, name="张三", fen=500_00), queued(tree.city_a, name="李四", fen=300_00)
    batch = payouts.payment_batch_create(union=tree.city_a, actor=tree.staff_a)
    assert (batch.count, batch.total) == (2, 800_00)
    assert _balance(tree.city_a, "available") == 9_200_00 and _balance(tree.city_a, "payable") == 800_00
    assert set(Payout.objects.values_list("status", flat=True)) == {"sent"}
    rows = batch_rows(payouts.payment_batch_file(batch=batch, actor=tree.staff_a))
    assert list(rows[0][:4]) == ["流水号", "户名", "账号", "金额（元）"]
    assert [list(r[1:4]) for r in rows[1:3]] == [["张三", ACCOUNT, 500], ["李四", ACCOUNT, 300]]
    assert AuditEvent.objects.filter(action="payout.batch.export", target_id=str(batch.pk)).count() == 1
    assert {a.pk, b.pk} == set(batch.lines.values_list("payout_id", flat=True))
    with pytest.raises(ValidationFailed) as exc:  # nothing left in the queue
        payouts.payment_batch_create(union=tree.city_a)
    assert exc.value.code == "batch_empty"
    assert_books_sound()


def test_batch_beyond_the_available_funds_is_refused_whole(tree):
    queued(tree.city_a, name="张三", fen=6_000_00)
    queued(tree.city_a, name="李四", fen=6_000_00)
    with pytest.raises(Conflict) as exc:
        payouts.payment_batch_create(union=tree.city_a)
    assert exc.value.code == "insufficient_funds"
    assert not PaymentBatch.objects.exists() and not LedgerTransaction.objects.filter(kind="payout").exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {"queued"}


def test_return_file_settles_paid_rows_and_requeues_failed_ones_once(tree):
    paid, failed = queued(tree.city_a, name="张三", fen=500_00), queued(tree.city_a, name="李四", fen=300_00)
    batch = payouts.payment_batch_create(union=tree.city_a)
    upload = return_file(batch, {1: ("成功", ""), 2: ("失败", "户名与账号不符")})
    content = upload.read()
    imported, new = payouts.payment_return_import(batch=batch, upload=upload, actor=tree.staff_a)
    assert new and (imported.paid, imported.failed, imported.unchanged) == (1, 1, 0)
    paid.refresh_from_db()
    failed.refresh_from_db()
    assert paid.status == "paid" and paid.paid_on is not None
    assert (failed.status, failed.failure_reason, failed.failures) == ("queued", "户名与账号不符", 1)
    assert _balance(tree.city_a, "expense") == 500_00
    assert _balance(tree.city_a, "payable") == 0
    assert _balance(tree.city_a, "available") == 9_500_00
    failed_line = PaymentLine.objects.get(payout=failed)
    assert LedgerTransaction.objects.filter(reverses=failed_line.payout_txn).count() == 1
    assert PaymentBatch.objects.get(pk=batch.pk).status == "settled"

    # The same file again: nothing changes.
    before = (LedgerTransaction.objects.count(), list(Payout.objects.order_by("pk").values_list("status", "failures")))
    again, new = payouts.payment_return_import(batch=batch, upload=SimpleUploadedFile("return.xlsx", content),
                                               actor=tree.staff_a)
    assert not new and again.pk == imported.pk
    after = (LedgerTransaction.objects.count(), list(Payout.objects.order_by("pk").values_list("status", "failures")))
    assert after == before
    # A different file with the same answers (the bank re-sent it with another name): also nothing.
    other, new = payouts.payment_return_import(batch=batch, upload=return_file(
        batch, {2: ("失败", "账户已销户")}, name="again.xlsx"))
    assert new and (other.paid, other.failed, other.unchanged) == (0, 0, 1)
    assert LedgerTransaction.objects.count() == before[0]

    # The failed payout goes out again in a new batch and is paid there.
    second = payouts.payment_batch_create(union=tree.city_a)
    assert list(second.lines.values_list("payout_id", flat=True)) == [failed.pk]
    payouts.payment_return_import(batch=second, upload=return_file(second, {1: ("成功", "")}))
    failed.refresh_from_db()
    assert failed.status == "paid" and _balance(tree.city_a, "expense") == 800_00
    assert_books_sound()


def test_return_file_that_contradicts_the_batch_is_refused_whole(tree):
    queued(tree.city_a, name="张三", fen=500_00)
    queued(tree.city_a, name="李四", fen=300_00)
    batch = payouts.payment_batch_create(union=tree.city_a)
    payouts.payment_return_import(batch=batch, upload=return_file(batch, {1: ("成功", "")}))
    count = LedgerTransaction.objects.count()
    cases = [
        (return_file(batch, {1: ("失败", "余额不足"), 2: ("成功", "")}), "不能更改"),  # paid cannot become failed
        (return_file(batch, {2: ("成功", "")}, amounts={2: 299_00}), "账号或金额与批次不一致"),
    ]
    other = PaymentBatch.objects.create(union=tree.city_a, union_path=tree.city_a.path, number="DF-OTHER")
    for upload, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            payouts.payment_return_import(batch=batch, upload=upload)
        assert message in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        payouts.payment_return_import(batch=other, upload=return_file(batch, {2: ("成功", "")}))
    assert "不属于本批次" in exc.value.message
    assert LedgerTransaction.objects.count() == count
    assert PaymentLine.objects.get(batch=batch, seq=2).result == "pending"


def test_return_file_that_is_not_a_workbook_is_refused(tree):
    queued(tree.city_a)
    batch = payouts.payment_batch_create(union=tree.city_a)
    for upload in [SimpleUploadedFile("r.xlsx", b"not a zip"), SimpleUploadedFile("r.csv", b"PK\x03\x04xx"),
                   SimpleUploadedFile("r.xlsx", b"PK\x03\x04broken"), SimpleUploadedFile("r.xlsx", b"")]:
        with pytest.raises(ValidationFailed):
            payouts.payment_return_import(batch=batch, upload=upload)


def test_reveal_needs_the_right_role_and_is_audited(tree):
    payout = queued(tree.city_a)
    plain_staff = make_staff(union=tree.city_a)
    with pytest.raises(PermissionDenied):
        payouts.payout_bank_account_reveal(payout=payout, actor=plain_staff, reason="核对")
    assert payouts.payout_bank_account_reveal(payout=payout, actor=tree.staff_a, reason="核对账号") == ACCOUNT
    event = AuditEvent.objects.get(action="payout.reveal.bank_account")
    assert (event.actor, event.target_id, event.reason) == (tree.staff_a, str(payout.pk), "核对账号")


def test_payout_api_end_to_end_and_other_branch_404(client, tree):
    client.force_login(tree.staff_a)
    body = {"union_id": tree.city_a.pk, "source": "central", "amount_fen": 500_00, "payee_name": "张三",
            "bank_account": ACCOUNT, "memo": "生活救助", "idempotency_key": "api-1"}
    r = client.post(f"{API}/payouts", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["bank_account_masked"] == "6222 **** 0123" and ACCOUNT not in r.content.decode()
    r2 = client.post(f"{API}/payouts", body, content_type="application/json")
    assert r2.json()["id"] == r.json()["id"]
    bad = client.post(f"{API}/payouts", body | {"bank_account": "abc12345", "idempotency_key": "api-2"},
                      content_type="application/json")
    assert bad.status_code == 422 and "银行账号" in bad.json()["title"]
    r = client.post(f"{API}/payment-batches", {"union_id": tree.city_a.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    batch = PaymentBatch.objects.get(pk=r.json()["id"])
    upload = return_file(batch, {1: ("成功", "")})
    r = client.post(f"{API}/payment-batches/{batch.pk}/returns", {"file": upload})
    assert r.status_code == 200, r.content
    assert r.json() | {"batch_id": 0} == {"batch_id": 0, "new_file": True, "paid": 1, "failed": 0, "unchanged": 0}
    client.force_login(tree.staff_b)
    assert client.get(f"{API}/payouts/{r2.json()['id']}").status_code == 404
    assert client.get(f"{API}/payment-batches/{batch.pk}/lines").status_code == 404


def test_console_pages_show_masked_accounts_and_import_the_return_file(client, tree):
    client.force_login(tree.staff_a)
    page = client.get(reverse("console:assistance:payouts"))
    assert page.status_code == 200
    key = page.context["form"].initial["idempotency_key"]
    form = {"union": tree.city_a.pk, "source": "central", "amount": "500.00", "payee_name": "张三",
            "bank_account": ACCOUNT, "bank_name": "工商银行", "memo": "生活救助", "idempotency_key": key}
    r = client.post(reverse("console:assistance:payouts"), form)
    assert r.status_code == 302
    client.post(reverse("console:assistance:payouts"), form)  # a double submit
    assert Payout.objects.count() == 1
    payout = Payout.objects.get()
    detail = client.get(reverse("console:assistance:payout_detail", args=[payout.pk])).content.decode()
    assert "6222 **** 0123" in detail and ACCOUNT not in detail
    revealed = client.post(reverse("console:assistance:payout_reveal", args=[payout.pk]), {"reason": "核对"})
    assert ACCOUNT in revealed.content.decode()
    r = client.post(reverse("console:assistance:batches"), {"union": tree.city_a.pk})
    batch = PaymentBatch.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/batches/{batch.pk}/")
    page = client.get(reverse("console:assistance:batch_detail", args=[batch.pk])).content.decode()
    assert ACCOUNT not in page
    file = client.get(reverse("console:assistance:batch_file", args=[batch.pk]))
    assert file.status_code == 200 and batch_rows(file.content)[1][2] == ACCOUNT
    r = client.post(reverse("console:assistance:batch_detail", args=[batch.pk]),
                    {"file": return_file(batch, {1: ("失败", "账户冻结")})})
    assert r.status_code == 302
    payout.refresh_from_db()
    assert (payout.status, payout.failure_reason) == ("queued", "账户冻结")
    bad = client.post(reverse("console:assistance:batch_detail", args=[batch.pk]),
                      {"file": return_file(batch, {1: ("成功", "")})})
    assert bad.status_code == 422 and "不能更改" in bad.content.decode()


def test_worker_sees_every_payment_made_to_them(client, tree):
    from tests.factories import make_worker_user

    worker = make_worker_user(name="张三")
    payout = payouts.payout_create(union=tree.city_a, source="central", amount=500_00, payee_name="张三",
                                   bank_account=ACCOUNT, memo="生活救助", idempotency_key="w-1", beneficiary=worker)
    queued(tree.city_a, name="李四")  # someone else's
    batch = payouts.payment_batch_create(union=tree.city_a)
    payouts.payment_return_import(batch=batch, upload=return_file(batch, {1: ("成功", ""), 2: ("成功", "")}))
    client.force_login(worker)
    page = client.get(reverse("assistance:mine")).content.decode()
    assert "500.00" in page and "已到账" in page and "6222 **** 0123" in page
    assert "李四" not in page and ACCOUNT not in page
    payout.refresh_from_db()
    assert payout.paid_on.strftime("%Y-%m-%d") in page


def test_csv_batch_file_and_csv_return_file_round_trip(tree):
    """The bank may take CSV both ways: our CSV (UTF-8 with BOM) edited into a return file by
    adding 结果 and 说明, saved as GBK by the bank's system, is applied like the XLSX one."""
    import csv
    import io

    queued(tree.city_a, fen=300_00, name="=张三")
    queued(tree.city_a, fen=200_00, name="李四")
    batch = payouts.payment_batch_create(union=tree.city_a)
    content = payouts.payment_batch_file(batch=batch, actor=tree.staff_a, file_format="csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:3]] == ["'=张三", "李四"] and rows[1][3] == "300.00"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*rows[0], "结果", "说明"])
    writer.writerow([*rows[1], "成功", ""])
    writer.writerow([*rows[2], "失败", "户名不符"])
    upload = SimpleUploadedFile("return.csv", out.getvalue().encode("gbk"), content_type="text/csv")
    imported, new = payouts.payment_return_import(batch=batch, upload=upload, actor=tree.staff_a)
    assert (new, imported.paid, imported.failed) == (True, 1, 1)
    assert {p.payee_name: p.status for p in Payout.objects.all()} == {"=张三": "paid", "李四": "queued"}
    with pytest.raises(ValidationFailed):
        payouts.payment_batch_file(batch=batch, actor=tree.staff_a, file_format="pdf")
    with pytest.raises(ValidationFailed):  # a workbook named .csv is refused, not guessed
        payouts.payment_return_import(batch=batch, upload=SimpleUploadedFile("r.csv", b"PK\x03\x04zz"))
    assert_books_sound()


def test_return_file_is_applied_set_based_each_line_its_own_settlement_and_reversal(tree):
    """Applied in bulk (one UPDATE per outcome, the settlements written from a VALUES list): each
    paid line still gets its own settling transaction of its amount, each failed line's payout
    transaction is reversed exactly once, with the bank's reason per payout, over two sources."""
    services.fund_receipt(union=tree.city_a, source="provincial", amount=10_000_00, memo="省总经费")
    made = [queued(tree.city_a, name=f"职工{i}", fen=100_00 + i) for i in range(6)]
    made.append(payouts.payout_create(
        union=tree.city_a, source="provincial", amount=250_00, payee_name="王五", bank_account=ACCOUNT,
        bank_name="农业银行", memo="临时救助", idempotency_key="prov-1"))
    batch = payouts.payment_batch_create(union=tree.city_a)
    outcomes = {1: ("成功", ""), 2: ("失败", "账户已冻结"), 3: ("成功", ""), 4: ("失败", "户名不符"),
                5: ("失败", "账户已冻结"), 6: ("成功", ""), 7: ("失败", "")}
    imported, _new = payouts.payment_return_import(batch=batch, upload=return_file(batch, outcomes))
    assert (imported.paid, imported.failed) == (3, 4)
    lines = {line.seq: line for line in batch.lines.select_related("payout", "settle_txn", "payout_txn")}
    settles = set()
    for seq, (result, reason) in outcomes.items():
        line = lines[seq]
        if result == "成功":
            assert line.result == "paid" and line.settle_txn.amount == line.amount
            assert line.reference in line.settle_txn.memo and line.settle_txn.kind == "payout_settle"
            settles.add(line.settle_txn_id)
            assert line.payout.status == "paid"
        else:
            assert line.result == "failed" and line.settle_txn_id is None and line.bank_reason == reason
            reversal = LedgerTransaction.objects.get(reverses=line.payout_txn)
            assert reversal.amount == line.amount and reversal.source == line.payout.source
            assert (line.payout.status, line.payout.failures) == ("queued", 1)
            assert line.payout.failure_reason == (reason or "银行未说明原因")
    assert len(settles) == 3
    assert _balance(tree.city_a, "payable") == 0
    assert FundAccount.objects.get(union=tree.city_a, source="provincial", kind="available").balance == 10_000_00
    assert_books_sound()


def test_return_file_refused_whole_when_a_failed_line_was_reversed_by_hand(tree):
    first, second = queued(tree.city_a, name="张三", fen=500_00), queued(tree.city_a, name="李四", fen=300_00)
    batch = payouts.payment_batch_create(union=tree.city_a)
    line = PaymentLine.objects.get(payout=second)
    services.ledger_transaction_reverse(txn=line.payout_txn, reason="手工冲销")
    count = LedgerTransaction.objects.count()
    with pytest.raises(Conflict):
        payouts.payment_return_import(batch=batch, upload=return_file(batch, {1: ("成功", ""), 2: ("失败", "退回")}))
    assert LedgerTransaction.objects.count() == count
    assert set(Payout.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"sent"}
    assert not PaymentLine.objects.filter(batch=batch).exclude(result="pending").exists()
