"""Opening hours: parsing, "open now" across midnight, statutory holidays, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.errors import ValidationFailed
from gonghui.stations.hours import hours_compile, hours_parse, hours_summary, is_open


def opened(text: str, when: str) -> bool:
    return is_open(hours_compile(hours_parse(text)), dt.datetime.fromisoformat(when))


def test_24_hours_is_always_open():
    assert opened("24小时", "2025-01-29 03:00")  # 春节 at 3 a.m.
    assert opened("24h", "2025-03-05 23:59")


def test_weekday_hours():
    text = "周一至周五 08:00-20:00；周六,周日 09:00-12:00,14:00-18:00"
    assert opened(text, "2025-03-05 08:00")  # Wednesday, opening minute
    assert not opened(text, "2025-03-05 20:00")  # closing minute is closed
    assert not opened(text, "2025-03-05 07:59")
    assert opened(text, "2025-03-08 11:59")  # Saturday
    assert not opened(text, "2025-03-08 13:00")  # lunch break
    assert opened(text, "2025-03-09 14:00")


def test_hours_across_midnight_belong_to_the_day_they_start():
    text = "周五 22:00-06:00"
    assert opened(text, "2025-03-07 23:30")  # Friday night
    assert opened(text, "2025-03-08 05:59")  # early Saturday, still Friday's shift
    assert not opened(text, "2025-03-08 06:00")
    assert not opened(text, "2025-03-07 05:00")  # early Friday: Thursday had no night shift
    assert not opened(text, "2025-03-08 23:00")


def test_statutory_holiday_hours_replace_weekly_hours():
    text = "周一至周五 08:00-20:00；周六,周日 10:00-16:00；节假日 休息"
    assert not opened(text, "2025-10-01 11:00")  # 国庆, a Wednesday
    assert opened(text, "2025-10-15 11:00")  # an ordinary Wednesday
    assert opened(text, "2025-03-08 11:00")  # an ordinary Saturday is not a holiday
    special = "每天 08:00-20:00；节假日 10:00-14:00"
    assert opened(special, "2025-01-29 11:00")  # 春节
    assert not opened(special, "2025-01-29 15:00")
    assert opened(special, "2025-01-22 15:00")


def test_overnight_shift_on_the_eve_of_a_holiday_follows_the_eve():
    text = "每天 20:00-02:00；节假日 休息"
    # 2025-09-30 is a working day; its night shift runs into 国庆 (10-01) morning.
    assert opened(text, "2025-10-01 01:00")
    # 10-01 itself is a holiday: closed, so nothing runs into 10-02 morning.
    assert not opened(text, "2025-10-02 01:00")


def test_without_holiday_rule_holidays_follow_the_week():
    assert opened("周三 08:00-20:00", "2025-10-01 09:00")


def test_english_day_names_and_ranges():
    assert opened("mon-fri 09:00-17:00; sat closed", "2025-03-03 09:30")
    assert not opened("mon-fri 09:00-17:00; sat closed", "2025-03-08 09:30")


@pytest.mark.parametrize("text", [
    "", "sometimes", "周一至周五", "周一至周五 8点到20点", "周八 08:00-20:00", "周五至周一 08:00-20:00",
    "每天 25:00-26:00", "每天 08:00-08:00", "每天 08:61-09:00", "x" * 400,
])
def test_malformed_hours_are_rejected_with_a_field_error(text):
    with pytest.raises(ValidationFailed) as info:
        hours_parse(text)
    assert info.value.code == "hours_invalid"
    assert info.value.field == "hours_text"


def test_summary_round_trips():
    hours = hours_parse("周一至周五 08:00-20:00")
    assert hours_parse(hours_summary(hours)) == hours
