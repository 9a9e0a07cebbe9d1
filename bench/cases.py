"""Case engine at scale: category-suggestion accuracy, case intake throughput through the
partner API, and the staff queue query over a large case table.

    python -m bench cases                       # SQLite, 200,000 cases
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui python -m bench cases   # 10,000,000
    python -m bench cases --cases 1000000 --intake 500 --queries 300

The database is a temporary SQLite file unless BENCH_DATABASE_URL is set; for PostgreSQL a
throw-away test database is created next to the named one and dropped afterwards. The bulk
cases are generated in SQL (generate_series / recursive CTE), spread over 20 cities × 10
counties, ~3/8 of them open with deadlines 30 days either side of today. Each HTTP phase goes
through the full Django stack (middleware, auth, ninja) with the test client and prints
requests/second and its ratio to a bare Django JSON view measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CATEGORIES = ("wage_arrears", "labor_contract", "dismissal", "social_insurance", "work_injury", "working_hours", "safety")
STATUSES = ("new", "accepted", "awaiting_info", "resolved", "closed", "closed", "closed", "closed")
CITIES, COUNTIES = 20, 10


def _setup(
    workdir: Path, redis_url: str = "", *, keep: bool = False, reuse: bool = False
) -> tuple[str, Callable[[], None] | None]:
    """Settings for a bench, and a throw-away PostgreSQL database (dropped by the returned
    teardown); Redis as the cache only when `redis_url` is given (never as a Celery broker:
    tasks run in the process). `keep`: leave the database behind; `reuse`: open the database
    an earlier `keep` run left (migrated to the current code) instead of creating it."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASK_RUNNER_FALLBACK"] = "sync"
    os.environ["CELERY_BROKER_URL"] = ""
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import base64
    import secrets

    # Production settings (DEBUG off: no query log), minus the HTTPS redirect of the test client.
    os.environ["DEBUG"] = "0"
    # Production refuses a per-process cache and the console SMS backend; one bench process
    # uses the database cache and sends no real SMS on purpose.
    os.environ["CACHE_DATABASE"] = "1"
    os.environ.setdefault("SMS_CONSOLE_ALLOWED", "1")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["FIELD_ENCRYPTION_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["BLIND_INDEX_KEY"] = secrets.token_urlsafe(32)
    os.environ["SMS_BACKEND"] = "bench.cases.NullSms"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    src = Path(__file__).resolve().parent.parent / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        return f"SQLite file {workdir / 'bench.sqlite3'}", None
    old_name = connection.settings_dict["NAME"]
    if reuse:
        from django.conf import settings

        name = connection.creation._get_test_db_name()
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name
        call_command("migrate", verbosity=0)
        return f"{connection.vendor} (kept database {name}, reused)", None
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    label = f"{connection.vendor} (throw-away database {connection.settings_dict['NAME']})"
    if keep:
        return f"{connection.vendor} (database {connection.settings_dict['NAME']}, kept for --reuse)", None

    def teardown() -> None:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return label, teardown


class NullSms:
    def send(self, phone: str, text: str) -> None:
        return None


def bare_json(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"status": "ok", "items": []})


def _urlconf() -> None:
    """The real URLs plus the bare baseline view, as a module Django can import."""
    import types

    from django.urls import include, path

    module = types.ModuleType("bench_cases_urls")
    module.urlpatterns = [path("bench-bare/", bare_json), path("", include("gonghui.urls"))]  # type: ignore[attr-defined]
    sys.modules["bench_cases_urls"] = module


def _tree() -> dict[str, Any]:
    from gonghui.accounts.auth import api_token_create
    from gonghui.accounts.models import RoleGrant, User
    from gonghui.orgs.models import Region, Union
    from gonghui.orgs.services import regions_load, union_create

    if not Region.objects.exists():
        regions_load()
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    province = union_create(name="广东省总工会", kind=Union.Kind.PROVINCIAL, parent=national, region=Region.objects.get(code="440000"))
    counties: list[Union] = []
    cities: list[Union] = []
    for c in range(CITIES):
        city = union_create(name=f"基准市总工会{c}", kind=Union.Kind.CITY, parent=province,
                            region=Region.objects.get(code="440300") if c == 0 else None)
        cities.append(city)
        for k in range(COUNTIES):
            region = Region.objects.get(code="440305") if (c, k) == (0, 0) else None
            counties.append(union_create(name=f"基准区总工会{c}-{k}", kind=Union.Kind.COUNTY, parent=city, region=region))
    staff = User.objects.create_user(username="bench-city-staff", password="bench-password-123")
    RoleGrant.objects.create(user=staff, union=cities[0], role=RoleGrant.Role.STAFF)
    operator = User.objects.create_user(username="bench-partner", password="bench-password-123")
    RoleGrant.objects.create(user=operator, union=province, role=RoleGrant.Role.OPERATOR)
    _, key = api_token_create(user=operator, name="bench")
    _, staff_key = api_token_create(user=staff, name="bench-staff")  # staff sessions need TOTP; tokens do not
    return {"counties": counties, "staff_token": staff_key, "token": key}


