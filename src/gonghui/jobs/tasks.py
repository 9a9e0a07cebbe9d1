"""Jobs housekeeping on the beat: expire postings past their closing date; remind staff of
placement follow-ups at 3 and 6 months. Both are idempotent."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="jobs.postings_expire")
def postings_expire() -> int:
    return services.postings_expire()


@shared_task(name="jobs.placements_remind_due")
def placements_remind_due() -> int:
    return services.placements_remind_due()
