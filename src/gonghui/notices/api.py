"""The inbox over the API: the signed-in user's notices from every module (消息 / 我的提醒)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import ValidationFailed
from gonghui.core.paging import Limit200, Offset

from . import selectors, services
from .models import Audience
from .schemas import NoticeListOut, NoticeOut, NoticesReadOut

router = Router(auth=session_or_token)


def _audience(value: str) -> str:
    if value not in Audience.values:
        raise ValidationFailed(_("audience 只能是 worker 或 staff。"), code="validation_failed", field="audience")
    return value


@router.get("/", response=NoticeListOut, summary="我的消息")
def notice_list(
    request: HttpRequest, audience: str = Audience.WORKER, limit: Limit200 = 50, offset: Offset = 0
) -> NoticeListOut:
    """Newest first; `audience=staff` for a staff member's 我的提醒 (scoped to their branch)."""
    audience = _audience(audience)
    rows = selectors.notice_list_for_user(user=request.user, audience=audience)[offset : offset + limit]
    return NoticeListOut(
        unread=selectors.notice_unread_count(user=request.user, audience=audience),
        items=[
            NoticeOut(id=n.pk, module=n.module, text=n.text, link=n.link, ref=n.ref, created_at=n.created_at,
                      read_at=n.read_at, unread=n.read_at is None)
            for n in rows
        ],
    )


@router.post("/read", response=NoticesReadOut, summary="标为已读")
def notice_mark_read(
    request: HttpRequest, audience: str = Audience.WORKER, ids: list[int] | None = Query(None)  # noqa: B008
) -> NoticesReadOut:
    """`?ids=1&ids=2` marks those notices read; without `ids`, all of them."""
    audience = _audience(audience)
    marked = services.notice_mark_read(user=request.user, audience=audience, ids=ids)
    return NoticesReadOut(marked=marked, unread=selectors.notice_unread_count(user=request.user, audience=audience))
