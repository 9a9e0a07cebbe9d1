"""The in-process spatial index behind "nearest to me" (see docs/stations.md for the choice).

Every active station becomes a point on the unit sphere (x, y, z). The straight-line
(chord) distance between two such points grows strictly with their great-circle distance,
so the k points nearest in 3-D are the k stations nearest on the Earth: a k-d tree over
them (pykdtree, written in C) answers "the nearest 20" exactly, with no special case for
the antimeridian or the poles. There is one tree for all stations and one per kind, so a
rare kind never wades through other kinds. Facility, kind and "open now" filters become a
mask of stations the tree search skips (built once per filter and kept), so each search
asks for exactly k + 1 neighbours; the extra one shows whether anything ties with the k-th
(then the search looks further). The distance is 2R·asin(chord/2); stations that tie to
rounding are ordered by id. The result is what a brute-force haversine scan returns
(tests/stations/test_index.py checks it with hypothesis).

Each process holds one index. Writes mark it stale in-process at once and, after commit,
replace a token in the shared cache; other processes compare that token at most every
``STATIONS_INDEX_RECHECK_SECONDS`` and rebuild when it changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import logging
import math
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import transaction
from pykdtree.kdtree import KDTree

from gonghui.core.cache import CACHE_ERRORS, cache_set_quietly

from .hours import Compiled, hours_compile, is_open
from .models import KIND_CODES, Station

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
CACHE_KEY = "stations:index:token"
# Candidates whose chord distance is within this relative margin of the k-th are treated as
# possible ties: all of them are looked at before the k nearest are chosen.
TIE_MARGIN = 1e-9
# When the (k + 1)-th ties with the k-th, ask for this many times more.
WIDEN = 4
# Room for cached filter masks, per tree (one byte per station each).
SKIP_MASK_BYTES = 16 * 2**20
# Stations per k-d tree leaf.
LEAF_SIZE = 16
# Several kinds that together hold at least this share of the stations are searched in the
# one tree of all stations (one query, kind checked per candidate) rather than kind by kind.
SHARED_TREE_SHARE = 0.4
# Up to this many distinct weekly schedules, "open now" is evaluated for all of them once a
# minute and becomes part of the search mask; past it, the nearest stations are checked one
# by one.
OPEN_EVALUATE_SCHEDULES = 2000
_DISTANCE_PER_HALF_CHORD = 2 * EARTH_RADIUS_KM

_asin = math.asin
_sin = math.sin
_cos = math.cos
_radians = math.radians

# Row layout (a tuple, for memory and speed):
LAT_RAD, LON_RAD, COS_LAT, ID, KIND_BIT, MASK, SCHEDULE, LAT, LON, NAME, ADDRESS, HOURS_TEXT, STAR, RATING, CODE = range(15)
Row = tuple[Any, ...]


class Hit(NamedTuple):
    distance_km: float
    row: Row

    @property
    def id(self) -> int:
        return int(self.row[ID])


def _unit_vectors(lat_rad: np.ndarray, lon_rad: np.ndarray) -> np.ndarray:
    cos_lat = np.cos(lat_rad)
    return np.column_stack((cos_lat * np.cos(lon_rad), cos_lat * np.sin(lon_rad), np.sin(lat_rad)))


def _spread_bits(values: np.ndarray) -> np.ndarray:
    """Put a zero bit between each of the low 16 bits (for a Morton key)."""
    v = values.astype(np.uint64) & np.uint64(0xFFFF)
    v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
    v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
    v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
    return (v | (v << np.uint64(1))) & np.uint64(0x55555555)


def _morton_order(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """An order of the points along a Z-curve over latitude and longitude: neighbours on the
    map become neighbours in memory."""
    y = np.clip((lat + 90.0) / 180.0 * 65535.0, 0, 65535)
    x = np.clip((lon + 180.0) / 360.0 * 65535.0, 0, 65535)
    return np.argsort(_spread_bits(x) | (_spread_bits(y) << np.uint64(1)), kind="stable")


class _Tree:
    """A k-d tree over some of the stations (pykdtree, in C).

    `positions`, `masks`, `kinds` and `schedule_numbers` describe the tree's points in its
    own order; the tree reports a missing neighbour as index `size`.
    """

    __slots__ = ("tree", "positions", "masks", "kinds", "schedule_numbers", "size", "skip_masks")

    def __init__(
        self, points: np.ndarray, positions: np.ndarray, masks: np.ndarray, kinds: np.ndarray, schedules: np.ndarray,
    ) -> None:
        self.tree = KDTree(np.ascontiguousarray(points), leafsize=LEAF_SIZE)
        self.size = len(positions)
        # One extra entry answers for "no neighbour" (index `size`).
        self.positions = np.append(positions, -1)
        self.masks = masks
        self.kinds = kinds
        self.schedule_numbers = schedules
        # Filter → the points the search must skip (True = skip), most recently used last.
        self.skip_masks: OrderedDict[tuple[int, int, Any], np.ndarray] = OrderedDict()

    def skip_mask(self, *, facilities: int, kinds: int, open_key: Any, open_array: np.ndarray | None) -> np.ndarray:
        """The points that fail the filters, built once per filter (and minute, for "open now")
        and kept while there is room (`SKIP_MASK_BYTES` per tree)."""
        key = (facilities, kinds, open_key)
        cached = self.skip_masks.get(key)
        if cached is not None:
            self.skip_masks.move_to_end(key)
            return cached
        passing = (self.masks & facilities) == facilities
        if kinds:
            passing &= (self.kinds & kinds) != 0
        if open_array is not None:
            passing &= open_array[self.schedule_numbers]
        skip = ~passing
        self.skip_masks[key] = skip
        while len(self.skip_masks) > max(4, SKIP_MASK_BYTES // max(1, self.size)):
            self.skip_masks.popitem(last=False)
        return skip


class _OpenState:
    """Which schedules are open in one minute (hours have minute precision)."""

    __slots__ = ("key", "flags", "evaluated", "array")

    def __init__(self, key: tuple[dt.date, int], schedules: int) -> None:
        self.key = key
        self.flags: list[bool | None] = [None] * schedules
        self.evaluated = False
        # Every schedule's flag as a numpy array (sentinel False last), once all are known.
        self.array: np.ndarray | None = None


class StationIndex:
    """All active stations: one k-d tree over all of them and one per kind.

    A station is known by its position in `rows` (rows are in id order, so that a tie
    between equally distant stations goes to the lower id)."""

    def __init__(self, rows: Iterable[Row], version: str = "") -> None:
        self.version = version
        self.rows: list[Row] = sorted(rows, key=lambda row: row[ID])
        self.count = len(self.rows)
        # Encoded JSON of each station's fixed fields, per language and position, filled by
        # the API on first use (see selectors.station_list_nearby_json).
        self.fragments: dict[str, list[bytes | None]] = {}
        self.fragments_filled: dict[str, int] = {}
        # Other reads derived from the same stations (e.g. district centres), kept until the
        # next rebuild.
        self.derived: dict[str, Any] = {}
        # Distinct weekly schedules, numbered; each station's number; which are open now.
        numbers: dict[Compiled, int] = {}
        self.schedules: list[Compiled] = []
        self.schedule_of: list[int] = []
        for row in self.rows:
            number = numbers.get(row[SCHEDULE])
            if number is None:
                number = numbers[row[SCHEDULE]] = len(self.schedules)
                self.schedules.append(row[SCHEDULE])
            self.schedule_of.append(number)
        self._open: _OpenState | None = None
        self.all: _Tree | None = None
        self.by_kind: dict[int, _Tree] = {}
        if not self.rows:
            return
        rows = self.rows
        count = self.count
        lat = np.fromiter((r[LAT] for r in rows), dtype=np.float64, count=count)
        lon = np.fromiter((r[LON] for r in rows), dtype=np.float64, count=count)
        # The trees hold the stations in Z-curve order, so that a query reads neighbouring
        # memory rather than points scattered over the whole array (about a tenth of the
        # endpoint's time at 200,000 stations); `positions` leads back to `rows`.
        order = _morton_order(lat, lon)
        points = _unit_vectors(np.radians(lat[order]), np.radians(lon[order]))
        masks = np.fromiter((r[MASK] for r in rows), dtype=np.int64, count=count)[order]
        kind_bits = np.fromiter((r[KIND_BIT] for r in rows), dtype=np.int64, count=count)[order]
        schedule_numbers = np.array(self.schedule_of, dtype=np.int64)[order]
        self.all = _Tree(points, order, masks, kind_bits, schedule_numbers)
        for bit in np.unique(kind_bits).tolist():
            chosen = kind_bits == bit
            self.by_kind[int(bit)] = _Tree(
                points[chosen], order[chosen], masks[chosen], kind_bits[chosen], schedule_numbers[chosen]
            )

    # -- "open now" --------------------------------------------------------------------------
    def open_flags(self, at: dt.datetime) -> list[bool | None]:
        """Open (True) or closed per schedule number at `at`'s minute; None = not yet known.

        Fill a None with `is_open(index.schedules[n], at)`: one list serves every query in
        the same minute."""
        key = (at.date(), at.hour * 60 + at.minute)
        state = self._open
        if state is None or state.key != key:
            state = self._open = _OpenState(key, len(self.schedules))
        return state.flags

    def is_open_at(self, position: int, at: dt.datetime) -> bool:
        flags = self.open_flags(at)
        number = self.schedule_of[position]
        flag = flags[number]
        if flag is None:
            flag = flags[number] = is_open(self.schedules[number], at)
        return flag

    def _open_state_for(self, at: dt.datetime) -> _OpenState:
        self.open_flags(at)
        state = self._open
        assert state is not None
        return state

    def _open_evaluate(self, state: _OpenState, at: dt.datetime) -> None:
        """Evaluate every schedule for this minute into `state.array`, where there are few
        enough of them (else the hours are checked station by station)."""
        state.evaluated = True
        if len(self.schedules) > OPEN_EVALUATE_SCHEDULES or not self.count:
            return
        flags = state.flags
        for number, flag in enumerate(flags):
            if flag is None:
                flags[number] = is_open(self.schedules[number], at)
        state.array = np.array([*flags, False], dtype=bool)

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
        Equally distant stations come in id order.
        """
        distances, positions = self.nearest_positions(
            lat=lat, lon=lon, k=k, kinds=kinds, facilities=facilities, open_at=open_at, radius_km=radius_km
        )
        rows = self.rows
        return [Hit(distance, rows[position]) for distance, position in zip(distances, positions, strict=True)]

    def nearest_positions(
        self,
        *,
        lat: float,
        lon: float,
        k: int = 20,
        kinds: int = 0,
        facilities: int = 0,
        open_at: dt.datetime | None = None,
        radius_km: float = 50.0,
    ) -> tuple[list[float], list[int]]:
        """`nearest` for the hot path: distances in km and positions in `rows`, nearest first.

        The filters become a mask the tree search skips (in C), so each tree is asked for
        exactly k + 1 neighbours: the extra one shows whether anything ties with the k-th."""
        if k <= 0 or self.all is None:
            return [], []
        by_kind = self.by_kind
        kind_filter = 0
        if kinds and any(not (bit & kinds) for bit in by_kind):
            trees = [tree for bit, tree in by_kind.items() if bit & kinds]
            if not trees:
                return [], []
            if len(trees) > 1 and sum(tree.size for tree in trees) >= SHARED_TREE_SHARE * self.count:
                # Most stations are of these kinds: one search of the whole tree beats several.
                trees = [self.all]
                kind_filter = kinds
        else:
            trees = [self.all]
        open_array = None
        open_key = None
        if open_at is not None:
            state = self._open_state_for(open_at)
            if not state.evaluated:
                self._open_evaluate(state, open_at)
            open_array = state.array
            if open_array is None:
                # Too many distinct schedules to evaluate each minute: check one by one.
                return self._nearest_checking_hours(
                    lat=lat, lon=lon, k=k, kinds=kinds, facilities=facilities, open_at=open_at, radius_km=radius_km
                )
            open_key = state.key
        filtered = bool(facilities or kind_filter or open_array is not None)
        skips = [
            tree.skip_mask(facilities=facilities, kinds=kind_filter, open_key=open_key, open_array=open_array)
            if filtered else None
            for tree in trees
        ]
        p_lat = _radians(lat)
        p_lon = _radians(lon)
        cos_p = _cos(p_lat)
        point = np.array(((cos_p * _cos(p_lon), cos_p * _sin(p_lon), _sin(p_lat)),))
        chord_max = 2 * _sin(min(radius_km, math.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM))
        # The tree keeps neighbours strictly nearer than its bound: pad it; `chord_max` decides.
        bound = chord_max * (1 + TIE_MARGIN) + 1e-12
        count = k + 1
        while True:
            # Every station nearer (by chord) than `known` has been seen.
            known = math.inf
            parts = []
            for tree, skip in zip(trees, skips, strict=True):
                asked = min(count, tree.size)
                chords, found = tree.tree.query(point, k=asked, distance_upper_bound=bound, mask=skip)
                chords, found = chords.ravel(), found.ravel()
                if asked < tree.size:
                    last = float(chords[-1])
                    if last < known:
                        known = last
                parts.append((chords, tree.positions[found]))
            if len(parts) == 1:
                chords, positions = parts[0]
            else:
                chords = np.concatenate([chords for chords, _positions in parts])
                positions = np.concatenate([positions for _chords, positions in parts])
                order = np.argsort(chords, kind="stable")
                chords, positions = chords[order], positions[order]
            end = int(chords.searchsorted(chord_max, side="right"))
            limit = chord_max
            if end >= k:
                # Whatever is as near as the k-th, to rounding, may still tie with it.
                limit = min(chord_max, float(chords[k - 1]) * (1 + TIE_MARGIN) + 1e-15)
                end = int(chords.searchsorted(limit, side="right"))
            # Done when nothing unseen can be as near as the k-th, or nothing is unseen.
            if known == math.inf or (end >= k and limit < known) or end < k:
                break
            count *= WIDEN  # a tie at the k-th: look further
        chord_list = chords[:end].tolist()
        position_list = positions[:end].tolist()
        if end > k or len(set(chord_list)) < end:
            # Ties: equally distant stations in id order (positions follow ids).
            best = sorted(zip(chord_list, position_list, strict=True))[:k]
            chord_list = [chord for chord, _position in best]
            position_list = [position for _chord, position in best]
        scale = _DISTANCE_PER_HALF_CHORD
        return [scale * _asin(chord * 0.5 if chord < 2 else 1.0) for chord in chord_list], position_list

    def _nearest_checking_hours(
        self, *, lat: float, lon: float, k: int, kinds: int, facilities: int, open_at: dt.datetime, radius_km: float
    ) -> tuple[list[float], list[int]]:
        """"Open now" where the schedules are too many to evaluate each minute: take nearest
        candidates without the hours filter, growing, until k of them are open."""
        asked = k * 2
        while True:
            distances, positions = self.nearest_positions(
                lat=lat, lon=lon, k=asked, kinds=kinds, facilities=facilities, radius_km=radius_km
            )
            kept_distances: list[float] = []
            kept_positions: list[int] = []
            for distance, position in zip(distances, positions, strict=True):
                if self.is_open_at(position, open_at):
                    kept_distances.append(distance)
                    kept_positions.append(position)
                    if len(kept_distances) == k:
                        break
            # Enough open ones, or every candidate in the radius was looked at.
            if len(kept_distances) == k or len(distances) < asked:
                return kept_distances, kept_positions
            asked *= WIDEN


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
    """Read every active station from the database into a new index (and keep a snapshot of
    what was read on disk, for a process that starts while the database is away)."""
    schedules: dict[Any, Compiled] = {}
    read: list[tuple[Any, ...]] = []

    def rows() -> Iterable[Row]:
        for v in Station.objects.public().values_list(*ROW_FIELDS).iterator(chunk_size=5000):
            read.append(v)
            yield row_from_values(v, schedules)

    index = StationIndex(rows(), version=version)
    snapshot_write(read, version)
    return index


