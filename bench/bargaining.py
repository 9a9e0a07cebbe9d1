"""Bargaining at scale: the daily clock run over many offers, contracts and hazards, and the
staff's minimum-pay comparison and 我的集体合同 through the full Django stack.

    python -m bench bargaining                  # SQLite, 20,000 contracts
    python -m bench bargaining --contracts 2000 --queries 50

Rows are bulk-inserted (bulk_create) under 200 county unions of one province; a tenth of the
offers are past their answer deadline, a tenth of the contracts have passed their review
period, a tenth of the hazards are overdue. HTTP phases go through middleware, auth and
ninja with the test client and print requests/second and the ratio to a bare JSON view
measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cases import _setup, _tree, _urlconf, rate


def bulk(total: int, counties: list[Any]) -> float:
    from gonghui.bargaining.models import (
        BargainingOffer,
        BargainingUnit,
        CollectiveContract,
        ContractVersion,
        SafetyHazard,
    )
    from gonghui.bargaining.services import today

    started = time.perf_counter()
    on = today()
    units = BargainingUnit.objects.bulk_create(
        BargainingUnit(union=counties[i % len(counties)], kind="enterprise", name=f"基准协商单位{i}", employer_party=f"基准单位{i}",
                       union_chief="主席", employer_chief="总经理", workers_covered=100 + i % 900, members_covered=50)
        for i in range(total))
    late = on - dt.timedelta(days=30)
    contracts = CollectiveContract.objects.bulk_create(
        CollectiveContract(unit=u, title=f"基准集体合同{i}", starts_on=on - dt.timedelta(days=60), ends_on=on + dt.timedelta(days=900),
                           status="filed" if i % 10 == 0 else "in_force", filed_on=late, review_due=late + dt.timedelta(days=15),
                           in_force_on=None if i % 10 == 0 else late + dt.timedelta(days=16))
        for i, u in enumerate(units))
    currencies = ("CNY", "CNY", "CNY", "USD")
    ContractVersion.objects.bulk_create(
        ContractVersion(contract=c, number=1, min_pay_minor=200000 + (i % 500) * 100, min_pay_currency=currencies[i % 4],
                        min_pay_period="month")
        for i, c in enumerate(contracts))
    BargainingOffer.objects.bulk_create(
        BargainingOffer(unit=u, number=f"BENCH-{i}", recipient="基准单位", topics="工资", body="请协商", sent_on=late,
                        received_on=late, answer_due=on - dt.timedelta(days=1) if i % 10 == 0 else on + dt.timedelta(days=10))
        for i, u in enumerate(units))
    SafetyHazard.objects.bulk_create(
        SafetyHazard(union=u.union, employer_name="基准单位", source="inspection", description="安全出口堵塞", found_on=late,
                     rectify_due=on - dt.timedelta(days=1) if i % 10 == 0 else on + dt.timedelta(days=10))
        for i, u in enumerate(units))
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench bargaining")
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:
        import subprocess

        root = Path(__file__).resolve().parent.parent
        return subprocess.call([sys.executable, "-m", "bench.bargaining", *argv], cwd=root)  # noqa: S603 - our own module
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-bargaining-") as tmp:
        label, teardown = _setup(Path(tmp))
        try:
            return _run(args, label)
        finally:
            if teardown is not None:
                teardown()


def _run(args: argparse.Namespace, label: str) -> int:
    from django.test import Client, override_settings

    from gonghui.bargaining import safety, services

    print(f"bargaining: database {label}")
    tree = _tree()
    seconds = bulk(args.contracts, tree["counties"])
    print(f"  bulk insert of {args.contracts:,} units with a contract, a version, an offer and a hazard each: {seconds:.1f} s")
    started = time.perf_counter()
    offers = services.offers_clock_run()
    contracts = services.contracts_clock_run()
    hazards = safety.hazards_overdue_run()
    elapsed = time.perf_counter() - started
    changed = offers["silent"] + offers["reminded"] + contracts["in_force"] + hazards
    print(f"  daily clock run: {elapsed:.2f} s for {changed:,} changes ({offers}, {contracts}, hazards overdue {hazards}); "
          f"{elapsed * 1000 / max(changed, 1):.2f} ms per change")
    started = time.perf_counter()
    cases = safety.hazards_escalate_run()
    elapsed = time.perf_counter() - started
    print(f"  overdue hazards' safety cases opened by the daily run: {cases:,} in {elapsed:.2f} s "
          f"({elapsed * 1000 / max(cases, 1):.2f} ms per case, through cases.services.case_create)")
    started = time.perf_counter()
    again = (services.offers_clock_run()["silent"] + services.contracts_clock_run()["in_force"] + safety.hazards_overdue_run()
             + safety.hazards_escalate_run() + safety.plans_remind_run())
    print(f"  second run the same day (nothing to do): {time.perf_counter() - started:.2f} s, {again} changes")
    _urlconf()
    with override_settings(ROOT_URLCONF="bench_cases_urls"):
        client = Client()
        baseline = rate("bare Django JSON view (baseline)", args.queries, lambda i: client.get("/bench-bare/"))
        staff = Client(HTTP_AUTHORIZATION=f"Bearer {tree['staff_token']}")

        def compare(i: int) -> None:
            response = staff.get("/api/v1/bargaining/compare/min-pay?currency=USD&period=month")
            assert response.status_code == 200, response.content

        compare_rate = rate("min-pay comparison, USD (city: 1/20 of contracts)", args.queries, compare)

        def units(i: int) -> None:
            response = staff.get("/api/v1/bargaining/units?limit=50")
            assert response.status_code == 200, response.content

        units_rate = rate("unit list, 50 a page", args.queries, units)
    print(f"  ratio to baseline: comparison {compare_rate / baseline:.3f}×, unit list {units_rate / baseline:.3f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
