"""Valid-looking identifiers for demo data, tests and benchmarks (never real people)."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc

_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_number_make(*, region: str = "110105", birth: dt.date = dt.date(1990, 1, 1), seq: int = 1, female: bool = False) -> str:
    """An 18-digit resident ID number with a correct check digit."""
    order = (seq % 500) * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def _org_code(serial: int) -> str:
    # GB 11714 organization code: 8 characters and a check character.
    chars = f"{serial:08d}"[-8:]
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(chars, weights, strict=True))
    check = 11 - total % 11
    return chars + ("0" if check == 11 else "X" if check == 10 else str(check))


def uscc_make(*, region: str = "440300", serial: int = 1, kind: str = "91") -> str:
    """An 18-character 统一社会信用代码 with correct check characters."""
    body = f"{kind}{region}{_org_code(serial)}"
    return body + uscc.calc_check_digit(body)
