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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
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


@dataclass
class DayResult:
    day: dt.date
    facts: int
    rollups: int
    seconds: float


def compute_facts(day: dt.date, figures: Iterable[Figure] | None = None) -> list[tuple[int, str, str, int]]:
    """(union_id, key, dim, value) of every stored figure for `day`; zero values dropped."""
    rows: list[tuple[int, str, str, int]] = []
    for fig in figures if figures is not None else stored_figures():
        assert fig.compute is not None
        merged: dict[tuple[int, str], int] = defaultdict(int)
        for union_id, dim, value in fig.compute(day):
            if union_id is not None and value:
                merged[(int(union_id), str(dim or ""))] += int(value)
        rows.extend((union_id, fig.key, dim, value) for (union_id, dim), value in merged.items() if value)
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


def _replace_period(period: str, start: dt.date, end: dt.date, source_period: str, kinds: Mapping[str, str]) -> int:
    """Recompute the `period` roll-ups starting at `start` from the `source_period` rows inside
    [start, end]: flows are summed; stocks take the rows of the latest computed sub-period."""
    Rollup.objects.filter(period=period, start=start).delete()
    inside = Rollup.objects.filter(period=source_period, start__gte=start, start__lte=end)
    flows = [k for k, kind in kinds.items() if kind == "flow"]
    stocks = [k for k, kind in kinds.items() if kind == "stock"]
    new: list[Rollup] = []
    for row in inside.filter(key__in=flows).values("union_id", "key", "dim").annotate(v=Sum("value")).order_by():
        if row["v"]:
            new.append(Rollup(union_id=row["union_id"], period=period, start=start, key=row["key"], dim=row["dim"],
                              value=row["v"]))
    if stocks:
        last = SnapshotDay.objects.filter(day__gte=start, day__lte=end, status=SnapshotDay.Status.DONE)
        last_day = last.aggregate(d=Max("day"))["d"]
        if last_day is not None:
            latest_start = last_day if source_period == Rollup.Period.DAY else month_start(last_day)
            for union_id, key, dim, value in inside.filter(key__in=stocks, start=latest_start).values_list(
                "union_id", "key", "dim", "value"
            ):
                new.append(Rollup(union_id=union_id, period=period, start=start, key=key, dim=dim, value=value))
    Rollup.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def snapshot_day(day: dt.date, *, figures: Iterable[Figure] | None = None) -> DayResult:
    """Compute and store `day`. Idempotent: the day's rows are replaced as a whole."""
    began = time.perf_counter()
    figs = list(figures) if figures is not None else stored_figures()
    kinds = {f.key: f.kind for f in figs}
    facts = compute_facts(day, figs)
    paths = paths_on(day)
    totals = roll_up(facts, paths)
    with transaction.atomic():
        snap, _created = SnapshotDay.objects.select_for_update().get_or_create(day=day)
        snap.status = SnapshotDay.Status.DONE  # counted as computed by the month/year roll-ups below
        snap.save(update_fields=["status", "computed_at"])
        Fact.objects.filter(day=day).delete()
        Fact.objects.bulk_create(
            (Fact(union_id=u, day=day, key=k, dim=d, value=v) for u, k, d, v in facts), batch_size=BATCH
        )
        Rollup.objects.filter(period=Rollup.Period.DAY, start=day).delete()
        Rollup.objects.bulk_create(
            (Rollup(union_id=u, period=Rollup.Period.DAY, start=day, key=k, dim=d, value=v)
             for (u, k, d), v in totals.items() if v),
            batch_size=BATCH,
        )
        ms, ys = month_start(day), day.replace(month=1, day=1)
        _replace_period(Rollup.Period.MONTH, ms, month_end(day), Rollup.Period.DAY, kinds)
        _replace_period(Rollup.Period.YEAR, ys, ys.replace(month=12, day=31), Rollup.Period.MONTH, kinds)
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
            result = snapshot_day(day)
            results.append(result)
            if progress:
                progress(result)
        day += dt.timedelta(days=1)
    return results


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
