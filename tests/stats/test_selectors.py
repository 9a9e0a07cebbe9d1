"""The statistics readers' rules, worked out by hand: periods and their previous period,
splitting into years / months / days, chart points, formatting the report's numbers, which
unions a staff member starts from, and reading only the asked union's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.models import RoleGrant
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.stats import selectors, services
from gonghui.stats.models import SnapshotDay
from gonghui.stats.registry import figures
from gonghui.stats.selectors import FigureValue, Period, buckets, segments, zh_amount
from tests.factories import Tree, make_staff

D = dt.date


@pytest.mark.parametrize(("start", "end", "previous"), [
    # A calendar year: the year before.
    (D(2026, 1, 1), D(2026, 12, 31), (D(2025, 1, 1), D(2025, 12, 31))),
    # Two calendar years: the two before.
    (D(2025, 1, 1), D(2026, 12, 31), (D(2023, 1, 1), D(2024, 12, 31))),
    # The year so far: the same dates a year before (同比), 29 February becoming the 28th.
    (D(2026, 1, 1), D(2026, 11, 30), (D(2025, 1, 1), D(2025, 11, 30))),
    (D(2028, 1, 1), D(2028, 2, 29), (D(2027, 1, 1), D(2027, 2, 28))),
    # Whole months: as many whole months before (across a year boundary).
    (D(2026, 3, 1), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
    (D(2026, 2, 1), D(2026, 4, 30), (D(2025, 11, 1), D(2026, 1, 31))),
    # Anything else: as many days before.
    (D(2026, 3, 10), D(2026, 3, 19), (D(2026, 2, 28), D(2026, 3, 9))),
])
def test_the_previous_period(start, end, previous):
    p = Period(start, end).previous()
    assert (p.start, p.end) == previous


def test_period_length_and_labels():
    assert Period(D(2026, 3, 1), D(2026, 3, 1)).days == 1
    assert Period(D(2026, 1, 1), D(2026, 12, 31)).days == 365
    assert Period(D(2026, 1, 1), D(2026, 12, 31)).label() == "2026 年"
    assert Period(D(2026, 2, 1), D(2026, 2, 28)).label() == "2026 年 2 月"
    assert Period(D(2026, 2, 1), D(2026, 2, 27)).label() == "2026-02-01 — 2026-02-27"
    assert Period(D(2025, 1, 1), D(2026, 12, 31)).label() == "2025-01-01 — 2026-12-31"


def test_period_bounds_are_refused_with_a_reason():
    with pytest.raises(ValidationFailed) as backwards:
        Period(D(2026, 3, 2), D(2026, 3, 1))
    assert backwards.value.code == "period_invalid"
    Period(D(2016, 1, 1), D(2016, 1, 1) + dt.timedelta(days=selectors.MAX_DAYS))  # ten years is fine
    with pytest.raises(ValidationFailed) as too_long:
        Period(D(2016, 1, 1), D(2016, 1, 1) + dt.timedelta(days=selectors.MAX_DAYS + 1))
    assert too_long.value.code == "period_too_long"


def test_a_period_splits_into_whole_years_whole_months_and_days():
    assert segments(Period(D(2025, 12, 30), D(2027, 2, 3))) == [
        ("day", D(2025, 12, 30), D(2025, 12, 31)),
        ("year", D(2026, 1, 1), D(2026, 12, 31)),
        ("month", D(2027, 1, 1), D(2027, 1, 31)),
        ("day", D(2027, 2, 1), D(2027, 2, 3)),
    ]
    # A month that is not whole stays days, even on the 1st.
    assert segments(Period(D(2026, 2, 1), D(2026, 2, 27))) == [("day", D(2026, 2, 1), D(2026, 2, 27))]


def test_chart_points_by_day_month_and_year():
    march = Period(D(2026, 3, 30), D(2026, 5, 2))
    assert [(b.start, b.end) for b in buckets(march, "month")] == [
        (D(2026, 3, 30), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 4, 30)), (D(2026, 5, 1), D(2026, 5, 2)),
    ]
    assert len(buckets(march, "day")) == 34
    assert [(b.start, b.end) for b in buckets(Period(D(2025, 6, 1), D(2026, 2, 1)), "year")] == [
        (D(2025, 6, 1), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 2, 1)),
    ]
    assert len(buckets(Period(D(2025, 1, 1), D(2026, 2, 4)), "day")) == 400
    with pytest.raises(ValidationFailed) as too_many:
        buckets(Period(D(2025, 1, 1), D(2026, 2, 5)), "day")
    assert too_many.value.code == "too_many_points"
    with pytest.raises(ValidationFailed) as bad:
        buckets(march, "week")
    assert bad.value.code == "granularity_invalid"


def test_default_granularity():
    assert selectors.default_granularity(Period(D(2026, 1, 1), D(2026, 3, 3))) == "day"  # 62 days
    assert selectors.default_granularity(Period(D(2026, 1, 1), D(2026, 3, 4))) == "month"
    assert selectors.default_granularity(Period(D(2024, 1, 1), D(2026, 12, 31))) == "month"
    assert selectors.default_granularity(Period(D(2023, 1, 1), D(2026, 12, 31))) == "year"


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1_490_000, "", "149 万"),
    (955_000_000, "", "9.55 亿"),
    (100_000_000, "", "1 亿"),
    (99_999_999, "", "1 亿"),  # not "10000 万"
    (99_940_000, "", "9994 万"),
    (10_000, "", "1 万"),
    (9_999, "", "9,999"),
    (12_345, "", "1.23 万"),
    (12.5, "元", "12.50元"),
    (0, "", "0"),
])
def test_the_report_writes_numbers_the_way_the_seed_page_does(value, unit, text):
    assert zh_amount(value, unit) == text


def test_figure_values_display_and_change():
    received, recovered, satisfaction = (figures()[k] for k in ("cases.received", "cases.recovered",
                                                                "cases.satisfaction"))
    assert FigureValue(received, value=12_345).display == "12,345"
    assert FigureValue(received, value=None).display == "—"
    assert FigureValue(recovered, value=123_456).display == "1,234.56"  # fen shown as 元
    assert FigureValue(recovered, value=123_456).number == 1234.56
    rate = FigureValue(satisfaction, value=None, numerator=988, denominator=1000)
    assert (rate.number, rate.display) == (98.8, "98.8%")
    assert FigureValue(satisfaction, value=None, numerator=0, denominator=0).display == "—"
    # Change: percent for counts, percentage points for a rate, none against zero or no data.
    assert FigureValue(received, value=150).change(FigureValue(received, value=120)) == 25.0
    assert FigureValue(received, value=90).change(FigureValue(received, value=120)) == -25.0
    assert FigureValue(received, value=5).change(FigureValue(received, value=0)) is None
    assert FigureValue(received, value=5).change(FigureValue(received, value=None)) is None
    before = FigureValue(satisfaction, value=None, numerator=90, denominator=100)
    assert rate.change(before) == 8.8


@pytest.mark.django_db
def test_where_a_staff_member_starts(frozen_clock):
    tree = Tree()
    viewer = make_staff(union=tree.county_a, role=RoleGrant.Role.VIEWER)
    assert selectors.stats_home_unions(user=tree.staff_a) == [tree.city_a]
    assert selectors.stats_default_union(user=viewer) == tree.county_a
    # Two grants, one inside the other: only the higher one is a starting point.
    RoleGrant.objects.create(user=tree.staff_a, union=tree.county_a, role=RoleGrant.Role.STAFF)
    tree.staff_a.refresh_from_db()
    assert selectors.stats_home_unions(user=tree.staff_a) == [tree.city_a]
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser(username="stats-root", password="pw-for-tests-123")
    assert selectors.stats_home_unions(user=root) == [tree.national]
    nobody = get_user_model().objects.create_user(username="stats-nobody", password="pw-for-tests-123")
    with pytest.raises(NotFound):
        selectors.stats_default_union(user=nobody)
    # The breadcrumb never shows a union above the staff member's grant.
    crumbs = selectors.union_ancestors_visible(user=viewer, union=tree.grassroots_a)
    assert crumbs == [tree.county_a, tree.grassroots_a]


@pytest.mark.django_db
def test_only_computed_days_count_and_only_finished_ones(frozen_clock):
    from tests.stats.scenario import at

    SnapshotDay.objects.create(day=D(2026, 3, 1), status=SnapshotDay.Status.DONE)
    SnapshotDay.objects.create(day=D(2026, 3, 5), status=SnapshotDay.Status.RUNNING)
    SnapshotDay.objects.create(day=D(2026, 3, 9), status=SnapshotDay.Status.DONE)
    assert selectors.last_computed_day() == D(2026, 3, 9)
    assert selectors.last_computed_day(on_or_before=D(2026, 3, 8)) == D(2026, 3, 1)
    assert selectors.computed_days([Period(D(2026, 3, 2), D(2026, 3, 9))]) == [D(2026, 3, 9)]
    assert selectors.computed_days([]) == []
    assert selectors.covered([Period(D(2026, 3, 2), D(2026, 3, 8)), Period(D(2026, 3, 1), D(2026, 3, 1))],
                             [D(2026, 3, 1), D(2026, 3, 9)]) == [False, True]
    # No computed day at all: the overview shows no statistics card.
    SnapshotDay.objects.all().delete()
    frozen_clock(at(D(2026, 3, 10), 9))
    tree = Tree()
    assert selectors.headline_for_user(user=tree.staff_a) is None


@pytest.mark.django_db
def test_reading_touches_only_the_asked_unions_rows(frozen_clock):
    """Never a scan: every query of the roll-ups names the union(s) and the periods asked for."""
    from tests.stats.scenario import at

    frozen_clock(at(D(2026, 4, 3), 9))
    tree = Tree()
    services.snapshot_range(D(2026, 3, 1), D(2026, 3, 3))
    with CaptureQueriesContext(connection) as queries:
        selectors.figure_values(union=tree.province, period=Period(D(2026, 1, 1), D(2026, 12, 31)))
        selectors.figure_series(union=tree.city_a, period=Period(D(2026, 3, 1), D(2026, 3, 31)),
                                granularity="day", keys=["cases.received", "members.total"])
        selectors.figure_breakdown(union=tree.province, period=Period(D(2026, 3, 1), D(2026, 3, 3)),
                                   key="cases.satisfaction")
    rollup_queries = [q["sql"] for q in queries.captured_queries if "stats_rollup" in q["sql"]]
    assert rollup_queries
    for sql in rollup_queries:
        assert '"union_id" IN' in sql and '"period" =' in sql and '"start" IN' in sql and '"key" IN' in sql, sql
