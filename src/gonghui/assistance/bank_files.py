"""The bank's files for a payment batch: the batch file we send (XLSX through core/xlsx.py)
and the return file the bank sends back (same columns plus 结果 and 说明)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gonghui.core.errors import ValidationFailed
from gonghui.core.xlsx import XlsxWriter

from .models import PaymentBatch, PaymentLine

MAX_RETURN_BYTES = 10 * 1024 * 1024
MAX_RETURN_ROWS = 200_000
HEADER = ("流水号", "户名", "账号", "金额（元）", "开户行", "摘要")
RETURN_HEADER = (*HEADER, "结果", "说明")
PAID_WORDS = {"成功", "已到账", "paid", "success", "s"}
FAILED_WORDS = {"失败", "退回", "failed", "fail", "f"}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def batch_write_xlsx(batch: PaymentBatch, lines: list[PaymentLine]) -> bytes:
    """The batch file: one row per line with the full account number (the bank needs it)."""
    writer = XlsxWriter()
    sheet = writer.sheet(_("代发明细"), widths=[22, 14, 26, 14, 20, 30], text_columns="ABCEF")
    sheet.header(HEADER)
    for line in lines:
        payout = line.payout
        sheet.append([line.reference, payout.payee_name, payout.bank_account, _yuan(line.amount),
                      payout.bank_name, payout.memo])
    sheet.append([_("合计"), f"{batch.count}", "", _yuan(batch.total), "", ""])
    return writer.to_bytes()


@dataclass(frozen=True)
class ReturnRow:
    row: int  # row number in the sheet, for messages
    reference: str
    account: str
    amount: int  # fen
    paid: bool
    reason: str


def _refuse(message: str, code: str = "return_file_invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, field="file")


def return_file_check(upload: UploadedFile) -> tuple[bytes, str]:
    """The upload's bytes and their SHA-256, after checking size, name and that it is a workbook."""
    name = (upload.name or "").lower()
    if upload.size is None or upload.size == 0:
        raise _refuse(_("回盘文件是空文件。"))
    if upload.size > MAX_RETURN_BYTES:
        raise _refuse(_("回盘文件过大（不超过 10 MB）。"))
    upload.seek(0)
    content = upload.read()
    if not name.endswith(".xlsx") or not content.startswith(b"PK\x03\x04"):
        raise _refuse(_("回盘文件只能是 .xlsx 格式的 Excel 表格。"))
    return content, hashlib.sha256(content).hexdigest()


def _fen(value: Any) -> int | None:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if amount != amount.quantize(Decimal("0.01")) or amount <= 0:
        return None
    return int(amount * 100)


def return_file_read(content: bytes) -> list[ReturnRow]:
    """The rows of a return file; a row that cannot be read refuses the whole file, naming it."""
    import io

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip and XML errors of a damaged file
        raise _refuse(_("无法读取回盘文件，请上传银行返回的 .xlsx 文件。")) from exc
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in (next(rows, None) or ())]
    columns = {name: header.index(name) for name in ("流水号", "账号", "金额（元）", "结果", "说明") if name in header}
    if len(columns) < 5:
        raise _refuse(_("回盘文件表头应包含：流水号、账号、金额（元）、结果、说明。"), "return_file_header")
    result: list[ReturnRow] = []
    problems: list[str] = []
    for number, values in enumerate(rows, start=2):
        cells = ["" if v is None else str(v).strip() for v in values]
        cells += [""] * (len(header) - len(cells))
        reference = cells[columns["流水号"]]
        if not reference or reference == "合计":
            continue
        if len(result) >= MAX_RETURN_ROWS:
            raise _refuse(_("回盘文件行数过多。"))
        amount = _fen(cells[columns["金额（元）"]])
        outcome = cells[columns["结果"]].lower()
        if amount is None:
            problems.append(_("第 %(row)s 行：金额不正确") % {"row": number})
            continue
        if outcome not in PAID_WORDS | FAILED_WORDS:
            problems.append(_("第 %(row)s 行：结果应为“成功”或“失败”") % {"row": number})
            continue
        result.append(ReturnRow(row=number, reference=reference, account=cells[columns["账号"]].replace(" ", ""),
                                amount=amount, paid=outcome in PAID_WORDS, reason=cells[columns["说明"]][:200]))
    if problems:
        raise _refuse("；".join(problems[:20]) + "。")
    if not result:
        raise _refuse(_("回盘文件没有明细行。"), "return_file_empty")
    return result
