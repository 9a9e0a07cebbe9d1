"""A Celery app with Gonghui's Celery settings and one task that waits for a signal file:
the worker that tests/test_worker_reconnect.py starts and puts through a Redis restart."""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
django.setup()

from celery import Celery  # noqa: E402

app = Celery("gonghui_reconnect_test")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="tests.wait_then_write", acks_late=True)
def wait_then_write(path: str) -> None:
    Path(path + ".started").touch()
    deadline = time.monotonic() + 120
    while not Path(path + ".release").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    Path(path).write_text("done", "utf-8")
