"""The in-process spatial index behind "nearest to me" (see docs/stations.md for the choice).

A multi-resolution grid over latitude/longitude: each level buckets every active station by
cell; a query picks the finest level whose neighbourhood of the point holds enough stations,
then searches rings of cells outwards, computing the exact haversine distance for each
candidate that passes the filters, and stops once the k-th best distance is closer than the
nearest point any unsearched cell could hold. The result is exactly what a brute-force
haversine scan over all stations returns (ties broken by station id).

Each process holds one index. Writes mark it stale in-process at once and, after commit,
replace a token in the shared cache; other processes compare that token at most every
``STATIONS_INDEX_RECHECK_SECONDS`` and rebuild when it changed.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .hours import Compiled, hours_compile, is_open
from .models import KIND_CODES, Station

EARTH_RADIUS_KM = 6371.0088
CACHE_KEY = "stations:index:token"
FINEST = 0.02  # degrees (~2 km); every coarser cell is an exact block of finest cells
# (cell size in degrees, finest cells per side): ~180 km, ~36 km, ~9 km, ~2 km. Each size
# divides 360, so columns wrap cleanly at the antimeridian.
LEVELS: tuple[tuple[float, int], ...] = ((1.6, 80), (0.32, 16), (0.08, 4), (0.02, 1))
FINEST_COLS = round(360 / FINEST)
# A cell with at most this many stations is scanned rather than split into its children.
LEAF_SIZE = 100
KM_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_KM

_asin = math.asin
_sqrt = math.sqrt
_sin = math.sin
_cos = math.cos
_radians = math.radians
_heappush = heapq.heappush
_heappop = heapq.heappop

# Row layout (a tuple, for memory and speed):
LAT_RAD, LON_RAD, COS_LAT, ID, KIND_BIT, MASK, SCHEDULE, LAT, LON, NAME, ADDRESS, HOURS_TEXT, STAR, RATING, CODE = range(15)
Row = tuple[Any, ...]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points in degrees."""
    p1, p2 = _radians(lat1), _radians(lat2)
    dp = p2 - p1
    dl = _radians(lon2 - lon1)
    a = _sin(dp / 2) ** 2 + _cos(p1) * _cos(p2) * _sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * _asin(min(1.0, _sqrt(a)))


class Hit(NamedTuple):
    distance_km: float
    row: Row

    @property
    def id(self) -> int:
        return int(self.row[ID])


def _finest_key(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat / FINEST), math.floor((lon + 180.0) / FINEST) % FINEST_COLS)


