"""Working days: the official calendar where it is known, Monday–Friday outside it."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.workdays import add_workdays, is_workday

# The holiday table (core.holidays) is read before chinese-calendar.
pytestmark = pytest.mark.django_db


def test_official_holidays_and_tiaoxiu_saturdays():
    assert not is_workday(dt.date(2025, 1, 28))  # 除夕
    assert not is_workday(dt.date(2025, 10, 1))  # 国庆
    assert is_workday(dt.date(2025, 2, 8))  # 调休 Saturday
    assert not is_workday(dt.date(2025, 3, 8))  # an ordinary Saturday
    assert is_workday(dt.date(2025, 3, 7))  # an ordinary Friday


def test_outside_the_official_calendar_monday_to_friday_are_working_days():
    # 2100-01-01 is a Friday; the calendar package knows nothing of 2100 (nor of 元旦 then).
    friday = dt.date(2100, 1, 1)
    assert is_workday(friday)
    assert not is_workday(friday + dt.timedelta(days=1))  # Saturday
    assert not is_workday(friday + dt.timedelta(days=2))  # Sunday
    assert is_workday(friday + dt.timedelta(days=3))  # Monday
    assert add_workdays(friday, 1) == dt.date(2100, 1, 4)
    assert add_workdays(dt.date(2099, 12, 30), 3) == dt.date(2100, 1, 4)


def test_add_workdays_does_not_count_the_start_day():
    monday = dt.date(2025, 3, 3)
    assert add_workdays(monday, 0) == monday
    assert add_workdays(monday, 1) == dt.date(2025, 3, 4)
    assert add_workdays(monday, 5) == dt.date(2025, 3, 10)
    # Across 春节: Monday 01-27 + 1 skips the whole holiday.
    assert add_workdays(dt.date(2025, 1, 27), 1) == dt.date(2025, 2, 5)
