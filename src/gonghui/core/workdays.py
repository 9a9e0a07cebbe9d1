"""Working-day arithmetic on the official calendar (chinese-calendar): 调休 weekends count
as working days, statutory holidays (春节, 国庆…) do not."""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Outside the years the package knows: fall back to Monday–Friday.
        return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current
