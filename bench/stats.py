"""Statistics at national scale (PostgreSQL): the nightly snapshot, the dashboards, and a check
that the dashboard's numbers equal direct counts over the source tables.

    python -m bench stats                  # scale 0.1 of the country (3,000,000 members …)
    python -m bench stats --scale 1        # 30,000,000 members, 10,000,000 cases, 200,000
                                           # stations, 50,000,000 visits (~60 GB of disk)

The database is a throw-away PostgreSQL database next to BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/gonghui). The tree: 31 provinces × 10 cities × 10 counties
(3,100 county unions) and 10 × scale grassroots unions under each county. Records are generated
in SQL over 2026-01-01 … 2026-11-30 (memberships since 2015).

What it prints:
1. the scale, and the time to generate it;
2. one day's snapshot for the whole country at a quarter of the scale and at the full scale
   (how it grows), with the slowest figures;
3. `--days` real days computed (default 6, spread over the year); the other days of the year
   are *filler* — copies of the nearest computed day's roll-up rows — so that the year's
   dashboard reads as many rows as a real year (filler is used for read timing only);
4. the national and a province's dashboard page and API for the year (server time through the
   full Django stack, median and range of repeated requests, and the ratio to a bare JSON view
   in the same run; target < 200 ms);
5. the check: for a sample of unions (national, provinces, cities, counties, grassroots) and the
   computed days, each figure checked equals a direct count over the source tables. Exit 1 on a
   mismatch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROVINCES, CITIES, COUNTIES = 31, 10, 10
YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 11, 30)
DAYS = (YEAR_END - YEAR_START).days + 1


def _setup(workdir: Path) -> tuple[str, Any]:
    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui")
    # Generating millions of rows is maintenance: no per-statement limit of the web profile.
    os.environ["DB_STATEMENT_TIMEOUT_MS"] = "0"
    os.environ["DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"] = "0"
    from bench.cases import _setup as cases_setup

    return cases_setup(workdir)


def _sql(statement: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def build_tree(grassroots_per_county: int) -> dict[str, Any]:
    """31 provinces × 10 cities × 10 counties × N grassroots, inserted level by level in SQL."""
    from gonghui.orgs.models import Region, Union
    from gonghui.orgs.services import regions_load, union_create

    if not Region.objects.exists():
        regions_load()
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    levels = [
        ("provincial", PROVINCES, "省总工会"),
        ("city", CITIES, "市总工会"),
        ("county", COUNTIES, "区总工会"),
        ("grassroots", grassroots_per_county, "基层工会"),
    ]
    for depth, (kind, per_parent, suffix) in enumerate(levels, start=1):
        _sql(f"""
            INSERT INTO orgs_union (name, kind, parent_id, path, depth, status, name_initials, printed_cards_allowed,
                                    created_at)
            SELECT p.id || '-' || g.i || '{suffix}', '{kind}', p.id, '', {depth}, 'active', '', false, now()
            FROM orgs_union p CROSS JOIN generate_series(1, {per_parent}) AS g(i) WHERE p.depth = {depth - 1}
        """)
        _sql(f"UPDATE orgs_union u SET path = p.path || u.id || '/' FROM orgs_union p "
             f"WHERE u.parent_id = p.id AND u.depth = {depth}")
    return {
        "national": national,
        "provinces": list(Union.objects.filter(depth=1).order_by("pk")),
        "counties": list(Union.objects.filter(depth=3).order_by("pk").values_list("pk", flat=True)),
        "grassroots": list(Union.objects.filter(depth=4).order_by("pk").values_list("pk", flat=True)),
    }


def _unit_table(name: str, ids: list[int]) -> None:
    _sql(f"DROP TABLE IF EXISTS {name}")
    _sql(f"CREATE UNLOGGED TABLE {name} (i integer PRIMARY KEY, id bigint)")
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {name} (i, id) FROM STDIN") as copy:
        for i, pk in enumerate(ids):
            copy.write_row((i, pk))


def generate(low: int, high: int, scale: float, tree: dict[str, Any], users: int) -> None:
    """Records for the slice [low, high) of a 1/`share` of the national volume: members,
    cases (with ratings), stations and visits, with `x` driving every column."""
    g = len(tree["grassroots"])
    c = len(tree["counties"])
    members = (int(30_000_000 * scale * low), int(30_000_000 * scale * high))
    cases = (int(10_000_000 * scale * low), int(10_000_000 * scale * high))
    stations = (int(200_000 * scale * low), int(200_000 * scale * high))
    visits = (int(50_000_000 * scale * low), int(50_000_000 * scale * high))
    chunk = 2_000_000
    for a in range(members[0], members[1], chunk):
        b = min(members[1], a + chunk)
        _sql(f"""
            INSERT INTO members_person (id, name, name_pinyin, name_initials, id_number, id_number_index, phone,
                phone_index, gender, birth_date, employment_form, new_form_kind, is_migrant_worker, created_at, updated_at)
            SELECT x, '职工', '', '', 'bench', 'b' || x, '', '', CASE WHEN x % 2 = 0 THEN 'M' ELSE 'F' END,
                date '1970-01-01' + (x % 12000)::int,
                CASE WHEN x % 7 = 0 THEN 'new_form' WHEN x % 11 = 0 THEN 'dispatched' ELSE 'standard' END,
                '', x % 5 = 0, now(), now()
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x
        """)
        # Memberships since 2015; 1 in 25 ended (transferred or left) during 2026.
        _sql(f"""
            INSERT INTO members_membership (person_id, union_id, number, status, joined_on, ended_on, end_reason,
                source, created_at)
            SELECT x, u.id, 'M' || x,
                CASE WHEN x % 25 = 0 THEN 'ended' ELSE 'active' END,
                date '2015-01-01' + ((x * 7919) % 4350)::int,
                CASE WHEN x % 25 = 0 THEN date '2026-01-01' + (x % 330)::int END, '', 'import', now()
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x JOIN bench_g u ON u.i = x % {g}
            WHERE date '2015-01-01' + ((x * 7919) % 4350)::int <= date '2026-01-01' + (x % 330)::int OR x % 25 <> 0
        """)
        print(f"    members {b:,}", flush=True)
    for a in range(cases[0], cases[1], chunk):
        b = min(cases[1], a + chunk)
        _sql(f"""
            INSERT INTO cases_case (number, channel, category, suggested_category, status, union_id, union_path,
                reporter_name, reporter_phone, reporter_phone_index, employer_may_know_name, is_new_form,
                employer_name, place, description, amount_fen, people_count, recovered_fen, people_paid, outcome,
                accept_due, resolve_due, due_on, due_provisional, rating, created_at, updated_at, resolved_at)
            SELECT 'S-' || x,
                CASE x % 4 WHEN 0 THEN 'app' WHEN 1 THEN 'hotline' WHEN 2 THEN 'hotline' ELSE 'walk_in' END,
                CASE (x / 7) % 4 WHEN 0 THEN 'wage_arrears' WHEN 1 THEN 'labor_contract' WHEN 2 THEN 'social_insurance'
                    ELSE 'legal_consultation' END, '',
                CASE WHEN x % 10 < 7 THEN 'closed' ELSE 'accepted' END,
                u.id, '', '职工', '', '', false, x % 6 = 0, '', '', '基准', 100000, 1,
                CASE WHEN x % 10 < 7 AND (x / 7) % 4 = 0 THEN 50000 ELSE 0 END, 0, '',
                d.day, d.day + 7, d.day + 7, false, '', d.at, d.at,
                CASE WHEN x % 10 < 7 THEN d.at + ((x / 3) % 12) * interval '1 day' END
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x
            JOIN bench_uc u ON u.i = x % {g + c}
            CROSS JOIN LATERAL (SELECT (date '2026-01-01' + (x * 31 % {DAYS})::int) AS day,
                (timestamp '2026-01-01 00:00' + (x * 31 % {DAYS}) * interval '1 day'
                 + ((x * 13) % 1440) * interval '1 minute') AT TIME ZONE 'Asia/Shanghai' AS at) d
        """)
        print(f"    cases {b:,}", flush=True)
    _sql("UPDATE cases_case k SET union_path = u.path FROM orgs_union u WHERE k.union_id = u.id AND k.union_path = ''")
    _sql("""
        INSERT INTO cases_caserating (case_id, rating, comment, at)
        SELECT k.id, CASE k.id % 20 WHEN 0 THEN 'dissatisfied' WHEN 1 THEN 'basically' ELSE 'satisfied' END, '',
            k.resolved_at + interval '2 days'
        FROM cases_case k WHERE k.resolved_at IS NOT NULL AND k.id % 3 = 0 AND k.number LIKE 'S-%'
            AND k.resolved_at + interval '2 days' < timestamp '2026-12-01 00:00' AT TIME ZONE 'Asia/Shanghai'
            AND NOT EXISTS (SELECT 1 FROM cases_caserating r WHERE r.case_id = k.id)
    """)
    for a in range(stations[0], stations[1], chunk):
        b = min(stations[1], a + chunk)
        _sql(f"""
            INSERT INTO stations_station (code, name, kind, union_id, address, lat, lon, facilities, hours_text, hours,
                phone, description, status, star_level, rating_sum, rating_count, visit_count, review_flag,
                review_reason, qr_nonce, created_at, updated_at)
            SELECT 'ST' || x, '驿站' || x,
                CASE x % 5 WHEN 0 THEN 'outdoor' WHEN 1 THEN 'nursing' WHEN 2 THEN 'drivers' ELSE 'yizhan' END,
                u.id, '地址', 22.5 + (x % 1000) / 1000.0, 113.9 + (x % 997) / 1000.0, 3, '24小时', '{{}}', '', '',
                CASE WHEN x % 40 = 0 THEN 'closed' ELSE 'active' END, (x / 3) % 6, 0, 0, 0, false, '', 1,
                (timestamp '2018-01-01' + ((x * 7919) % 3200) * interval '1 day') AT TIME ZONE 'Asia/Shanghai', now()
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x JOIN bench_c u ON u.i = x % {c}
        """)
    s_count = stations[1]
    for a in range(visits[0], visits[1], chunk * 2):
        b = min(visits[1], a + chunk * 2)
        _sql(f"""
            INSERT INTO stations_stationvisit (station_id, user_id, at, hour_bucket)
            SELECT s.id, us.id, v.at, date_trunc('hour', v.at)
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x
            JOIN stations_station s ON s.code = 'ST' || (1 + x % {max(1, s_count)})
            JOIN bench_users us ON us.i = (x / {max(1, s_count)}) % {users}
            CROSS JOIN LATERAL (SELECT (timestamp '2026-01-01 00:00' + ((x * 37) % ({DAYS} * 1440)) * interval '1 minute')
                AT TIME ZONE 'Asia/Shanghai' AS at) v
            ON CONFLICT DO NOTHING
        """)
        print(f"    visits {b:,}", flush=True)
    _sql("ANALYZE")


def counts() -> dict[str, int]:
    out = {}
    for table in ("orgs_union", "members_membership", "cases_case", "cases_caserating", "stations_station",
                  "stations_stationvisit"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])  # noqa: F541
            out[table] = int(cursor.fetchone()[0])
    return out


def snapshot_timed(day: dt.date) -> tuple[float, dict[str, float], int]:
    from gonghui.stats import services

    timings: dict[str, float] = {}
    started = time.perf_counter()
    result = services.snapshot_day(day, timings=timings)
    return time.perf_counter() - started, timings, result.rollups


def fill_days(real: list[dt.date]) -> int:
    """Copy each computed day's roll-up rows to the days nearest it (read-timing filler)."""
    from gonghui.stats.models import SnapshotDay

    filler = 0
    day = YEAR_START
    while day <= YEAR_END:
        if day not in real:
            nearest = min(real, key=lambda r: abs((r - day).days))
            filler += _sql("INSERT INTO stats_rollup (union_id, period, start, key, dim, value) "
                           "SELECT union_id, period, %s, key, dim, value FROM stats_rollup WHERE period = 'day' AND start = %s",
                           [day, nearest])
            SnapshotDay.objects.update_or_create(day=day, defaults={"status": "done"})
        day += dt.timedelta(days=1)
    return filler