# --- the snapshot: the nearby search of a new process when the database is away ----------------
#
# Each build writes what it read to STATIONS_INDEX_SNAPSHOT (gzip'd JSON, written to a temporary
# file and renamed, so a reader never sees half of one). A process whose first build fails on
# the database (down, stalled, refused by the stall guard) answers from the snapshot instead of
# failing every search, and rebuilds from the database in the background once it answers.
# The snapshot holds only what the public search shows (no personal data).

SNAPSHOT_PREFIX = "snapshot:"


def _snapshot_path() -> str:
    return str(getattr(settings, "STATIONS_INDEX_SNAPSHOT", "") or "")


def snapshot_write(values: list[tuple[Any, ...]], version: str) -> None:
    path = _snapshot_path()
    if not path:
        return

    def write() -> None:
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as out:
                json.dump({"version": version, "fields": list(ROW_FIELDS), "rows": values}, out, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            logger.warning("stations index snapshot not written to %s: %s", path, exc)
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    if getattr(settings, "TASK_RUNNER_FALLBACK", "thread") == "sync":
        write()
    else:
        threading.Thread(target=write, name="stations-index-snapshot", daemon=True).start()


def snapshot_load() -> StationIndex | None:
    """The index as the last build anywhere on this machine read it, or None."""
    path = _snapshot_path()
    if not path or not os.path.exists(path):
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as src:
            data = json.load(src)
        if data.get("fields") != list(ROW_FIELDS):
            return None  # written by another version of the code
        schedules: dict[Any, Compiled] = {}
        rows = (row_from_values(tuple(v), schedules) for v in data["rows"])
        # Never equal to a shared token: the next check rebuilds from the database.
        return StationIndex(rows, version=SNAPSHOT_PREFIX + str(data.get("version", "")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("stations index snapshot %s unreadable: %s", path, exc)
        return None


class _Holder:
    def __init__(self) -> None:
        self.index: StationIndex | None = None
        self.stale = True
        self.checked = 0.0
        self.recheck = 2.0
        self.lock = threading.Lock()
        self.building: threading.Thread | None = None


_holder = _Holder()


def _shared_token() -> str:
    """The version other processes announced. With the cache away the search keeps answering
    from the index it has (changes made elsewhere show once the cache is back)."""
    try:
        token = cache.get(CACHE_KEY)
        if token is None:
            cache.add(CACHE_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(CACHE_KEY) or ""
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, stations index keeps its version: %s", exc)
        index = _holder.index
        return index.version if index is not None else "local"
    return str(token)


def index_get() -> StationIndex:
    """The current index.

    A change made in this process (`index_invalidate`) is rebuilt by the next search, which
    waits for it (so its author sees the change at once); searches on other threads keep
    answering from the current index meanwhile. A change another process announced (the shared
    token moved) is rebuilt in a background thread while searches keep answering from the
    current index: at national scale a rebuild takes seconds, and every app server would
    otherwise stall its searches for that long after each edit anywhere."""
    holder = _holder
    index = holder.index
    now = time.monotonic()
    if index is not None and not holder.stale:
        if now - holder.checked < holder.recheck:
            return index
        holder.checked = now
        token = _shared_token()
        if token == index.version:
            return index
        _rebuild_in_background(token)
        return holder.index or index
    # Only one thread rebuilds; while it does, the others answer from the index there is
    # (the first build, with nothing to answer from, is waited for).
    if not holder.lock.acquire(blocking=index is None):
        return index  # type: ignore[return-value]
    try:
        holder.recheck = float(getattr(settings, "STATIONS_INDEX_RECHECK_SECONDS", 2.0))
        token = _shared_token()
        if holder.index is None or holder.stale or holder.index.version != token:
            holder.stale = False
            try:
                holder.index = index_build(version=token)
            except DatabaseError:
                snapshot = snapshot_load() if holder.index is None else None
                if snapshot is None:
                    holder.stale = True
                    raise
                logger.error("database unavailable: the nearby search answers from the snapshot of its index")
                holder.index = snapshot
        holder.checked = now
        return holder.index
    finally:
        holder.lock.release()


def _rebuild_in_background(token: str) -> None:
    """Build the index for `token` off the request path (inline when background work runs
    synchronously, as in tests) and swap it in unless this process changed stations since."""
    holder = _holder

    def build(in_thread: bool) -> None:
        from django.db import connection

        try:
            fresh = index_build(version=token)
            with holder.lock:
                if not holder.stale:
                    holder.index = fresh
        except Exception:
            logger.exception("stations index rebuild failed; still answering from the previous one")
        finally:
            if in_thread:
                connection.close()  # this thread's own connection

    if getattr(settings, "TASK_RUNNER_FALLBACK", "thread") == "sync":
        build(in_thread=False)
        return
    with holder.lock:
        if holder.building is not None and holder.building.is_alive():
            return
        holder.building = threading.Thread(target=build, args=(True,), name="stations-index-rebuild", daemon=True)
        holder.building.start()


def index_invalidate() -> None:
    """Called by every service that changes what the index holds."""
    _holder.stale = True

    def publish() -> None:
        _holder.stale = True
        # The change is committed; the announcement to other processes is best effort.
        cache_set_quietly(CACHE_KEY, uuid.uuid4().hex, None)

    transaction.on_commit(publish)


def index_reset() -> None:
    """Forget the index (tests, and after bulk loads that bypass the services)."""
    _holder.index = None
    _holder.stale = True
    try:
        cache.delete(CACHE_KEY)
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, stations index token not reset: %s", exc)
