"""Fund ledger API for finance staff: accounts, transactions (receipt, allocation,
disbursement, refund, reversal), period close, balances and the 收支表. Every object is
scoped to the caller's branch; another branch's object is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticValidationError

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.core.paging import Limit200, Offset

from . import grants, hardship, payouts, selectors, services
from .models import (
    FundAccount,
    Grant,
    GrantProgram,
    HardshipFile,
    HardshipGrade,
    HardshipStandard,
    LedgerPeriod,
    LedgerTransaction,
    PaymentBatch,
    Payout,
)
from .schemas import (
    AccountsOpenIn,
    AllocationIn,
    AssistanceSchoolResultOut,
    BalanceOut,
    DisbursementIn,
    EducationTierIn,
    EducationTierOut,
    FundAccountOut,
    GrantApplyIn,
    GrantApproveIn,
    GrantNoteIn,
    GrantNoticeOut,
    GrantOnBehalfIn,
    GrantOut,
    GrantProgramIn,
    GrantProgramOut,
    GrantReviewDecideIn,
    GrantReviewRequestIn,
    HardshipApplyIn,
    HardshipFileOut,
    HardshipLookupIn,
    HardshipLookupOut,
    HardshipNoteIn,
    HardshipNoticeOut,
    HardshipObjectionAnswerIn,
    HardshipObjectionOut,
    HardshipReasonIn,
    HardshipReviewIn,
    HardshipStandardIn,
    HardshipStandardOut,
    HardshipVerifyIn,
    LedgerTransactionOut,
    ObjectionIn,
    PaymentBatchIn,
    PaymentBatchOut,
    PaymentLineOut,
    PaymentReturnOut,
    PayoutIn,
    PayoutOut,
    PayoutRevealIn,
    PayoutRevealOut,
    PeriodCloseIn,
    PeriodOut,
    ReceiptIn,
    RefundIn,
    ReversalIn,
    StatementOut,
)

router = Router(auth=session_or_token)
# Posting, reversing and closing the books need the approving action in the union's branch.
WRITE = "finance"  # the fund ledger and payouts: admin, staff and the finance role


def account_out(account: FundAccount) -> dict[str, Any]:
    return {
        "id": account.pk, "union_id": account.union_id, "union_name": account.union.name,
        "source": account.source, "source_label": account.get_source_display(), "kind": account.kind,
        "kind_label": account.get_kind_display(), "allow_negative": account.allow_negative,
        "balance_fen": account.balance,
    }


def transaction_out(txn: LedgerTransaction) -> dict[str, Any]:
    reversal = selectors.ledger_transaction_reversal(txn=txn)
    return {
        "id": txn.pk, "kind": txn.kind, "kind_label": txn.get_kind_display(), "source": txn.source,
        "union_id": txn.union_id, "union_name": txn.union.name, "counterparty_id": txn.counterparty_id,
        "booked_on": txn.booked_on, "amount_fen": txn.amount, "memo": txn.memo, "payee_name": txn.payee_name,
        "reverses_id": txn.reverses_id, "reversed_by_id": reversal.pk if reversal else None,
        "refund_of_id": txn.refund_of_id,
        "legs": [
            {"account_id": leg.account_id, "union_name": leg.account.union.name, "kind": leg.account.kind,
             "amount_fen": leg.amount}
            for leg in selectors.ledger_transaction_legs(txn=txn)
        ],
    }


def _period_out(period: LedgerPeriod) -> dict[str, Any]:
    return {"union_id": period.union_id, "union_name": period.union.name, "month": f"{period.month:%Y-%m}",
            "closed_at": period.closed_at}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get("/ledger/accounts", response=list[FundAccountOut], summary="资金账户")
def fund_account_list(request: HttpRequest, union_id: int | None = None, source: str = "",
                      limit: Limit200 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id) if union_id else None
    accounts = selectors.fund_account_list_for_user(user=_user(request), union=union, source=source[:16])
    return [account_out(a) for a in accounts[offset: offset + limit]]


@router.post("/ledger/accounts", response={201: list[FundAccountOut]}, summary="开立资金账户")
def fund_accounts_open(request: HttpRequest, payload: AccountsOpenIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    accounts = services.fund_accounts_open(union=union, source=payload.source, actor=_user(request))
    return Status(201, [account_out(a) for a in sorted(accounts.values(), key=lambda a: a.pk)])


@router.get("/ledger/accounts/{int:fund_account_id}", response=FundAccountOut, summary="资金账户详情")
def fund_account_get(request: HttpRequest, fund_account_id: int) -> dict[str, Any]:
    return account_out(selectors.fund_account_get_for_user(user=_user(request), fund_account_id=fund_account_id))


@router.get("/ledger/transactions", response=list[LedgerTransactionOut], summary="记账凭证")
def ledger_transaction_list(request: HttpRequest, union_id: int | None = None, kind: str = "", source: str = "",
                            limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id) if union_id else None
    txns = selectors.ledger_transaction_list_for_user(user=_user(request), union=union, kind=kind[:16],
                                                       source=source[:16])
    return [transaction_out(t) for t in txns[offset: offset + limit]]


@router.get("/ledger/transactions/{int:transaction_id}", response=LedgerTransactionOut, summary="凭证详情")
def ledger_transaction_get(request: HttpRequest, transaction_id: int) -> dict[str, Any]:
    return transaction_out(selectors.ledger_transaction_get_for_user(user=_user(request),
                                                                    transaction_id=transaction_id))


@router.post("/ledger/receipts", response={201: LedgerTransactionOut}, summary="资金入账")
def fund_receipt(request: HttpRequest, payload: ReceiptIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    txn = services.fund_receipt(union=union, source=payload.source, amount=payload.amount_fen, memo=payload.memo,
                                booked_on=payload.booked_on, actor=_user(request))
    return Status(201, transaction_out(txn))


@router.post("/ledger/allocations", response={201: LedgerTransactionOut}, summary="下拨给下级工会")
def fund_allocate(request: HttpRequest, payload: AllocationIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    to_union = next(iter(union.children.filter(pk=payload.to_union_id)), None)
    if to_union is None:
        raise ValidationFailed(_("只能下拨给直属下级工会。"), code="not_a_child", field="to_union_id")
    txn = services.fund_allocate(union=union, to_union=to_union, source=payload.source, amount=payload.amount_fen,
                                 memo=payload.memo, booked_on=payload.booked_on, actor=_user(request))
    return Status(201, transaction_out(txn))


@router.post("/ledger/disbursements", response={201: LedgerTransactionOut}, summary="帮扶支出")
def fund_disburse(request: HttpRequest, payload: DisbursementIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    txn = services.fund_disburse(union=union, source=payload.source, amount=payload.amount_fen,
                                 payee_name=payload.payee_name, memo=payload.memo, booked_on=payload.booked_on,
                                 actor=_user(request))
    return Status(201, transaction_out(txn))


@router.post("/ledger/transactions/{int:transaction_id}/refunds", response={201: LedgerTransactionOut},
             summary="支出退回")
def fund_refund(request: HttpRequest, transaction_id: int, payload: RefundIn) -> Status:
    txn = selectors.ledger_transaction_get_for_user(user=_user(request), transaction_id=transaction_id, action=WRITE)
    refund = services.fund_refund(disbursement=txn, amount=payload.amount_fen, memo=payload.memo,
                                  booked_on=payload.booked_on, actor=_user(request))
    return Status(201, transaction_out(refund))


@router.post("/ledger/transactions/{int:transaction_id}/reversal", response={201: LedgerTransactionOut},
             summary="冲销凭证")
def ledger_transaction_reverse(request: HttpRequest, transaction_id: int, payload: ReversalIn) -> Status:
    txn = selectors.ledger_transaction_get_for_user(user=_user(request), transaction_id=transaction_id, action=WRITE)
    reversal = services.ledger_transaction_reverse(txn=txn, reason=payload.reason, booked_on=payload.booked_on,
                                                   actor=_user(request))
    return Status(201, transaction_out(reversal))


@router.get("/ledger/periods", response=list[PeriodOut], summary="已结账期间")
def ledger_period_list(request: HttpRequest, union_id: int | None = None, limit: Limit200 = 100,
                       offset: Offset = 0) -> list[dict[str, Any]]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id) if union_id else None
    periods = selectors.ledger_period_list_for_user(user=_user(request), union=union)
    return [_period_out(p) for p in periods[offset: offset + limit]]


def parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 (a calendar month, no time)
    except ValueError as exc:
        raise ValidationFailed(_("月份格式应为 YYYY-MM，例如 2025-03。"), code="invalid_month", field="month") from exc


@router.post("/ledger/periods", response={201: PeriodOut}, summary="月度结账")
def ledger_period_close(request: HttpRequest, payload: PeriodCloseIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    period = services.ledger_period_close(union=union, month=parse_month(payload.month), actor=_user(request))
    return Status(201, _period_out(period))


@router.get("/ledger/balances", response=list[BalanceOut], summary="余额（含下级）")
def fund_balances(request: HttpRequest, union_id: int, as_of: dt.date | None = None,
                  subtree: bool = True) -> list[dict[str, Any]]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id)
    rows = selectors.fund_balances(union=union, as_of=as_of, subtree=subtree)
    return [{"source": r.source, "source_label": r.label, "available_fen": r.available, "payable_fen": r.payable,
             "funds_fen": r.funds, "spent_fen": r.spent, "received_fen": r.received} for r in rows]


def _row_out(row: selectors.StatementRow) -> dict[str, Any]:
    return {"label": row.label, "source": row.source, "opening_fen": row.opening, "receipts_fen": row.receipts,
            "allocations_fen": row.allocations, "spent_fen": row.spent, "refunds_fen": row.refunds,
            "closing_fen": row.closing}


@router.get("/ledger/statement", response=StatementOut, summary="收支表")
def income_statement(request: HttpRequest, union_id: int, year: int, month_from: int = 1, month_to: int = 12,
                     subtree: bool = True) -> dict[str, Any]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id)
    start, end = selectors.month_range_check(year=year, month_from=month_from, month_to=month_to)
    statement = selectors.income_statement(union=union, month_from=start, month_to=end, subtree=subtree)
    return {"union_id": union.pk, "union_name": union.name, "month_from": f"{start:%Y-%m}",
            "month_to": f"{end:%Y-%m}", "subtree": subtree, "rows": [_row_out(r) for r in statement.rows],
            "total": _row_out(statement.total), "children": [_row_out(r) for r in statement.children]}


# --- payouts ----------------------------------------------------------------------------------


def payout_out(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.pk, "union_id": payout.union_id, "union_name": payout.union.name, "source": payout.source,
        "amount_fen": payout.amount, "payee_name": payout.payee_name,
        "bank_account_masked": payout.bank_account_masked, "bank_name": payout.bank_name, "memo": payout.memo,
        "status": payout.status, "status_label": payout.get_status_display(),
        "failure_reason": payout.failure_reason, "failures": payout.failures, "paid_on": payout.paid_on,
        "created_at": payout.created_at,
    }


def batch_out(batch: PaymentBatch) -> dict[str, Any]:
    return {"id": batch.pk, "number": batch.number, "union_id": batch.union_id, "status": batch.status,
            "count": batch.count, "total_fen": batch.total, "created_at": batch.created_at}


@router.get("/payouts", response=list[PayoutOut], summary="代发记录")
def payout_list(request: HttpRequest, union_id: int | None = None, status: str = "", limit: Limit200 = 50,
                offset: Offset = 0) -> list[dict[str, Any]]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id) if union_id else None
    payouts = selectors.payout_list_for_user(user=_user(request), union=union,
                                             status=status if status in Payout.Status.values else "")
    return [payout_out(p) for p in payouts[offset: offset + limit]]


@router.post("/payouts", response={201: PayoutOut}, summary="新增代发（幂等）")
def payout_create(request: HttpRequest, payload: PayoutIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    payout = payouts.payout_create(
        union=union, source=payload.source, amount=payload.amount_fen, payee_name=payload.payee_name,
        bank_account=payload.bank_account, bank_name=payload.bank_name, memo=payload.memo,
        idempotency_key=payload.idempotency_key, actor=_user(request),
    )
    return Status(201, payout_out(payout))


@router.get("/payouts/{int:payout_id}", response=PayoutOut, summary="代发详情")
def payout_get(request: HttpRequest, payout_id: int) -> dict[str, Any]:
    return payout_out(selectors.payout_get_for_user(user=_user(request), payout_id=payout_id))


@router.post("/payouts/{int:payout_id}/reveal", response=PayoutRevealOut, summary="查看完整银行账号（留痕）")
def payout_reveal(request: HttpRequest, payout_id: int, payload: PayoutRevealIn) -> dict[str, Any]:
    payout = selectors.payout_get_for_user(user=_user(request), payout_id=payout_id)
    return {"bank_account": payouts.payout_bank_account_reveal(payout=payout, actor=_user(request),
                                                               reason=payload.reason)}


@router.get("/payment-batches", response=list[PaymentBatchOut], summary="代发批次")
def payment_batch_list(request: HttpRequest, union_id: int | None = None, limit: Limit200 = 50,
                       offset: Offset = 0) -> list[dict[str, Any]]:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=union_id) if union_id else None
    return [batch_out(b) for b in selectors.payment_batch_list_for_user(user=_user(request),
                                                                        union=union)[offset: offset + limit]]


@router.post("/payment-batches", response={201: PaymentBatchOut}, summary="生成代发批次")
def payment_batch_create(request: HttpRequest, payload: PaymentBatchIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    batch = payouts.payment_batch_create(union=union, payout_ids=payload.payout_ids, actor=_user(request))
    return Status(201, batch_out(batch))


@router.get("/payment-batches/{int:payment_batch_id}/lines", response=list[PaymentLineOut], summary="批次明细")
def payment_batch_lines(request: HttpRequest, payment_batch_id: int, limit: Limit200 = 200,
                        offset: Offset = 0) -> list[dict[str, Any]]:
    batch = selectors.payment_batch_get_for_user(user=_user(request), payment_batch_id=payment_batch_id)
    return [{"seq": line.seq, "reference": f"{batch.number}-{line.seq:05d}", "payout_id": line.payout_id,
             "payee_name": line.payout.payee_name, "bank_account_masked": line.payout.bank_account_masked,
             "amount_fen": line.amount, "result": line.result, "bank_reason": line.bank_reason}
            for line in selectors.payment_batch_lines(batch=batch)[offset: offset + limit]]


@router.post("/payment-batches/{int:payment_batch_id}/returns", response={200: PaymentReturnOut},
             summary="导入银行回盘文件")
def payment_return_import(request: HttpRequest, payment_batch_id: int,
                          file: UploadedFile | None = File(None)) -> dict[str, Any]:  # noqa: B008
    # The batch first: another branch's batch is a 404 whatever was sent.
    batch = selectors.payment_batch_get_for_user(user=_user(request), payment_batch_id=payment_batch_id,
                                                 action=WRITE)
    if file is None:
        raise ValidationFailed(_("请上传银行回盘文件（.xlsx）。"), code="return_file_missing", field="file")
    imported, new = payouts.payment_return_import(batch=batch, upload=file, actor=_user(request))
    return {"batch_id": batch.pk, "new_file": new, "paid": imported.paid, "failed": imported.failed,
            "unchanged": imported.unchanged}


# --- hardship files ---------------------------------------------------------------------------


def hardship_out(file: HardshipFile) -> dict[str, Any]:
    return {
        "id": file.pk, "union_id": file.union_id, "union_name": file.union.name, "name": file.name,
        "id_number_masked": file.id_number_masked, "household": file.household,
        "household_size": file.household_size, "monthly_income_fen": file.monthly_income, "cause": file.cause,
        "cause_label": file.get_cause_display(), "status": file.status, "status_label": file.get_status_display(),
        "due_on": file.due_on, "visited_on": file.visited_on, "grade": file.grade,
        "grade_label": file.get_grade_display() if file.grade else "",
        "per_capita_income_fen": file.per_capita_income, "approved_on": file.approved_on,
        "review_due": file.review_due, "closed_reason": file.closed_reason,
        "appeal_union_name": file.appeal_union.name if file.appeal_union_id and file.appeal_union else "",
        "appeal_reason": file.appeal_reason, "appeal_requested_on": file.appeal_requested_on,
        "appeal_due": file.appeal_due, "appeal_outcome": file.appeal_outcome, "appeal_note": file.appeal_note,
        "appeal_decided_on": file.appeal_decided_on,
        "notice_from": file.notice_from, "notice_until": file.notice_until,
    }


def objection_out(objection: Any) -> dict[str, Any]:
    return {"id": objection.pk, "file_id": objection.file_id, "text": objection.text, "at": objection.at,
            "answer": objection.answer, "answered_at": objection.answered_at}


def standard_out(standard: HardshipStandard) -> dict[str, Any]:
    return {"region": standard.region, "year": standard.year, "low_income_line_fen": standard.low_income_line,
            "hardship_permille": standard.hardship_permille, "hardship_line_fen": standard.hardship_line,
            "required_documents": list(standard.required_documents)}


@router.get("/hardship/mine", response=list[HardshipFileOut], summary="我的建档申请")
def hardship_file_list_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [hardship_out(f) for f in selectors.hardship_file_list_for_worker(user=_user(request))[:50]]


@router.get("/hardship/mine/{int:hardship_file_id}", response=HardshipFileOut, summary="我的建档申请详情")
def hardship_file_get_mine(request: HttpRequest, hardship_file_id: int) -> dict[str, Any]:
    return hardship_out(selectors.hardship_file_get_for_worker(user=_user(request), hardship_file_id=hardship_file_id))


def _multipart(request: HttpRequest, data: str, schema: Any) -> tuple[Any, dict[str, Any], list[Any]]:
    """A multipart application: `data` is the JSON body of the JSON operation; each file in
    `documents` is named by the `document_names` entry at the same position (a required
    document's name, or empty for an extra proof)."""
    try:
        payload = schema.model_validate_json(data or "{}")
    except PydanticValidationError as exc:
        raise ValidationFailed(_("data 字段应为申请内容的 JSON：%(error)s") % {"error": exc.errors()[0].get("msg", "")},
                               code="invalid_data", field="data") from exc
    files = request.FILES.getlist("documents")
    names = request.POST.getlist("document_names")
    if len(files) > 10:
        raise ValidationFailed(_("最多上传 %(n)s 个材料。") % {"n": 10}, code="attachment_count", field="documents")
    named: dict[str, Any] = {}
    extra: list[Any] = []
    for i, upload in enumerate(files):
        name = (names[i] if i < len(names) else "").strip()
        if name and name in named:
            raise ValidationFailed(_("材料“%(name)s”重复上传。") % {"name": name}, code="document_repeated",
                                   field="document_names")
        if name:
            named[name] = upload
        else:
            extra.append(upload)
    return payload, named, extra


@router.post("/hardship/mine/with-documents", response={201: HardshipFileOut},
             summary="申请困难职工建档，同时上传材料（multipart）")
def hardship_file_apply_with_documents(
    request: HttpRequest, data: str = Form(..., description="申请内容：与 POST /hardship/mine 相同的 JSON"),  # noqa: B008
    documents: list[UploadedFile] = File(None, description="材料文件（图片或 PDF）"),  # noqa: B008
    document_names: list[str] = Form(None, description="与 documents 一一对应：所需材料名称，其他证明留空"),  # noqa: B008
) -> Status:
    payload, named, extra = _multipart(request, data, HardshipApplyIn)
    file = hardship.hardship_file_apply(
        user=_user(request), household=[m.dict() for m in payload.household],
        monthly_income=payload.monthly_income_fen, cause=payload.cause, cause_note=payload.cause_note,
        documents=extra, named_documents=named,
    )
    return Status(201, hardship_out(file))


@router.post("/hardship/mine", response={201: HardshipFileOut},
             summary="申请困难职工建档（有所需材料时请用 /hardship/mine/with-documents）")
def hardship_file_apply(request: HttpRequest, payload: HardshipApplyIn) -> Status:
    file = hardship.hardship_file_apply(
        user=_user(request), household=[m.dict() for m in payload.household],
        monthly_income=payload.monthly_income_fen, cause=payload.cause, cause_note=payload.cause_note,
    )
    return Status(201, hardship_out(file))


@router.post("/hardship/mine/{int:hardship_file_id}/appeal", response=HardshipFileOut,
             summary="对不予建档或退档申请复核")
def hardship_appeal_request(request: HttpRequest, hardship_file_id: int, payload: GrantReviewRequestIn) -> dict[str, Any]:
    file = selectors.hardship_file_get_for_worker(user=_user(request), hardship_file_id=hardship_file_id)
    return hardship_out(hardship.hardship_appeal_request(file=file, by=_user(request), reason=payload.reason))


@router.post("/hardship/files/{int:hardship_file_id}/appeal", response=HardshipFileOut,
             summary="建档复核决定（维持或撤销原决定）")
def hardship_appeal_decide(request: HttpRequest, hardship_file_id: int, payload: GrantReviewDecideIn) -> dict[str, Any]:
    file = _file(request, hardship_file_id)
    if payload.outcome not in ("upheld", "overturned"):
        raise ValidationFailed(_("复核结论应为维持或撤销。"), code="invalid_outcome", field="outcome")
    return hardship_out(hardship.hardship_appeal_decide(file=file, by=_user(request),
                                                        overturn=payload.outcome == "overturned", note=payload.note))


@router.get("/hardship/files", response=list[HardshipFileOut], summary="困难职工档案")
def hardship_file_list(request: HttpRequest, status: str = "", grade: str = "", limit: Limit200 = 50,
                       offset: Offset = 0) -> list[dict[str, Any]]:
    files = selectors.hardship_file_list_for_user(
        user=_user(request), status=status if status in HardshipFile.Status.values else "",
        grade=grade if grade in HardshipGrade.values else "",
    )
    return [hardship_out(f) for f in files[offset: offset + limit]]


@router.get("/hardship/files/{int:hardship_file_id}", response=HardshipFileOut, summary="档案详情")
def hardship_file_get(request: HttpRequest, hardship_file_id: int) -> dict[str, Any]:
    return hardship_out(selectors.hardship_file_get_for_user(user=_user(request), hardship_file_id=hardship_file_id))


def _file(request: HttpRequest, hardship_file_id: int) -> HardshipFile:
    return selectors.hardship_file_get_for_user(user=_user(request), hardship_file_id=hardship_file_id)


@router.post("/hardship/files/{int:hardship_file_id}/verify", response=HardshipFileOut, summary="入户核查")
def hardship_file_verify(request: HttpRequest, hardship_file_id: int, payload: HardshipVerifyIn) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_verify(
        file=_file(request, hardship_file_id), by=_user(request), visited_on=payload.visited_on,
        findings=payload.findings, monthly_income=payload.monthly_income_fen, household_size=payload.household_size,
    ))


