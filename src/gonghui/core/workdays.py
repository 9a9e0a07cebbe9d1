"""Working-day arithmetic on the official calendar: 调休 weekends count as working days,
statutory holidays (春节, 国庆…) do not.

Where a year's arrangement comes from, in order:

1. the holiday table (`core.holidays`: entered in the admin or imported from the State
   Council notice), so a new year can be added without a package release;
2. the chinese-calendar package (it knows the years up to its release);
3. neither: Monday–Friday. That is a guess, never a silent one: `deadline_after` marks the
   deadline provisional and `calendar_years_missing` tells staff which year to enter.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar

from .holidays import holiday_table_for, holiday_table_years


class Deadline(NamedTuple):
    on: dt.date
    # True when some day counted lies in a year neither the table nor the package knows.
    provisional: bool


@lru_cache(maxsize=256)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 30))
    except NotImplementedError:
        return False
    return True


def year_known(year: int) -> bool:
    """Whether the official arrangement of `year` is known (table or package)."""
    return year in holiday_table_years() or _package_knows(year)


def is_workday(day: dt.date) -> bool:
    table = holiday_table_for(day.year)
    if table is not None:
        if day in table.off:
            return False
        if day in table.work:
            return True
        return day.weekday() < 5
    if _package_knows(day.year):
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            pass
    # Outside every known year: Monday–Friday (the callers are told, see deadline_after).
    return day.weekday() < 5


def deadline_after(start: dt.date, days: int) -> Deadline:
    """The date `days` working days after `start` (start itself not counted), and whether
    it is provisional because a year on the way is not known."""
    current = start
    remaining = days
    provisional = False
    checked: set[int] = set()
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.year not in checked:
            checked.add(current.year)
            provisional = provisional or not year_known(current.year)
        if is_workday(current):
            remaining -= 1
    return Deadline(current, provisional)


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    return deadline_after(start, days).on


def calendar_years_missing(today: dt.date, *, horizon_days: int = 92) -> list[int]:
    """Years that deadlines set from `today` can reach (about three months ahead: the
    longest deadlines are 60 working days) and that nobody has entered yet."""
    years = {today.year, (today + dt.timedelta(days=horizon_days)).year}
    return sorted(y for y in years if not year_known(y))
