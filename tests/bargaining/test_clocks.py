"""Every clock of the module, with dates worked out by hand on the 2025 holiday calendar
(国务院办公厅 2024-11-12 notice): 春节 1-28…2-4 off, 1-26 (Sun) and 2-8 (Sat) worked;
劳动节 5-1…5-5 off, 4-27 (Sun) worked; 国庆中秋 10-1…10-8 off, 9-28 (Sun) and 10-11 (Sat)
worked. Periods are calendar days, start day not counted, a last day on a rest day moves to
the next working day (民法典 201、203条)."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.bargaining import clocks

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("received", "due"), [
    # Wed 3-5 + 20 = Tue 3-25, a working day.
    (D(2025, 3, 5), D(2025, 3, 25)),
    # Mon 3-3 + 20 = Sun 3-23 → Mon 3-24.
    (D(2025, 3, 3), D(2025, 3, 24)),
    # Fri 9-12 + 20 = Thu 10-2, inside 国庆 (10-1…10-8) → Thu 10-9.
    (D(2025, 9, 12), D(2025, 10, 9)),
    # Sun 9-21 + 20 = Sat 10-11, a 调休 working Saturday: it stays.
    (D(2025, 9, 21), D(2025, 10, 11)),
    # Fri 1-10 + 20 = Thu 1-30, inside 春节 (1-28…2-4) → Wed 2-5.
    (D(2025, 1, 10), D(2025, 2, 5)),
])
def test_offer_answer_is_due_20_calendar_days_after_receipt(received, due):
    assert clocks.days_after(received, clocks.OFFER_ANSWER_DAYS) == (due, False)


def test_filing_is_due_10_days_after_signing_past_labour_day():
    # Signed Fri 4-25; +10 = Mon 5-5, the last day of 劳动节 (5-1…5-5) → Tue 5-6.
    assert clocks.days_after(D(2025, 4, 25), clocks.FILING_DAYS).on == D(2025, 5, 6)


def test_review_ends_15_days_after_filing_and_the_contract_is_in_force_the_next_day():
    # Filed Mon 6-2; +15 = Tue 6-17 (a working day); in force from Wed 6-18.
    due = clocks.days_after(D(2025, 6, 2), clocks.REVIEW_DAYS).on
    assert due == D(2025, 6, 17)
    assert clocks.in_force_from(due) == D(2025, 6, 18)


def test_a_year_nobody_entered_makes_the_date_provisional():
    assert clocks.days_after(D(2099, 3, 2), 20).provisional is True


@pytest.mark.parametrize(("ends", "remind"), [
    (D(2027, 12, 31), D(2027, 9, 30)),
    # 3 months before 5-31 is 2-31, which does not exist: the last day of February.
    (D(2027, 5, 31), D(2027, 2, 28)),
    (D(2028, 5, 31), D(2028, 2, 29)),
])
def test_renewal_reminder_falls_three_calendar_months_before_the_last_day(ends, remind):
    assert clocks.renewal_reminder_on(ends) == remind


def test_term_of_one_to_three_years():
    # From 2025-01-01: a 1-year term ends 2025-12-31, a 3-year term 2027-12-31.
    assert clocks.term_bounds(D(2025, 1, 1)) == (D(2025, 12, 31), D(2027, 12, 31))