def bulk_cases(total: int, counties: list[Any]) -> float:
    """Insert `total` cases in SQL; returns seconds. Only the columns without defaults."""
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_u (i integer PRIMARY KEY, id bigint, path varchar(255))")
        cursor.executemany("INSERT INTO bench_u VALUES (%s, %s, %s)", [(i, u.pk, u.path) for i, u in enumerate(counties)])
    k = len(counties)
    # Integer division decorrelates the columns from the union (chosen by g % k).
    category = f"CASE (g.x / {k * 8}) % 7 " + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CATEGORIES)) + " END"
    status = f"CASE (g.x / {k}) % 8 " + " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(STATUSES)) + " END"
    due = "current_date + (((g.x / 7) % 61) - 30)" if pg else "date('now', (((g.x / 7) % 61) - 30) || ' days')"
    now = "now()" if pg else "datetime('now')"
    chunk = 1_000_000
    started = time.perf_counter()
    indexes: list[str] = []
    if pg:
        # Build the secondary indexes once after loading, as a restore would, not row by row.
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
                           "AND indexdef NOT LIKE '%%UNIQUE%%'")
            rows = cursor.fetchall()
            for name, definition in rows:
                cursor.execute(f'DROP INDEX "{name}"')
                indexes.append(definition)
    for low in range(0, total, chunk):
        high = min(total, low + chunk)
        series = (f"(SELECT generate_series({low + 1}, {high}) AS x) g" if pg else
                  f"(WITH RECURSIVE s(x) AS (SELECT {low + 1} UNION ALL SELECT x + 1 FROM s WHERE x < {high}) SELECT x FROM s) g")
        sql = f"""
            INSERT INTO cases_case (number, channel, category, suggested_category, status, union_id, union_path,
                reporter_name, reporter_phone, reporter_phone_index, employer_may_know_name, is_new_form,
                employer_name, place, description, amount_fen, people_count, recovered_fen, people_paid, outcome,
                accept_due, due_on, rating, created_at, updated_at)
            SELECT 'B-' || g.x, CASE WHEN g.x % 3 = 0 THEN 'hotline' ELSE 'app' END, {category}, '', {status},
                u.id, u.path, '职工', '', '', false, false, '基准单位', '', '基准测试诉求内容', 100000, 1, 0, 0, '',
                {due}, {due}, '', {now}, {now}
            FROM {series} JOIN bench_u u ON u.i = g.x % {k}
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        print(f"  inserted {high:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        for definition in indexes:
            cursor.execute(definition)
        if indexes:
            print(f"  rebuilt {len(indexes)} indexes ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def rate(label: str, count: int, fn: Callable[[int], Any]) -> float:
    fn(0)  # warm up: templates, URL resolver, connection
    started = time.perf_counter()
    for i in range(count):
        fn(i)
    elapsed = time.perf_counter() - started
    per_second = count / elapsed
    print(f"  {label:<42} {per_second:10.1f} req/s  ({elapsed * 1000 / count:.2f} ms each, n={count})")
    return per_second


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cases")
    parser.add_argument("--cases", type=int, default=None, help="bulk cases (default 10,000,000 on PostgreSQL, 200,000 on SQLite)")
    parser.add_argument("--intake", type=int, default=500, help="cases created through the API")
    parser.add_argument("--queries", type=int, default=200, help="queue requests per queue")
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:
        # Another benchmark already set Django up in this process (`python -m bench` runs them
        # all): start clean in a child so our database settings apply.
        import subprocess

        root = Path(__file__).resolve().parent.parent
        return subprocess.call([sys.executable, "-m", "bench.cases", *argv], cwd=root)  # noqa: S603 - our own module

    # Accuracy first: it needs no database.
    src = Path(__file__).resolve().parent.parent / "src"
    sys.path.insert(0, str(src))
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-cases-") as tmp:
        label, teardown = _setup(Path(tmp))
        try:
            from gonghui.cases import classifier

            correct, total = classifier.heldout_accuracy()
            print("cases: category suggestion (jieba + naive Bayes, shipped corpus)")
            print(f"  held-out accuracy: {correct}/{total} = {correct / total:.1%} "
                  f"(train {len(classifier.load_examples('train.tsv'))} examples, {len(classifier.model().labels)} categories)")
            return _run(args, label)
        finally:
            if teardown is not None:
                teardown()


def _run(args: argparse.Namespace, label: str) -> int:
    from django.db import connection
    from django.test import Client, override_settings

    pg = connection.vendor == "postgresql"
    total = args.cases if args.cases is not None else (10_000_000 if pg else 200_000)
    print(f"cases: database {label}")
    tree = _tree()
    print(f"  generating {total:,} cases over {len(tree['counties'])} county unions …", flush=True)
    seconds = bulk_cases(total, tree["counties"])
    print(f"  bulk insert: {total / seconds:,.0f} rows/s")
    _urlconf()
    with override_settings(ROOT_URLCONF="bench_cases_urls"):
        client = Client()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tree['token']}"}
        baseline = rate("bare Django JSON view (baseline)", args.queries, lambda i: client.get("/bench-bare/"))
        payload = {"category": "wage_arrears", "description": "来电反映单位拖欠工资两个月，涉及三人。",
                   "reporter_name": "基准来电人", "employer_name": "基准单位", "region_code": "440305",
                   "amount_fen": 600000, "people_count": 3}

        def intake(i: int) -> None:
            response = client.post("/api/v1/cases/", {**payload, "reporter_phone": f"139{i:08d}"},
                                   content_type="application/json", **auth)
            assert response.status_code == 201, response.content

        intake_rate = rate("case intake (partner API, routed, numbered)", args.intake, intake)
        staff = Client(HTTP_AUTHORIZATION=f"Bearer {tree['staff_token']}")
        results = {}
        for queue in ("new", "overdue", "due_soon"):
            def get(i: int, queue: str = queue) -> None:
                response = staff.get(f"/api/v1/cases/?queue={queue}&limit=50")
                assert response.status_code == 200, response.content

            results[queue] = rate(f"staff queue '{queue}' (city: 1/20 of cases)", args.queries, get)
    print(f"  ratio to baseline: intake {intake_rate / baseline:.3f}×, "
          + ", ".join(f"queue {q} {r / baseline:.3f}×" for q, r in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