def timed_requests(client: Any, url: str, n: int) -> list[float]:
    client.get(url)  # warm up
    out = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def describe(label: str, ms: list[float], base: float) -> None:
    med = statistics.median(ms)
    print(f"  {label:<52} median {med:7.1f} ms  range {min(ms):.1f}–{max(ms):.1f} ms  "
          f"({med / base:.1f}× a bare JSON view)")


def check(tree: dict[str, Any], days: list[dt.date]) -> list[str]:
    """Rolled-up values against direct counts over the source tables."""
    from gonghui.orgs.models import Union
    from gonghui.stats.selectors import Period, figure_values
    from gonghui.stats.services import day_bounds

    sample = [tree["national"], *tree["provinces"][:2]]
    sample += list(Union.objects.filter(depth=2).order_by("pk")[:2])
    sample += list(Union.objects.filter(depth=3).order_by("-pk")[:2])
    sample += list(Union.objects.filter(depth=4).order_by("pk")[:2])
    direct = {
        "cases.received": "SELECT count(*) FROM cases_case k JOIN orgs_union u ON u.id = k.union_id "
                          "WHERE u.path LIKE %s AND k.created_at >= %s AND k.created_at < %s",
        "cases.resolved": "SELECT count(*) FROM cases_case k JOIN orgs_union u ON u.id = k.union_id "
                          "WHERE u.path LIKE %s AND k.resolved_at >= %s AND k.resolved_at < %s",
        "cases.satisfied": "SELECT count(*) FROM cases_caserating r JOIN cases_case k ON k.id = r.case_id "
                           "JOIN orgs_union u ON u.id = k.union_id WHERE u.path LIKE %s AND r.at >= %s AND r.at < %s "
                           "AND r.rating IN ('satisfied', 'basically')",
        "stations.visits": "SELECT count(*) FROM stations_stationvisit v JOIN stations_station s ON s.id = v.station_id "
                           "JOIN orgs_union u ON u.id = s.union_id WHERE u.path LIKE %s AND v.at >= %s AND v.at < %s",
        "members.total": "SELECT count(*) FROM members_membership m JOIN orgs_union u ON u.id = m.union_id "
                         "WHERE u.path LIKE %s AND m.joined_on < %s::date + 1 AND (m.ended_on IS NULL OR m.ended_on > %s::date)",
    }
    problems = []
    from django.db import connection

    for union in sample:
        for day in days:
            got = figure_values(union=union, period=Period(day, day), keys=list(direct))
            start, end = day_bounds(day)
            for key, sql in direct.items():
                params = [union.path + "%", day, day] if key == "members.total" else [union.path + "%", start, end]
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    want = int(cursor.fetchone()[0])
                if got[key].value != want:
                    problems.append(f"{union.name} {day} {key}: dashboard {got[key].value}, direct count {want}")
    print(f"  checked {len(sample)} unions × {len(days)} days × {len(direct)} figures against direct counts: "
          f"{'all equal' if not problems else f'{len(problems)} MISMATCHES'}")
    return problems


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from bench.cases import _urlconf
    from gonghui.accounts.models import RoleGrant

    scale = args.scale
    per_county = max(1, round(10 * scale))
    started = time.perf_counter()
    tree = build_tree(per_county)
    User = get_user_model()
    users = 1000
    User.objects.bulk_create([User(username=f"bench-w{i}") for i in range(users)])
    _unit_table("bench_users", list(User.objects.filter(username__startswith="bench-w").order_by("pk")
                                    .values_list("pk", flat=True)))
    _unit_table("bench_g", tree["grassroots"])
    _unit_table("bench_c", tree["counties"])
    _unit_table("bench_uc", tree["grassroots"] + tree["counties"])
    print(f"stats: national scale × {scale} — {1 + PROVINCES + PROVINCES * CITIES + PROVINCES * CITIES * COUNTIES:,} "
          f"upper unions, {len(tree['grassroots']):,} grassroots unions")
    day = dt.date(2026, 11, 30)
    print("  generating the first quarter of the records …", flush=True)
    generate(0, 0.25, scale, tree, users)
    quarter = counts()
    t_quarter, _timings, rows_quarter = snapshot_timed(day)
    print("  generating the rest …", flush=True)
    generate(0.25, 1.0, scale, tree, users)
    full = counts()
    print(f"  generated in {time.perf_counter() - started:.0f} s: {full['members_membership']:,} memberships, "
          f"{full['cases_case']:,} cases, {full['cases_caserating']:,} ratings, {full['stations_station']:,} stations, "
          f"{full['stations_stationvisit']:,} visits, {full['orgs_union']:,} unions")
    print("one day's snapshot of the whole country (facts of every figure, rolled up the tree, month and year rows):")
    t_full, timings, rows_full = snapshot_timed(day)
    print(f"  at 1/4 of this scale ({quarter['members_membership']:,} memberships): {t_quarter:6.1f} s, {rows_quarter:,} roll-up rows")
    print(f"  at this scale        ({full['members_membership']:,} memberships): {t_full:6.1f} s, {rows_full:,} roll-up rows "
          f"({t_full / t_quarter:.1f}× for 4× the records)")
    slow = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
    print("  slowest figures: " + ", ".join(f"{k} {v:.1f} s" for k, v in slow))
    real = [dt.date(2026, m, 15) for m in range(1, 12, max(1, 11 // max(1, args.days - 1)))][: args.days - 1] + [day]
    real = sorted(set(real))
    for d in real:
        if d != day:
            seconds, _t, _r = snapshot_timed(d)
            print(f"  computed {d}: {seconds:.1f} s")
    filler = fill_days(real)
    from gonghui.stats.services import rollup_periods

    began = time.perf_counter()
    rollup_periods([YEAR_START + dt.timedelta(days=i) for i in range(DAYS)])
    print(f"  {len(real)} days computed, {DAYS - len(real)} filler days ({filler:,} copied rows); "
          f"months and year rolled up in {time.perf_counter() - began:.1f} s")

    print("dashboards for 2026-01-01 … 2026-11-30 (server time, full Django stack):")
    _urlconf()
    # Sessions signed in with force_login: the TOTP step of production sign-in is off here.
    # Static files are not collected here: plain storage instead of the production manifest.
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(ROOT_URLCONF="bench_cases_urls", ALLOWED_HOSTS=["*"], STAFF_REQUIRE_TOTP=False,
                           STORAGES=storages):
        admin = User.objects.create_superuser(username="bench-admin", password="bench-password-123")
        province_staff = User.objects.create_user(username="bench-province", password="bench-password-123")
        RoleGrant.objects.create(user=province_staff, union=tree["provinces"][0], role=RoleGrant.Role.ADMIN)
        national_client, province_client = Client(), Client()
        national_client.force_login(admin)
        province_client.force_login(province_staff)
        bare = statistics.median(timed_requests(national_client, "/bench-bare/", args.repeat))
        query = "start=2026-01-01&end=2026-11-30&granularity=month&figure=cases.received"
        results = {}
        for label, client, url in (
            ("national dashboard page", national_client, f"/console/stats/?{query}"),
            ("province dashboard page", province_client, f"/console/stats/?{query}"),
            ("national API values (all figures)", national_client, "/api/v1/stats/values?start=2026-01-01&end=2026-11-30"),
            ("province API series by month", province_client,
             "/api/v1/stats/series?start=2026-01-01&end=2026-11-30&granularity=month&keys=cases.received"),
            ("national dashboard page, by day", national_client,
             "/console/stats/?start=2026-01-01&end=2026-11-30&granularity=day&figure=stations.visits"),
        ):
            ms = timed_requests(client, url, args.repeat)
            results[label] = statistics.median(ms)
            describe(label, ms, bare)
        print(f"  (bare JSON view: {bare:.2f} ms)")
        if args.profile:
            import cProfile
            import pstats

            from django.db import connection, reset_queries

            profiler = cProfile.Profile()
            with override_settings(DEBUG=True):
                reset_queries()
                profiler.runcall(province_client.get, f"/console/stats/?{query}")
                print(f"  province page: {len(connection.queries)} queries, "
                      f"{sum(float(q['time']) for q in connection.queries) * 1000:.0f} ms in the database")
                for q in sorted(connection.queries, key=lambda q: -float(q["time"]))[:5]:
                    print(f"    {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")
                slowest = max(connection.queries, key=lambda q: float(q["time"]))["sql"]
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + slowest)
                    print("\n".join("    " + row[0] for row in cursor.fetchall()))
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print("correctness:")
    problems = check(tree, real)
    for problem in problems[:20]:
        print("   ", problem)
    slow_pages = [k for k, v in results.items() if "page" in k and "by day" not in k and v >= 200]
    if slow_pages:
        print(f"  over the 200 ms target: {', '.join(slow_pages)}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench stats")
    parser.add_argument("--scale", type=float, default=0.1, help="share of the national volume (default 0.1)")
    parser.add_argument("--days", type=int, default=6, help="days computed for real (default 6)")
    parser.add_argument("--repeat", type=int, default=7, help="requests per dashboard (default 7)")
    parser.add_argument("--profile", action="store_true", help="profile one province dashboard request")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database (to look at it)")
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:
        import subprocess

        root = Path(__file__).resolve().parent.parent
        return subprocess.call([sys.executable, "-m", "bench.stats", *argv], cwd=root)  # noqa: S603 - our own module
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-stats-") as tmp:
        label, teardown = _setup(Path(tmp))
        print(f"database: {label}")
        try:
            return run(args)
        finally:
            if teardown and not args.keep:
                teardown()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main(sys.argv[1:]))
