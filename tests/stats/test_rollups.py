"""Roll-ups up the union tree, worked out by hand on the small tree of `scenario.py`."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.cases.models import Case
from gonghui.cases.services import case_reopen, case_resolve
from gonghui.orgs.services import union_move
from gonghui.stats import services
from gonghui.stats.models import Fact, Rollup, SnapshotDay
from gonghui.stats.selectors import Period, figure_breakdown, figure_series, figure_values
from tests.stats.scenario import D1, D2, D3, Scenario, at

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def snapshot(start: dt.date, end: dt.date) -> None:
    services.snapshot_range(start, end, force=True)


@pytest.fixture
def world(frozen_clock) -> Scenario:
    s = Scenario()
    # Grassroots M moves from county A to city B on 11 March; the days are computed later,
    # each along the tree of its own day.
    frozen_clock(at(dt.date(2026, 3, 11), 9))
    union_move(union=s.grassroots_m, new_parent=s.tree.city_b)
    frozen_clock(at(dt.date(2026, 12, 2), 9))
    snapshot(dt.date(2026, 3, 1), dt.date(2026, 4, 2))
    return s


def value(union, key, period=MARCH):
    return figure_values(union=union, period=period, keys=[key])[key]


def test_flows_sum_up_the_tree(world):
    t = world.tree
    # grassroots A: 2 on D1 + 1 on D3; county A adds M's case of D1 (filed before the move).
    assert value(t.grassroots_a, "cases.received").value == 3
    assert value(t.county_a, "cases.received").value == 4
    # city A: county A's 4 + its own case of D2.
    assert value(t.city_a, "cases.received").value == 5
    # city B: grassroots B's 3 + M's case of D3 (filed after the move).
    assert value(t.city_b, "cases.received").value == 4
    assert value(t.province, "cases.received").value == 9
    assert value(t.national, "cases.received").value == 9
    # The breakdown by channel sums to the total.
    assert value(t.province, "cases.received").dims == {"app": 6, "hotline": 3}


def test_a_day_is_a_calendar_day_in_beijing(world):
    t = world.tree
    assert value(t.grassroots_a, "cases.received", Period(D1, D1)).value == 2
    assert value(t.grassroots_a, "cases.received", Period(D2, D2)).value == 0


def test_rates_are_recomputed_from_their_parts_never_averaged(world):
    t = world.tree
    a = value(t.city_a, "cases.satisfaction")
    b = value(t.city_b, "cases.satisfaction")
    p = value(t.province, "cases.satisfaction")
    assert (a.numerator, a.denominator, a.number) == (1, 1, 100.0)
    assert (b.numerator, b.denominator, b.number) == (1, 3, 33.3)
    # (1 + 1) / (1 + 3) = 50 %, not the mean of 100 % and 33.3 %.
    assert (p.numerator, p.denominator, p.number) == (2, 4, 50.0)
    # No ratings at all: no rate, not 0 %.
    assert value(t.grassroots_a, "cases.on_time_rate").number is None


def test_a_member_transferred_mid_period_counts_at_each_union_for_its_days(world):
    t = world.tree
    before = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 9))
    after = Period(dt.date(2026, 3, 10), dt.date(2026, 3, 20))
    assert value(t.grassroots_a, "members.total", before).value == 1
    assert value(t.grassroots_b, "members.total", before).value == 0
    assert value(t.grassroots_a, "members.total", after).value == 0
    assert value(t.grassroots_b, "members.total", after).value == 1
    # A stock over a period is its last day's value; the province holds the member throughout.
    assert value(t.grassroots_b, "members.total").value == 1
    assert value(t.province, "members.total", before).value == 1
    assert value(t.province, "members.total", after).value == 1
    # The transfer is not a new member.
    assert value(t.province, "members.joined", Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))).value == 0


def test_a_moved_union_takes_its_future_days_and_leaves_its_past(world):
    t = world.tree
    m = world.grassroots_m
    m.refresh_from_db()
    assert m.parent_id == t.city_b.pk and m.path == f"{t.city_b.path}{m.pk}/"
    assert Case.objects.get(pk=world.m_after.pk).union_path == m.path
    assert value(t.county_a, "cases.received", Period(D1, D1)).value == 3  # a1, a2, M's first case
    assert value(t.city_b, "cases.received", Period(D3, D3)).value == 1  # M's second case
    # The province sees both, whichever parent M had.
    assert value(t.province, "cases.received", Period(D1, D3)).value == 9


def test_subordinate_unions_ranked(world):
    t = world.tree
    rows = figure_breakdown(union=t.province, period=MARCH, key="cases.received")
    assert [(u.pk, v.value) for u, v in rows] == [(t.city_a.pk, 5), (t.city_b.pk, 4)]
    rates = figure_breakdown(union=t.province, period=MARCH, key="cases.satisfaction")
    assert [(u.pk, v.number) for u, v in rates] == [(t.city_a.pk, 100.0), (t.city_b.pk, 33.3)]


def test_month_and_year_rows_equal_the_sum_of_their_days(world):
    t = world.tree
    daily = figure_series(union=t.province, period=MARCH, granularity="day", keys=["cases.received"])
    assert sum(v["cases.received"].value for _p, v in daily) == 9
    assert Rollup.objects.get(union=t.province, period="month", start=dt.date(2026, 3, 1), key="cases.received",
                              dim="").value == 9
    assert Rollup.objects.get(union=t.province, period="year", start=dt.date(2026, 1, 1), key="cases.received",
                              dim="").value == 9
    # A period mixing whole months and single days reads both.
    mixed = Period(dt.date(2026, 2, 15), dt.date(2026, 4, 2))
    assert value(t.province, "cases.received", mixed).value == 9
    monthly = figure_series(union=t.province, period=mixed, granularity="month", keys=["members.total"])
    # February had no computed day (no data, not zero); March and April end with one member.
    assert [v["members.total"].value for _p, v in monthly] == [None, 1, 1]


def test_rerunning_a_day_changes_nothing(world):
    def rows():
        return (
            sorted(Fact.objects.values_list("union_id", "day", "key", "dim", "value")),
            sorted(Rollup.objects.values_list("union_id", "period", "start", "key", "dim", "value")),
        )

    before = rows()
    services.snapshot_day(D1)
    services.snapshot_day(D3)
    assert rows() == before


def test_only_the_snapshot_is_read_not_the_source_tables(world):
    t = world.tree
    Case.objects.filter(pk=world.a3.pk).update(created_at=at(D2))  # a change not yet computed
    assert value(t.grassroots_a, "cases.received", Period(D3, D3)).value == 1
    services.snapshot_day(D2)
    services.snapshot_day(D3)
    assert value(t.grassroots_a, "cases.received", Period(D3, D3)).value == 0
    assert value(t.grassroots_a, "cases.received", Period(D2, D2)).value == 1


def test_a_reopened_case_marks_the_day_it_was_counted_resolved(world, frozen_clock):
    t = world.tree
    frozen_clock(at(dt.date(2026, 3, 25), 10))
    case = world.a1
    Case.objects.filter(pk=case.pk).update(status="accepted")
    staff = t.staff_a
    case_resolve(case=case, by=staff, outcome="已协调企业支付全部工资")
    services.snapshot_day(dt.date(2026, 3, 25))
    assert value(t.city_a, "cases.resolved", Period(dt.date(2026, 3, 25), dt.date(2026, 3, 25))).value == 1
    # The worker is not satisfied and reopens it the next day: 25 March is recounted tonight.
    frozen_clock(at(dt.date(2026, 3, 26), 10))
    from gonghui.cases.services import case_rate

    case.refresh_from_db()
    case_rate(case=case, by=case.reporter_user, rating="dissatisfied")
    case_reopen(case=case, by=case.reporter_user, reason="工资还差一个月没有发")
    assert SnapshotDay.objects.get(day=dt.date(2026, 3, 25)).dirty
    services.snapshot_nightly(today=dt.date(2026, 3, 27))
    assert not SnapshotDay.objects.filter(dirty=True).exists()
    assert value(t.city_a, "cases.resolved", Period(dt.date(2026, 3, 25), dt.date(2026, 3, 25))).value == 0


def test_a_day_computed_before_it_ended_is_computed_again(world, frozen_clock):
    t = world.tree
    day = dt.date(2026, 3, 30)
    frozen_clock(at(day, 9))
    services.snapshot_day(day)  # an operator's run in the morning
    case_at_late = Case.objects.filter(pk=world.a3.pk)
    case_at_late.update(created_at=at(day, 20))  # a case registered that evening
    frozen_clock(at(dt.date(2026, 3, 31), 1))
    assert [r.day for r in services.snapshot_range(day, day)] == [day]
    assert value(t.grassroots_a, "cases.received", Period(day, day)).value == 1
    # Computed after the day ended: a second run skips it (resumable).
    assert services.snapshot_range(day, day) == []


def test_breakdown_figures_keep_their_dimension(world):
    t = world.tree
    rated = value(t.province, "cases.rated")
    assert rated.value == 4
    assert rated.dims == {"dissatisfied": 2, "satisfied": 1, "basically": 1}


def test_the_snapshot_lifts_the_request_statement_limit_and_puts_it_back(settings):
    """On PostgreSQL every statement of a web request stops after DB_STATEMENT_TIMEOUT_MS; the
    snapshot is a batch job whose national queries take longer (see bench/stats.py)."""
    from django.db import connection

    from gonghui.stats.registry import Figure

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    settings.STATS_STATEMENT_TIMEOUT_MS = 1_234_000
    seen = []

    def probe(day):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            seen.append(cursor.fetchone()[0])
        return []

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', '30s', false)")
    services.snapshot_day(D1, figures=[Figure(key="stats.probe", label="p", unit="", definition="", compute=probe)])
    assert seen == ["1234s"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        assert cursor.fetchone()[0] == "30s"