@router.post("/hardship/files/{int:hardship_file_id}/grade", response=HardshipFileOut, summary="按当地标准评定")
def hardship_file_grade(request: HttpRequest, hardship_file_id: int) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_grade(file=_file(request, hardship_file_id), by=_user(request)))


@router.post("/hardship/files/{int:hardship_file_id}/approve", response=HardshipFileOut, summary="审批建档")
def hardship_file_approve(request: HttpRequest, hardship_file_id: int, payload: HardshipNoteIn) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_approve(file=_file(request, hardship_file_id), by=_user(request),
                                                       note=payload.note))


@router.post("/hardship/files/{int:hardship_file_id}/notice", response=HardshipFileOut, summary="开始建档公示")
def hardship_file_notice_start(request: HttpRequest, hardship_file_id: int) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_notice_start(file=_file(request, hardship_file_id), by=_user(request)))


@router.get("/hardship/files/{int:hardship_file_id}/objections", response=list[HardshipObjectionOut],
            summary="建档公示异议（工作人员）")
def hardship_objection_list(request: HttpRequest, hardship_file_id: int) -> list[dict[str, Any]]:
    return [objection_out(o) for o in selectors.hardship_objections(file=_file(request, hardship_file_id))[:200]]


@router.post("/hardship/objections/{int:hardship_objection_id}/answer", response=HardshipObjectionOut,
             summary="答复建档公示异议")
