"""Nearby-station search at national scale (default 200,000 stations).

    python -m bench stations                       # SQLite, and PostgreSQL if BENCH_POSTGRES_URL is set
    python -m bench stations --stations 50000 --queries 2000
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/gonghui python -m bench stations

Each database runs in its own process (a temporary SQLite file; for PostgreSQL a throw-away
database next to the named one). Per database it prints:

- how long building the in-process index from the database takes, and its memory;
- server time of `station_list_nearby_json`, what the API endpoint runs (nearest 20, with
  and without filters; a first pass encodes each station's JSON once, the table is the
  second pass): mean, p50,
  p95, p99 — and that every answer in a sample equals a brute-force haversine scan;
- requests per second of `GET /api/v1/stations/nearby` and of a bare Django JSON view
  (`JsonResponse({"ok": True})`, the same middleware) called through the WSGI handler in
  the same run, interleaved, and the ratio (the requirement is ≥ 0.5).
"""

from __future__ import annotations

import argparse
import base64
import gc
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# (lat, lon) of large cities: most stations cluster around them.
CITIES = [
    (39.90, 116.40), (31.23, 121.47), (23.13, 113.26), (22.54, 114.06), (30.66, 104.07), (29.56, 106.55),
    (30.59, 114.30), (34.26, 108.94), (32.06, 118.80), (30.27, 120.16), (39.13, 117.20), (41.80, 123.43),
    (45.75, 126.64), (43.82, 125.32), (36.07, 120.38), (36.65, 117.00), (34.75, 113.62), (28.23, 112.94),
    (28.68, 115.86), (26.07, 119.30), (24.48, 118.09), (25.04, 102.71), (26.65, 106.63), (22.82, 108.32),
    (20.04, 110.34), (38.04, 114.51), (37.87, 112.55), (40.84, 111.75), (36.06, 103.83), (36.62, 101.78),
    (38.49, 106.23), (43.83, 87.62), (29.65, 91.13), (31.82, 117.23), (22.27, 113.58), (23.02, 113.75),
    (31.30, 120.58), (29.87, 121.55), (24.80, 113.60), (27.99, 120.70),
]
HOURS = [
    ("24小时", 0.5),
    ("周一至周五 08:00-20:00；节假日 休息", 0.2),
    ("每天 07:00-22:00", 0.2),
    ("每天 22:00-06:00；节假日 10:00-16:00", 0.1),
]
KINDS = [("yizhan", 0.55), ("outdoor", 0.25), ("nursing", 0.08), ("drivers", 0.06), ("palace", 0.02), ("bookhouse", 0.04)]


