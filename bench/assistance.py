"""The fund ledger at scale (PostgreSQL): a province's balance and 收支表, and a payment batch.

    python -m bench assistance                 # scale 0.02: 20,000 files, 200,000 legs, a 2,000-row batch
    python -m bench assistance --scale 1       # the issue's size: 1,000,000 hardship files,
                                               # 10,000,000 ledger legs, a 100,000-row batch

The database is a throw-away PostgreSQL database next to BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/gonghui). The tree: 31 provinces × 10 cities × 10 counties ×
1 grassroots union (6,541 unions), each with the four accounts of two fund sources.

Generated in SQL (not timed): hardship files, and ledger transactions over 2026 — receipts at
every union and disbursements at grassroots unions, two legs each — with their pre-aggregated
balances and monthly totals computed from the legs in SQL. The deferred balance triggers are
switched off while the synthetic rows are inserted (each transaction is balanced by
construction, and a SQL check over all legs confirms it) and on again for everything timed.

What it prints:
1. a province's balance (`selectors.fund_balances`) and its 收支表 for 2026 with the subtree
   and the breakdown by city (`selectors.income_statement`): median and range in ms of
   repeated calls, and how many monthly rows the province has;
2. a payment batch of N rows (N = 100,000 × scale) at one grassroots union, as rows/s:
   the queue written with a bare `bulk_create` of N payouts (the baseline), the batch built
   (`payment_batch_create`: a ledger transaction per row), the bank file exported (XLSX and
   CSV), and the bank's return file applied (`payment_return_import`, 2% of rows failed: their
   transactions reversed); each with its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


def _sql(statement: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _one(statement: str) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


def _timed(fn: Any, repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def generate(tree: dict[str, Any], scale: float) -> dict[str, int]:
    """Accounts, files and ledger rows in SQL; balances and monthly totals from the legs."""
    files = int(1_000_000 * scale)
    legs = int(10_000_000 * scale)
    # Accounts: every union × two sources × four kinds, opened through the service's SQL shape.
    _sql("""
        INSERT INTO assistance_fundaccount (union_id, union_path, source, kind, allow_negative, balance, created_at)
        SELECT u.id, u.path, s.source, k.kind, k.kind = 'external', 0, now()
        FROM orgs_union u CROSS JOIN (VALUES ('central'), ('provincial')) AS s(source)
        CROSS JOIN (VALUES ('external'), ('available'), ('payable'), ('expense')) AS k(kind)
    """)
    grassroots = len(tree["grassroots"])
    unions = _one("SELECT count(*) FROM orgs_union")
    _sql("CREATE UNLOGGED TABLE bench_u AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, path, depth "
         "FROM orgs_union")
    _sql("CREATE UNLOGGED TABLE bench_gr AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, path "
         "FROM orgs_union WHERE depth = 4")
    # Hardship files: one per person, held by grassroots unions, most active.
    _sql(f"""
        INSERT INTO assistance_hardshipfile (union_id, union_path, name, id_number, id_number_index, household,
            household_size, monthly_income, cause, cause_note, status, findings, grade, closed_reason, created_at,
            approved_on, review_due)
        SELECT g.id, g.path, '职工', 'bench', 'f' || x, '[]', 3, 200000 + (x % 300000), 'illness', '因病',
            CASE WHEN x % 10 = 0 THEN 'exited' ELSE 'active' END, '',
            (ARRAY['deep', 'relative', 'accident'])[1 + x % 3], '', now(),
            date '2025-01-01' + (x % 600)::int, date '2026-01-01' + (x % 600)::int
        FROM generate_series(1, {files}) AS x JOIN bench_gr g ON g.i = x % {grassroots}
    """)
    for trigger in ("assistance_ledgerentry_balanced", "assistance_ledgertransaction_balanced"):
        table = trigger.rsplit("_", 1)[0]
        _sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    # Transactions: half receipts (at any union, 1,000–10,000 元), half disbursements at grassroots
    # unions (1–100 元): available never goes below zero at the end.
    txns = legs // 2
    chunk = 500_000
    for a in range(0, txns, chunk):
        b = min(txns, a + chunk)
        # Receipts: any union; disbursements: grassroots unions.
        _sql(f"""
            INSERT INTO assistance_ledgertransaction (id, union_id, union_path, counterparty_path, kind, source,
                booked_on, month, amount, memo, payee_name, created_at)
            SELECT x, u.id, u.path, '', 'receipt', CASE WHEN x % 3 = 0 THEN 'provincial' ELSE 'central' END,
                date '2026-01-01' + (x % 334)::int, date_trunc('month', date '2026-01-01' + (x % 334)::int)::date,
                100000 + (x % 900000), 'bench', '', now()
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x JOIN bench_u u ON u.i = x % {unions}
            WHERE x % 2 = 0
        """)
        _sql(f"""
            INSERT INTO assistance_ledgertransaction (id, union_id, union_path, counterparty_path, kind, source,
                booked_on, month, amount, memo, payee_name, created_at)
            SELECT x, g.id, g.path, '', 'disbursement', CASE WHEN x % 3 = 0 THEN 'provincial' ELSE 'central' END,
                date '2026-01-01' + (x % 334)::int, date_trunc('month', date '2026-01-01' + (x % 334)::int)::date,
                100 + (x % 9900), 'bench', '王*', now()
            FROM generate_series({a + 1}::bigint, {b}::bigint) AS x JOIN bench_gr g ON g.i = x % {grassroots}
            WHERE x % 2 = 1
        """)
        # Two legs each: receipt available +x / external −x; disbursement expense +x / available −x.
        _sql(f"""
            INSERT INTO assistance_ledgerentry (transaction_id, account_id, amount, month)
            SELECT t.id, a.id, CASE WHEN a.kind IN ('available', 'expense') AND t.kind = 'receipt' THEN t.amount
                                    WHEN a.kind = 'expense' THEN t.amount ELSE -t.amount END, t.month
            FROM assistance_ledgertransaction t
            JOIN assistance_fundaccount a ON a.union_id = t.union_id AND a.source = t.source
             AND a.kind = ANY(CASE WHEN t.kind = 'receipt' THEN ARRAY['available', 'external']
                                   ELSE ARRAY['expense', 'available'] END)
            WHERE t.id > {a} AND t.id <= {b}
        """)
        print(f"    ledger transactions {b:,} / {txns:,}", flush=True)
    # An opening receipt of 1,000,000 元 per grassroots union and source covers its disbursements.
    _sql(f"""
        INSERT INTO assistance_ledgertransaction (id, union_id, union_path, counterparty_path, kind, source,
            booked_on, month, amount, memo, payee_name, created_at)
        SELECT {txns} + g.i * 2 + s.n, g.id, g.path, '', 'receipt', s.source, date '2026-01-01', date '2026-01-01',
            100000000, 'bench opening', '', now()
        FROM bench_gr g CROSS JOIN (VALUES (1, 'central'), (2, 'provincial')) AS s(n, source)
    """)
    _sql(f"""
        INSERT INTO assistance_ledgerentry (transaction_id, account_id, amount, month)
        SELECT t.id, a.id, CASE WHEN a.kind = 'available' THEN t.amount ELSE -t.amount END, t.month
        FROM assistance_ledgertransaction t JOIN assistance_fundaccount a ON a.union_id = t.union_id
         AND a.source = t.source AND a.kind IN ('available', 'external')
        WHERE t.id > {txns}
    """)
    _sql("SELECT setval(pg_get_serial_sequence('assistance_ledgertransaction', 'id'), "
         "(SELECT max(id) FROM assistance_ledgertransaction))")
    for trigger in ("assistance_ledgerentry_balanced", "assistance_ledgertransaction_balanced"):
        table = trigger.rsplit("_", 1)[0]
        _sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    unbalanced = _one("SELECT count(*) FROM (SELECT transaction_id FROM assistance_ledgerentry "
                      "GROUP BY transaction_id HAVING sum(amount) <> 0 OR count(*) <> 2) s")
    if unbalanced:
        raise SystemExit(f"generated ledger has {unbalanced} unbalanced transactions")
    # Pre-aggregated balances and monthly totals, from the legs.
    _sql("""
        UPDATE assistance_fundaccount a SET balance = s.total
        FROM (SELECT account_id, sum(amount) AS total FROM assistance_ledgerentry GROUP BY account_id) s
        WHERE a.id = s.account_id
    """)
    _sql("""
        INSERT INTO assistance_accountmonthtotal (account_id, union_id, union_path, source, account_kind, month,
            txn_kind, debit, credit, net)
        SELECT e.account_id, a.union_id, a.union_path, a.source, a.kind, e.month, t.kind,
            sum(CASE WHEN e.amount > 0 THEN e.amount ELSE 0 END), sum(CASE WHEN e.amount < 0 THEN -e.amount ELSE 0 END),
            sum(e.amount)
        FROM assistance_ledgerentry e JOIN assistance_ledgertransaction t ON t.id = e.transaction_id
        JOIN assistance_fundaccount a ON a.id = e.account_id
        GROUP BY e.account_id, a.union_id, a.union_path, a.source, a.kind, e.month, t.kind
    """)
    _sql("ANALYZE")
    return {"files": files, "legs": _one("SELECT count(*) FROM assistance_ledgerentry"),
            "month_rows": _one("SELECT count(*) FROM assistance_accountmonthtotal")}


def _return_file(batch: Any, fail_every: int) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.xlsx import XlsxWriter

    writer = XlsxWriter()
    sheet = writer.sheet("回盘", text_columns="ABC")
    sheet.header(["流水号", "户名", "账号", "金额（元）", "开户行", "摘要", "结果", "说明"])
    for line in batch.lines.select_related("payout").order_by("seq").iterator(chunk_size=5000):
        failed = line.seq % fail_every == 0
        sheet.append([line.reference, line.payout.payee_name, line.payout.bank_account, Decimal(line.amount) / 100,
                      line.payout.bank_name, line.payout.memo, "失败" if failed else "成功",
                      "户名不符" if failed else ""])
    return SimpleUploadedFile("return.xlsx", writer.to_bytes())


def _run(args: argparse.Namespace, label: str) -> int:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("assistance: needs PostgreSQL (set BENCH_DATABASE_URL)", file=sys.stderr)
        return 2
    from bench.stats import build_tree
    from gonghui.assistance import payouts, selectors, services
    from gonghui.assistance.models import Payout
    from gonghui.orgs.models import Union

    print(f"assistance: database {label}, scale {args.scale}")
    start = time.perf_counter()
    tree = build_tree(1)
    counts = generate(tree, args.scale)
    print(f"  generated {counts['files']:,} hardship files, {counts['legs']:,} ledger legs, "
          f"{counts['month_rows']:,} monthly total rows in {time.perf_counter() - start:.0f} s")

    province = tree["provinces"][0]
    province_rows = _one(f"SELECT count(*) FROM assistance_accountmonthtotal WHERE union_path LIKE '{province.path}%'")
    province_legs = _one(f"SELECT count(*) FROM assistance_ledgerentry e JOIN assistance_fundaccount a "
                         f"ON a.id = e.account_id WHERE a.union_path LIKE '{province.path}%'")
    balance = _timed(lambda: selectors.fund_balances(union=province), args.repeat)
    statement = _timed(lambda: selectors.income_statement(union=province, month_from=dt.date(2026, 1, 1),
                                                          month_to=dt.date(2026, 12, 1)), args.repeat)
    alone = _timed(lambda: selectors.income_statement(union=province, month_from=dt.date(2026, 1, 1),
                                                      month_to=dt.date(2026, 12, 1), children=False), args.repeat)
    print(f"  province {province.name}: {province_legs:,} legs, {province_rows:,} monthly total rows")
    # The plan of the 收支表's grouped read (EXPLAIN ANALYZE): an index scan of the province's
    # monthly rows, not a scan of the country's.
    plan = selectors._aggregated(selectors._totals(province, subtree=True), dt.date(2026, 1, 1),
                                 dt.date(2026, 12, 1), "union_path").explain(analyze=True)
    for line in plan.splitlines():
        if "Scan" in line or "Execution Time" in line or "Planning Time" in line:
            print(f"    plan: {line.strip()}")
    print(f"    balance (subtree, by source)        median {balance[0]:.1f} ms (range {balance[1]:.1f}–{balance[2]:.1f})")
    print(f"    收支表 2026 (subtree, by city)       median {statement[0]:.1f} ms "
          f"(range {statement[1]:.1f}–{statement[2]:.1f})")
    print(f"    收支表 2026 (subtree, no breakdown)   median {alone[0]:.1f} ms (range {alone[1]:.1f}–{alone[2]:.1f})")

    n = max(100, int(100_000 * args.scale))
    union = Union.objects.get(pk=tree["grassroots"][0])
    services.fund_receipt(union=union, source="central", amount=n * 1000_00, memo="bench batch funds")
    rows = [Payout(union=union, union_path=union.path, source="central", amount=100_00 + i % 500,
                   payee_name=f"职工{i}", bank_account=f"6222{i:015d}", bank_name="工商银行", memo="送温暖慰问金",
                   idempotency_key=f"bench-{i}") for i in range(n)]
    t0 = time.perf_counter()
    Payout.objects.bulk_create(rows, batch_size=2000)
    baseline = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    batch = payouts.payment_batch_create(union=union)
    built = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    xlsx = payouts.payment_batch_file(batch=batch, actor=None)
    exported = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    csv_bytes = payouts.payment_batch_file(batch=batch, actor=None, file_format="csv")
    exported_csv = n / (time.perf_counter() - t0)
    upload = _return_file(batch, fail_every=50)
    t0 = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        imported, _new = profile.runcall(payouts.payment_return_import, batch=batch, upload=upload)
        applied = n / (time.perf_counter() - t0)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        imported, _new = payouts.payment_return_import(batch=batch, upload=upload)
        applied = n / (time.perf_counter() - t0)
    print(f"  payment batch of {n:,} rows at one grassroots union (rows/s, ratio to the baseline):")
    print(f"    baseline: bulk_create of {n:,} payouts      {baseline:10,.0f}  1.00")
    print(f"    batch built (a ledger posting per row)   {built:10,.0f}  {built / baseline:.3f}")
    print(f"    bank file exported, XLSX ({len(xlsx) // 1024:,} KB)      {exported:10,.0f}  {exported / baseline:.3f}")
    print(f"    bank file exported, CSV ({len(csv_bytes) // 1024:,} KB)       {exported_csv:10,.0f}  "
          f"{exported_csv / baseline:.3f}")
    print(f"    return file applied ({imported.paid:,} paid, {imported.failed:,} reversed) "
          f"{applied:10,.0f}  {applied / baseline:.3f}")
    problems = services.ledger_verify(union_path=union.path)
    print(f"  books of the paying union verified from the legs: {'ok' if not problems else problems[:3]}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench assistance")
    parser.add_argument("--scale", type=float, default=0.02, help="share of the issue's size (1 = 10,000,000 legs)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of each read")
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:
        import subprocess

        root = Path(__file__).resolve().parent.parent
        return subprocess.call([sys.executable, "-m", "bench.assistance", *argv], cwd=root)  # noqa: S603
    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui")
    os.environ["DB_STATEMENT_TIMEOUT_MS"] = "0"
    os.environ["DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"] = "0"
    from bench.cases import _setup

    with tempfile.TemporaryDirectory(prefix="gonghui-bench-assistance-") as tmp:
        label, teardown = _setup(Path(tmp))
        try:
            return _run(args, label)
        finally:
            if teardown is not None:
                teardown()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