def hardship_objection_answer(request: HttpRequest, hardship_objection_id: int,
                              payload: HardshipObjectionAnswerIn) -> dict[str, Any]:
    objection = selectors.hardship_objection_get_for_user(user=_user(request), objection_id=hardship_objection_id)
    return objection_out(hardship.hardship_objection_answer(objection=objection, answer=payload.answer,
                                                            by=_user(request)))


@router.get("/hardship/notices", response=list[HardshipNoticeOut], auth=None,
            summary="困难职工建档公示（公开，姓名脱敏）")
def hardship_notice_list(request: HttpRequest, limit: Limit200 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    found = selectors.hardship_notices_public(today=timezone.localdate())[offset: offset + limit]
    return [{"id": f.pk, "name_masked": f.name_masked, "union_name": f.union.name,
             "grade_label": f.get_grade_display() if f.grade else "", "notice_until": f.notice_until} for f in found]


@router.post("/hardship/notices/{int:hardship_file_id}/objections", response={201: dict},
             summary="对建档公示提出异议")
def hardship_object(request: HttpRequest, hardship_file_id: int, payload: ObjectionIn) -> Status:
    found = selectors.hardship_notice_get(hardship_file_id=hardship_file_id, today=timezone.localdate())
    hardship.hardship_object(file=found, text=payload.text, by=_user(request))
    return Status(201, {"ok": True})


@router.post("/hardship/files/{int:hardship_file_id}/documents", response={201: HardshipFileOut},
             summary="补充档案材料（工作人员；name 为所需材料名称，其他证明留空）")
def hardship_document_add(request: HttpRequest, hardship_file_id: int, name: str = Form(""),  # noqa: B008
                          file: UploadedFile | None = File(None)) -> Status:  # noqa: B008
    found = _file(request, hardship_file_id)
    hardship.hardship_document_add(file=found, name=name, upload=_document(file), by=_user(request))
    return Status(201, hardship_out(_file(request, hardship_file_id)))


@router.post("/hardship/files/{int:hardship_file_id}/reject", response=HardshipFileOut, summary="不予建档")
def hardship_file_reject(request: HttpRequest, hardship_file_id: int, payload: HardshipReasonIn) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_reject(file=_file(request, hardship_file_id), by=_user(request),
                                                      reason=payload.reason))


