"""A durable outbox for side effects that must follow a commit (text messages).

`outbox_enqueue(task, *args)` is called inside the transaction that makes the change: it
stores the message there and, after commit, hands it to the queue (`core.tasks.enqueue`, which
falls back to a thread of this process when the broker is away). Whatever goes wrong after
the commit — the web process dies before the thread runs, the broker loses the task, the SMS
gateway is down — the row is still there and `outbox_drain` (beat, every minute) sends it
again after `OUTBOX_GRACE_SECONDS`, with growing waits between failed attempts, up to
`OUTBOX_MAX_ATTEMPTS`. A message is run under its row's lock and marked done in the same
transaction, so a message delivered twice (the first send and the drain) runs once.

Delivery is at least once only in one narrow case: the gateway accepted the text and the
database went away before `done_at` was committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)


def outbox_enqueue(task: Any, *args: Any) -> OutboxMessage:
    """Store `task(*args)` in the current transaction and run it after commit. `args` must be
    JSON values (ids and text, never model instances)."""
    msg = OutboxMessage.objects.create(task=task.name, args=list(args), available_at=timezone.now() + _grace())
    transaction.on_commit(lambda: _dispatch(msg.pk))
    return msg


def _dispatch(pk: int) -> None:
    from .tasks import enqueue, outbox_run_task

    enqueue(outbox_run_task, pk)


def _backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the n-th failure, at most an hour."""
    return dt.timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))


def outbox_run(pk: int) -> str:
    """Run one message if it is not done and nobody else is running it. Returns "done",
    "failed" (to be retried by the drain), "gave_up" or "skipped"."""
    now = timezone.now()
    with transaction.atomic():
        msg = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, done_at__isnull=True)
            .first()
        )
        if msg is None:  # done already, or running in another worker right now
            return "skipped"
        msg.attempts += 1
        task = current_app.tasks.get(msg.task)
        try:
            if task is None:
                raise LookupError(f"no task named {msg.task}")
            with transaction.atomic():
                task.run(*msg.args)
        except Exception as exc:  # the message stays; the drain tries again later
            msg.last_error = f"{type(exc).__name__}: {exc}"[:300]
            msg.available_at = now + _backoff(msg.attempts)
            msg.save(update_fields=["attempts", "last_error", "available_at"])
            if msg.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                logger.error("outbox message %s (%s) gave up after %s attempts: %s", pk, msg.task, msg.attempts, msg.last_error)
                return "gave_up"
            logger.warning("outbox message %s (%s) failed, attempt %s: %s", pk, msg.task, msg.attempts, msg.last_error)
            return "failed"
        msg.done_at = timezone.now()
        msg.save(update_fields=["attempts", "done_at"])
        return "done"


def outbox_drain(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Hand the queue every message that is due and not done (the process that should have
    sent it died, or it failed and its wait is over). Returns how many were handed on."""
    from .tasks import enqueue, outbox_run_task

    now = now or timezone.now()
    due = OutboxMessage.objects.filter(
        done_at__isnull=True, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS, available_at__lte=now
    )
    ids = list(due.order_by("available_at").values_list("pk", flat=True)[:limit])
    if ids:
        # Not handed on again by the next drain while this delivery is on its way.
        OutboxMessage.objects.filter(pk__in=ids).update(available_at=now + _grace())
        logger.warning("outbox: sending %s message(s) again that were not sent after commit", len(ids))
    for pk in ids:
        enqueue(outbox_run_task, pk)
    return len(ids)


def outbox_purge(*, now: dt.datetime | None = None) -> int:
    """Delete messages done more than `OUTBOX_KEEP_DAYS` ago. Failed ones stay for a person."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxMessage.objects.filter(done_at__lt=cutoff).delete()
    return deleted
