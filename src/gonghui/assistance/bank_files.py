"""The bank's files for a payment batch: the batch file we send (XLSX through core/xlsx.py, or
CSV) and the return file the bank sends back (same columns plus 结果 and 说明, XLSX or CSV).

CSV is UTF-8 with a byte-order mark: Excel then opens it as UTF-8 (without the mark it guesses
GBK on a Chinese Windows and garbles the names), and UTF-8 keeps every name — GBK has no code
for rarer characters such as 䶮 or 𠮷 that do occur in names. A cell of user text that starts
with a formula trigger (= + - @, a tab or a line break, or their full-width forms) gets a
leading apostrophe, the OWASP defence against CSV injection; the return file reader takes that
apostrophe off again, so a name round-trips."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gonghui.core.errors import ValidationFailed
from gonghui.core.xlsx import XlsxWriter, is_formula_like

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


def csv_cell(value: Any) -> str:
    """A CSV cell that no spreadsheet program will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def batch_write_csv(batch: PaymentBatch, lines: list[PaymentLine]) -> bytes:
    """The batch file as CSV (UTF-8 with BOM, CRLF line ends): the same columns and 合计 row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in lines:
        payout = line.payout
        writer.writerow([csv_cell(v) for v in (line.reference, payout.payee_name, payout.bank_account,
                                               f"{_yuan(line.amount):.2f}", payout.bank_name, payout.memo)])
    writer.writerow([_("合计"), str(batch.count), "", f"{_yuan(batch.total):.2f}", "", ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


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
    is_xlsx = name.endswith(".xlsx") and content.startswith(b"PK\x03\x04")
    is_csv = name.endswith(".csv") and not content.startswith(b"PK\x03\x04")
    if not (is_xlsx or is_csv):
        raise _refuse(_("回盘文件只能是 .xlsx 格式的 Excel 表格或 .csv 文件。"))
    return content, hashlib.sha256(content).hexdigest()


def _csv_rows(content: bytes) -> list[list[str]]:
    """Rows of a CSV return file: UTF-8 (with or without BOM), else GB18030 (which covers GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [[csv_uncell(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    raise _refuse(_("无法读取回盘文件的文字编码，请使用 UTF-8 或 GBK 编码的 CSV。"))


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
    rows: Any
    if content.startswith(b"PK\x03\x04"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - zip and XML errors of a damaged file
            raise _refuse(_("无法读取回盘文件，请上传银行返回的 .xlsx 文件。")) from exc
        rows = workbook.worksheets[0].iter_rows(values_only=True)
    else:
        try:
            rows = iter(_csv_rows(content))
        except csv.Error as exc:
            raise _refuse(_("无法读取回盘文件，CSV 格式不正确。")) from exc
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
