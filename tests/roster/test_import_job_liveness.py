"""A roster import whose worker died (killed child, killed worker, lost task) is found by
the reaper and run again or ended cleanly: never stuck in `validating`/`committing`, the
user told, the upload purged, and the reserved member numbers reused by the retry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from gonghui.core.models import Sequence
from gonghui.members import services
from gonghui.members.models import ImportJob, Membership
from gonghui.members.roster_jobs import roster_imports_reap
from gonghui.members.services import roster_import_commit_request, roster_import_create
from tests.factories import Tree

from .helpers import csv_bytes, row, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def _rows(tree, n=3):
    uscc = tree.grassroots_a.employer.uscc
    return csv_bytes([row(name=f"职工{i}号", uscc=uscc) for i in range(n)])


def _validated(tree, capture):
    with capture(execute=True):
        job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(_rows(tree)))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    return job


def _after_lease(settings, job) -> dt.datetime:
    job.refresh_from_db()
    last = job.heartbeat_at or job.queued_at or job.created_at
    return last + dt.timedelta(seconds=settings.ROSTER_JOB_LEASE_SECONDS + 1)


def test_commit_whose_task_was_lost_is_run_again_by_the_reaper(tree, settings, django_capture_on_commit_callbacks):
    job = _validated(tree, django_capture_on_commit_callbacks)
    roster_import_commit_request(job=job, actor=tree.staff_a)  # its task never runs: the worker died
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING
    assert roster_imports_reap(now=timezone.now()) == 0  # within the lease: left alone
    with django_capture_on_commit_callbacks(execute=True):
        assert roster_imports_reap(now=_after_lease(settings, job)) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Membership.objects.filter(source="import").count() == 3


def test_commit_abandoned_too_often_goes_back_to_validated_and_can_be_confirmed_again(
    tree, settings, django_capture_on_commit_callbacks
):
    job = _validated(tree, django_capture_on_commit_callbacks)
    roster_import_commit_request(job=job, actor=tree.staff_a)
    ImportJob.objects.filter(pk=job.pk).update(attempts=settings.ROSTER_JOB_MAX_ATTEMPTS)
    assert roster_imports_reap(now=_after_lease(settings, job)) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert "没有导入任何数据" in job.message
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)  # the user retries
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


def test_retried_commit_reuses_the_member_numbers_it_reserved(tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    job = _validated(tree, django_capture_on_commit_callbacks)
    real = services._roster_commit_chunk

    def database_gone(context, rows, numbers):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_roster_commit_chunk", database_gone)
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING  # a retry, not the user's fault
    counter = Sequence.objects.get(name="member_number").value
    monkeypatch.setattr(services, "_roster_commit_chunk", real)
    with django_capture_on_commit_callbacks(execute=True):
        roster_imports_reap(now=_after_lease(settings, job))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Sequence.objects.get(name="member_number").value == counter  # no numbers burned
    numbers = sorted(int(n[2:]) for n in Membership.objects.filter(source="import").values_list("number", flat=True))
    assert numbers == list(range(job.member_numbers_start, job.member_numbers_start + 3))


def test_validation_whose_task_was_lost_resumes(tree, settings, django_capture_on_commit_callbacks):
    job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(_rows(tree)))
    assert job.status == ImportJob.Status.VALIDATING  # its task never ran
    with django_capture_on_commit_callbacks(execute=True):
        assert roster_imports_reap(now=_after_lease(settings, job)) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.valid_rows == 3


def test_a_fresh_heartbeat_keeps_the_reaper_away(tree, settings):
    job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(_rows(tree)))
    late = _after_lease(settings, job)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=late - dt.timedelta(seconds=5))
    assert roster_imports_reap(now=late) == 0


def test_validation_abandoned_too_often_ends_cleanly_and_its_file_is_gone(tree, settings):
    job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(_rows(tree)))
    path = Path(job.file.path)
    ImportJob.objects.filter(pk=job.pk).update(attempts=settings.ROSTER_JOB_MAX_ATTEMPTS)
    assert roster_imports_reap(now=_after_lease(settings, job)) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert "不是文件的问题" in job.message
    assert not path.exists() and not job.file


def test_database_error_during_validation_is_a_retry_not_an_invalid_file(tree, monkeypatch, django_capture_on_commit_callbacks):
    def database_gone(self, chunk, columns):
        raise OperationalError("server closed the connection unexpectedly")

    from gonghui.members import roster

    monkeypatch.setattr(roster.RosterChecker, "check_chunk", database_gone)
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(_rows(tree)))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATING
    assert Path(job.file.path).exists()


def test_roster_purge_reaps_stuck_jobs_before_purging(tree, settings):
    job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(_rows(tree)))
    old = timezone.now() - dt.timedelta(days=30)
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=old, queued_at=old, attempts=settings.ROSTER_JOB_MAX_ATTEMPTS
    )
    call_command("roster_purge")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and not job.file


def test_a_slow_chunk_still_beats_from_the_heartbeat_thread(monkeypatch):
    """A validation stuck in one long chunk is alive: its thread keeps the heartbeat fresh,
    so the reaper never starts a second copy beside it."""
    import threading
    import time

    from gonghui.members import roster_jobs

    beats = []
    beaten = threading.Event()

    class Rows:
        def filter(self, **kw):
            return self

        def update(self, **kw):
            beats.append(kw["heartbeat_at"])
            if len(beats) >= 3:
                beaten.set()
            return 1

    monkeypatch.setattr(roster_jobs, "HEARTBEAT_SECONDS", 0.02)
    monkeypatch.setattr(roster_jobs.ImportJob, "objects", Rows())
    with roster_jobs.RosterHeartbeat(7).running():
        assert beaten.wait(5), "no heartbeat while the task was busy"
    stopped = len(beats)
    time.sleep(0.1)
    assert len(beats) == stopped, "the heartbeat stops with the task"
