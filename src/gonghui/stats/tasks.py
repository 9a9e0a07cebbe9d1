"""The nightly statistics snapshot (Celery beat, 01:30 Beijing time)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="stats.snapshot_nightly")
def snapshot_nightly() -> dict[str, int]:
    """Yesterday, any missed day of the last week, and every day a correction marked dirty."""
    results = services.snapshot_nightly()
    return {"days": len(results), "facts": sum(r.facts for r in results)}
