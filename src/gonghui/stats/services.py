"""The snapshot: per-union per-day facts of every registered figure, rolled up the union tree.

`snapshot_day(day)` computes each stored figure's own-union values for `day` (one grouped
query per figure), adds each value to the union and to every ancestor on its path, and
replaces the day's `Fact` and `Rollup` rows and the month's and year's roll-ups, in one
transaction: a reader sees the old day or the new day, never half of one, and running a day
twice leaves the same rows.

Tree semantics: a day is filed along the union tree as it stood at the end of that day
(`paths_on`: today's tree with the later moves undone, from `orgs.UnionMove`). A union moved to
another parent takes its future days to the new parent and leaves its past with the old one,
and re-running any past day files it exactly as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from gonghui.orgs.models import Union, UnionMove

from .models import Fact, Rollup, SnapshotDay
from .registry import Figure, stored_figures

logger = logging.getLogger(__name__)
BATCH = 5000


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants a calendar day in the project's time zone (Beijing) starts and ends."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def paths_on(day: dt.date) -> dict[int, str]:
    """Every union's path as the tree stood at the end of `day`: today's paths with the moves
    made since undone, newest first."""
    paths = dict(Union.objects.values_list("id", "path"))
    _start, end = day_bounds(day)
    for old, new in UnionMove.objects.filter(moved_at__gte=end).order_by("-moved_at", "-pk").values_list(
        "old_path", "new_path"
    ):
        for union_id, path in paths.items():
            if path.startswith(new):
                paths[union_id] = old + path[len(new):]
    return paths


@contextmanager
def batch_session() -> Iterator[None]:
    """The snapshot is a batch job: on PostgreSQL it lifts the per-statement limit meant for
    requests (settings: DB_STATEMENT_TIMEOUT_MS) to STATS_STATEMENT_TIMEOUT_MS, and puts it back."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(settings.STATS_STATEMENT_TIMEOUT_MS)])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [previous])


@dataclass
class DayResult:
    day: dt.date
    facts: int
    rollups: int
    seconds: float


def compute_facts(day: dt.date, figures: Iterable[Figure] | None = None,
                  timings: dict[str, float] | None = None) -> list[tuple[int, str, str, int]]:
    """(union_id, key, dim, value) of every stored figure for `day`; zero values dropped.
    `timings`, when given, receives each figure's seconds."""
    rows: list[tuple[int, str, str, int]] = []
    for fig in figures if figures is not None else stored_figures():
        assert fig.compute is not None
        began = time.perf_counter()
        merged: dict[tuple[int, str], int] = defaultdict(int)
        for union_id, dim, value in fig.compute(day):
            if union_id is not None and value:
                merged[(int(union_id), str(dim or ""))] += int(value)
        rows.extend((union_id, fig.key, dim, value) for (union_id, dim), value in merged.items() if value)
        if timings is not None:
            timings[fig.key] = time.perf_counter() - began
    return rows


def roll_up(facts: Iterable[tuple[int, str, str, int]], paths: dict[int, str]) -> dict[tuple[int, str, str], int]:
    """Subtree totals: each own value is added to its union and every ancestor; a figure with
    a breakdown also gets its total (dim "")."""
    totals: dict[tuple[int, str, str], int] = defaultdict(int)
    chains: dict[int, list[int]] = {}
    for union_id, key, dim, value in facts:
        chain = chains.get(union_id)
        if chain is None:
            path = paths.get(union_id)
            chain = chains[union_id] = _ancestors(path) if path else [union_id]
        for ancestor in chain:
            totals[(ancestor, key, dim)] += value
            if dim:
                totals[(ancestor, key, "")] += value
    return totals


def _insert(model: type[Fact] | type[Rollup], columns: list[str], rows: Iterable[tuple[object, ...]]) -> int:
    """Insert many rows: PostgreSQL's COPY (a national day is ~10⁵–10⁶ rows), else bulk_create."""
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    objects: list[Any] = []
    for row in rows:
        objects.append(model(**dict(zip(columns, row, strict=True))))
        count += 1
    model._default_manager.bulk_create(objects, batch_size=BATCH)
    return count


def day_value(day: dt.date) -> Any:
    """A date as the database driver takes it in raw SQL."""
    return connection.ops.adapt_datefield_value(dt.date(day.year, day.month, day.day))


def _replace_period(period: str, start: dt.date, end: dt.date, source_period: str, kinds: Mapping[str, str]) -> None:
    """Recompute the `period` roll-ups starting at `start` from the `source_period` rows inside
    [start, end], in SQL: flows are summed; stocks take the rows of the latest computed
    sub-period."""
    Rollup.objects.filter(period=period, start=start).delete()
    table = connection.ops.quote_name(Rollup._meta.db_table)
    q = connection.ops.quote_name
    flows = [k for k, kind in kinds.items() if kind == "flow"]
    stocks = [k for k, kind in kinds.items() if kind == "stock"]
    columns = f"union_id, period, {q('start')}, {q('key')}, dim, value"
    with connection.cursor() as cursor:
        if flows:
            marks = ", ".join(["%s"] * len(flows))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT union_id, %s, %s, {q('key')}, dim, SUM(value) FROM {table} "  # noqa: S608
                f"WHERE period = %s AND {q('start')} >= %s AND {q('start')} <= %s AND {q('key')} IN ({marks}) "
                f"GROUP BY union_id, {q('key')}, dim HAVING SUM(value) <> 0",
                [period, day_value(start), source_period, day_value(start), day_value(end), *flows],
            )
        if stocks:
            last_day = SnapshotDay.objects.filter(
                day__gte=start, day__lte=end, status=SnapshotDay.Status.DONE
            ).aggregate(d=Max("day"))["d"]
            if last_day is not None:
                latest = last_day if source_period == Rollup.Period.DAY else month_start(last_day)
                marks = ", ".join(["%s"] * len(stocks))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT union_id, %s, %s, {q('key')}, dim, value FROM {table} "  # noqa: S608
                    f"WHERE period = %s AND {q('start')} = %s AND {q('key')} IN ({marks})",
                    [period, day_value(start), source_period, day_value(latest), *stocks],
                )


