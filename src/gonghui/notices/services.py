"""Sending and reading notices. Modules call `notice_send` inside their own transaction; the
SMS that goes with a notice is the module's business (after commit, through its task)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from .models import Audience, Notice


def notice_send(
    *, user_ids: Iterable[int], module: str, text: str, link: str = "", audience: str = Audience.WORKER,
    object_id: int | None = None, ref: str = "", union_path: str = "",
) -> list[Notice]:
    """One notice to each user (duplicates in `user_ids` get one). Returns the notices."""
    notices = [
        Notice(
            user_id=uid, audience=audience, module=module, text=text[:300], link=link[:200],
            object_id=object_id, ref=ref[:40], union_path=union_path[:255],
        )
        for uid in sorted(set(user_ids))
    ]
    return Notice.objects.bulk_create(notices)


def notice_rescope(*, module: str, object_id: int, union_path: str) -> int:
    """The object moved to another branch (a case transferred): its staff notices follow it."""
    return Notice.objects.filter(module=module, object_id=object_id, audience=Audience.STAFF).update(
        union_path=union_path
    )


def notice_mark_read(*, user: Any, audience: str, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read: those `ids`, or all of them. Returns how many changed."""
    qs = Notice.objects.filter(user=user, audience=audience, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
