"""A durable outbox for side effects that must follow a commit (text messages).

`outbox_enqueue(task, *args)` is called inside the transaction that makes the change: it
stores the message there and, after commit, asks the queue for a flush (`core.tasks.enqueue`,
which falls back to a thread of this process when the broker is away). One flush sends every
new message in batches — one transaction, one row-locking SELECT and one UPDATE per batch
instead of a queued task, a transaction and two statements per message — and a commit only
queues a flush when none is queued yet (`_flush_claim`, a short-lived cache key), so a burst of
intakes costs the worker a handful of tasks, not one per text. Whatever goes wrong after
the commit — the web process dies before the thread runs, the broker loses the task, the SMS
gateway is down — the row is still there and `outbox_drain` (beat, every minute) sends it
again after `OUTBOX_GRACE_SECONDS`, with growing waits between failed attempts, up to
`OUTBOX_MAX_ATTEMPTS`. A message is run under its row's lock and marked done in the same
transaction, so a message delivered twice (the first send and the drain) runs once.

Delivery is at least once only in one narrow case: the gateway accepted the text and the
database went away before `done_at` was committed (for a flush: before its batch's commit).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .cache import CACHE_ERRORS
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


# Set while a flush is queued and has not started; the flush deletes it before it reads.
FLUSH_CLAIM_KEY = "outbox:flush-queued"


def _flush_claim() -> bool:
    """True when this commit must queue a flush: none is queued yet. A message committed
    before the queued flush starts is read by it (the flush deletes the key first, then
    reads); one committed after that finds no key and queues the next flush. The key expires
    after `OUTBOX_FLUSH_CLAIM_SECONDS`, so a flush the broker lost holds nothing up for
    longer (and the drain sends what it missed). Without the cache every commit queues one."""
    from django.core.cache import cache

    try:
        return bool(cache.add(FLUSH_CLAIM_KEY, 1, timeout=settings.OUTBOX_FLUSH_CLAIM_SECONDS))
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, queuing an outbox flush per message: %s", exc)
        return True


def _dispatch(pk: int) -> None:
    from .tasks import enqueue, outbox_flush_task

    if _flush_claim():
        enqueue(outbox_flush_task)


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
        outcome = _attempt(msg, now)
        if outcome is not None:
            return outcome
        msg.attempts += 1
        msg.done_at = timezone.now()
        msg.save(update_fields=["attempts", "done_at"])
        return "done"


def _attempt(msg: OutboxMessage, now: dt.datetime) -> str | None:
    """Run one locked message inside the caller's transaction; on failure record it and
    return the outcome ("failed" / "gave_up"), on success return None (the caller marks it)."""
    task = current_app.tasks.get(msg.task)
    try:
        if task is None:
            raise LookupError(f"no task named {msg.task}")
        with transaction.atomic():
            task.run(*msg.args)
    except Exception as exc:  # the message stays; the drain tries again later
        msg.attempts += 1
        msg.last_error = f"{type(exc).__name__}: {exc}"[:300]
        msg.available_at = now + _backoff(msg.attempts)
        msg.save(update_fields=["attempts", "last_error", "available_at"])
        if msg.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            logger.error("outbox message %s (%s) gave up after %s attempts: %s", msg.pk, msg.task, msg.attempts, msg.last_error)
            return "gave_up"
        logger.warning("outbox message %s (%s) failed, attempt %s: %s", msg.pk, msg.task, msg.attempts, msg.last_error)
        return "failed"
    return None


def outbox_flush(*, batch: int | None = None) -> dict[str, int]:
    """Send every message not tried yet, `OUTBOX_FLUSH_BATCH` per transaction: lock the batch
    (rows another flush or a drain delivery is running are skipped, not waited for), run each
    message in its own savepoint, then mark the sent ones done with one UPDATE in the same
    transaction — so a message is sent once however many flushes see it. A message that fails
    is left to the drain's backoff like any other. Returns the count of each outcome."""
    from django.core.cache import cache

    try:
        cache.delete(FLUSH_CLAIM_KEY)  # commits from now on queue the next flush
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, outbox flush claim not released: %s", exc)
    batch = batch or settings.OUTBOX_FLUSH_BATCH
    counts = {"done": 0, "failed": 0, "gave_up": 0}
    while True:
        now = timezone.now()
        with transaction.atomic():
            msgs = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(done_at__isnull=True, attempts=0)
                .order_by("pk")[:batch]
            )
            done: list[int] = []
            for msg in msgs:
                outcome = _attempt(msg, now)
                if outcome is None:
                    done.append(msg.pk)
                else:
                    counts[outcome] += 1
            if done:
                OutboxMessage.objects.filter(pk__in=done).update(done_at=timezone.now(), attempts=F("attempts") + 1)
                counts["done"] += len(done)
        if len(msgs) < batch:
            return counts


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
