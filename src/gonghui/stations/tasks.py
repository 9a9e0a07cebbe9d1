"""Daily station housekeeping: expire star levels past their validity, and remind staff to
re-assess the ones about to expire."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="stations.star_validity_sweep")
def star_validity_sweep() -> dict[str, int]:
    """Idempotent: a station whose level already expired is not touched again, and each
    rating's re-assessment reminder is sent once."""
    return {"expired": services.star_validity_sweep(), "reminded": services.star_reassessment_remind()}
