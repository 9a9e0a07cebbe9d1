"""Running background work: Celery when a broker is configured, otherwise in-process."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections


def enqueue(task: Any, *args: Any) -> None:
    """Run a Celery task in the background.

    With a broker: `task.delay`. Without one (`make run` on a laptop) a daemon thread runs
    it so the page can show progress; tests set TASK_RUNNER_FALLBACK=sync to run it inline.
    """
    if settings.CELERY_BROKER_URL:
        task.delay(*args)
        return
    if settings.TASK_RUNNER_FALLBACK == "sync":
        task.apply(args=args, throw=True)
        return

    def run() -> None:
        try:
            task.apply(args=args)
        finally:
            close_old_connections()

    threading.Thread(target=run, daemon=True).start()
