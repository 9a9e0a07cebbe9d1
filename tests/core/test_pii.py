"""Personal data at rest: encryption with rotation, blind indexes of the normalised value,
and the masks pages and the API show."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet

from gonghui.core import pii
from gonghui.core.pii import (
    EncryptedTextField,
    blind_index,
    decrypt,
    encrypt,
    id_number_index,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    phone_index,
)


@pytest.fixture
def keys(settings):
    """Settings with fresh key caches (the keys are read once per process)."""
    pii._fernet.cache_clear()
    pii._index_key.cache_clear()
    yield settings
    pii._fernet.cache_clear()
    pii._index_key.cache_clear()


def test_ciphertext_is_fernet_and_reads_back(keys):
    token = encrypt("11010519491231002X")
    assert token.startswith("gAAAAA") and "11010519491231002X" not in token
    assert decrypt(token) == "11010519491231002X"
    assert encrypt("13800138000") != encrypt("13800138000")  # a fresh IV every time


def test_without_a_configured_key_the_key_derives_from_the_secret_key(keys):
    # Data written so far must stay readable: the derivation is part of the stored format.
    keys.FIELD_ENCRYPTION_KEY = ""
    derived = base64.urlsafe_b64encode(hashlib.sha256(("fernet:" + keys.SECRET_KEY).encode()).digest())
    assert Fernet(derived).decrypt(encrypt("张三").encode()).decode() == "张三"


def test_key_rotation_first_key_encrypts_every_key_decrypts(keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys.FIELD_ENCRYPTION_KEY = old
    written_before = encrypt("13800138000")
    pii._fernet.cache_clear()
    keys.FIELD_ENCRYPTION_KEY = f" {new} ,{old},, "
    assert decrypt(written_before) == "13800138000"
    assert Fernet(new.encode()).decrypt(encrypt("x").encode()) == b"x"


def test_a_wrong_key_is_loud_not_blank(keys):
    keys.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    token = encrypt("13800138000")
    pii._fernet.cache_clear()
    keys.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEY"):
        decrypt(token)


def test_blind_index_is_a_keyed_hmac_of_kind_and_value(keys):
    keys.BLIND_INDEX_KEY = "index-key-for-tests"
    expected = hmac.new(b"index-key-for-tests", b"id:110105", hashlib.sha256).hexdigest()[:32]
    assert blind_index("id", "110105") == expected
    pii._index_key.cache_clear()
    keys.BLIND_INDEX_KEY = ""
    derived = ("blind-index:" + keys.SECRET_KEY).encode()
    assert blind_index("id", "110105") == hmac.new(derived, b"id:110105", hashlib.sha256).hexdigest()[:32]


def test_id_numbers_and_phones_with_the_same_digits_have_different_indexes(keys):
    assert id_number_index("13800138000") != phone_index("13800138000")


@pytest.mark.parametrize("written", ["11010519491231002x", " 11010519491231002X ", "110105 19491231 002X"])
def test_id_number_index_ignores_case_and_spaces(keys, written):
    assert normalize_id_number(written) == "11010519491231002X"
    assert id_number_index(written) == id_number_index("11010519491231002X")


@pytest.mark.parametrize("written", ["+86 138 0013 8000", "8613800138000", "138-0013-8000", "(138)00138000"])
def test_phone_index_ignores_country_code_and_punctuation(keys, written):
    assert normalize_phone(written) == "13800138000"
    assert phone_index(written) == phone_index("13800138000")


def test_86_is_only_a_country_code_in_front_of_eleven_digits():
    assert normalize_phone("86138001380") == "86138001380"  # 11 digits: a number that starts with 86
    assert normalize_phone("861380013800") == "861380013800"


def test_id_number_mask_shows_three_and_four():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_id_number("12345678") == "123*5678"
    assert mask_id_number("1234567") == "*******"
    assert mask_id_number("") == "" and mask_id_number(None) == ""


def test_phone_mask_shows_three_and_four_and_never_the_whole_number():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345678") == "123*5678"
    assert mask_phone("1234567") == "*******"
    assert mask_phone("123456") == "******"
    assert mask_phone("") == "" and mask_phone(None) == ""


def test_name_mask_keeps_the_family_name():
    assert mask_name("欧阳修") == "欧**"
    assert mask_name("张三") == "张*"
    assert mask_name("张") == "张"
    assert mask_name("") == "" and mask_name(None) == ""


def test_encrypted_field_leaves_empty_values_alone(keys):
    field = EncryptedTextField()
    assert field.get_prep_value("") == "" and field.get_prep_value(None) is None
    assert field.from_db_value("", None, None) == "" and field.from_db_value(None, None, None) is None
    token = field.get_prep_value("13800138000")
    assert token != "13800138000" and field.from_db_value(token, None, None) == "13800138000"
    assert decrypt(field.get_prep_value(12345)) == "12345"


def test_stored_indexes_keep_their_format(keys):
    # Indexes are stored: the "kind:value" message format may never change, or every lookup
    # of existing rows would miss.
    keys.BLIND_INDEX_KEY = "index-key-for-tests"
    key = b"index-key-for-tests"
    assert id_number_index("11010519491231002X") == hmac.new(key, b"id:11010519491231002X", hashlib.sha256).hexdigest()[:32]
    assert phone_index("13800138000") == hmac.new(key, b"phone:13800138000", hashlib.sha256).hexdigest()[:32]


def test_id_numbers_lose_tabs_and_line_breaks_from_pasting():
    assert normalize_id_number("\t11010519491231002x\n") == "11010519491231002X"


def test_the_wrong_key_message_names_the_setting(keys):
    keys.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    token = encrypt("x")
    pii._fernet.cache_clear()
    keys.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match=r"^cannot decrypt personal data: wrong FIELD_ENCRYPTION_KEY\?$"):
        decrypt(token)


def test_numbers_inside_free_text_are_masked():
    from gonghui.core.pii import mask_personal_numbers

    text = "来电 +86 138-1234-5678，身份证 11010519491231002x，工号 A11010519491231002X1，订单 213812345678"
    assert mask_personal_numbers(text) == (
        "来电 138****5678，身份证 110***********002x，工号 A11010519491231002X1，订单 213812345678"
    )
    assert mask_personal_numbers("13812345678") == "138****5678"
    assert mask_personal_numbers("") == "" and mask_personal_numbers(None) is None
