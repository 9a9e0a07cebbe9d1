"""Premium proration for mid-period joiners, worked out by hand.

The rule (docs/mutual-aid.md): a cover that starts after the period's first day pays for the
calendar months left, the month of joining counted whole: price × months left ÷ months of
the period, rounded half up to the fen. A cover starting on or before the first day pays the
full price."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.mutualaid import engine

D = dt.date

# (price fen, period start, period end, cover starts) → (premium fen, months paid, period months)
CASES = [
    # A calendar year at 80 元.
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2024, 12, 20), 8000, 12, 12),  # enrolled before: full price
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 1), 8000, 12, 12),  # the first day: full price
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 31), 8000, 12, 12),  # January counted whole
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 2, 1), 7333, 11, 12),  # 8000 × 11 ÷ 12 = 7333.33 → 7333
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 3, 15), 6667, 10, 12),  # 6666.67 → 6667 (half up)
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 7, 1), 4000, 6, 12),  # exactly half
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 11, 20), 1333, 2, 12),  # 1333.33 → 1333
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2025, 12, 31), 667, 1, 12),  # the last day: one month, 666.67 → 667
    (8000, D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1), 0, 0, 12),  # after the period: nothing
    # A leap year: 29 February is in February like any other day.
    (7000, D(2024, 1, 1), D(2024, 12, 31), D(2024, 2, 29), 6417, 11, 12),  # 7000 × 11 ÷ 12 = 6416.67 → 6417
    # A period across the new year (July to June).
    (7000, D(2025, 7, 1), D(2026, 6, 30), D(2025, 7, 31), 7000, 12, 12),
    (7000, D(2025, 7, 1), D(2026, 6, 30), D(2026, 1, 10), 3500, 6, 12),  # Jan–Jun of 2026
    (7000, D(2025, 7, 1), D(2026, 6, 30), D(2025, 12, 31), 4083, 7, 12),  # Dec–Jun: 4083.33 → 4083
    # A period that starts mid-month: its first month is whole too.
    (6000, D(2025, 3, 15), D(2026, 3, 14), D(2025, 3, 20), 6000, 13, 13),
    (6000, D(2025, 3, 15), D(2026, 3, 14), D(2025, 4, 1), 5538, 12, 13),  # 6000 × 12 ÷ 13 = 5538.46 → 5538
    # Three years.
    (24000, D(2025, 1, 1), D(2027, 12, 31), D(2026, 1, 1), 16000, 24, 36),
    # Rounding exactly at half a fen rounds up; below half rounds down.
    (1, D(2025, 1, 1), D(2025, 12, 31), D(2025, 7, 1), 1, 6, 12),  # 0.5 → 1
    (1, D(2025, 1, 1), D(2025, 12, 31), D(2025, 8, 1), 0, 5, 12),  # 0.42 → 0
    (3, D(2025, 1, 1), D(2025, 12, 31), D(2025, 7, 1), 2, 6, 12),  # 1.5 → 2
]


@pytest.mark.parametrize(("price", "start", "end", "starts_on", "amount", "months", "total"), CASES)
def test_premium_is_prorated_by_months_left(price, start, end, starts_on, amount, months, total) -> None:
    premium = engine.premium_for(price=price, period_start=start, period_end=end, starts_on=starts_on)
    assert (premium.amount, premium.months, premium.period_months) == (amount, months, total)
    assert premium.prorated == (months < total)


def test_months_between_counts_both_ends() -> None:
    assert engine.months_between(D(2025, 1, 15), D(2025, 12, 31)) == 12
    assert engine.months_between(D(2025, 12, 1), D(2025, 12, 31)) == 1
    assert engine.months_between(D(2025, 12, 31), D(2026, 1, 1)) == 2
    assert engine.months_between(D(2026, 1, 1), D(2025, 12, 31)) == 0


def test_the_premium_is_explained() -> None:
    full = engine.premium_for(price=8000, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
                              starts_on=D(2025, 1, 1))
    assert full.line().text == "保障期 12 个月，全额保费 80 元"
    late = engine.premium_for(price=8000, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
                              starts_on=D(2025, 3, 15))
    assert late.line().text == "保障期 12 个月，参保当月起剩 10 个月：80 元 × 10 ÷ 12 = 66.67 元"


def test_a_later_joiner_never_pays_more() -> None:
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    day, last = start, None
    while day <= end + dt.timedelta(days=3):
        amount = engine.premium_for(price=9999, period_start=start, period_end=end, starts_on=day).amount
        assert 0 <= amount <= 9999
        assert last is None or amount <= last
        last = amount
        day += dt.timedelta(days=1)
