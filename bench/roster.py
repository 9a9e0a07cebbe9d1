"""Roster import at scale: generate an N-row CSV (default 1,000,000), validate it, commit it.

    python -m bench roster --rows 100000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui python -m bench roster

The database is a temporary SQLite file unless BENCH_DATABASE_URL is set; for PostgreSQL a
throw-away test database is created next to the named one and dropped afterwards. Each phase
prints rows/second and its ratio to a baseline measured in the same run on the same
database: a bare `bulk_create` of N plain rows (5 columns) in one transaction.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [a + b for a in "建国伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂" for b in ("", "华", "玲", "辉", "鹏", "婷", "宇")]
FORMS = ["劳动合同用工", "劳务派遣", "非全日制", "灵活就业"]


def _setup(workdir: Path) -> tuple[str, Any]:
    """Point Django at the benchmark database and media dir, then set it up."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASK_RUNNER_FALLBACK"] = "sync"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production settings: DEBUG off (no query logging), so real keys are needed.
    import base64
    import secrets

    os.environ["DEBUG"] = "0"
    # Production refuses a per-process cache and the console SMS backend; one bench process
    # uses the database cache and sends no real SMS on purpose.
    os.environ["CACHE_DATABASE"] = "1"
    os.environ.setdefault("SMS_CONSOLE_ALLOWED", "1")
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["FIELD_ENCRYPTION_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["BLIND_INDEX_KEY"] = secrets.token_urlsafe(32)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    src = Path(__file__).resolve().parent.parent / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    teardown = None
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        label = f"SQLite file {workdir / 'bench.sqlite3'}"
    else:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        label = f"{connection.vendor} (throw-away database {connection.settings_dict['NAME']})"

        def teardown() -> None:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    return label, teardown


def _tree() -> tuple[Any, Any, Any]:
    from gonghui.accounts.models import User
    from gonghui.core.testdata import uscc_make
    from gonghui.orgs.models import Region, Union
    from gonghui.orgs.services import employer_create, regions_load, union_create

    if not Region.objects.exists():
        regions_load()
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    province = union_create(name="广东省总工会", kind=Union.Kind.PROVINCIAL, parent=national, region=Region.objects.get(code="440000"))
    employer = employer_create(uscc=uscc_make(region="440300", serial=7), name="基准测试制造有限公司",
                               region=Region.objects.get(code="440305"))
    grassroots = union_create(name="基准测试制造有限公司工会", kind=Union.Kind.GRASSROOTS, parent=province,
                              region=Region.objects.get(code="440305"), employer=employer)
    admin = User.objects.create_superuser(username="bench-admin", password="bench-password-123")
    return grassroots, employer, admin


def generate_csv(path: Path, *, rows: int, uscc: str) -> None:
    """N unique, valid rows. Region 110105 is valid for every birth year in stdnum's table."""
    from stdnum.cn import ric

    start = dt.date(1960, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "身份证号", "手机号", "单位统一社会信用代码", "用工形式", "是否农民工", "入会日期"])
        day = None
        prefix = ""
        for i in range(rows):
            if i % 1000 == 0:
                day = start + dt.timedelta(days=i // 1000)
                prefix = f"110105{day:%Y%m%d}"
            body = f"{prefix}{i % 1000:03d}"
            id_number = body + ric.calc_check_digit(body + "0")
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
            writer.writerow([name, id_number, f"1{3 + i % 7}{i:09d}", uscc, FORMS[i % len(FORMS)],
                             "是" if i % 3 == 0 else "否", ""])


def baseline_bulk_create(rows: int, job: Any) -> float:
    """Seconds for a bare bulk_create of `rows` plain 5-column rows in one transaction (rolled back)."""
    from django.db import transaction

    from gonghui.members.models import ImportRowError

    started = time.perf_counter()
    with transaction.atomic():
        batch: list[Any] = []
        for i in range(rows):
            batch.append(ImportRowError(job=job, row_number=i + 2, column="身份证号", code="bench", message="基准测试行"))
            if len(batch) >= 2000:
                ImportRowError.objects.bulk_create(batch)
                batch = []
        if batch:
            ImportRowError.objects.bulk_create(batch)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench roster", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp:
        workdir = Path(tmp)
        label, teardown = _setup(workdir)
        try:
            return _run(workdir, rows=args.rows, label=label)
        finally:
            if teardown:
                teardown()


def _run(workdir: Path, *, rows: int, label: str) -> int:
    from django.core.files.uploadedfile import UploadedFile

    from gonghui.core.pii import encrypt
    from gonghui.members.models import ImportJob, MemberCard, Membership, Person
    from gonghui.members.services import roster_import_commit_request, roster_import_create

    print(f"roster import benchmark: {rows:,} rows on {label}")
    union, employer, admin = _tree()
    path = workdir / "roster.csv"
    started = time.perf_counter()
    generate_csv(path, rows=rows, uscc=employer.uscc)
    print(f"  generate csv      {time.perf_counter() - started:8.1f} s   ({path.stat().st_size / 1e6:.0f} MB)")

    sample = min(rows, 50_000)
    started = time.perf_counter()
    for i in range(sample):
        encrypt(f"11010519900101{i:04d}")
    fernet_us = (time.perf_counter() - started) / sample * 1e6
    print(f"  Fernet encrypt    {fernet_us:8.1f} µs per field  (2 fields/row → {2 * fernet_us * rows / 1e6:.0f} s of CPU for {rows:,} rows)")

    # Baseline: the same database, the same number of rows, nothing but bulk_create.
    scratch = ImportJob.objects.create(union=union, created_by=admin, original_name="baseline", file_format="csv")
    base = baseline_bulk_create(rows, scratch)
    scratch.delete()
    base_rate = rows / base
    print(f"  baseline bulk_create {base:7.1f} s   {base_rate:10,.0f} rows/s  (1.00×)")

    started = time.perf_counter()
    with open(path, "rb") as handle:
        job = roster_import_create(actor=admin, union_id=union.pk,
                                   upload=UploadedFile(handle, name="roster.csv", size=path.stat().st_size))
    validate = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ImportJob.Status.VALIDATED or job.valid_rows != rows:
        print(f"  validation did not pass every row: status={job.status} valid={job.valid_rows} errors={job.error_rows} {job.message}")
        return 1
    print(f"  upload + validate {validate:8.1f} s   {rows / validate:10,.0f} rows/s  ({rows / validate / base_rate:.2f}× baseline)")

    started = time.perf_counter()
    roster_import_commit_request(job=job, actor=admin)
    commit = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        print(f"  commit failed: {job.message}")
        return 1
    print(f"  commit            {commit:8.1f} s   {rows / commit:10,.0f} rows/s  ({rows / commit / base_rate:.2f}× baseline;"
          " 3 rows inserted per roster row)")
    total = validate + commit
    print(f"  end to end        {total:8.1f} s   {rows / total:10,.0f} rows/s")
    counts = (Person.objects.count(), Membership.objects.filter(source="import").count(), MemberCard.objects.count())
    print(f"  check: people={counts[0]:,} memberships={counts[1]:,} cards={counts[2]:,}")
    return 0 if counts == (rows, rows, rows) else 1