class _Level:
    __slots__ = ("size", "cols", "per", "cells")

    def __init__(self, size: float, per: int) -> None:
        self.size = size
        self.per = per
        self.cols = FINEST_COLS // per
        self.cells: dict[tuple[int, int], list[Row]] = {}

    def key(self, lat: float, lon: float) -> tuple[int, int]:
        # Derived from the finest key by integer division, so a cell's stations are exactly
        # the union of its children's (no float disagreement at cell edges).
        i, j = _finest_key(lat, lon)
        return (i // self.per, j // self.per)


class StationIndex:
    """All active stations, bucketed in a hierarchy of grid cells (coarsest first)."""

    def __init__(self, rows: Iterable[Row], version: str = "") -> None:
        self.version = version
        # Encoded JSON of each station's fixed fields, filled by the API on first use.
        self.fragments: dict[tuple[int, str], str] = {}
        # Other reads derived from the same stations (e.g. district centres), kept until the
        # next rebuild.
        self.derived: dict[str, Any] = {}
        self.levels = [_Level(size, per) for size, per in LEVELS]
        self.count = 0
        for row in rows:
            self.count += 1
            i, j = _finest_key(row[LAT], row[LON])
            for level in self.levels:
                level.cells.setdefault((i // level.per, j // level.per), []).append(row)

    # -- query -----------------------------------------------------------------------------
    def nearest(
        self,
        *,
        lat: float,
        lon: float,
        k: int = 20,
        kinds: int = 0,
        facilities: int = 0,
        open_at: dt.datetime | None = None,
        radius_km: float = 50.0,
    ) -> list[Hit]:
        """The `k` nearest stations within `radius_km` that pass the filters, nearest first.

        `kinds` is a bit set of kind positions (0 = any kind); `facilities` a facility mask
        that a station must fully contain; `open_at` a local time the station must be open.

        Best-first search: cells wait in a priority queue ordered by the nearest point they
        could hold; a crowded cell is replaced by its children, a small one is scanned. The
        top level is entered ring by ring, so the queue only holds what is near.
        """
        if k <= 0 or self.count == 0:
            return []
        p_lat = _radians(lat)
        p_lon = _radians(lon)
        cos_p = _cos(p_lat)
        # Candidates are compared by the haversine term `a` (monotonic in distance), so the
        # inner loop needs no asin; the distance is derived once per result.
        a_max = _sin(min(radius_km, math.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)) ** 2
        open_cache: dict[Compiled, bool] = {}
        levels = self.levels
        last = len(levels) - 1
        top = levels[0]
        ci, cj = top.key(lat, lon)
        cell_bound = self._cell_bound
        x = (lon + 180.0) % 360.0  # lon = 180 is column 0, like -180
        queue: list[tuple[float, int, int, int]] = []  # (lower bound km, level, i, j)
        heap: list[tuple[float, int, Row]] = []  # the k best so far, max-heap via negation
        full = False
        worst_a = worst_km = worst_dphi = math.inf
        ring = 0
        outer = -1.0  # lower bound for every top-level cell not yet queued
        exhausted = False
        while True:
            # Queue further rings of top-level cells while they could hold something nearer
            # than the nearest queued cell.
            while not exhausted and (not queue or queue[0][0] >= outer):
                if outer > radius_km or (full and outer > worst_km):
                    break
                for cell in self._ring(top, ci, cj, ring):
                    if cell in top.cells:
                        _heappush(queue, (cell_bound(top, lat, lon, cos_p, cell), 0, cell[0], cell[1]))
                if ring * 2 + 1 >= top.cols and self._covers_all_rows(top, ci, ring):
                    exhausted = True
                    outer = math.inf
                else:
                    outer = self._bound(top, lat, lon, cos_p, ci, cj, ring)
                ring += 1
            if not queue:
                break
            bound, li, i, j = _heappop(queue)
            if bound > radius_km or (full and bound > worst_km):
                break
            level = levels[li]
            rows = level.cells[(i, j)]
            if li < last and len(rows) > LEAF_SIZE:
                child = levels[li + 1]
                q = level.per // child.per
                cells = child.cells
                # A child's bound is the larger of its row's and its column's gap, so q + q
                # gaps serve all q × q children.
                size = child.size
                rows_gap = []
                for ii in range(i * q, i * q + q):
                    south = ii * size
                    if lat < south:
                        rows_gap.append((south - lat) * KM_PER_DEGREE)
                    elif lat > south + size:
                        rows_gap.append((lat - south - size) * KM_PER_DEGREE)
                    else:
                        rows_gap.append(0.0)
                cols_gap = []
                for jj in range(j * q, j * q + q):
                    west = jj * size
                    if west <= x <= west + size:
                        cols_gap.append(0.0)
                    else:
                        offset = min((west - x) % 360.0, (x - west - size) % 360.0)
                        cols_gap.append(0.0 if offset >= 90 else _asin(_sin(_radians(offset)) * cos_p) * EARTH_RADIUS_KM)
                for a_index, ii in enumerate(range(i * q, i * q + q)):
                    row_gap = rows_gap[a_index]
                    for b_index, jj in enumerate(range(j * q, j * q + q)):
                        key = (ii, jj)
                        if key in cells:
                            col_gap = cols_gap[b_index]
                            _heappush(queue, (row_gap if row_gap > col_gap else col_gap, li + 1, ii, jj))
                continue
            for row in rows:
                if kinds and not (row[KIND_BIT] & kinds):
                    continue
                if facilities and (row[MASK] & facilities) != facilities:
                    continue
                dphi = row[LAT_RAD] - p_lat
                if full and (dphi > worst_dphi or -dphi > worst_dphi):
                    continue
                a = _sin(dphi / 2) ** 2 + cos_p * row[COS_LAT] * _sin((row[LON_RAD] - p_lon) / 2) ** 2
                if a > a_max or (full and (a > worst_a or (a == worst_a and row[ID] > -heap[0][1]))):
                    continue
                if open_at is not None:
                    schedule = row[SCHEDULE]
                    is_open_now = open_cache.get(schedule)
                    if is_open_now is None:
                        is_open_now = open_cache[schedule] = is_open(schedule, open_at)
                    if not is_open_now:
                        continue
                if full:
                    heapq.heapreplace(heap, (-a, -row[ID], row))
                else:
                    _heappush(heap, (-a, -row[ID], row))
                    full = len(heap) >= k
                if full:
                    worst_a = -heap[0][0]
                    worst_dphi = 2 * _asin(min(1.0, _sqrt(worst_a)))
                    worst_km = worst_dphi * EARTH_RADIUS_KM
        hits = sorted(heap, key=lambda item: (-item[0], -item[1]))
        return [Hit(2 * EARTH_RADIUS_KM * _asin(min(1.0, _sqrt(-neg_a))), row) for neg_a, _neg_id, row in hits]

    @staticmethod
    def _ring(level: _Level, ci: int, cj: int, r: int) -> Iterable[tuple[int, int]]:
        cols = level.cols
        if r == 0:
            yield (ci, cj % cols)
            return
        if 2 * r + 1 > cols:
            # The ring wrapped around the globe: the two new rows in full, and on the rows in
            # between only the column(s) the earlier rings (2r - 1 columns wide) missed.
            for j in range(cols):
                yield (ci - r, j)
                yield (ci + r, j)
            if 2 * r - 1 < cols:
                sides = {(cj - r) % cols, (cj + r) % cols}
                for i in range(ci - r + 1, ci + r):
                    for j in sides:
                        yield (i, j)
            return
        for j in range(cj - r, cj + r + 1):
            yield (ci - r, j % cols)
            yield (ci + r, j % cols)
        for i in range(ci - r + 1, ci + r):
            yield (i, (cj - r) % cols)
            yield (i, (cj + r) % cols)

    @staticmethod
    def _cell_bound(level: _Level, lat: float, lon: float, cos_p: float, cell: tuple[int, int]) -> float:
        """A lower bound on the distance from the point to anything inside `cell`."""
        size = level.size
        i, j = cell
        south = i * size
        if lat < south:
            lat_gap = _radians(south - lat) * EARTH_RADIUS_KM
        elif lat > south + size:
            lat_gap = _radians(lat - south - size) * EARTH_RADIUS_KM
        else:
            lat_gap = 0.0
        x = (lon + 180.0) % 360.0  # lon = 180 is column 0, like -180
        west = j * size
        if west <= x <= west + size:
            return lat_gap
        offset = min((west - x) % 360.0, (x - west - size) % 360.0)
        if offset >= 90:
            return lat_gap
        lon_gap = _asin(min(1.0, _sin(_radians(offset)) * cos_p)) * EARTH_RADIUS_KM
        return lat_gap if lat_gap > lon_gap else lon_gap

    @staticmethod
    def _covers_all_rows(level: _Level, ci: int, ring: int) -> bool:
        return (ci - ring) * level.size <= -90 and (ci + ring + 1) * level.size >= 90

    @staticmethod
    def _bound(level: _Level, lat: float, lon: float, cos_p: float, ci: int, cj: int, r: int) -> float:
        """A lower bound on the distance from the point to anything outside the searched cells."""
        size = level.size
        best = math.inf
        south = (ci - r) * size
        north = (ci + r + 1) * size
        if south > -90:
            best = min(best, _radians(lat - south) * EARTH_RADIUS_KM)
        if north < 90:
            best = min(best, _radians(north - lat) * EARTH_RADIUS_KM)
        if 2 * r + 1 < level.cols:
            x = (lon + 180.0) % 360.0  # lon = 180 is column 0, like -180
            west = x - (cj - r) * size
            east = (cj + r + 1) * size - x
            for offset in (west, east):
                if offset >= 90:
                    # Past a quarter turn the nearest point of a meridian is a pole.
                    angle = _radians(90 - abs(lat))
                else:
                    angle = _asin(min(1.0, _sin(_radians(offset)) * cos_p))
                best = min(best, angle * EARTH_RADIUS_KM)
        return best


def row_from_values(values: tuple[Any, ...], schedules: dict[Any, Compiled] | None = None) -> Row:
    """Build an index row from `ROW_FIELDS` values; `schedules` interns identical hours."""
    pk, code, name, kind, lat, lon, facilities, hours, hours_text, address, star, rating_sum, rating_count = values
    compiled = hours_compile(hours)
    if schedules is not None:
        compiled = schedules.setdefault(compiled, compiled)
        # The written hours repeat as much as the schedules do: keep one copy of each.
        hours_text = schedules.setdefault(hours_text, hours_text)  # type: ignore[arg-type]
    lat_rad = _radians(lat)
    rating = round(rating_sum / rating_count, 1) if rating_count else None
    return (
        lat_rad, _radians(lon), _cos(lat_rad), pk, 1 << KIND_CODES[kind], facilities, compiled,
        lat, lon, name, address, hours_text, star, rating, code,
    )


ROW_FIELDS = (
    "pk", "code", "name", "kind", "lat", "lon", "facilities", "hours", "hours_text", "address",
    "star_level", "rating_sum", "rating_count",
)


def index_build(version: str = "") -> StationIndex:
    """Read every active station from the database into a new index."""
    schedules: dict[Any, Compiled] = {}
    values = Station.objects.public().values_list(*ROW_FIELDS).iterator(chunk_size=5000)
    return StationIndex((row_from_values(v, schedules) for v in values), version=version)


class _Holder:
    def __init__(self) -> None:
        self.index: StationIndex | None = None
        self.stale = True
        self.checked = 0.0
        self.recheck = 2.0
        self.lock = threading.Lock()


_holder = _Holder()


def _shared_token() -> str:
    token = cache.get(CACHE_KEY)
    if token is None:
        cache.add(CACHE_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(CACHE_KEY) or ""
    return str(token)


def index_get() -> StationIndex:
    """The current index, rebuilt when this process or another one changed stations."""
    holder = _holder
    index = holder.index
    now = time.monotonic()
    if index is not None and not holder.stale and now - holder.checked < holder.recheck:
        return index
    with holder.lock:
        holder.recheck = float(getattr(settings, "STATIONS_INDEX_RECHECK_SECONDS", 2.0))
        token = _shared_token()
        if holder.index is None or holder.stale or holder.index.version != token:
            holder.stale = False
            holder.index = index_build(version=token)
        holder.checked = now
        return holder.index


def index_invalidate() -> None:
    """Called by every service that changes what the index holds."""
    _holder.stale = True

    def publish() -> None:
        cache.set(CACHE_KEY, uuid.uuid4().hex, timeout=None)
        _holder.stale = True

    transaction.on_commit(publish)


def index_reset() -> None:
    """Forget the index (tests, and after bulk loads that bypass the services)."""
    _holder.index = None
    _holder.stale = True
    cache.delete(CACHE_KEY)
