"""Campaign housekeeping on the beat: run the draws whose time has come, and return unclaimed
prizes to stock after their deadline. Both are idempotent."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="campaigns.draws_run_due")
def draws_run_due() -> int:
    return services.draws_run_due()


@shared_task(name="campaigns.winners_expire")
def winners_expire() -> int:
    return services.winners_expire()
