"""Personal data at rest: encryption, blind indexes and masking.

ID numbers and phone numbers are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) and,
for exact lookup, as a keyed HMAC "blind index" of the normalised value. Neither the
ciphertext nor the index reveals the value to someone who holds the database alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    raw = settings.FIELD_ENCRYPTION_KEY
    keys: list[bytes]
    if raw:
        # Several comma-separated keys allow rotation: the first encrypts, all decrypt.
        keys = [k.strip().encode() for k in raw.split(",") if k.strip()]
    else:
        digest = hashlib.sha256(("fernet:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest)]
    return MultiFernet([Fernet(k) for k in keys])


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    raw = settings.BLIND_INDEX_KEY or ("blind-index:" + settings.SECRET_KEY)
    return raw.encode()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must be loud, not a silent blank
        raise ValueError("cannot decrypt personal data: wrong FIELD_ENCRYPTION_KEY?") from exc


def normalize_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def normalize_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def blind_index(kind: str, value: str) -> str:
    """Keyed HMAC of a normalised value; `kind` separates ID numbers from phones."""
    return hmac.new(_index_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def id_number_index(value: str) -> str:
    return blind_index("id", normalize_id_number(value))


def phone_index(value: str) -> str:
    return blind_index("phone", normalize_phone(value))


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# A mainland mobile number or an 18-character resident ID number inside free text, not
# glued to other digits/letters.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """Mask every phone and ID number found in free text (logs, audit data, messages we did
    not write ourselves): 138****5678, 110***********002X."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(2)}", text)
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python sees the plain value."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
