"""Chinese identifiers: each wrong input gets its own code (the message a worker can act on)."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric

from gonghui.core.errors import ValidationFailed
from gonghui.core.testdata import id_number_make, uscc_make
from gonghui.core.validators import parse_id_number, parse_name, parse_phone, parse_uscc
from tests.conftest import SHANGHAI


def code_of(call, *args, **kw):
    with pytest.raises(ValidationFailed) as info:
        call(*args, **kw)
    return info.value.code, info.value.field


def _id(birth: dt.date, *, order: str = "001") -> str:
    body = f"110105{birth:%Y%m%d}{order}"
    return body + ric.calc_check_digit(body + "0")


def test_id_number_yields_birth_date_gender_and_region():
    info = parse_id_number(id_number_make(region="440305", birth=dt.date(1985, 6, 15), seq=3))
    assert info.birth_date == dt.date(1985, 6, 15)
    assert info.region_code == "440305"
    assert info.gender == "M"
    assert parse_id_number(id_number_make(seq=3, female=True)).gender == "F"


def test_id_number_is_normalised_before_checking():
    number = _id(dt.date(1990, 1, 1), order="002")
    assert parse_id_number(f"  {number[:6]} {number[6:].lower()} ").number == number


@pytest.mark.parametrize(("value", "code"), [
    ("", "id_number_length"),
    ("11010519900101001", "id_number_length"),       # 17
    ("1101051990010100123", "id_number_length"),     # 19
    ("11010519901301001" + ric.calc_check_digit("110105199013010010"), "id_number_component"),  # month 13
    ("11010519900101A01X", "id_number_format"),
])
def test_bad_id_numbers_get_their_own_code(value, code):
    assert code_of(parse_id_number, value, field="idno") == (code, "idno")


def test_id_number_with_a_wrong_check_digit():
    good = _id(dt.date(1990, 1, 1))
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert code_of(parse_id_number, wrong) == ("id_number_checksum", "id_number")


def test_birth_dates_in_the_future_or_over_120_years_ago_are_refused(frozen_clock):
    frozen_clock(dt.datetime(2025, 6, 1, 12, tzinfo=SHANGHAI))
    assert parse_id_number(_id(dt.date(2025, 6, 1))).birth_date == dt.date(2025, 6, 1)  # today is fine
    assert code_of(parse_id_number, _id(dt.date(2025, 6, 2)))[0] == "id_number_component"
    assert parse_id_number(_id(dt.date(1905, 1, 1))).birth_date.year == 1905  # 2025 − 120
    assert code_of(parse_id_number, _id(dt.date(1904, 12, 31)))[0] == "id_number_component"


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "+86 138 0013 8000", "138-0013-8000"])
def test_mainland_mobile_numbers_are_accepted_in_any_common_spelling(value):
    assert parse_phone(value) in {"13800138000", "19912345678"}


@pytest.mark.parametrize("value", ["", "12800138000", "10800138000", "1380013800", "138001380001", "23800138000", "1380013800x"])
def test_other_phone_numbers_are_refused(value):
    assert code_of(parse_phone, value, field="tel") == ("phone_invalid", "tel")


def test_uscc_is_normalised_and_checked():
    code = uscc_make(serial=42)
    assert parse_uscc(f" {code[:9].lower()} {code[9:]} ") == code
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert code_of(parse_uscc, wrong) == ("uscc_checksum", "uscc")
    assert code_of(parse_uscc, "123", field="org") == ("uscc_format", "org")
    assert code_of(parse_uscc, "")[0] == "uscc_format"


def test_names_are_two_to_fifty_characters():
    assert parse_name("  张三 ") == "张三"
    assert parse_name("欧" * 50) == "欧" * 50
    assert code_of(parse_name, "张")[0] == "name_invalid"
    assert code_of(parse_name, "欧" * 51)[0] == "name_invalid"
    assert code_of(parse_name, "   ", field="who") == ("name_invalid", "who")


@pytest.mark.parametrize("char", list("<>{}\\/@#$%^&*=+|;\"'"))
def test_names_with_markup_or_symbols_are_refused(char):
    assert code_of(parse_name, f"张{char}三")[0] == "name_invalid"


@pytest.mark.parametrize(("digit", "gender"), [(str(d), "M" if d % 2 else "F") for d in range(10)])
def test_gender_is_the_parity_of_the_seventeenth_digit(digit, gender):
    assert parse_id_number(_id(dt.date(1990, 1, 1), order="00" + digit)).gender == gender


def test_no_name_is_no_name():
    assert code_of(parse_name, None)[0] == "name_invalid"


@pytest.mark.parametrize("name", ["Maria Chen", "阿依古丽·买买提", "XU Lei", "李-Xx"])
def test_names_in_latin_letters_and_minority_names_are_fine(name):
    assert parse_name(name) == name
