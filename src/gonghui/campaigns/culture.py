"""Every write of the culture showcase: submit a work (a member in the app, or staff for a
worker or an art troupe), review it before it is public, count views and likes, schedule the
daily showcase on the home page, and run events with a live link and a replay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.jurisdiction import has_action

from .models import CultureEvent, CultureViewDay, CultureWork, ShowcaseEntry, WorkKind, WorkLike
from .services import local_day

SHOWCASE_MAX_PER_DAY = 6
_URL = URLValidator(schemes=["http", "https"])


def _clean_url(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    try:
        _URL(value)
    except DjangoValidationError:
        raise ValidationFailed(_("请填写以 http:// 或 https:// 开头的完整链接。"), field=field) from None
    if len(value) > 300:
        raise ValidationFailed(_("链接太长（最多 300 个字符）。"), field=field)
    return value


def _member_union(user: Any) -> Any:
    from gonghui.members.models import Membership

    membership = (Membership.objects.filter(person__user=user, status=Membership.Status.ACTIVE)
                  .select_related("union").order_by("-pk").first())
    return membership.union if membership else None


def work_submit(
    *, user: Any, title: str, kind: str, author: str, link: str, description: str = "", union: Any = None,
) -> CultureWork:
    """A work waiting for review. A worker submits for their own union (members only); staff
    (`union` given) submit for a union they may change, e.g. for an art troupe."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    if union is None:
        union = _member_union(user)
        if union is None:
            raise PermissionDenied(_("投稿仅限工会会员；非会员请联系所在单位工会代为投稿。"), code="not_member")
    elif not has_action(user, "change", union.path):
        raise PermissionDenied(_("只能为本工会及下级工会添加作品。"))
    title, author = (title or "").strip(), (author or "").strip()
    if not title:
        raise ValidationFailed(_("请填写作品名称。"), field="title")
    if not author:
        raise ValidationFailed(_("请填写作者或团体名称。"), field="author")
    if kind not in WorkKind.values:
        raise ValidationFailed(_("请选择作品类别。"), field="kind")
    link = _clean_url(link, "link")
    with transaction.atomic():
        work = CultureWork.objects.create(union=union, title=title[:60], kind=kind, author=author[:40], link=link,
                                          description=(description or "").strip()[:2000], submitted_by=user)
        audit_record(actor=user, action="culture.work_submit", target=work)
    return work


def work_review(*, actor: Any, work: CultureWork, approve: bool, note: str = "") -> CultureWork:
    """Publish a pending work, or send it back with a reason. A published work can later be
    taken down (rejected) with a reason too."""
    note = (note or "").strip()
    if not has_action(actor, "change", work.union.path):
        raise NotFound()
    if not approve and not note:
        raise ValidationFailed(_("不通过或下架时请写明原因。"), field="note")
    with transaction.atomic():
        work = CultureWork.objects.select_for_update().get(pk=work.pk)
        target = CultureWork.Status.PUBLISHED if approve else CultureWork.Status.REJECTED
        if work.status == target:
            raise Conflict(_("作品已经是“%(s)s”状态。") % {"s": work.get_status_display()}, code="unchanged")
        work.status, work.review_note = target, note[:200]
        work.reviewed_by, work.reviewed_at = actor, timezone.now()
        work.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        if not approve:
            ShowcaseEntry.objects.filter(work=work, day__gte=local_day()).delete()  # no longer on the home page
        audit_record(actor=actor, action="culture.work_review", target=work, data={"approve": approve}, reason=note)
    return work


def _count_view(union_id: int) -> None:
    day = local_day()
    if not CultureViewDay.objects.filter(union_id=union_id, day=day).update(views=F("views") + 1):
        try:
            with transaction.atomic():
                CultureViewDay.objects.create(union_id=union_id, day=day, views=1)
        except IntegrityError:  # another view created the row at the same moment
            CultureViewDay.objects.filter(union_id=union_id, day=day).update(views=F("views") + 1)


def work_view(*, work: CultureWork) -> None:
    """One more view (the page counts a visitor once per session)."""
    CultureWork.objects.filter(pk=work.pk).update(views=F("views") + 1)
    _count_view(work.union_id)


def work_like(*, work: CultureWork, user: Any) -> bool:
    """A worker likes a published work once; liking again changes nothing. True: a new like."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    if work.status != CultureWork.Status.PUBLISHED:
        raise NotFound()
    try:
        with transaction.atomic():
            WorkLike.objects.create(work=work, user=user)
            CultureWork.objects.filter(pk=work.pk).update(likes=F("likes") + 1)
    except IntegrityError:
        return False
    return True


def showcase_set(*, actor: Any, union: Any, day: dt.date, works: Sequence[CultureWork]) -> list[ShowcaseEntry]:
    """What `union` shows on the home page on `day`, in order (replaces that day's list).
    Only published works, at most six, not in the past."""
    if not has_action(actor, "change", union.path):
        raise NotFound()
    if day < local_day():
        raise ValidationFailed(_("不能安排过去的日期。"), field="day")
    if len(works) > SHOWCASE_MAX_PER_DAY:
        raise ValidationFailed(_("每天最多展播 %(n)d 个作品。") % {"n": SHOWCASE_MAX_PER_DAY}, field="works")
    if any(w.status != CultureWork.Status.PUBLISHED for w in works):
        raise ValidationFailed(_("只能展播已发布的作品。"), field="works")
    with transaction.atomic():
        ShowcaseEntry.objects.filter(union=union, day=day).delete()
        rows = ShowcaseEntry.objects.bulk_create(
            ShowcaseEntry(union=union, day=day, work=w, order=i) for i, w in enumerate(dict.fromkeys(works))
        )
        audit_record(actor=actor, action="culture.showcase_set", target=union,
                     data={"day": day.isoformat(), "works": [w.pk for w in works]})
    return rows


def event_create(
    *, actor: Any, union: Any, title: str, starts_at: dt.datetime, live_url: str = "", replay_url: str = "",
    description: str = "",
) -> CultureEvent:
    if not has_action(actor, "change", union.path):
        raise PermissionDenied(_("只能为本工会及下级工会添加活动。"))
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("请填写活动名称。"), field="title")
    live_url = _clean_url(live_url, "live_url", required=False)
    replay_url = _clean_url(replay_url, "replay_url", required=False)
    if not live_url and not replay_url:
        raise ValidationFailed(_("直播链接和回放链接至少填一个。"), field="live_url")
    with transaction.atomic():
        event = CultureEvent.objects.create(union=union, title=title[:60], starts_at=starts_at, live_url=live_url,
                                            replay_url=replay_url, description=(description or "").strip()[:2000])
        audit_record(actor=actor, action="culture.event_create", target=event)
    return event


def event_replay_set(*, actor: Any, event: CultureEvent, replay_url: str) -> CultureEvent:
    """After the broadcast: the replay link (workers then see 观看回放)."""
    if not has_action(actor, "change", event.union.path):
        raise NotFound()
    event.replay_url = _clean_url(replay_url, "replay_url")
    event.save(update_fields=["replay_url"])
    audit_record(actor=actor, action="culture.event_replay", target=event)
    return event


def event_view(*, event: CultureEvent) -> None:
    CultureEvent.objects.filter(pk=event.pk).update(views=F("views") + 1)
    _count_view(event.union_id)
