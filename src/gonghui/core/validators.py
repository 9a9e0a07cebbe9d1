"""Validation of Chinese identifiers, with messages a worker can act on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from .errors import ValidationFailed
from .pii import normalize_id_number, normalize_phone

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" / "F"
    region_code: str


def parse_id_number(value: str, *, field: str = "id_number") -> IdNumberInfo:
    """Validate an 18-digit resident ID number and derive birth date and gender."""
    number = normalize_id_number(value or "")
    if len(number) != 18:
        raise ValidationFailed(_("身份证号应为18位。"), code="id_number_length", field=field)
    try:
        number = ric.validate(number)
        birth = ric.get_birth_date(number)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationFailed(_("身份证号校验位不正确，请核对。"), code="id_number_checksum", field=field) from exc
    except stdnum_errors.InvalidComponent as exc:
        raise ValidationFailed(_("身份证号中的出生日期或地区代码无效。"), code="id_number_component", field=field) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationFailed(_("身份证号格式不正确。"), code="id_number_format", field=field) from exc
    today = dt.date.today()  # noqa: DTZ011 - a birth date is a calendar date
    if birth > today or birth.year < today.year - 120:
        raise ValidationFailed(_("身份证号中的出生日期无效。"), code="id_number_component", field=field)
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender, region_code=number[:6])


def parse_phone(value: str, *, field: str = "phone") -> str:
    phone = normalize_phone(value or "")
    if not PHONE_RE.match(phone):
        raise ValidationFailed(_("请输入11位中国大陆手机号。"), code="phone_invalid", field=field)
    return phone


def parse_uscc(value: str, *, field: str = "uscc") -> str:
    code = (value or "").strip().upper().replace(" ", "")
    try:
        return str(uscc.validate(code))
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationFailed(_("统一社会信用代码校验位不正确。"), code="uscc_checksum", field=field) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationFailed(_("统一社会信用代码应为18位数字或大写字母。"), code="uscc_format", field=field) from exc


def parse_name(value: str, *, field: str = "name") -> str:
    name = (value or "").strip()
    if not 2 <= len(name) <= 50:
        raise ValidationFailed(_("请输入2到50个字的姓名。"), code="name_invalid", field=field)
    if any(ch in name for ch in "<>{}\\/@#$%^&*=+|;\"'"):
        raise ValidationFailed(_("姓名含有不允许的字符。"), code="name_invalid", field=field)
    return name
