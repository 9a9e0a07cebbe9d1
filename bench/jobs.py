"""Job search and recommendations at scale (PostgreSQL).

    python -m bench jobs                              # scale 0.2: 200,000 postings, 1,000,000 seekers
    python -m bench jobs --scale 1                    # the issue's size: 1,000,000 postings, 5,000,000 seekers
    python -m bench jobs --postings 1000000 --seekers 500000 --queries 300
    python -m bench jobs --scale 1 --keep             # generate once and leave the database behind,
    python -m bench jobs --reuse                      # then time again (several runs) without generating

The database is a throw-away PostgreSQL database next to BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/gonghui_jobs_bench). Postings and seekers are generated in
SQL: 60 % of postings in the counties of 40 big cities, the rest anywhere; 18 trades; titles
from a list of real job titles (their search text is made by the same function the app uses);
published over the last 30 days; 90 % open. Seekers live in the same places, want 1–3 trades.

It prints, server-side time of the selectors the pages and the API call (ms: mean, p50, p95,
p99, max over `--queries` random seekers / searches):

- `recommendations(seeker)`: a seeker's top 20 by the stated score (goal < 50 ms);
- `posting_search`: keyword (Chinese, pinyin initials) with and without a place, place + trade,
  place + pay (goal < 50 ms);
- baselines measured in the same run: one posting by primary key (`posting_get_public`, the floor
  of any page), and the naive recommendation — score every open posting of the seeker's trades in
  SQL and sort — so the ratio shows what the bounded, indexed candidate reads buy.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TITLES = [
    ("普工", "general"), ("操作工", "general"), ("包装工", "general"), ("装配工", "assembly"), ("质检员", "assembly"),
    ("电工", "electrician"), ("维修电工", "electrician"), ("焊工", "welder"), ("氩弧焊工", "welder"),
    ("机修工", "mechanic"), ("汽车维修工", "mechanic"), ("货车司机", "driver"), ("网约车司机", "driver"),
    ("快递员", "courier"), ("外卖骑手", "courier"), ("叉车工", "warehouse"), ("仓库管理员", "warehouse"),
    ("木工", "construction"), ("钢筋工", "construction"), ("装修工", "construction"), ("保安", "security"),
    ("小区保安", "security"), ("保洁员", "cleaning"), ("家政服务员", "cleaning"), ("养老护理员", "care"),
    ("育婴员", "care"), ("厨师", "cook"), ("面点师", "cook"), ("服务员", "cook"), ("销售代表", "sales"),
    ("客服专员", "sales"), ("缝纫工", "textile"), ("纺织挡车工", "textile"), ("文员", "office"),
    ("行政助理", "office"), ("软件测试", "it"), ("网络运维", "it"), ("园林绿化工", "other"),
]
PREFIXES = ["", "急招", "长期", "高薪", "熟练", "夜班", "白班", "包吃住", "五险一金", "日结"]
SKILLS = ["电工证", "焊工证", "叉车证", "A2驾照", "C1驾照", "保安员证", "健康证", "育婴员证", "护理证", "厨师证"]
BIG_CITIES = ["110100", "310100", "440100", "440300", "510100", "500100", "420100", "610100", "320100", "330100",
              "120100", "210100", "230100", "220100", "370200", "370100", "410100", "430100", "360100", "350100",
              "350200", "530100", "520100", "450100", "460100", "130100", "140100", "150100", "620100", "630100",
              "640100", "650100", "540100", "340100", "441900", "442000", "320500", "330200", "440600", "330300"]
KEYWORDS = ["保安", "司机", "电工", "普工", "叉车", "厨师", "快递", "ba", "sj", "dg", "cc", "bj", "xqba", "kdy", "hg",
            "焊工", "育婴", "客服", "缝纫", "日结"]


def _setup(workdir: Path, *, keep: bool = False, reuse: bool = False) -> tuple[str, Any]:
    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_jobs_bench")
    if not os.environ["BENCH_DATABASE_URL"].startswith("postgres"):
        raise SystemExit("bench jobs needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    os.environ["DB_STATEMENT_TIMEOUT_MS"] = "0"
    os.environ["DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"] = "0"
    from bench.cases import _setup as cases_setup

    return cases_setup(workdir, keep=keep, reuse=reuse)


def _sql(statement: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _copy(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(postings: int, seekers: int, rnd: random.Random) -> None:
    from gonghui.core.pii import encrypt
    from gonghui.jobs.services import posting_search_text
    from gonghui.orgs.models import Region, Union
    from gonghui.orgs.services import regions_load, union_create

    if not Region.objects.exists():
        regions_load()
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    big = [c for c in counties if c[:4] + "00" in BIG_CITIES]
    # Places: 60 % in the big cities' counties, 40 % anywhere (a table the SQL picks from by index).
    places = [rnd.choice(big) if rnd.random() < 0.6 else rnd.choice(counties) for _ in range(5000)]
    _sql("DROP TABLE IF EXISTS bench_place")
    _sql("CREATE UNLOGGED TABLE bench_place (i integer PRIMARY KEY, code varchar(6), city varchar(6), prov varchar(6))")
    _copy("bench_place", "i, code, city, prov", [(i, c, c[:4] + "00", c[:2] + "0000") for i, c in enumerate(places)])
    titles = [(p + t, trade) for p in PREFIXES for t, trade in TITLES]
    _sql("DROP TABLE IF EXISTS bench_title")
    _sql("CREATE UNLOGGED TABLE bench_title (i integer PRIMARY KEY, title varchar(40), search text, trade varchar(16))")
    _copy("bench_title", "i, title, search, trade", [(i, t, posting_search_text(t), tr) for i, (t, tr) in enumerate(titles)])
    # Employers and one union per employer region would be realistic; postings only need a union
    # and an employer row: 2,000 employers under the national union.
    _sql("""
        INSERT INTO orgs_employer (uscc, name, name_initials, ownership, industry, region_id, address, headcount,
                                   is_platform, created_at)
        SELECT 'B' || lpad(x::text, 17, '0'), '企业' || x, '', 'private', '', p.code, '', 100, false, now()
        FROM generate_series(1, 2000) x JOIN bench_place p ON p.i = x % 5000
    """)
    emp_low = _scalar("SELECT min(id) FROM orgs_employer")
    n_titles, skill_array = len(titles), "ARRAY[" + ",".join(f"'{s}'" for s in SKILLS) + "]"
    chunk = 250_000
    for a in range(0, postings, chunk):
        b = min(postings, a + chunk)
        _sql(f"""
            INSERT INTO jobs_posting (union_id, employer_id, title, search_text, trade, skills, region_id, city_code,
                province_code, address, pay_min, pay_max, pay_unit, hours, contract, requirements, openings, closes_on,
                status, flags, minimum_wage, review_note, created_at, published_at, closed_at)
            SELECT {national.pk}, {emp_low} + x % 2000, t.title, t.search, t.trade,
                CASE WHEN x % 3 = 0 THEN '[]'::jsonb ELSE jsonb_build_array(({skill_array})[(1 + x % 10)::int]) END,
                p.code, p.city, p.prov, '', 300000 + (x * 7919) % 600000, 300000 + (x * 7919) % 600000 + 100000,
                'month', '每天8小时', 'labour', '', 1 + x % 5, current_date + (1 + x % 60)::int,
                CASE WHEN x % 10 = 0 THEN 'closed' ELSE 'published' END, '[]'::jsonb, NULL, '', now(),
                now() - make_interval(secs => (x * 104729) % (30 * 86400)), NULL
            FROM generate_series({a}::bigint, {b - 1}) x
            JOIN bench_title t ON t.i = (x * 31) % {n_titles}
            JOIN bench_place p ON p.i = (x * 17) % 5000
        """)
    name, phone = encrypt("求职者"), encrypt("13900000000")
    trades = sorted({tr for _t, tr in TITLES})
    trade_array = "ARRAY[" + ",".join(f"'{t}'" for t in trades) + "]"
    for a in range(0, seekers, chunk):
        b = min(seekers, a + chunk)
        _sql(f"""
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                is_active, date_joined, full_name, phone, phone_index, totp_secret, totp_confirmed)
            SELECT '!', false, 'bench_' || x, '', '', '', false, true, now(), '', '', NULL, '', false
            FROM generate_series({a}::bigint, {b - 1}) x
        """)
        _sql(f"""
            INSERT INTO jobs_seeker (user_id, union_id, name, phone, region_id, places, trades, skills, pay_wanted,
                available_from, priority_group, is_member, open_to_work, created_at, updated_at)
            SELECT u.id, {national.pk}, '{name}', '{phone}', p.code, '[]'::jsonb,
                CASE WHEN x % 3 = 0 THEN jsonb_build_array(({trade_array})[(1 + x % {len(trades)})::int])
                     ELSE jsonb_build_array(({trade_array})[(1 + x % {len(trades)})::int],
                                            ({trade_array})[(1 + (x / 7) % {len(trades)})::int]) END,
                CASE WHEN x % 2 = 0 THEN jsonb_build_array(({skill_array})[(1 + x % 10)::int]) ELSE '[]'::jsonb END,
                400000 + (x * 13) % 400000, NULL, '', false, true, now(), now()
            FROM generate_series({a}::bigint, {b - 1}) x
            JOIN accounts_user u ON u.username = 'bench_' || x
            JOIN bench_place p ON p.i = (x * 23) % 5000
        """)
    # VACUUM sets the visibility map, so the covering indexes give index-only scans (as on a
    # server where autovacuum has run).
    _sql("VACUUM ANALYZE jobs_posting")
    _sql("ANALYZE")


def _scalar(statement: str) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


def _timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _i in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _row(label: str, ms: list[float], base: float | None = None) -> str:
    ms = sorted(ms)
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    ratio = f"  ×{statistics.mean(ms) / base:6.1f} floor" if base else ""
    return (f"  {label:<44} mean {statistics.mean(ms):7.2f}  p50 {q[49]:7.2f}  p95 {q[94]:7.2f}  p99 {q[98]:7.2f}"
            f"  max {ms[-1]:7.2f} ms{ratio}")


def naive_recommendations(seeker: Any) -> list[Any]:
    """The baseline: score every open posting of the seeker's trades in SQL and sort."""
    from django.db.models import Case, F, FloatField, Value, When
    from django.db.models.functions import Least

    from gonghui.jobs.models import Posting, region_parents
    from gonghui.jobs.services import today

    county, city, province = region_parents(seeker.region_id)
    score = (
        Case(When(region_id=county, then=Value(20.0)), When(city_code=city, then=Value(14.0)),
             When(province_code=province, then=Value(6.0)), default=Value(0.0), output_field=FloatField())
        + Least(Value(15.0), F("pay_max") * 15.0 / max(1, seeker.pay_wanted))
    )
    qs = Posting.objects.live(today()).filter(trade__in=seeker.trades).annotate(score=score).order_by("-score")
    return list(qs[:20])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench jobs")
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--postings", type=int, default=0)
    parser.add_argument("--seekers", type=int, default=0)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="keep the generated database for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="time against the database a --keep run left (migrated; nothing generated)")
    args = parser.parse_args(argv)
    postings = args.postings or int(1_000_000 * args.scale)
    seekers = args.seekers or int(5_000_000 * args.scale)
    rnd = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        label, teardown = _setup(Path(tmp), keep=args.keep, reuse=args.reuse)
        try:
            return _run(label, postings, seekers, args.queries, rnd, generated=args.reuse)
        finally:
            if teardown:
                teardown()


