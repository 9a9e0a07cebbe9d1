"""The nearby index returns exactly what a brute-force haversine scan returns."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gonghui.stations import selectors
from gonghui.stations.hours import hours_compile, hours_parse, is_open
from gonghui.stations.index import ID, LAT, LON, MASK, SCHEDULE, StationIndex, row_from_values
from gonghui.stations.models import FACILITY_BITS, KIND_CODES, Kind
from tests.factories import Tree

from .helpers import make_station

KINDS = Kind.values
HOURS = [{"always": True, "week": [], "holiday": None}, hours_parse("周一至周五 08:00-20:00"), hours_parse("每天 22:00-06:00")]


def brute_haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """An independent haversine (spherical law via atan2), for checking the index."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * r * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def make_rows(seed: int, n: int, centres: list[tuple[float, float]], spread: float) -> list[tuple]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        if centres and rnd.random() < 0.8:
            c = rnd.choice(centres)
            lat = max(-89.9, min(89.9, c[0] + rnd.gauss(0, spread)))
            lon = ((c[1] + rnd.gauss(0, spread)) + 180) % 360 - 180
        else:
            lat, lon = rnd.uniform(-89, 89), rnd.uniform(-180, 180)
        values = (i + 1, f"ZD{i:07d}", f"站点{i}", rnd.choice(KINDS), lat, lon, rnd.getrandbits(12), rnd.choice(HOURS), "", "", 0, 0, 0)
        rows.append(row_from_values(values))
    return rows


def brute_force(rows, lat, lon, k, kinds, facilities, radius_km, open_at=None):
    found = []
    for row in rows:
        if kinds and not (row[4] & kinds):
            continue
        if (row[MASK] & facilities) != facilities:
            continue
        if open_at is not None and not is_open(row[SCHEDULE], open_at):
            continue
        d = brute_haversine(lat, lon, row[LAT], row[LON])
        if d <= radius_km:
            found.append((d, row[ID]))
    found.sort()
    return found[:k]


def assert_same(hits, expected):
    assert len(hits) == len(expected)
    for hit, (d, pk) in zip(hits, expected, strict=True):
        assert hit.distance_km == pytest.approx(d, abs=1e-6)
        if hit.id != pk:
            # Only a tie (equal distance to rounding) may swap two stations.
            assert any(abs(e[0] - d) < 1e-6 and e[1] == hit.id for e in expected)


CENTRES = [(22.54, 113.94), (30.65, 104.08), (39.9, 116.4), (31.23, 121.47), (0.0, 179.95), (0.0, -179.95), (71.0, 25.0)]
INDEXES = {seed: make_rows(seed, 3000, CENTRES, spread) for seed, spread in ((1, 0.05), (2, 0.5), (3, 3.0))}
BUILT = {seed: StationIndex(rows) for seed, rows in INDEXES.items()}

