"""A real Celery worker is SIGKILLed in the middle of a roster import's commit.

The job must not stay `committing`: PostgreSQL rolls the half-done transaction back and
releases the job's row lock when the worker's connection dies, the reaper sees no sign of
life and queues the job again, a fresh worker imports every row once with the member
numbers the first attempt reserved (none burnt), and the upload is purged afterwards.

Starts its own redis-server (the broker) on a free port and workers running Gonghui's Celery
app against the test database (tests/worker_roster_app.py), so it needs PostgreSQL: it runs
in the PostgreSQL pass of `make test` (CI=true) and is skipped on SQLite. About 15 s.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from gonghui.core.models import Sequence
from gonghui.members import roster_jobs
from gonghui.members import services as member_services
from gonghui.members.models import ImportJob, Membership
from gonghui.members.roster_jobs import roster_imports_reap
from gonghui.members.services import (
    roster_import_commit_request,
    roster_import_create,
    roster_import_files_purge,
)
from tests.factories import Tree
from tests.test_worker_reconnect import REDIS, ROOT, _free_port, _start_redis, _stop, _wait_for

from .helpers import csv_bytes, row, upload

ROWS = 12  # three batches of five in the paused worker: killed after the first

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS is None and os.environ.get("GONGHUI_REQUIRE_SERVICES") != "1",
                       reason="needs redis-server on PATH"),
]


@pytest.fixture
def broker(tmp_path) -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the worker process must share the test database")
    port = _free_port()
    redis_proc = _start_redis(port, tmp_path)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(redis_proc)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, broker: str, media: Path, log: Path, pause_dir: Path | None) -> None:
        self.log = log
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(
            CELERY_BROKER_URL=broker, DATABASE_URL=_database_url(), MEDIA_ROOT=str(media),
            PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        )
        if pause_dir is not None:
            env["ROSTER_PAUSE_DIR"] = str(pause_dir)
        with open(log, "wb") as log_file:
            # The solo pool runs the task in the worker's own process: SIGKILL takes the whole
            # worker and its database connection at once, as the OOM killer would.
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tests.worker_roster_app", "worker", "-l", "info",
                 "-P", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            )

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait(self, check: Callable[[], bool], what: str, limit: float = 60) -> None:
        _wait_for(check, what, limit=limit, worker=self.proc, log=self.log)


def _send_to(broker: str) -> Callable[..., None]:
    """What `core.tasks.enqueue` does with a broker configured (the suite runs tasks inline)."""
    from celery import Celery

    sender = Celery("roster_kill_test", broker=broker)

    def send(task: Any, *args: Any) -> None:
        sender.send_task(task.name, args=list(args))

    return send


def test_worker_killed_mid_commit_the_job_is_resumed_without_burning_numbers(broker, tmp_path, settings, monkeypatch):
    from gonghui.orgs.models import Region
    from tests.browser_support import regions_bulk_load

    if not Region.objects.exists():  # an earlier transactional test emptied the tables
        regions_bulk_load()
    tree = Tree()
    uscc = tree.grassroots_a.employer.uscc
    content = csv_bytes([row(name=f"职工{i}号", uscc=uscc) for i in range(ROWS)])
    job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(content))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.valid_rows == ROWS  # validated inline
    upload_path = Path(job.file.path)

    send = _send_to(broker)
    monkeypatch.setattr(member_services, "enqueue", send)
    monkeypatch.setattr(roster_jobs, "enqueue", send)
    pause = tmp_path / "pause"
    pause.mkdir()
    first = Worker(broker, settings.MEDIA_ROOT, tmp_path / "first.log", pause_dir=pause)
    try:
        first.wait(lambda: "ready" in first.text(), "the first worker to start")
        roster_import_commit_request(job=job, actor=tree.staff_a)
        first.wait((pause / "paused").exists, "the commit to be half done")
        job.refresh_from_db()
        assert job.status == ImportJob.Status.COMMITTING and job.member_numbers_start is not None
        reserved = Sequence.objects.get(name="member_number").value

        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(timeout=20)
    finally:
        _stop(first.proc)

    # The dead worker's transaction is rolled back: nothing half-imported, lock released.
    _wait_for(lambda: not roster_jobs._commit_is_running(job.pk), "PostgreSQL to release the dead commit's lock", limit=30)
    assert not Membership.objects.filter(source="import").exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING  # stuck, until the reaper looks

    # Within the lease nothing happens; after it, the job is found abandoned and queued again.
    assert roster_imports_reap() == 0
    last = job.heartbeat_at or job.queued_at
    assert roster_imports_reap(now=last + dt.timedelta(seconds=settings.ROSTER_JOB_LEASE_SECONDS + 1)) == 1

    second = Worker(broker, settings.MEDIA_ROOT, tmp_path / "second.log", pause_dir=None)
    try:
        def finished() -> bool:
            job.refresh_from_db()
            return job.status not in (ImportJob.Status.COMMITTING, ImportJob.Status.VALIDATED)

        second.wait(finished, "the resumed import to finish")
    finally:
        _stop(second.proc)
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported_rows == ROWS
    numbers = sorted(int(n[2:]) for n in Membership.objects.filter(source="import").values_list("number", flat=True))
    assert numbers == list(range(job.member_numbers_start, job.member_numbers_start + ROWS))
    assert Sequence.objects.get(name="member_number").value == reserved, "no member numbers burnt by the retry"
    assert "WorkerLostError" not in second.text() and "Traceback" not in second.text()

    assert roster_import_files_purge(older_than_days=0) == 1
    job.refresh_from_db()
    assert not job.file and not upload_path.exists()
