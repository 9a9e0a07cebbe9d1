"""Money is integer fen (分). These helpers are the only place yuan strings are parsed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def yuan_to_fen(value: str | int | Decimal) -> int:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise ValidationFailed(_("金额格式不正确。"), code="invalid_amount") from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(_("金额最多保留两位小数。"), code="invalid_amount")
    return int(amount * 100)


def fen_to_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
