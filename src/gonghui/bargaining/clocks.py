"""The module's clocks, all counted by one helper, `days_after`.

How we read the law (see docs/bargaining.md):

- 《集体合同规定》第32条: the other side answers an offer in writing "within 20 days of
  receiving it"; 第42条: the contract is sent to the labour department "within 10 days of
  signing"; 第47条 and 《劳动合同法》第54条: it takes effect if the department raises no
  objection "within 15 days of receiving it". The law says 日, not 工作日: calendar days.
- 《民法典》第201条: the day the clock starts is not counted; 第203条: when the last day is a
  statutory rest day (a weekend or a public holiday), the period ends on the first working
  day after it. Working days come from the holiday calendar (`core.workdays`), so a 调休
  Saturday is a working day and 春节 is not; a year nobody has entered makes the date
  provisional, as for case deadlines.
- 第38/40条: a term of 1–3 years; either side may ask to renew in the 3 months before expiry,
  so the renewal reminder falls 3 calendar months before the last day.
"""

from __future__ import annotations

import calendar
import datetime as dt

from gonghui.core.workdays import Deadline, is_workday, year_known

OFFER_ANSWER_DAYS = 20
FILING_DAYS = 10
REVIEW_DAYS = 15
RENEWAL_MONTHS = 3
TERM_MIN_YEARS = 1
TERM_MAX_YEARS = 3


def days_after(start: dt.date, days: int) -> Deadline:
    """The last day of a period of `days` calendar days starting the day after `start`,
    moved past weekends and public holidays to the next working day (民法典 第201、203条)."""
    due = start + dt.timedelta(days=days)
    provisional = not year_known(due.year)
    while not is_workday(due):
        due += dt.timedelta(days=1)
        provisional = provisional or not year_known(due.year)
    return Deadline(due, provisional)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_bounds(starts_on: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and latest last day of a term of 1 to 3 years starting `starts_on`
    (a one-year term from 2025-01-01 ends on 2025-12-31)."""
    one_day = dt.timedelta(days=1)
    return (add_months(starts_on, 12 * TERM_MIN_YEARS) - one_day, add_months(starts_on, 12 * TERM_MAX_YEARS) - one_day)


def renewal_reminder_on(ends_on: dt.date) -> dt.date:
    """From this day on the parties may ask to renew, and the union is reminded."""
    return add_months(ends_on, -RENEWAL_MONTHS)


def in_force_from(review_due: dt.date) -> dt.date:
    """No objection by the end of the review period: in force the next day."""
    return review_due + dt.timedelta(days=1)
