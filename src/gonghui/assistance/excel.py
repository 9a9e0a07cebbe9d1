"""The 收支表 as an XLSX workbook (through the one safe writer, core/xlsx.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from gonghui.core.xlsx import XlsxWriter

from .selectors import Statement, StatementRow


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _line(row: StatementRow) -> list[object]:
    return [row.label, _yuan(row.opening), _yuan(row.receipts), _yuan(row.allocations), _yuan(row.spent),
            _yuan(row.refunds), _yuan(row.closing)]


def statement_write_xlsx(statement: Statement) -> bytes:
    writer = XlsxWriter()
    header = [_("项目"), _("期初余额（元）"), _("本期收入（元）"), _("上级拨入净额（元）"), _("帮扶支出（元）"),
              _("支出退回（元）"), _("期末余额（元）")]
    sheet = writer.sheet(_("收支表"), widths=[28, 16, 16, 18, 16, 16, 16])
    scope = _("含下级工会") if statement.subtree else _("仅本级")
    sheet.append([statement.union.name, f"{statement.month_from:%Y-%m} — {statement.month_to:%Y-%m}", scope])
    sheet.header(header)
    for row in statement.rows:
        sheet.append(_line(row))
    sheet.append(_line(statement.total))
    if statement.children:
        by_union = writer.sheet(_("按下级工会"), widths=[28, 16, 16, 18, 16, 16, 16])
        by_union.header([_("下级工会"), *header[1:]])
        for row in statement.children:
            by_union.append(_line(row))
    return writer.to_bytes()
