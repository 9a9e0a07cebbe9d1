"""Background work for bargaining and safety: the daily clocks (Celery beat, or
`manage.py bargaining_clocks`). Each run is idempotent: what was flagged stays flagged once."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="bargaining.clocks_run")
def bargaining_clocks_task() -> dict[str, Any]:
    from . import safety, services

    return {
        "offers": services.offers_clock_run(),
        "contracts": services.contracts_clock_run(),
        "hazards_overdue": safety.hazards_overdue_run(),
        "hazard_cases_opened": safety.hazards_escalate_run(),
        "plans_reminded": safety.plans_remind_run(),
    }