def _run(label: str, postings: int, seekers: int, queries: int, rnd: random.Random, generated: bool = False) -> int:
    from gonghui.jobs import selectors
    from gonghui.jobs.models import Posting, Seeker

    print(f"bench jobs on {label}")
    t0 = time.perf_counter()
    if not generated:
        generate(postings, seekers, rnd)
    n_post, n_seek = Posting.objects.count(), Seeker.objects.count()
    print(f"{'reused' if generated else 'generated'} {n_post:,} postings ({Posting.objects.filter(status='published').count():,} open) and "
          f"{n_seek:,} seekers in {time.perf_counter() - t0:.0f} s")
    low, high = _scalar("SELECT min(id) FROM jobs_seeker"), _scalar("SELECT max(id) FROM jobs_seeker")
    p_low, p_high = _scalar("SELECT min(id) FROM jobs_posting"), _scalar("SELECT max(id) FROM jobs_posting")
    # Deferred: a kept database's names and phones were encrypted under an earlier run's key.
    sample = list(Seeker.objects.defer("name", "phone").filter(pk__in=[rnd.randint(low, high) for _ in range(queries)]))
    # Warm the caches once (a real server is warm).
    for s in sample[:20]:
        selectors.recommendations(seeker=s)
    floor = _timed(lambda: selectors.posting_get_public(posting_id=rnd.randint(p_low, p_high)), queries)
    base = statistics.mean(floor)
    it = iter(sample * 2)
    recs = _timed(lambda: selectors.recommendations(seeker=next(it)), len(sample))
    counts = [len(selectors.recommendations(seeker=s)) for s in sample[:50]]
    it = iter(sample * 2)
    naive = _timed(lambda: naive_recommendations(next(it)), min(len(sample), 50))
    places = [s.region_id[:4] + "00" for s in sample]

    def search(**kw: Any) -> Callable[[], Any]:
        def run() -> Any:
            args = {k: (v() if callable(v) else v) for k, v in kw.items()}
            return selectors.posting_search(**args)
        return run

    kw = lambda: rnd.choice(KEYWORDS)  # noqa: E731
    place = lambda: rnd.choice(places)  # noqa: E731
    rows = [
        ("floor: one posting by primary key", floor, None),
        ("recommendations, top 20 (the selector)", recs, base),
        ("baseline: naive SQL score of all open of trades", naive, base),
        ("search: keyword only", _timed(search(q=kw), queries), base),
        ("search: keyword + city", _timed(search(q=kw, place=place), queries), base),
        ("search: city + trade", _timed(search(place=place, trade=lambda: rnd.choice(["security", "driver", "cook"])),
                                        queries), base),
        ("search: city + pay ≥ 6000", _timed(search(place=place, pay_min=600000), queries), base),
        ("search: rare keyword only (no match)", _timed(search(q="zzqx"), max(5, queries // 20)), base),
        ("search: rare 1-char Chinese, no place", _timed(search(q="鲸"), max(5, queries // 10)), base),
        ("search: rare 2-char Chinese, no place", _timed(search(q="鲸鱼"), max(5, queries // 10)), base),
        ("search: rare 3-char Chinese, no place", _timed(search(q="鲸鱼馆"), max(5, queries // 10)), base),
        ("search: common 1-char, no place", _timed(search(q="工"), max(5, queries // 10)), base),
        ("search: 2 chars each common, never together", _timed(search(q="安焊"), max(5, queries // 10)), base),
    ]
    print(f"{len(sample)} seekers sampled; recommendations returned {min(counts)}–{max(counts)} postings")
    for name, ms, b in rows:
        print(_row(name, ms, b))
    print("goals: recommendations < 50 ms, search < 50 ms (mean and p95 above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