@router.post("/hardship/files/{int:hardship_file_id}/review", response=HardshipFileOut, summary="年度复核")
def hardship_file_review(request: HttpRequest, hardship_file_id: int, payload: HardshipReviewIn) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_review(
        file=_file(request, hardship_file_id), by=_user(request), reviewed_on=payload.reviewed_on,
        findings=payload.findings, monthly_income=payload.monthly_income_fen, household_size=payload.household_size,
    ))


@router.post("/hardship/files/{int:hardship_file_id}/exit", response=HardshipFileOut, summary="解困脱困（退档）")
def hardship_file_exit(request: HttpRequest, hardship_file_id: int, payload: HardshipReasonIn) -> dict[str, Any]:
    return hardship_out(hardship.hardship_file_exit(file=_file(request, hardship_file_id), by=_user(request),
                                                    reason=payload.reason))


@router.post("/hardship/lookup", response=HardshipLookupOut, summary="按身份证号查询建档情况（全国唯一）")
def hardship_file_lookup(request: HttpRequest, payload: HardshipLookupIn) -> dict[str, Any]:
    if not selectors.union_choices_for_user(user=_user(request)).exists():
        raise PermissionDenied(_("只有工会工作人员可以查询。"), code="forbidden")
    found, file, union_name = hardship.hardship_file_lookup(user=_user(request), id_number=payload.id_number)
    return {"found": found, "file_id": file.pk if file else None, "union_name": union_name}


