"""Roster import jobs survive dying workers.

A worker killed mid-task (the OOM killer, a deploy, `WorkerLostError`) takes its task with
it; the job would stay `validating` or `committing` forever, its upload (plain ID numbers)
never purged. So every job carries a lease:

- validation claims the job (`roster_job_claim`) and beats (`RosterHeartbeat`) after every
  chunk and from a thread of its own every 15 s; a second copy of the task finds a fresh
  heartbeat and leaves the job alone;
- the commit holds the job's row lock for its whole transaction (PostgreSQL releases it the
  moment the worker's connection dies), and notes the time it started;
- `roster_imports_reap` (Celery beat every 5 minutes, and `manage.py roster_purge`) finds
  jobs whose worker shows no sign of life for `ROSTER_JOB_LEASE_SECONDS`: it queues them
  again (validation resumes from the start; a commit is all-or-nothing, so nothing was
  imported) up to `ROSTER_JOB_MAX_ATTEMPTS` runs, then ends them cleanly — a validation as
  "please upload again" (not the file's fault), a commit back to `validated` so staff can
  confirm it again. The reserved member numbers are reused by the retry.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from gonghui.core.audit import audit_record
from gonghui.core.tasks import enqueue

from .models import ImportJob

logger = logging.getLogger("gonghui.members.roster")

HEARTBEAT_SECONDS = 15.0


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "ROSTER_JOB_LEASE_SECONDS", 600)))


def _max_attempts() -> int:
    return int(getattr(settings, "ROSTER_JOB_MAX_ATTEMPTS", 3))


def roster_job_claim(*, job_id: int, status: str) -> bool:
    """Take the job for this worker unless another worker's heartbeat is still fresh."""
    now = timezone.now()
    return bool(
        ImportJob.objects.filter(pk=job_id, status=status)
        .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - _lease()))
        .update(heartbeat_at=now, attempts=F("attempts") + 1)
    )


class RosterHeartbeat:
    """Tells the reaper the worker is alive: at most one UPDATE per HEARTBEAT_SECONDS.

    `beat()` after each chunk, and while `running()` a thread of the worker beats on its
    own, so a chunk that is merely slow (a busy machine, a large file) never looks like a
    dead worker and gets a second copy of the job running beside the first."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = time.monotonic()

    def beat(self) -> None:
        now = time.monotonic()
        if now - self.last >= HEARTBEAT_SECONDS:
            self.last = now
            ImportJob.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())

    @contextmanager
    def running(self) -> Iterator[RosterHeartbeat]:
        stop = threading.Event()

        def loop() -> None:
            try:
                while not stop.wait(HEARTBEAT_SECONDS):
                    try:
                        ImportJob.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())
                    except DatabaseError as exc:  # the task itself will meet the same error
                        logger.warning("roster import %s: heartbeat failed: %s", self.job_id, exc)
            finally:
                connections.close_all()  # this thread's own connection

        thread = threading.Thread(target=loop, daemon=True, name=f"roster-heartbeat-{self.job_id}")
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(5)


def _commit_is_running(job_id: int) -> bool:
    """On PostgreSQL a running commit holds the job's row lock; SKIP LOCKED tells without
    waiting. Elsewhere (SQLite, development) only the lease says so."""
    if transaction.get_connection().vendor != "postgresql":
        return False
    with transaction.atomic():
        return not ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).exists()


def roster_imports_reap(*, now: dt.datetime | None = None) -> int:
    """Queue again, or end cleanly, the jobs whose worker is gone. Returns how many."""
    from . import roster, tasks

    now = now or timezone.now()
    stale = now - _lease()
    running = [ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING]
    abandoned = (
        ImportJob.objects.filter(status__in=running)
        .annotate(last_sign=Coalesce("heartbeat_at", "queued_at", "created_at"))
        .filter(last_sign__lt=stale)
        .values_list("pk", "status", "attempts")
    )
    handled = 0
    for job_id, status, attempts in list(abandoned):
        try:
            if status == ImportJob.Status.COMMITTING and _commit_is_running(job_id):
                continue
        except DatabaseError:
            continue  # the database is busy or away: look again next time
        if attempts < _max_attempts():
            updated = ImportJob.objects.filter(pk=job_id, status=status).update(heartbeat_at=None, queued_at=now)
            if updated:
                task = tasks.roster_import_validate_task if status == ImportJob.Status.VALIDATING else tasks.roster_import_commit_task
                logger.warning("roster import %s: worker gone while %s, queued again", job_id, status)
                transaction.on_commit(partial(enqueue, task, job_id))
        elif status == ImportJob.Status.VALIDATING:
            _validation_give_up(job_id, now=now)
            roster.progress_set(job_id, phase="validate", done=0, total=0, state="invalid")
        else:
            _commit_give_up(job_id, now=now)
            roster.progress_set(job_id, phase="commit", done=0, total=0, state="validated")
        handled += 1
    return handled


def _validation_give_up(job_id: int, *, now: dt.datetime) -> None:
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.VALIDATING).first()
    if job is None:
        return
    with transaction.atomic():
        if job.file:
            job.file.delete(save=False)  # it holds plain ID numbers; the user uploads again
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.INVALID, finished_at=now, file="", heartbeat_at=None,
            message=gettext("后台校验任务多次中断，未能完成。这不是文件的问题，请重新上传。")[:500],
        )
        audit_record(actor=None, action="roster_import.abandoned", target=job, data={"phase": "validate"})


def _commit_give_up(job_id: int, *, now: dt.datetime) -> None:
    with transaction.atomic():
        job: Any = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportJob.Status.COMMITTING).first()
        if job is None:
            return
        # Nothing was imported (the commit is one transaction); staff may confirm it again.
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.VALIDATED, heartbeat_at=None, attempts=0,
            message=gettext("上次确认导入时后台任务中断，没有导入任何数据，请重新确认导入。")[:500],
        )
        audit_record(actor=None, action="roster_import.abandoned", target=job, data={"phase": "commit"})
