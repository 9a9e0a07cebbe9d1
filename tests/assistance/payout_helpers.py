"""Payout helpers: queued payouts, and bank return files written like a bank would."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance import payouts
from gonghui.assistance.models import PaymentBatch, Payout
from gonghui.core.xlsx import XlsxWriter

ACCOUNT = "6222021234567890123"


def queued(union, *, fen: int = 500_00, name: str = "张三", key: str | None = None, account: str = ACCOUNT,
           actor=None) -> Payout:
    return payouts.payout_create(
        union=union, source="central", amount=fen, payee_name=name, bank_account=account, bank_name="工商银行",
        memo="生活救助", idempotency_key=key or f"{name}-{fen}-{union.pk}-{account}", actor=actor,
    )


def batch_rows(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def return_file(batch: PaymentBatch, outcomes: dict[int, tuple[str, str]], *, name: str = "return.xlsx",
                amounts: dict[int, int] | None = None) -> SimpleUploadedFile:
    """A return file answering the lines named by seq: {seq: ("成功"|"失败", reason)}."""
    writer = XlsxWriter()
    sheet = writer.sheet("回盘", text_columns="ABC")
    sheet.header(["流水号", "户名", "账号", "金额（元）", "开户行", "摘要", "结果", "说明"])
    for line in batch.lines.select_related("payout").order_by("seq"):
        if line.seq not in outcomes:
            continue
        result, reason = outcomes[line.seq]
        fen = (amounts or {}).get(line.seq, line.amount)
        sheet.append([line.reference, line.payout.payee_name, line.payout.bank_account, Decimal(fen) / 100,
                      line.payout.bank_name, line.payout.memo, result, reason])
    return SimpleUploadedFile(name, writer.to_bytes(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