@router.get("/hardship/standards", response=list[HardshipStandardOut], summary="困难职工认定标准")
def hardship_standard_list(request: HttpRequest, region_prefix: str = "", limit: Limit200 = 100,
                           offset: Offset = 0) -> list[dict[str, Any]]:
    standards = selectors.hardship_standard_list(region_prefix=region_prefix[:6])
    return [standard_out(s) for s in standards[offset: offset + limit]]


@router.post("/hardship/standards", response=HardshipStandardOut, summary="设置认定标准（省总工会）")
def hardship_standard_set(request: HttpRequest, payload: HardshipStandardIn) -> dict[str, Any]:
    return standard_out(hardship.hardship_standard_set(
        region=payload.region, year=payload.year, low_income_line=payload.low_income_line_fen,
        hardship_permille=payload.hardship_permille, by=_user(request),
        required_documents=payload.required_documents,
    ))


# --- grants -----------------------------------------------------------------------------------


def program_out(p: GrantProgram) -> dict[str, Any]:
    return {"id": p.pk, "union_id": p.union_id, "union_name": p.union.name, "name": p.name, "kind": p.kind,
            "required_documents": p.required_documents,
            "source": p.source, "min_amount_fen": p.min_amount, "max_amount_fen": p.max_amount,
            "yearly_cap_fen": p.yearly_cap, "eligible_grades": p.eligible_grades, "notice_days": p.notice_days,
            "approval_threshold_fen": p.approval_threshold, "active": p.active}


