"""The audit log: who did what, to what, when and why."""

from __future__ import annotations

from typing import Any

from django.db import models


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    from .models import AuditEvent

    AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason[:500],
        data=data or {},
        ip=ip,
    )