def rollup_periods(days: Iterable[dt.date], kinds: Mapping[str, str] | None = None) -> None:
    """Recompute the month and year roll-ups that contain `days`."""
    kinds = kinds if kinds is not None else {f.key: f.kind for f in stored_figures()}
    months = sorted({month_start(d) for d in days})
    for ms in months:
        _replace_period(Rollup.Period.MONTH, ms, month_end(ms), Rollup.Period.DAY, kinds)
    for year in sorted({m.year for m in months}):
        ys = dt.date(year, 1, 1)
        _replace_period(Rollup.Period.YEAR, ys, dt.date(year, 12, 31), Rollup.Period.MONTH, kinds)


def snapshot_day(day: dt.date, *, figures: Iterable[Figure] | None = None, periods: bool = True,
                 timings: dict[str, float] | None = None) -> DayResult:
    with batch_session():
        return _snapshot_day(day, figures=figures, periods=periods, timings=timings)


def _snapshot_day(day: dt.date, *, figures: Iterable[Figure] | None = None, periods: bool = True,
                  timings: dict[str, float] | None = None) -> DayResult:
    """Compute and store `day`. Idempotent: the day's rows are replaced as a whole. With
    `periods` (the default) its month and year roll-ups are recomputed in the same
    transaction; `snapshot_range` does that once for the whole range instead."""
    began = time.perf_counter()
    figs = list(figures) if figures is not None else stored_figures()
    kinds = {f.key: f.kind for f in figs}
    facts = compute_facts(day, figs, timings)
    paths = paths_on(day)
    totals = roll_up(facts, paths)
    with transaction.atomic():
        snap, _created = SnapshotDay.objects.select_for_update().get_or_create(day=day)
        snap.status = SnapshotDay.Status.DONE  # counted as computed by the month/year roll-ups below
        snap.save(update_fields=["status", "computed_at"])
        Fact.objects.filter(day=day).delete()
        _insert(Fact, ["union_id", "day", "key", "dim", "value"], ((u, day, k, d, v) for u, k, d, v in facts))
        Rollup.objects.filter(period=Rollup.Period.DAY, start=day).delete()
        _insert(Rollup, ["union_id", "period", "start", "key", "dim", "value"],
                ((u, Rollup.Period.DAY.value, day, k, d, v) for (u, k, d), v in totals.items() if v))
        if periods:
            rollup_periods([day], kinds)
        seconds = time.perf_counter() - began
        snap.dirty = False
        snap.facts = len(facts)
        snap.rollups = sum(1 for v in totals.values() if v)
        snap.seconds = round(seconds, 3)
        snap.save()
    logger.info("stats snapshot %s: %d facts, %d roll-ups in %.1fs", day, snap.facts, snap.rollups, seconds)
    return DayResult(day=day, facts=snap.facts, rollups=snap.rollups, seconds=seconds)


def snapshot_range(
    start: dt.date, end: dt.date, *, force: bool = False, progress: Callable[[DayResult], None] | None = None
) -> list[DayResult]:
    """Compute every day in [start, end], oldest first. Resumable: days already computed after
    they ended (and not marked dirty) are skipped unless `force`; an interrupted run is simply
    run again."""
    if end < start:
        raise ValueError("end before start")
    # A day computed before it ended (a demo, an operator's run during the day) holds part of
    # the day only: it is computed again.
    done = {
        day
        for day, computed_at in SnapshotDay.objects.filter(
            day__gte=start, day__lte=end, status=SnapshotDay.Status.DONE, dirty=False
        ).values_list("day", "computed_at")
        if computed_at >= day_bounds(day)[1]
    }
    results: list[DayResult] = []
    day = start
    while day <= end:
        if force or day not in done:
            result = snapshot_day(day, periods=False)
            results.append(result)
            if progress:
                progress(result)
        day += dt.timedelta(days=1)
    # Months and years once for the range — also after a resumed run whose days were all
    # computed before an interruption.
    with batch_session(), transaction.atomic():
        rollup_periods(_days(start, end))
    return results


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def mark_dirty(days: Iterable[dt.date | dt.datetime | None]) -> int:
    """A late correction touched these days (a case reopened after it was counted resolved):
    the nightly job re-runs them. Days not yet computed need nothing."""
    wanted = set()
    for value in days:
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            value = timezone.localdate(value)
        wanted.add(value)
    if not wanted:
        return 0
    return SnapshotDay.objects.filter(day__in=wanted, status=SnapshotDay.Status.DONE).update(dirty=True)


def mark_dirty_since(day: dt.date | None) -> int:
    """Every computed day from `day` on is recounted (a back-dated roster import)."""
    if day is None:
        return 0
    return SnapshotDay.objects.filter(day__gte=day, status=SnapshotDay.Status.DONE).update(dirty=True)


def snapshot_nightly(*, today: dt.date | None = None, lookback: int = 7) -> list[DayResult]:
    """The nightly job: yesterday, the `lookback` days before it that are missing (a night the
    job did not run), and every day marked dirty by a correction."""
    today = today or timezone.localdate()
    end = today - dt.timedelta(days=1)
    results = snapshot_range(end - dt.timedelta(days=lookback - 1), end)
    for day in SnapshotDay.objects.filter(dirty=True, day__lt=today).order_by("day").values_list("day", flat=True):
        results.append(snapshot_day(day))
    return results