def grant_out(g: Grant, *, staff: bool = True) -> dict[str, Any]:
    return {
        "id": g.pk, "program_id": g.program_id, "program_name": g.program.name, "name": g.name,
        "filed_by_staff": g.filed_by_id is not None, "student_name": g.student_name, "academic_year": g.academic_year,
        "documents": [d.name for d in g.documents.all()],
        "review_status": g.review_outcome or ("requested" if g.review_union_id else ""), "review_note": g.review_note,
        "amount_fen": g.amount, "status": g.status, "status_label": g.get_status_display(),
        "union_name": g.union.name, "approving_union_name": g.approving_union.name, "holder_name": g.holder.name,
        "due_on": g.due_on, "notice_from": g.notice_from, "notice_until": g.notice_until,
        "decision": g.decision if staff else "", "rejection_reason": g.rejection_reason,
        "payout_status": g.payout.status if g.payout_id and g.payout else "",
        "objections": g.objections.count() if staff else 0,
    }


@router.get("/grant-programs", response=list[GrantProgramOut], summary="救助项目")
def grant_program_list(request: HttpRequest, limit: Limit200 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    return [program_out(p) for p in selectors.grant_program_list_for_user(user=_user(request))[offset: offset + limit]]


@router.post("/grant-programs", response={201: GrantProgramOut}, summary="新建救助项目")
def grant_program_create(request: HttpRequest, payload: GrantProgramIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action=WRITE)
    program = grants.grant_program_create(
        union=union, name=payload.name, kind=payload.kind, source=payload.source,
        min_amount=payload.min_amount_fen, max_amount=payload.max_amount_fen, yearly_cap=payload.yearly_cap_fen,
        eligible_grades=payload.eligible_grades, notice_days=payload.notice_days,
        approval_threshold=payload.approval_threshold_fen, by=_user(request),
        required_documents=payload.required_documents,
    )
    return Status(201, program_out(program))


@router.get("/grants/mine", response=list[GrantOut], summary="我的救助申请")
def grant_list_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [grant_out(g, staff=False) for g in selectors.grant_list_for_worker(user=_user(request))[:50]]


@router.get("/grants/mine/{int:grant_id}", response=GrantOut, summary="我的救助申请详情")
def grant_get_mine(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    return grant_out(selectors.grant_get_for_worker(user=_user(request), grant_id=grant_id), staff=False)


@router.post("/grants/mine", response={201: GrantOut}, summary="申请救助")
def grant_apply(request: HttpRequest, payload: GrantApplyIn) -> Status:
    program = selectors.grant_program_for_worker(user=_user(request), grant_program_id=payload.program_id)
    grant = grants.grant_apply(user=_user(request), program=program, amount=payload.amount_fen,
                               reason=payload.reason, bank_account=payload.bank_account, bank_name=payload.bank_name,
                               student=_student(payload))
    return Status(201, grant_out(grant, staff=False))


@router.post("/grants/mine/with-documents", response={201: GrantOut},
             summary="申请救助，同时上传所需材料（multipart）")
def grant_apply_with_documents(
    request: HttpRequest, data: str = Form(..., description="申请内容：与 POST /grants/mine 相同的 JSON"),  # noqa: B008
    documents: list[UploadedFile] = File(None, description="材料文件（图片或 PDF）"),  # noqa: B008
    document_names: list[str] = Form(None, description="与 documents 一一对应：项目所需材料的名称"),  # noqa: B008
) -> Status:
    payload, named, extra = _multipart(request, data, GrantApplyIn)
    if extra:
        raise ValidationFailed(_("每个材料都要对应项目所需材料的名称（document_names）。"), code="document_unnamed",
                               field="document_names")
    program = selectors.grant_program_for_worker(user=_user(request), grant_program_id=payload.program_id)
    grant = grants.grant_apply(user=_user(request), program=program, amount=payload.amount_fen,
                               reason=payload.reason, bank_account=payload.bank_account, bank_name=payload.bank_name,
                               student=_student(payload), documents=named)
    return Status(201, grant_out(grant, staff=False))


def _document(file: UploadedFile | None) -> UploadedFile:
    if file is None:
        raise ValidationFailed(_("请上传材料文件。"), code="document_missing", field="file")
    return file


def _student(payload: GrantApplyIn) -> grants.Student | None:
    s = payload.student
    return grants.Student(name=s.name, id_number=s.id_number, level=s.level, school=s.school) if s else None


@router.post("/grants/mine/{int:grant_id}/review", response=GrantOut, summary="对不予救助申请复核")
def grant_review_request(request: HttpRequest, grant_id: int, payload: GrantReviewRequestIn) -> dict[str, Any]:
    grant = selectors.grant_get_for_worker(user=_user(request), grant_id=grant_id)
    return grant_out(grants.grant_review_request(grant=grant, by=_user(request), reason=payload.reason), staff=False)


@router.post("/grants/mine/{int:grant_id}/documents", response={201: GrantOut}, summary="补充申请材料")
def grant_document_add_mine(request: HttpRequest, grant_id: int, name: str = Form(""),  # noqa: B008
                            file: UploadedFile | None = File(None)) -> Status:  # noqa: B008
    # The grant first: someone else's grant is a 404 whatever was sent.
    grant = selectors.grant_get_for_worker(user=_user(request), grant_id=grant_id)
    grants.grant_document_add(grant=grant, name=name, upload=_document(file), by=_user(request))
    return Status(201, grant_out(selectors.grant_get_for_worker(user=_user(request), grant_id=grant_id), staff=False))


@router.post("/grants/on-behalf", response={201: GrantOut}, summary="工会工作人员代职工申请")
def grant_apply_on_behalf(request: HttpRequest, payload: GrantOnBehalfIn) -> Status:
    membership = selectors.membership_for_staff(user=_user(request), id_number=payload.id_number)
    program = next((p for p in selectors.grant_programs_for_union(union=membership.union)
                    if p.pk == payload.program_id), None)
    if program is None:
        raise ValidationFailed(_("该救助项目不受理这名会员所在工会的申请。"), code="program_unavailable",
                               field="program_id")
    grant = grants.grant_apply_on_behalf(
        by=_user(request), membership=membership, program=program, amount=payload.amount_fen, reason=payload.reason,
        bank_account=payload.bank_account, bank_name=payload.bank_name, student=_student(payload),
    )
    return Status(201, grant_out(grant))


@router.get("/school-tiers", response=list[EducationTierOut], summary="金秋助学资助标准")
def education_tier_list(request: HttpRequest, region_prefix: str = "", limit: Limit200 = 100,
                        offset: Offset = 0) -> list[dict[str, Any]]:
    return [{"region": t.region, "year": t.year, "level": t.level, "level_label": t.get_level_display(),
             "amount_fen": t.amount}
            for t in selectors.education_tier_list(region_prefix=region_prefix[:6])[offset: offset + limit]]


@router.post("/school-tiers", response=EducationTierOut, summary="设置金秋助学资助标准（省总工会）")
def education_tier_set(request: HttpRequest, payload: EducationTierIn) -> dict[str, Any]:
    t = grants.education_tier_set(region=payload.region, year=payload.year, level=payload.level,
                                  amount=payload.amount_fen, by=_user(request))
    return {"region": t.region, "year": t.year, "level": t.level, "level_label": t.get_level_display(),
            "amount_fen": t.amount}


@router.get("/grants", response=list[GrantOut], summary="救助申请")
def grant_list(request: HttpRequest, status: str = "", limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    found = selectors.grant_list_for_user(user=_user(request), status=status if status in Grant.Status.values else "")
    return [grant_out(g) for g in found.select_related("payout")[offset: offset + limit]]


@router.get("/grants/{int:grant_id}", response=GrantOut, summary="救助申请详情")
def grant_get(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    return grant_out(selectors.grant_get_for_user(user=_user(request), grant_id=grant_id))


@router.post("/grants/{int:grant_id}/verify", response=GrantOut, summary="核查")
def grant_verify(request: HttpRequest, grant_id: int, payload: GrantNoteIn) -> dict[str, Any]:
    grant = selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)
    return grant_out(grants.grant_verify(grant=grant, by=_user(request), note=payload.note))


@router.post("/grants/{int:grant_id}/notice", response=GrantOut, summary="开始公示")
def grant_notice_start(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    grant = selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)
    return grant_out(grants.grant_notice_start(grant=grant, by=_user(request)))


@router.post("/grants/{int:grant_id}/approve", response=GrantOut, summary="审批（记录会议决定）并发放")
def grant_approve(request: HttpRequest, grant_id: int, payload: GrantApproveIn) -> dict[str, Any]:
    grant = selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)
    return grant_out(grants.grant_approve(grant=grant, by=_user(request), decision=payload.decision,
                                          decided_on=payload.decided_on))


@router.post("/grants/{int:grant_id}/review", response=GrantOut, summary="复核决定（维持或撤销原决定）")
def grant_review_decide(request: HttpRequest, grant_id: int, payload: GrantReviewDecideIn) -> dict[str, Any]:
    grant = selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)
    if payload.outcome not in ("upheld", "overturned"):
        raise ValidationFailed(_("复核结论应为维持或撤销。"), code="invalid_outcome", field="outcome")
    return grant_out(grants.grant_review_decide(grant=grant, by=_user(request),
                                                overturn=payload.outcome == "overturned", note=payload.note))


@router.post("/grants/{int:grant_id}/documents", response={201: GrantOut}, summary="补充申请材料（工作人员）")
def grant_document_add(request: HttpRequest, grant_id: int, name: str = Form(""),  # noqa: B008
                       file: UploadedFile | None = File(None)) -> Status:  # noqa: B008
    grant = selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)
    grants.grant_document_add(grant=grant, name=name, upload=_document(file), by=_user(request))
    return Status(201, grant_out(selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)))


