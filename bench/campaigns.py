"""Campaigns at scale: task check-ins, the nightly draw, voucher redemption.

    python -m bench campaigns                                   # 4,000 workers, 1,000,000-entrant draw, 10,000 vouchers
    python -m bench campaigns --workers 20000 --entrants 10000000 --vouchers 50000 --threads 4

The database is a throw-away database next to BENCH_DATABASE_URL (PostgreSQL for the numbers
that matter; SQLite works for a smoke run). Redis: BENCH_REDIS_URL (e.g. redis://127.0.0.1:6379/6)
makes it the cache, as in production; when it is set but does not answer the bench stops with
a clear message; unset, the bench runs without Redis (the database cache) and says so. The
three paths measured here do not use Redis, so their numbers do not depend on it. Each part prints its rate and a baseline measured
in the same run, on the same threads, so the ratio says what the real code path costs over
the least work any implementation must do:

- **check-ins**: every worker completes all three tasks through `services.task_complete` (the
  code path of the API and the pages: open check, joining, the once-per-day guard, the daily
  card limit, a weighted random card), and 10 % of the calls are sent again (a phone retrying).
  Baseline: one bare `TaskCompletion` INSERT per call. Checked at the end: exactly three
  completions and three cards per worker, whatever the retries.
- **draw**: `fairdraw.draw_file` over the frozen list file of N synthetic entrants (1–3
  tickets each, 10 prize slots), the function the server runs. Baseline: SHA-256 of the file,
  which any verifiable draw must do. Also timed: writing the file from the (token, tickets)
  pairs, and `scripts/verify_draw.py` re-running the draw. Checked: the script finds the same
  winners.
- **redemptions**: each voucher redeemed through `services.voucher_redeem` (code look-up, day
  check, conditional UPDATE, audit), 10 % scanned twice. Baseline: one UPDATE by primary key.
  Checked: every voucher redeemed exactly once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def _redis_url() -> str:
    """BENCH_REDIS_URL when set and answering; stops with a clear message when it is set but
    does not answer; empty (no Redis) when unset."""
    url = os.environ.get("BENCH_REDIS_URL", "")
    if not url:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise SystemExit(f"bench campaigns: BENCH_REDIS_URL={url} does not answer ({exc}); "
                         "start Redis, or unset BENCH_REDIS_URL to measure without it") from None
    return url


def _setup(workdir: Path) -> tuple[str, Any]:
    os.environ["DB_STATEMENT_TIMEOUT_MS"] = "0"
    os.environ["DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"] = "0"
    from bench.cases import _setup as cases_setup

    redis_url = _redis_url()
    label, teardown = cases_setup(workdir, redis_url)
    if redis_url:
        return f"{label}, Redis {redis_url} as the cache", teardown
    return (f"{label}, no Redis (cache in the database; set BENCH_REDIS_URL=redis://host:6379/N for the issue's "
            "set-up — the check-in, draw and redemption paths measured here do not use the cache)"), teardown


def _threaded(items: Sequence[Any], threads: int, work: Callable[[Any], Any]) -> float:
    """Run `work` over `items` on `threads` threads (each with its own connection); seconds taken."""
    from django.db import connection

    chunks = [items[i::threads] for i in range(threads)]

    def run(chunk: Sequence[Any]) -> None:
        try:
            for item in chunk:
                work(item)
        finally:
            connection.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(run, c) for c in chunks]:
            future.result()
    return time.perf_counter() - t0


def _users(n: int, prefix: str) -> list[Any]:
    from gonghui.accounts.models import User

    User.objects.bulk_create([User(username=f"{prefix}{i}", full_name=f"职工{i}") for i in range(n)], batch_size=5000)
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def bench_checkins(workers: int, threads: int) -> bool:
    from gonghui.campaigns import services
    from gonghui.campaigns.models import FuCard, Task, TaskCompletion
    from gonghui.orgs.models import Union

    today = services.local_day()
    from gonghui.orgs.services import union_create

    union = Union.objects.first() or union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    campaign = services.campaign_create(actor=None, union=union, name="健身集五福", starts_on=today,
                                        ends_on=today + dt.timedelta(days=13))
    # Published directly: `campaign_publish` today would only skip today's draw; check-ins need it open.
    type(campaign).objects.filter(pk=campaign.pk).update(status="published")
    campaign.refresh_from_db()
    users = _users(workers, "ci")
    values = {Task.STEPS: 6000, Task.ROPE: 60, Task.PLANK: 60}
    calls = [(u, t) for u in users for t in (Task.STEPS, Task.ROPE, Task.PLANK)]
    rnd = random.Random(15)
    calls += rnd.sample(calls, len(calls) // 10)  # retries
    rnd.shuffle(calls)
    # Each worker's tasks on one thread (as one phone), retries included.
    by_thread: list[list[Any]] = [[] for _ in range(threads)]
    for call in calls:
        by_thread[call[0].pk % threads].append(call)
    ordered = [c for i in range(max(map(len, by_thread))) for chunk in by_thread if i < len(chunk) for c in [chunk[i]]]

    def real(call: Any) -> None:
        user, task = call
        services.task_complete(campaign=campaign, user=user, task=task, value=values[task], source="partner")

    # Baseline: a second campaign, one bare INSERT per call (no retries: they would collide).
    base_campaign = services.campaign_create(actor=None, union=union, name="基线", starts_on=today, ends_on=today)
    base_calls = [(u, t) for u in users for t in (Task.STEPS, Task.ROPE, Task.PLANK)][: len(calls)]

    def bare(call: Any) -> None:
        user, task = call
        TaskCompletion.objects.create(campaign=base_campaign, user=user, day=today, task=task, value=values[task],
                                      source="partner")

    t_base = _threaded(base_calls, threads, bare)
    t_real = _threaded(ordered, threads, real)
    done = TaskCompletion.objects.filter(campaign=campaign).count()
    cards = FuCard.objects.filter(campaign=campaign).count()
    ok = done == workers * 3 and cards == workers * 3
    print(f"  check-ins: {len(calls):,} calls ({len(calls) - workers * 3:,} retries) on {threads} threads: "
          f"{len(calls) / t_real:,.0f}/s; baseline bare INSERT {len(base_calls) / t_base:,.0f}/s; "
          f"ratio {(len(calls) / t_real) / (len(base_calls) / t_base):.2f}x; "
          f"completions {done:,} (expected {workers * 3:,}), cards {cards:,} — {'OK' if ok else 'WRONG'}")
    return ok


def bench_draw(entrants: int) -> bool:
    import importlib.util

    from gonghui.campaigns import fairdraw

    rnd = random.Random(22)
    step = 2**64 // max(entrants, 1)
    t0 = time.perf_counter()
    # Tokens spread over the 16-hex-digit space, in order; 1–3 tickets each.
    pairs = [(f"{i * step + rnd.randrange(step):016x}", 1 + rnd.randrange(3)) for i in range(entrants)]
    t_gen = time.perf_counter() - t0
    seed = secrets.token_hex(32)
    t0 = time.perf_counter()
    frozen = fairdraw.entrants_file(pairs)
    t_freeze = time.perf_counter() - t0
    t0 = time.perf_counter()
    hashlib.sha256(frozen).hexdigest()
    t_hash = time.perf_counter() - t0
    t0 = time.perf_counter()
    winners = fairdraw.draw_file(seed, frozen, 10)
    t_draw = time.perf_counter() - t0
    spec = importlib.util.spec_from_file_location("verify_draw", Path(__file__).resolve().parent.parent / "scripts" / "verify_draw.py")
    assert spec
    assert spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    t0 = time.perf_counter()
    again = script.rerun(seed, frozen, 10)
    t_verify = time.perf_counter() - t0
    ok = winners == again and len(set(winners)) == 10 and len(frozen) == entrants * fairdraw.LINE
    print(f"  draw: {entrants:,} entrants ({sum(n for _t, n in pairs):,} tickets, list file {len(frozen) / 1e6:,.0f} MB), "
          f"10 prizes: {t_draw:.2f} s over the frozen file (goal < 10 s at 10,000,000); baseline SHA-256 of the file "
          f"{t_hash:.2f} s; ratio {t_draw / t_hash:.2f}x; writing the file from the entrants (sort + format) "
          f"{t_freeze:.2f} s; scripts/verify_draw.py re-run {t_verify:.2f} s, same winners — {'OK' if ok else 'WRONG'} "
          f"(making the entrants took {t_gen:.1f} s, not counted)")
    return ok


def bench_redemptions(vouchers: int, threads: int) -> bool:
    from django.utils import timezone

    from gonghui.accounts.models import User
    from gonghui.campaigns import services
    from gonghui.campaigns.models import Voucher
    from gonghui.orgs.models import Union

    today = services.local_day()
    from gonghui.orgs.services import union_create

    union = Union.objects.order_by("pk").first() or union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    staff = User.objects.create_superuser(username="bench-redeem", password=secrets.token_urlsafe(12))
    activity = services.activity_create(actor=staff, union=union, kind="meal", name="爱心餐", starts_on=today,
                                        ends_on=today, points=[services.PointSpec("食堂")])
    services.activity_publish(actor=staff, activity=activity)
    point = activity.points.get()
    users = _users(vouchers, "rd")
    Voucher.objects.bulk_create([Voucher(activity=activity, user=u, day=today, code=secrets.token_urlsafe(18)) for u in users],
                                batch_size=5000)
    base_activity = services.activity_create(actor=staff, union=union, kind="meal", name="基线", starts_on=today,
                                             ends_on=today, points=[services.PointSpec("食堂")])
    Voucher.objects.bulk_create([Voucher(activity=base_activity, user=u, day=today, code=secrets.token_urlsafe(18))
                                 for u in users], batch_size=5000)
    base_point = base_activity.points.get()
    codes = list(Voucher.objects.filter(activity=activity).values_list("code", flat=True))
    base_ids = list(Voucher.objects.filter(activity=base_activity).values_list("pk", flat=True))
    rnd = random.Random(1000)
    scans = codes + rnd.sample(codes, len(codes) // 10)
    rnd.shuffle(scans)
    lock = threading.Lock()
    statuses: dict[str, int] = {}

    def real(code: str) -> None:
        result = services.voucher_redeem(actor=staff, code=code, point=point)
        with lock:
            statuses[result.status] = statuses.get(result.status, 0) + 1

    def bare(pk: int) -> None:
        now = timezone.now()
        Voucher.objects.filter(pk=pk).update(redeemed_at=now, scanned_at=now, point=base_point, redeemed_by=staff)

    t_base = _threaded(base_ids, threads, bare)
    t_real = _threaded(scans, threads, real)
    redeemed = Voucher.objects.filter(activity=activity, redeemed_at__isnull=False).count()
    ok = redeemed == vouchers and statuses.get("redeemed") == vouchers
    print(f"  redemptions: {len(scans):,} scans ({len(scans) - vouchers:,} repeated) on {threads} threads: "
          f"{len(scans) / t_real:,.0f}/s (goal ≥ 1,000/s); baseline UPDATE by key {len(base_ids) / t_base:,.0f}/s; "
          f"ratio {(len(scans) / t_real) / (len(base_ids) / t_base):.2f}x; redeemed {redeemed:,} of {vouchers:,}, "
          f"answers {statuses} — {'OK' if ok else 'WRONG'}")
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench campaigns")
    parser.add_argument("--workers", type=int, default=4000)
    parser.add_argument("--entrants", type=int, default=1_000_000)
    parser.add_argument("--vouchers", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", choices=("checkins", "draw", "redemptions"), default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        label, teardown = _setup(Path(tmp))
        try:
            print(f"bench campaigns on {label}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            ok = True
            if args.only in (None, "checkins"):
                ok &= bench_checkins(args.workers, args.threads)
            if args.only in (None, "draw"):
                ok &= bench_draw(args.entrants)
            if args.only in (None, "redemptions"):
                ok &= bench_redemptions(args.vouchers, args.threads)
            print(f"  load average after: {os.getloadavg()[0]:.1f}")
            return 0 if ok else 1
        finally:
            if teardown:
                teardown()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
