"""Medical mutual aid at a city's scale (issue 12).

    python -m bench mutualaid                      # scale 1: 100,000 claims, a 10,000-member unit
    python -m bench mutualaid --scale 0.2          # a fifth of everything (a quick run)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui python -m bench mutualaid

Runs in a temporary SQLite file (or a throw-away PostgreSQL database next to the one named)
and prints, each with a baseline measured in the same run:

1. the claim engine: payouts for 100,000 × scale claims (hospital stays, diseases, accidents,
   deaths, spread over 40 % as many people, each person's claims in date order with the year's
   prior payouts carried along), as claims/s on one core (goal ≥ 2,000/s). Baseline: the same
   loop doing only the date arithmetic of each claim;
2. group enrolment of a 10,000 × scale member unit (`enrolment_create`, whole unit: the
   participation check, 10,000 covers and the premium in the ledger), in seconds. Baseline:
   inserting the same number of bare audit rows with `bulk_create`;
3. the loss-ratio report (`selectors.loss_ratio`, four grouped queries) over every plan with
   the approved claims stored, in ms (goal < 100 ms). Baseline: one `COUNT(*)` of the claims.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup(workdir: Path, url: str) -> str:
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASK_RUNNER_FALLBACK"] = "sync"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"
    os.environ["CACHE_DATABASE"] = "1"
    os.environ["DB_STATEMENT_TIMEOUT_MS"] = "0"  # the bulk rebuild of the totals may run long on a loaded machine
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
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        return "SQLite (temporary file)"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    call_command("createcachetable", verbosity=0)
    return f"PostgreSQL (throw-away database {connection.settings_dict['NAME']})"


RULES: dict[str, Any] = {
    "waiting_days": 90, "allowance_after_days": 3, "allowance_per_day": 5000, "allowance_stay_cap": 150000,
    "allowance_year_cap": 450000, "deductible": 100000, "reimburse_ratio": {"1": 700, "2": 600, "3": 500},
    "reimburse_year_cap": 2000000, "disease_amount": 1000000, "diseases": ["恶性肿瘤", "急性心肌梗塞", "脑中风后遗症"],
    "accident_amount": 3000000, "illness_death_amount": 1000000,
}


def _claims(n: int, people: int, rnd: random.Random) -> list[tuple[int, Any]]:
    from gonghui.mutualaid import engine

    out = []
    for _ in range(n):
        roll = rnd.random()
        on = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(365))
        if roll < 0.85:
            cost = rnd.randrange(0, 5_000_000)
            event = engine.Event(kind=engine.HOSPITAL, on=on, discharged_on=on + dt.timedelta(days=rnd.randrange(0, 40)),
                                 hospital_level=rnd.choice("123"), cost=cost, insurance_paid=rnd.randrange(0, cost + 1))
        elif roll < 0.95:
            event = engine.Event(kind=engine.DISEASE, on=on, disease=rnd.choice(["恶性肿瘤", "急性心肌梗塞", "糖尿病"]))
        elif roll < 0.98:
            event = engine.Event(kind=engine.DISABILITY, on=on, disability_grade=rnd.randrange(1, 11))
        else:
            event = engine.Event(kind=rnd.choice([engine.ACCIDENT_DEATH, engine.ILLNESS_DEATH]), on=on)
        out.append((rnd.randrange(people), event))
    out.sort(key=lambda pair: (pair[0], pair[1].on))
    return out


def bench_engine(n: int) -> None:
    from gonghui.mutualaid import engine

    rnd = random.Random(12)
    claims = _claims(n, max(1, int(n * 0.4)), rnd)
    rules = engine.Rules.from_dict(RULES)
    cover = engine.Cover(starts_on=dt.date(2025, 1, 1), waiting_until=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    runs, base_runs, paid = [], [], 0
    for _ in range(3):
        start = time.perf_counter()
        days = 0
        for _person, event in claims:
            if event.discharged_on is not None:
                days += (event.discharged_on - event.on).days
        base_runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        person, prior, paid = -1, engine.Prior(), 0
        for who, event in claims:
            if who != person:
                person, prior = who, engine.Prior()
            result = engine.claim_compute(rules=rules, cover=cover, event=event, prior=prior)
            prior = engine.prior_add(prior, result)
            paid += result.total
        runs.append(time.perf_counter() - start)
    best, base = min(runs), min(base_runs)
    print(f"  engine: {n:,} claims in {best:.2f} s = {n / best:,.0f} claims/s (best of 3, one core; "
          f"median {n / statistics.median(runs):,.0f}/s); total payout {paid / 100:,.0f} 元")
    print(f"    baseline (date arithmetic only): {n / base:,.0f} claims/s; engine / baseline = {base / best:.3f}")
    print(f"    goal ≥ 2,000 claims/s: {'met' if n / best >= 2000 else 'NOT met'}")


def bench_enrolment(members: int) -> tuple[Any, Any]:
    from django.db import connection

    from gonghui.accounts.models import RoleGrant, User
    from gonghui.core.models import AuditEvent
    from gonghui.core.pii import id_number_index, phone_index
    from gonghui.members.models import Membership, Person
    from gonghui.mutualaid import services
    from gonghui.orgs.models import Union
    from gonghui.orgs.services import union_create

    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    province = union_create(name="省总工会", kind=Union.Kind.PROVINCIAL, parent=national)
    city = union_create(name="市总工会", kind=Union.Kind.CITY, parent=province)
    unit = union_create(name="甲物流园区工会联合会", kind=Union.Kind.FEDERATION_REGIONAL, parent=city)
    admin = User.objects.create_user(username="bench-admin", password=secrets.token_urlsafe(12))
    RoleGrant.objects.create(user=admin, union=city, role=RoleGrant.Role.ADMIN)
    today = dt.date.today()
    plan = services.plan_create(actor=admin, union=city, name="职工住院互助保障", starts_on=today,
                                ends_on=today + dt.timedelta(days=364), source="city",
                                terms=services.Terms(price=8000, union_share=50, min_participation=60,
                                                     second_approval_above=1_000_000, rules=RULES))
    people = []
    for i in range(members):
        idn = f"44030519900101{i:04d}"
        people.append(Person(name=f"职工{i}", id_number=idn, id_number_index=id_number_index(f"{idn}-{i}"),
                             phone=f"139{i:08d}", phone_index=phone_index(f"139{i:08d}"), gender="M",
                             birth_date=dt.date(1990, 1, 1), employment_form="standard"))
    Person.objects.bulk_create(people, batch_size=2000)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create([
        Membership(person_id=pid, union=unit, number=f"M{pid:010d}", joined_on=today) for pid in ids
    ], batch_size=2000)
    from django.db import transaction

    with transaction.atomic():  # so the texts sent after commit are timed apart (a worker's job in production)
        start = time.perf_counter()
        enrolment = services.enrolment_create(actor=admin, plan=plan, union=unit, mode="whole")
        took = time.perf_counter() - start
        start = time.perf_counter()
    texts = time.perf_counter() - start
    start = time.perf_counter()
    AuditEvent.objects.bulk_create([AuditEvent(action="bench.baseline", data={}) for _ in range(members)],
                                   batch_size=2000)
    base = time.perf_counter() - start
    print(f"  group enrolment of a {members:,}-member unit: {took:.2f} s ({enrolment.count:,} covers, premium "
          f"{enrolment.premium / 100:,.0f} 元 booked) on {connection.vendor}")
    print(f"    baseline (bulk insert of {members:,} bare rows): {base:.2f} s; enrolment / baseline = {took / base:.1f}×")
    print(f"    after commit: the {enrolment.count:,} certificate texts (outbox → SMS backend, run inline here): "
          f"{texts:.2f} s")
    return plan, enrolment


def bench_report(plan: Any, enrolment: Any, claims: int) -> None:
    from gonghui.mutualaid import engine, selectors
    from gonghui.mutualaid.models import Claim, ClaimLine, Coverage

    covers = list(Coverage.objects.filter(enrolment=enrolment).values_list("pk", "union_id", "union_path"))
    user_id = plan.created_by_id
    version = plan.versions.get()
    rnd = random.Random(7)
    # Synthetic amounts chosen so the payouts come to about 70 % of the premiums.
    amount = max(1, int(plan.versions.get().price * 0.7 * len(covers) / claims))
    rows = []
    for i in range(claims):
        pk, union_id, path = covers[i % len(covers)]
        rows.append(Claim(number=f"B{i:010d}", coverage_id=pk, version=version, union_id=union_id, union_path=path,
                          user_id=user_id, kind="hospital", event_on=plan.starts_on, diagnosis="x", payee_name="x",
                          bank_account="6222021234567890123", status="approved", proposed=amount, amount=amount))
    Claim.objects.bulk_create(rows, batch_size=2000)
    ids = Claim.objects.order_by("pk").values_list("pk", "coverage_id")
    ClaimLine.objects.bulk_create([
        ClaimLine(claim_id=cid, coverage_id=cov, benefit=rnd.choice([engine.ALLOWANCE, engine.REIMBURSE]),
                  proposed=amount, amount=amount, approved=True) for cid, cov in ids
    ], batch_size=2000)
    from gonghui.mutualaid import services

    start = time.perf_counter()
    services.plan_totals_rebuild(plan=plan)  # what the approvals keep in step one by one
    rebuild = time.perf_counter() - start
    plans = selectors.plan_list_for_user(user=plan.created_by)
    timings, base_timings = [], []
    for _ in range(7):
        start = time.perf_counter()
        report = selectors.loss_ratio(plans=plans)
        timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        Claim.objects.count()
        base_timings.append(time.perf_counter() - start)
    row = report[0]
    ms, base_ms = statistics.median(timings) * 1000, statistics.median(base_timings) * 1000
    print(f"  loss-ratio report over {claims:,} approved claims and {row.people:,} covers: {ms:.1f} ms (median of 7); "
          f"ratio {row.ratio_text}")
    print(f"    baseline (COUNT(*) of the claims): {base_ms:.1f} ms; report / baseline = {ms / max(base_ms, 1e-6):.1f}×")
    print(f"    goal < 100 ms: {'met' if ms < 100 else 'NOT met'} (the plan's running totals, rebuilt from "
          f"the claims in {rebuild:.2f} s after the bulk load, are what it reads)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench mutualaid")
    parser.add_argument("--scale", type=float, default=1.0)
    args, _rest = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-mutualaid-") as tmp:
        label = _setup(Path(tmp), os.environ.get("BENCH_DATABASE_URL") or os.environ.get("BENCH_POSTGRES_URL", ""))
        print(f"mutual aid (scale {args.scale}, {label})")
        bench_engine(max(1000, int(100_000 * args.scale)))
        plan, enrolment = bench_enrolment(max(100, int(10_000 * args.scale)))
        bench_report(plan, enrolment, max(1000, int(100_000 * args.scale)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
