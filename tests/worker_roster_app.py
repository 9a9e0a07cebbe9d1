"""Gonghui's own Celery app, for a real worker process that tests/roster/test_killed_worker.py
kills in the middle of a roster import.

With ROSTER_PAUSE_DIR set, the import's commit runs its first batch (rows inserted, not yet
committed), touches `<dir>/paused` and then waits there until the process is killed, so the
kill lands mid-job at a known point instead of after a guessed delay. Without it the worker
is an ordinary one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
django.setup()

from gonghui.celery import app  # noqa: E402
from gonghui.members import services  # noqa: E402

__all__ = ["app"]

_pause_dir = os.environ.get("ROSTER_PAUSE_DIR")
if _pause_dir:
    services.IMPORT_COMMIT_BATCH = 5  # several batches, so "mid-job" is between two of them
    _real_chunk = services._roster_commit_chunk

    def _chunk_then_wait(*args: object, **kwargs: object) -> int:
        imported = _real_chunk(*args, **kwargs)  # type: ignore[arg-type]
        Path(_pause_dir, "paused").touch()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the test kills the process meanwhile
            time.sleep(0.1)
        return imported

    services._roster_commit_chunk = _chunk_then_wait  # type: ignore[assignment]