def _pick(rnd: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rnd.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _point(rnd: random.Random, towns: list[tuple[float, float]]) -> tuple[float, float]:
    roll = rnd.random()
    if roll < 0.6:
        lat, lon = rnd.choice(CITIES)
        return lat + rnd.gauss(0, 0.15), lon + rnd.gauss(0, 0.15)
    if roll < 0.85:
        lat, lon = rnd.choice(towns)
        return lat + rnd.gauss(0, 0.05), lon + rnd.gauss(0, 0.05)
    return rnd.uniform(20, 48), rnd.uniform(76, 132)


def _setup(workdir: Path, url: str) -> tuple[str, Any]:
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASK_RUNNER_FALLBACK"] = "sync"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production settings: DEBUG off (no query logging), as a server would run.
    os.environ["DEBUG"] = "0"
    # Production refuses a per-process cache and the console SMS backend; one bench process
    # uses the database cache and sends no real SMS on purpose.
    os.environ["CACHE_DATABASE"] = "1"
    os.environ.setdefault("SMS_CONSOLE_ALLOWED", "1")
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["FIELD_ENCRYPTION_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["BLIND_INDEX_KEY"] = secrets.token_urlsafe(32)
    os.environ["ALLOWED_HOSTS"] = "bench.local"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    for path in (ROOT / "src", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ROOT_URLCONF = "bench.stations"  # the project's URLs plus the bare view
    teardown = None
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        label = "SQLite (temporary file)"
    else:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        label = f"{connection.vendor} (throw-away database {connection.settings_dict['NAME']})"

        def teardown() -> None:
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0)

    return label, teardown


def __getattr__(name: str) -> Any:
    """`urlpatterns` for the benchmark's ROOT_URLCONF, built only after Django is set up."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.http import HttpRequest, JsonResponse
    from django.urls import path

    from gonghui.urls import urlpatterns as project

    def bare(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"ok": True})

    return [path("bench/bare", bare), *project]


def _generate(count: int, seed: int) -> None:
    from django.db import transaction

    from gonghui.orgs.models import Region, Union
    from gonghui.orgs.services import regions_load, union_create
    from gonghui.stations.hours import hours_parse
    from gonghui.stations.index import index_reset
    from gonghui.stations.models import FACILITY_BITS, Station

    if not Region.objects.exists():
        regions_load()
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    union = union_create(name="全国驿站联合运营（基准）", kind=Union.Kind.FEDERATION_NEW_FORM, parent=national)
    rnd = random.Random(seed)
    towns = [(rnd.uniform(21, 46), rnd.uniform(98, 128)) for _ in range(400)]
    parsed = {text: hours_parse(text) for text, _w in HOURS}
    all_bits = list(FACILITY_BITS.values())
    batch: list[Station] = []
    with transaction.atomic():
        # Generated data bypasses the services on purpose (200k audited creates would
        # measure the audit log, not the search); the index is reset afterwards.
        for n in range(count):
            lat, lon = _point(rnd, towns)
            hours_text = _pick(rnd, HOURS)
            mask = 0
            for bit in rnd.sample(all_bits, rnd.randint(2, 8)):
                mask |= bit
            batch.append(Station(
                code=f"ZD{n + 1:07d}", name=f"第{n + 1}号工会驿站", kind=_pick(rnd, KINDS), union=union,
                address=f"某市某区某路{rnd.randint(1, 999)}号", lat=lat, lon=lon, facilities=mask,
                hours_text=hours_text, hours=parsed[hours_text],
            ))
            if len(batch) == 5000:
                Station.objects.bulk_create(batch)
                batch = []
        if batch:
            Station.objects.bulk_create(batch)
    index_reset()


def _queries(count: int, seed: int) -> list[dict[str, Any]]:
    from gonghui.stations.models import Facility

    rnd = random.Random(seed + 1)
    towns = [(rnd.uniform(21, 46), rnd.uniform(98, 128)) for _ in range(400)]
    out = []
    for i in range(count):
        lat, lon = _point(rnd, towns)
        query: dict[str, Any] = {"lat": round(lat, 6), "lon": round(lon, 6), "kinds": [], "facilities": [], "open_now": False}
        kind = i % 4
        if kind == 1:
            query["kinds"] = [rnd.choice(["nursing", "drivers", "yizhan"])]
        elif kind == 2:
            query["facilities"] = rnd.sample(list(Facility.values), 2)
        elif kind == 3:
            query["open_now"] = True
            query["kinds"] = ["yizhan", "outdoor"]
        out.append(query)
    return out


def _rss_bytes() -> int:
    """Resident memory of this process (Linux); 0 where /proc is not available."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def _search_times(queries: list[dict[str, Any]]) -> dict[str, list[float]]:
    from gonghui.stations import selectors

    groups: dict[str, list[float]] = {"no filter": [], "kind": [], "2 facilities": [], "open now + kinds": []}
    names = list(groups)
    for i, q in enumerate(queries):
        started = time.perf_counter()
        selectors.station_list_nearby_json(lat=q["lat"], lon=q["lon"], kinds=q["kinds"], facilities=q["facilities"], open_now=q["open_now"])
        groups[names[i % 4]].append((time.perf_counter() - started) * 1000)
    return groups


def _check_exact(queries: list[dict[str, Any]]) -> tuple[int, int]:
    """Compare index answers with a brute-force haversine scan over every station."""
    from django.utils import timezone

    from gonghui.stations import selectors
    from gonghui.stations.hours import hours_compile, is_open
    from gonghui.stations.models import FACILITY_BITS, KIND_CODES, Station

    rows = list(Station.objects.public().values_list("pk", "kind", "lat", "lon", "facilities", "hours"))
    compiled = {pk: hours_compile(h) for pk, _k, _la, _lo, _f, h in rows}
    now = timezone.now().astimezone(selectors.LOCAL_TZ)
    bad = 0
    for q in queries:
        kinds = {KIND_CODES[k] for k in q["kinds"]}
        mask = sum(FACILITY_BITS[f] for f in q["facilities"])
        p1 = math.radians(q["lat"])
        found = []
        for pk, kind, lat, lon, facilities, _h in rows:
            if kinds and KIND_CODES[kind] not in kinds:
                continue
            if facilities & mask != mask:
                continue
            if q["open_now"] and not is_open(compiled[pk], now):
                continue
            p2 = math.radians(lat)
            a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - q["lon"]) / 2) ** 2
            d = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
            if d <= selectors.MAX_RADIUS_KM:
                found.append((d, pk))
        found.sort()
        expected = found[:20]
        got = selectors.station_list_nearby(lat=q["lat"], lon=q["lon"], kinds=q["kinds"], facilities=q["facilities"], open_now=q["open_now"], at=now)
        if [s.id for s in got] != [pk for _d, pk in expected]:
            same_distances = all(abs(s.distance_km - d) < 1e-3 for s, (d, _pk) in zip(got, expected, strict=False))
            if not (same_distances and len(got) == len(expected)):
                bad += 1
    return len(queries), bad


