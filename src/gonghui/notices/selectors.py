"""Reading the inbox. A staff member's notices about objects in the union tree are scoped to
their jurisdiction (`union_path`); notices addressed to them by a module's own rules (no path)
are always theirs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core import jurisdiction

from .models import Audience, Notice


def notice_list_for_user(*, user: Any, audience: str = Audience.WORKER, module: str = "") -> QuerySet[Notice]:
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    qs = Notice.objects.filter(user=user, audience=audience)
    if module:
        qs = qs.filter(module=module)
    if audience == Audience.STAFF:
        paths = jurisdiction.union_paths_for(user, "view")
        if paths is not None:
            in_branch = Q(union_path="")
            for path in paths:
                in_branch |= Q(union_path__startswith=path)
            qs = qs.filter(in_branch)
    return qs.order_by("-created_at", "-pk")


def notice_unread_count(*, user: Any, audience: str = Audience.WORKER) -> int:
    return notice_list_for_user(user=user, audience=audience).filter(read_at__isnull=True).count()
