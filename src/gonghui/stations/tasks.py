"""Daily station housekeeping: expire star levels past their validity."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="stations.star_validity_sweep")
def star_validity_sweep() -> int:
    """Idempotent: a station whose level already expired is not touched again."""
    return services.star_validity_sweep()