points = st.one_of(
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    st.sampled_from(CENTRES).flatmap(
        lambda c: st.tuples(st.floats(max(-90, c[0] - 1), min(90, c[0] + 1)), st.floats(c[1] - 1, c[1] + 1).map(lambda x: (x + 180) % 360 - 180))
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(sorted(INDEXES)),
    point=points,
    k=st.integers(1, 30),
    kinds=st.sets(st.sampled_from(KINDS), max_size=3),
    facilities=st.sets(st.sampled_from(list(FACILITY_BITS)), max_size=3),
    radius_km=st.sampled_from([0.5, 5.0, 50.0, 100.0, 20000.0]),
)
# On the antimeridian, from both sides: lon 180 and -180 are the same column.
@example(seed=1, point=(0.125, 180.0), k=1, kinds=set(), facilities=set(), radius_km=5.0)
@example(seed=1, point=(0.125, -180.0), k=3, kinds=set(), facilities=set(), radius_km=5.0)
@example(seed=3, point=(-55.0, 0.0), k=16, kinds={"yizhan"}, facilities={"meal", "water", "charging"}, radius_km=20000.0)
@example(seed=2, point=(90.0, 0.0), k=5, kinds=set(), facilities=set(), radius_km=20000.0)
def test_nearest_matches_brute_force_haversine(seed, point, k, kinds, facilities, radius_km):
    lat, lon = point
    kind_bits = sum(1 << KIND_CODES[c] for c in kinds)
    mask = sum(FACILITY_BITS[c] for c in facilities)
    hits = BUILT[seed].nearest(lat=lat, lon=lon, k=k, kinds=kind_bits, facilities=mask, radius_km=radius_km)
    assert_same(hits, brute_force(INDEXES[seed], lat, lon, k, kind_bits, mask, radius_km))


@settings(max_examples=60, deadline=None)
@given(point=points, minute=st.integers(0, 7 * 1440 - 1))
def test_open_now_filter_matches_brute_force(point, minute):
    lat, lon = point
    at = dt.datetime(2025, 3, 3) + dt.timedelta(minutes=minute)  # a week with no holidays
    hits = BUILT[2].nearest(lat=lat, lon=lon, k=10, open_at=at, radius_km=20000)
    assert_same(hits, brute_force(INDEXES[2], lat, lon, 10, 0, 0, 20000, open_at=at))


def test_empty_index_returns_nothing():
    assert StationIndex([]).nearest(lat=22.5, lon=113.9) == []


def test_schedules_are_shared_between_identical_hours():
    schedules: dict = {}
    a = row_from_values((1, "c", "n", "yizhan", 1.0, 1.0, 0, hours_parse("每天 08:00-20:00"), "", "", 0, 0, 0), schedules)
    b = row_from_values((2, "c", "n", "yizhan", 1.0, 1.0, 0, hours_parse("周一至周日 08:00-20:00"), "", "", 0, 0, 0), schedules)
    assert a[SCHEDULE] is b[SCHEDULE]
    assert hours_compile({}) [0] is True


@pytest.mark.django_db
def test_selector_finds_new_station_and_forgets_closed_one():
    from gonghui.stations import services

    from .helpers import superuser

    tree = Tree()
    near = make_station(union=tree.grassroots_a, name="近的驿站", lat=22.5400, lon=113.9400)
    far = make_station(union=tree.grassroots_a, name="远的驿站", lat=22.5600, lon=113.9600)
    found = selectors.station_list_nearby(lat=22.541, lon=113.941)
    assert [s.id for s in found] == [near.pk, far.pk]
    assert found[0].distance_km < found[1].distance_km
    assert found[0].walk_minutes >= 1
    assert "uri.amap.com/navigation" in found[0].directions_url
    services.station_set_status(actor=superuser(), station=near, status="closed")
    assert [s.id for s in selectors.station_list_nearby(lat=22.541, lon=113.941)] == [far.pk]


@pytest.mark.django_db
def test_selector_filters_by_kind_and_facility():
    tree = Tree()
    nursing = make_station(union=tree.grassroots_a, name="哺乳室", kind="nursing", facilities=["mother_baby", "rest"])
    make_station(union=tree.grassroots_a, name="驿站", kind="yizhan", facilities=["water", "charging"], lat=22.5401)
    assert [s.id for s in selectors.station_list_nearby(lat=22.54, lon=113.94, kinds=["nursing"])] == [nursing.pk]
    assert [s.name for s in selectors.station_list_nearby(lat=22.54, lon=113.94, facilities=["water", "charging"])] == ["驿站"]
    assert selectors.station_list_nearby(lat=22.54, lon=113.94, facilities=["water", "mother_baby"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("lat", "lon", "code"), [
    (91, 113.9, "lat_out_of_range"), (-90.5, 0, "lat_out_of_range"), (22.5, 180.01, "lon_out_of_range"),
    ("abc", 113.9, "coordinates_invalid"), (float("nan"), 113.9, "lat_out_of_range"), (22.5, float("inf"), "lon_out_of_range"),
])
def test_coordinates_out_of_range_are_rejected(lat, lon, code):
    from gonghui.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        selectors.station_list_nearby(lat=lat, lon=lon)
    assert info.value.code == code


@pytest.mark.django_db
def test_unknown_filters_are_rejected():
    from gonghui.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        selectors.station_list_nearby(lat=22.5, lon=113.9, kinds=["spaceport"])
    with pytest.raises(ValidationFailed):
        selectors.station_list_nearby(lat=22.5, lon=113.9, facilities=["jacuzzi"])
    with pytest.raises(ValidationFailed):
        selectors.station_list_nearby(lat=22.5, lon=113.9, limit=0)


def test_equally_distant_stations_come_in_id_order():
    # Stations on the same spot: the tree may return them in any order; the answer may not.
    rows = [row_from_values((pk, f"ZD{pk}", "n", "yizhan", 22.5, 113.9, 1, HOURS[0], "", "", 0, 0, 0)) for pk in (9, 3, 7, 1, 5)]
    rows += [row_from_values((pk, f"ZD{pk}", "n", "nursing", 22.6, 113.9, 1, HOURS[0], "", "", 0, 0, 0)) for pk in (8, 2)]
    index = StationIndex(rows)
    assert [hit.id for hit in index.nearest(lat=22.5, lon=113.9, k=3)] == [1, 3, 5]
    assert [hit.id for hit in index.nearest(lat=22.5, lon=113.9, k=7, radius_km=100)] == [1, 3, 5, 7, 9, 2, 8]
    assert [hit.id for hit in index.nearest(lat=22.6, lon=113.9, k=1, kinds=1 << KIND_CODES["nursing"])] == [2]
    # More ties than one extra neighbour can show: the search widens until it has them all.
    crowd = [row_from_values((pk, f"ZD{pk}", "n", "yizhan", 30.0, 104.0, 1, HOURS[0], "", "", 0, 0, 0)) for pk in range(100, 40, -1)]
    assert [hit.id for hit in StationIndex(crowd).nearest(lat=30.0, lon=104.0, k=4)] == [41, 42, 43, 44]


def test_a_filter_that_fails_nearby_is_skipped_inside_the_tree_search():
    # Half the stations have the facility, but none of the near ones: the filter is a mask
    # the tree search skips, so one search for k + 1 finds the far ones.
    rnd = random.Random(5)
    near = [(pk, 22.54 + rnd.uniform(-0.05, 0.05), 113.94 + rnd.uniform(-0.05, 0.05), 0) for pk in range(1, 301)]
    far = [(pk, -33.9 + rnd.uniform(-0.5, 0.5), 151.2 + rnd.uniform(-0.5, 0.5), 1) for pk in range(301, 601)]
    rows = [row_from_values((pk, f"ZD{pk}", "n", "yizhan", lat, lon, bit, HOURS[0], "", "", 0, 0, 0)) for pk, lat, lon, bit in near + far]
    index = StationIndex(rows)
    queried = []
    original = index.all.tree.query
    index.all.tree = type("Spy", (), {"query": lambda self, *a, **kw: queried.append(kw["k"]) or original(*a, **kw)})()
    hits = index.nearest(lat=22.54, lon=113.94, k=5, facilities=1, radius_km=20000)
    assert_same(hits, brute_force(rows, 22.54, 113.94, 5, 0, 1, 20000))
    assert all(hit.id > 300 for hit in hits)
    assert queried == [6]


@settings(max_examples=40, deadline=None)
@given(point=points, minute=st.integers(0, 7 * 1440 - 1), kinds=st.sets(st.sampled_from(KINDS), max_size=2))
def test_open_now_with_too_many_schedules_to_evaluate_matches_brute_force(point, minute, kinds):
    """Past OPEN_EVALUATE_SCHEDULES distinct hours, stations are checked one by one."""
    import gonghui.stations.index as index_module

    lat, lon = point
    at = dt.datetime(2025, 3, 3) + dt.timedelta(minutes=minute)
    kind_bits = sum(1 << KIND_CODES[c] for c in kinds)
    saved = index_module.OPEN_EVALUATE_SCHEDULES
    index_module.OPEN_EVALUATE_SCHEDULES = 1
    try:
        index = StationIndex(INDEXES[1])
        hits = index.nearest(lat=lat, lon=lon, k=10, kinds=kind_bits, open_at=at, radius_km=20000)
    finally:
        index_module.OPEN_EVALUATE_SCHEDULES = saved
    assert_same(hits, brute_force(INDEXES[1], lat, lon, 10, kind_bits, 0, 20000, open_at=at))


def test_filter_masks_are_cached_within_their_budget_and_stay_correct(monkeypatch):
    import gonghui.stations.index as index_module

    monkeypatch.setattr(index_module, "SKIP_MASK_BYTES", 1)  # room for the minimum (4) only
    index = StationIndex(INDEXES[3])
    for facility_set in ({"water"}, {"meal"}, {"charging"}, {"toilet"}, {"rest"}, {"water", "meal"}, {"water"}):
        mask = sum(FACILITY_BITS[c] for c in facility_set)
        hits = index.nearest(lat=30.65, lon=104.08, k=7, facilities=mask, radius_km=20000)
        assert_same(hits, brute_force(INDEXES[3], 30.65, 104.08, 7, 0, mask, 20000))
    assert len(index.all.skip_masks) == 4
    assert next(reversed(index.all.skip_masks))[0] == FACILITY_BITS["water"]


def _another_process_adds_a_station(union, name: str, lat: float, lon: float):
    """What another app server's write looks like from here: a row and a new shared token."""
    import uuid

    from django.core.cache import cache

    from gonghui.stations import index as index_module
    from gonghui.stations.models import Station

    station = Station.objects.create(
        code=f"ZX{uuid.uuid4().hex[:6].upper()}", name=name, kind="yizhan", union=union, address="某路1号",
        lat=lat, lon=lon, facilities=1, hours_text="24小时", hours={},
    )
    cache.set(index_module.CACHE_KEY, uuid.uuid4().hex, timeout=None)
    return station


@pytest.mark.django_db
def test_a_change_announced_by_another_process_is_seen_after_the_recheck(settings):
    settings.STATIONS_INDEX_RECHECK_SECONDS = 0
    tree = Tree()
    make_station(union=tree.grassroots_a, name="原有驿站")
    assert [s.name for s in selectors.station_list_nearby(lat=22.54, lon=113.94)] == ["原有驿站"]
    _another_process_adds_a_station(tree.grassroots_a, "新驿站", 22.5401, 113.9401)
    names = [s.name for s in selectors.station_list_nearby(lat=22.5401, lon=113.9401)]
    assert names == ["新驿站", "原有驿站"]


@pytest.mark.django_db(transaction=True)
def test_another_process_change_is_rebuilt_in_the_background_while_searches_answer(settings):
    from gonghui.orgs.models import Region
    from gonghui.stations import index as index_module
    from tests.browser_support import regions_bulk_load

    if not Region.objects.exists():  # an earlier transactional test flushed the reference data
        regions_bulk_load()
    settings.STATIONS_INDEX_RECHECK_SECONDS = 0
    settings.TASK_RUNNER_FALLBACK = "thread"
    tree = Tree()
    make_station(union=tree.grassroots_a, name="原有驿站")
    first = index_module.index_get()
    _another_process_adds_a_station(tree.grassroots_a, "新驿站", 22.5401, 113.9401)
    # The search does not wait for the rebuild: it answers from the index it has.
    assert index_module.index_get() is first
    builder = index_module._holder.building
    assert builder is not None
    builder.join(timeout=30)
    names = [s.name for s in selectors.station_list_nearby(lat=22.5401, lon=113.9401)]
    assert names == ["新驿站", "原有驿站"]
    assert index_module.index_get() is not first


@pytest.mark.django_db
def test_a_change_in_this_process_is_seen_by_the_next_search_at_once(settings):
    settings.STATIONS_INDEX_RECHECK_SECONDS = 3600
    tree = Tree()
    make_station(union=tree.grassroots_a, name="原有驿站")
    selectors.station_list_nearby(lat=22.54, lon=113.94)
    make_station(union=tree.grassroots_a, name="新驿站", lat=22.5401, lon=113.9401)
    assert [s.name for s in selectors.station_list_nearby(lat=22.5401, lon=113.9401)] == ["新驿站", "原有驿站"]


@pytest.mark.django_db
def test_while_one_thread_rebuilds_the_others_answer_from_the_current_index():
    from gonghui.stations import index as index_module

    tree = Tree()
    make_station(union=tree.grassroots_a, name="原有驿站")
    current = index_module.index_get()
    make_station(union=tree.grassroots_a, name="新驿站", lat=22.5401, lon=113.9401)  # marks it stale
    holder = index_module._holder
    assert holder.stale
    import threading

    answers = []
    with holder.lock:  # another thread is rebuilding
        searcher = threading.Thread(target=lambda: answers.append(index_module.index_get()))
        searcher.start()
        searcher.join(timeout=10)
        assert not searcher.is_alive(), "a search waited for another thread's rebuild"
    assert answers == [current]
    rebuilt = index_module.index_get()  # nobody is: this search rebuilds and waits
    assert rebuilt is not current and rebuilt.count == 2
