"""Running background work: Celery when a broker is configured, otherwise in-process."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What publishing raises when the broker is away (after Celery's short publish retries).
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerOperationalError, RedisError, OSError)


def _run_in_process(task: Any, args: tuple[Any, ...]) -> None:
    if settings.TASK_RUNNER_FALLBACK == "sync":
        task.apply(args=args, throw=True)
        return

    def run() -> None:
        try:
            result = task.apply(args=args)
            if result.failed():
                logger.error("background task %s%r failed in-process: %s", task.name, args, result.result)
        finally:
            close_old_connections()

    threading.Thread(target=run, daemon=True, name=f"task-{task.name}").start()


def enqueue(task: Any, *args: Any) -> None:
    """Run a Celery task in the background. Called inside `transaction.on_commit`, so the
    request's writes are committed: it must never fail the request.

    With a broker: `task.delay`; when the broker cannot be reached the task runs in a thread
    of this process instead (logged), so an SMS still goes out and a committed case is never
    answered with a 500. Without a broker (`make run` on a laptop) a daemon thread runs it so
    the page can show progress; tests set TASK_RUNNER_FALLBACK=sync to run it inline.
    """
    if settings.CELERY_BROKER_URL:
        try:
            task.delay(*args)
            return
        except BROKER_ERRORS as exc:
            logger.error("broker unavailable, running %s in this process instead: %s", task.name, exc)
    _run_in_process(task, args)


@shared_task(name="core.idempotency_keys_purge")
def idempotency_keys_purge_task() -> int:
    from .idempotency import idempotency_keys_purge

    return idempotency_keys_purge()


@shared_task(name="core.outbox_run")
def outbox_run_task(pk: int) -> str:
    from .outbox import outbox_run

    return outbox_run(pk)


@shared_task(name="core.outbox_flush")
def outbox_flush_task() -> dict[str, int]:
    from .outbox import outbox_flush

    return outbox_flush()


@shared_task(name="core.outbox_drain")
def outbox_drain_task() -> int:
    from .outbox import outbox_drain, outbox_purge

    outbox_purge()
    return outbox_drain()