@router.post("/grants/{int:grant_id}/reject", response=GrantOut, summary="不予救助")
def grant_reject(request: HttpRequest, grant_id: int, payload: HardshipReasonIn) -> dict[str, Any]:
    grant = selectors.grant_get_for_user(user=_user(request), grant_id=grant_id)
    return grant_out(grants.grant_reject(grant=grant, by=_user(request), reason=payload.reason))


@router.get("/notices", response=list[GrantNoticeOut], auth=None, summary="救助公示（公开，姓名脱敏）")
def grant_notice_list(request: HttpRequest, limit: Limit200 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    found = selectors.grant_notices_public(today=timezone.localdate())[offset: offset + limit]
    return [{"id": g.pk, "name_masked": g.name_masked, "kind_label": g.program.get_kind_display(),
             "program_name": g.program.name, "union_name": g.union.name, "amount_fen": g.amount,
             "notice_until": g.notice_until} for g in found]


@router.get("/notices/school-results", response=list[AssistanceSchoolResultOut], auth=None,
            summary="金秋助学结果公示（公开，姓名脱敏）")
def school_result_list(request: HttpRequest, year: int | None = None, limit: Limit200 = 100,
                       offset: Offset = 0) -> list[dict[str, Any]]:
    """Approved 金秋助学 awards of a school year (its first calendar year; default: the latest
    with results). Masked names, the union, the level and the amount — never an ID number,
    phone, school or bank account."""
    if year is None:
        years = selectors.school_results_years()
        if not years:
            return []
        year = years[0]
    found = selectors.school_results_public(academic_year=year)[offset: offset + limit]
    return [{"name_masked": g.name_masked, "student_name_masked": g.student_name_masked, "union_name": g.union.name,
             "level": g.student_level, "level_label": g.student_level_label, "academic_year": g.academic_year,
             "amount_fen": g.amount, "decided_on": g.decided_on} for g in found]


@router.post("/notices/{int:grant_id}/objections", response={201: dict}, summary="对公示提出异议")
def grant_object(request: HttpRequest, grant_id: int, payload: ObjectionIn) -> Status:
    grant = selectors.grant_notice_get(grant_id=grant_id, today=timezone.localdate())
    grants.grant_object(grant=grant, text=payload.text, by=_user(request))
    return Status(201, {"ok": True})


# 送温暖 lives in its own file; its operations sit under /assistance/relief/.
from .api_relief import router as relief_router  # noqa: E402

router.add_router("/relief", relief_router, tags=["帮扶资金"])
