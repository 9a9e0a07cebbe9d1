"""Proposal deadlines on the beat: remind before the answer deadline, report overdue
proposals to the parent union. Both are idempotent (once per proposal)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="skills.proposals_deadlines")
def proposals_deadlines() -> int:
    services.proposals_remind_due()
    return services.proposals_escalate_overdue()