def _throughput(queries: list[dict[str, Any]], seconds: float) -> tuple[float, float]:
    """Requests per second of the nearby API and of the bare JSON view, interleaved."""
    from urllib.parse import urlencode

    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def environ(path: str, query: str) -> dict[str, Any]:
        return {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "bench.local",
            "SERVER_PORT": "443", "HTTP_HOST": "bench.local", "wsgi.url_scheme": "https", "wsgi.input": BytesIO(),
            "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_X_FORWARDED_PROTO": "https",
        }

    def start_response(status: str, headers: list[Any]) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"benchmark request failed: {status}")

    api_queries = []
    for q in queries:
        params: list[tuple[str, Any]] = [("lat", q["lat"]), ("lon", q["lon"])]
        params += [("kind", k) for k in q["kinds"]] + [("facility", f) for f in q["facilities"]]
        if q["open_now"]:
            params.append(("open_now", "true"))
        api_queries.append(urlencode(params))

    def run(path: str, qs: list[str], budget: float) -> tuple[int, float]:
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < budget:
            for query in qs[:50]:
                body = handler(environ(path, query), start_response)
                b"".join(body)
                done += 1
            qs = qs[50:] + qs[:50]
        return done, time.perf_counter() - started

    for _ in range(2):  # warm up both
        run("/bench/bare", [""], 0.2)
        run("/api/v1/stations/nearby", api_queries, 0.2)
    bare_n = bare_t = api_n = api_t = 0.0
    rounds = 6
    for _ in range(rounds):
        n, t = run("/bench/bare", [""] * 50, seconds / rounds / 2)
        bare_n, bare_t = bare_n + n, bare_t + t
        n, t = run("/api/v1/stations/nearby", api_queries, seconds / rounds / 2)
        api_n, api_t = api_n + n, api_t + t
    return api_n / api_t, bare_n / bare_t


def run_one(url: str, stations: int, queries: int, seconds: float, seed: int) -> int:
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-stations-") as tmp:
        label, teardown = _setup(Path(tmp), url)
        try:
            print(f"\n== stations nearby on {label}: {stations:,} stations ==")
            started = time.perf_counter()
            _generate(stations, seed)
            print(f"generate + insert: {time.perf_counter() - started:.1f} s")

            from gonghui.stations.index import index_get

            gc.collect()
            before = _rss_bytes()
            started = time.perf_counter()
            index_get()
            build_s = time.perf_counter() - started
            gc.collect()
            grown = _rss_bytes() - before
            memory = f"{grown / 2**20:.0f} MiB resident" if before else "memory not measured"
            print(f"index build from the database: {build_s:.2f} s ({memory})")

            qs = _queries(queries, seed)
            cold = _search_times(qs)
            cold_all = [v for values in cold.values() for v in values]
            groups = _search_times(qs)
            everything = [v for values in groups.values() for v in values]
            print(f"first pass (each station's JSON encoded on first use): mean {statistics.mean(cold_all):.3f} ms, "
                  f"p95 {_percentile(cold_all, .95):.3f} ms")
            print("station_list_nearby_json (what the API runs), nearest 20, server time in ms, second pass:")
            for name, values in [*groups.items(), ("all", everything)]:
                print(f"  {name:18s} n={len(values):5d}  mean {statistics.mean(values):.3f}  p50 {_percentile(values, .5):.3f}"
                      f"  p95 {_percentile(values, .95):.3f}  p99 {_percentile(values, .99):.3f}")
            checked, bad = _check_exact(qs[:40])
            print(f"exact against brute-force haversine: {checked - bad}/{checked} answers identical")

            from django.urls import resolve

            for path in ("/bench/bare", "/api/v1/stations/nearby"):
                resolve(path)  # the first call compiles the URL patterns
                started = time.perf_counter()
                for _ in range(2000):
                    resolve(path)
                print(f"URL resolution of {path}: {(time.perf_counter() - started) / 2000 * 1e6:.0f} µs")
            api_rps, bare_rps = _throughput(qs, seconds)
            ratio = api_rps / bare_rps
            print(f"throughput through the WSGI handler, one thread: nearby API {api_rps:,.0f} req/s, "
                  f"bare JSON view {bare_rps:,.0f} req/s, ratio {ratio:.2f} (required ≥ 0.50)")
            return 0 if bad == 0 and ratio >= 0.5 else 1
        finally:
            if teardown:
                teardown()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench stations", description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=6.0, help="time budget of the throughput phase")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--db", default=None, help="run on this database URL only, in this process")
    args = parser.parse_args(argv)
    if args.db is not None:
        return run_one(args.db if args.db != "sqlite" else "", args.stations, args.queries, args.seconds, args.seed)
    targets = ["sqlite"]
    postgres = os.environ.get("BENCH_POSTGRES_URL") or (
        os.environ.get("BENCH_DATABASE_URL", "") if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres") else ""
    )
    if postgres:
        targets.append(postgres)
    else:
        print("(set BENCH_POSTGRES_URL=postgres://… to run the PostgreSQL half too)")
    worst = 0
    for target in targets:
        # One process per database: Django binds its database at start-up.
        command = [sys.executable, "-m", "bench.stations", "--db", target, "--stations", str(args.stations),
                   "--queries", str(args.queries), "--seconds", str(args.seconds), "--seed", str(args.seed)]
        worst = max(worst, subprocess.run(command, cwd=ROOT, check=False).returncode)  # noqa: S603
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
