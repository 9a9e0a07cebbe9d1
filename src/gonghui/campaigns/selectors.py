"""Reads of the campaigns module, shared by pages and the API. Staff reads start from
`Campaign.objects.visible_to(user)`; workers see published campaigns."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from gonghui.core.jurisdiction import get_or_404
from gonghui.core.pii import mask_name

from . import fairdraw
from .models import (
    ActivityKind,
    Appointment,
    Campaign,
    CardKind,
    CheckupSlot,
    CultureEvent,
    CultureWork,
    Draw,
    FuCard,
    Participant,
    ServiceActivity,
    ServicePoint,
    ShowcaseEntry,
    Task,
    TaskCompletion,
    Voucher,
    Winner,
    WorkLike,
)
from .services import entrant_token, local_day


def _user_id(user: Any) -> int:
    """The signed-in user's id; 0 (no row) for a visitor."""
    return int(user.pk) if getattr(user, "is_authenticated", False) else 0


def campaign_list_published() -> QuerySet[Campaign]:
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED).select_related("union")


def campaign_get_published(*, campaign_id: int) -> Campaign:
    return get_or_404(campaign_list_published(), pk=campaign_id)


def campaign_list_for_user(*, user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user).select_related("union")


def campaign_get_for_user(*, user: Any, campaign_id: int, action: str = "view") -> Campaign:
    return get_or_404(Campaign.objects.visible_to(user, action=action).select_related("union"), pk=campaign_id)


def draw_get_public(*, draw_id: int) -> Draw:
    return get_or_404(Draw.objects.filter(campaign__status=Campaign.Status.PUBLISHED).select_related("campaign"), pk=draw_id)


def draw_get_for_user(*, user: Any, draw_id: int) -> Draw:
    return get_or_404(Draw.objects.filter(campaign__in=Campaign.objects.visible_to(user)).select_related("campaign"), pk=draw_id)


def winner_get_for_user(*, user: Any, winner_id: int) -> Winner:
    """Staff: a winner in their branch."""
    return get_or_404(Winner.objects.filter(draw__campaign__in=Campaign.objects.visible_to(user))
                      .select_related("draw__campaign", "prize", "user"), pk=winner_id)


def winner_get_own(*, user: Any, winner_id: int) -> Winner:
    return get_or_404(Winner.objects.filter(user_id=_user_id(user)).select_related("draw__campaign", "prize"), pk=winner_id)


@dataclass
class BookEntry:
    kind: CardKind
    held: int


@dataclass
class CardBook:
    entries: list[BookEntry]
    ultimate: int
    can_combine: bool
    today_done: set[str]
    token: str


def card_book(*, campaign: Campaign, user: Any, now: dt.datetime | None = None) -> CardBook:
    kinds = list(campaign.kinds.all())
    held = dict(FuCard.objects.filter(campaign=campaign, user=user, status=FuCard.Status.HELD, kind__isnull=False)
                .values_list("kind_id").annotate(n=Count("id")).order_by())
    ultimate = FuCard.objects.filter(campaign=campaign, user=user, kind__isnull=True).count()
    done = set(TaskCompletion.objects.filter(campaign=campaign, user=user, day=local_day(now)).values_list("task", flat=True))
    entries = [BookEntry(kind=k, held=held.get(k.pk, 0)) for k in kinds]
    return CardBook(entries=entries, ultimate=ultimate, can_combine=bool(entries) and all(e.held for e in entries),
                    today_done=done, token=entrant_token(campaign_id=campaign.pk, user_id=user.pk))


def tasks_today(*, campaign: Campaign, done: set[str]) -> list[dict[str, Any]]:
    return [
        {"task": t.value, "label": t.label, "goal": campaign.goal_for(t.value), "done": t.value in done}
        for t in Task
    ]


@dataclass
class Board:
    participants: int
    tasks_done: int
    cards_given: int
    ultimate_cards: int
    winners: list[dict[str, Any]]


def campaign_board(*, campaign: Campaign, winners: int = 20) -> Board:
    """The live board: a few counts and the latest winners with masked names."""
    cards = FuCard.objects.filter(campaign=campaign).aggregate(
        given=Count("id", filter=Q(kind__isnull=False)), ultimate=Count("id", filter=Q(kind__isnull=True))
    )
    latest = (Winner.objects.filter(draw__campaign=campaign).select_related("user", "prize", "draw")
              .order_by("-draw__day", "slot")[:winners])
    return Board(
        participants=Participant.objects.filter(campaign=campaign).count(),
        tasks_done=TaskCompletion.objects.filter(campaign=campaign).count(),
        cards_given=cards["given"], ultimate_cards=cards["ultimate"],
        winners=[{"day": w.draw.day, "name": mask_name(w.user.full_name) or "*", "prize": w.prize.name} for w in latest],
    )


def draw_list(*, campaign: Campaign) -> QuerySet[Draw]:
    return Draw.objects.filter(campaign=campaign).order_by("day")


def draw_document(*, draw: Draw) -> dict[str, Any]:
    """What anyone may check: the commitment, then (after the draw) the frozen list, its hash,
    the prize order, the seed and the winners' codes. The seed is never shown before the draw."""
    doc: dict[str, Any] = {
        "campaign": draw.campaign.name, "day": draw.day.isoformat(), "status": draw.status,
        "commitment": draw.commitment, "committed_at": draw.committed_at.isoformat(),
        "draw_time": f"{draw.day.isoformat()}T{draw.campaign.draw_time.isoformat('minutes')}+08:00",
        "rule": "one ticket per ultimate card held at the draw time; one prize per person per night",
    }
    if draw.status == Draw.Status.DRAWN:
        # The list itself is the file at `entrants_url` (10 million lines do not belong in JSON).
        doc.update(
            entrants_url=reverse("campaigns:draw_entrants", kwargs={"draw_id": draw.pk}),
            entrants_hash=draw.entrants_hash,
            entrants_count=draw.entrants_count, slots=draw.slots, seed=draw.seed,
            drawn_at=draw.drawn_at.isoformat() if draw.drawn_at else None,
            winners=list(draw.winners.order_by("slot").values_list("token", flat=True)),
        )
    return doc


def draw_verify(*, draw: Draw) -> dict[str, bool]:
    """The server's own check of a drawn night (the same the published script does)."""
    if draw.status != Draw.Status.DRAWN:
        return {}
    data = draw.entrants_bytes()
    winners = list(draw.winners.order_by("slot").values_list("token", flat=True))
    return {
        "seed_matches_commitment": fairdraw.commitment_of(draw.seed) == draw.commitment,
        "list_matches_hash": hashlib.sha256(data).hexdigest() == draw.entrants_hash,
        "winners_reproduced": fairdraw.draw_file(draw.seed, data, len(draw.slots)) == winners,
    }


def winners_of_user(*, user: Any) -> QuerySet[Winner]:
    return Winner.objects.filter(user_id=_user_id(user)).select_related("draw__campaign", "prize").order_by("-draw__day")


def winner_list_for_campaign(*, campaign: Campaign) -> QuerySet[Winner]:
    return Winner.objects.filter(draw__campaign=campaign).select_related("draw", "prize", "user").order_by("-draw__day", "slot")


def participants_of(*, campaign: Campaign) -> QuerySet[Participant]:
    return Participant.objects.filter(campaign=campaign)


def union_choices_for_user(*, user: Any) -> QuerySet[Any]:
    """Active unions the user may organise a campaign for."""
    from gonghui.orgs.models import Union

    return Union.objects.visible_to(user, "change").active().order_by("path")


# --- service activities ------------------------------------------------------------------------


def activity_list_published(*, day: dt.date | None = None) -> QuerySet[ServiceActivity]:
    """Published activities that have not ended (by Beijing day)."""
    day = day or local_day()
    return (ServiceActivity.objects.filter(status=ServiceActivity.Status.PUBLISHED, ends_on__gte=day)
            .select_related("union").order_by("starts_on", "pk"))


def activity_get_published(*, activity_id: int) -> ServiceActivity:
    return get_or_404(ServiceActivity.objects.filter(status=ServiceActivity.Status.PUBLISHED).select_related("union"),
                      pk=activity_id)


def activity_list_for_user(*, user: Any) -> QuerySet[ServiceActivity]:
    return ServiceActivity.objects.visible_to(user).select_related("union")


def activity_get_for_user(*, user: Any, activity_id: int, action: str = "view") -> ServiceActivity:
    return get_or_404(ServiceActivity.objects.visible_to(user, action=action).select_related("union"), pk=activity_id)


def point_get_for_user(*, user: Any, point_id: int, action: str = "change") -> ServicePoint:
    activities = ServiceActivity.objects.visible_to(user, action=action)
    return get_or_404(ServicePoint.objects.filter(activity__in=activities).select_related("activity__union"), pk=point_id)


def vouchers_of_user(*, activity: ServiceActivity, user: Any, day: dt.date | None = None) -> QuerySet[Voucher]:
    """The worker's vouchers of this activity for `day` (today)."""
    return Voucher.objects.filter(activity=activity, user_id=_user_id(user), day=day or local_day()).select_related("point")


def voucher_get_for_staff(*, user: Any, code: str, action: str = "change") -> Voucher:
    """A voucher by its code, for staff of its activity's branch (another branch: 404)."""
    activities = ServiceActivity.objects.visible_to(user, action=action)
    return get_or_404(Voucher.objects.filter(activity__in=activities).select_related("activity__union", "point", "user"),
                      code=(code or "").strip()[:32])


@dataclass
class ActivityCounts:
    taken: int
    served: int
    by_point: list[dict[str, Any]]
    by_day: list[dict[str, Any]]


def activity_counts(*, activity: ServiceActivity) -> ActivityCounts:
    """人次 served (redeemed vouchers) per point and per day, and vouchers taken."""
    vouchers = Voucher.objects.filter(activity=activity)
    redeemed = vouchers.filter(redeemed_at__isnull=False)
    per_point = dict(redeemed.values_list("point_id").annotate(n=Count("id")).order_by())
    if activity.kind == ActivityKind.CHECKUP:  # a 体检 served is an appointment attended
        attended = (Appointment.objects.filter(activity=activity, status=Appointment.Status.ATTENDED)
                    .values_list("slot__point_id").annotate(n=Count("id")).order_by())
        for point_id, n in attended:
            per_point[point_id] = per_point.get(point_id, 0) + n
    by_point = [{"point": p, "served": per_point.get(p.pk, 0)} for p in activity.points.all()]
    by_day = list(redeemed.values("day").annotate(served=Count("id")).order_by("-day")[:31])
    return ActivityCounts(taken=vouchers.count(), served=sum(per_point.values()), by_point=by_point, by_day=by_day)


# --- 体检 appointments ---------------------------------------------------------------------------


def slots_open(*, activity: ServiceActivity, now: dt.datetime | None = None) -> QuerySet[CheckupSlot]:
    """Slots a worker may still book: not yet started, in start order (full ones included, shown as full)."""
    from django.utils import timezone

    return (CheckupSlot.objects.filter(activity=activity, starts_at__gt=now or timezone.now())
            .select_related("point").order_by("starts_at", "point_id"))


def slot_get_published(*, slot_id: int) -> CheckupSlot:
    return get_or_404(CheckupSlot.objects.filter(activity__status=ServiceActivity.Status.PUBLISHED)
                      .select_related("activity__union", "point"), pk=slot_id)


def appointments_of_user(*, activity: ServiceActivity, user: Any) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(activity=activity, user_id=_user_id(user))
            .select_related("slot__point").order_by("-slot__starts_at", "-pk"))


def appointment_get_of_user(*, user: Any, appointment_id: int) -> Appointment:
    return get_or_404(Appointment.objects.filter(user_id=_user_id(user)).select_related("slot__point", "activity"),
                      pk=appointment_id)


def slot_of_activity(*, activity: ServiceActivity, slot_id: str) -> CheckupSlot | None:
    """The slot a worker picked on the activity's page, or None for a bad or foreign id."""
    if not slot_id.isdigit():
        return None
    return CheckupSlot.objects.filter(activity=activity, pk=int(slot_id)).select_related("activity__union", "point").first()


def slots_for_staff(*, activity: ServiceActivity) -> QuerySet[CheckupSlot]:
    return CheckupSlot.objects.filter(activity=activity).select_related("point").order_by("starts_at", "point_id")


def slot_get_for_user(*, user: Any, slot_id: int, action: str = "view") -> CheckupSlot:
    activities = ServiceActivity.objects.visible_to(user, action=action)
    return get_or_404(CheckupSlot.objects.filter(activity__in=activities).select_related("activity__union", "point"), pk=slot_id)


def appointment_get_for_user(*, user: Any, appointment_id: int, action: str = "change") -> Appointment:
    activities = ServiceActivity.objects.visible_to(user, action=action)
    return get_or_404(Appointment.objects.filter(activity__in=activities).select_related("activity__union", "slot"),
                      pk=appointment_id)


def slot_appointments(*, slot: CheckupSlot) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(slot=slot).exclude(status=Appointment.Status.CANCELLED)
            .select_related("user").order_by("pk"))


# --- the culture showcase ------------------------------------------------------------------------


def works_published(*, kind: str = "") -> QuerySet[CultureWork]:
    qs = CultureWork.objects.filter(status=CultureWork.Status.PUBLISHED).select_related("union")
    return qs.filter(kind=kind) if kind else qs


def work_get_published(*, work_id: int) -> CultureWork:
    return get_or_404(works_published(), pk=work_id)


def works_of_user(*, user: Any) -> QuerySet[CultureWork]:
    return CultureWork.objects.filter(submitted_by_id=_user_id(user)).order_by("-created_at")


def work_liked(*, work: CultureWork, user: Any) -> bool:
    return WorkLike.objects.filter(work=work, user_id=_user_id(user)).exists()


def showcase_today(*, day: dt.date | None = None, limit: int = 3) -> list[CultureWork]:
    """Today's showcase works for the home page (any union's schedule), each once, in order."""
    entries = (ShowcaseEntry.objects.filter(day=day or local_day(), work__status=CultureWork.Status.PUBLISHED)
               .select_related("work").order_by("order", "pk")[:20])
    return list({e.work_id: e.work for e in entries}.values())[:limit]


def events_public() -> QuerySet[CultureEvent]:
    return CultureEvent.objects.select_related("union").order_by("-starts_at")


def event_get_public(*, event_id: int) -> CultureEvent:
    return get_or_404(events_public(), pk=event_id)


def works_for_user(*, user: Any, status: str = "") -> QuerySet[CultureWork]:
    qs = CultureWork.objects.visible_to(user).select_related("union", "submitted_by")
    return qs.filter(status=status) if status else qs


def work_get_for_user(*, user: Any, work_id: int, action: str = "view") -> CultureWork:
    return get_or_404(CultureWork.objects.visible_to(user, action=action).select_related("union"), pk=work_id)


def events_for_user(*, user: Any) -> QuerySet[CultureEvent]:
    return CultureEvent.objects.visible_to(user).select_related("union")


def event_get_for_user(*, user: Any, event_id: int, action: str = "view") -> CultureEvent:
    return get_or_404(CultureEvent.objects.visible_to(user, action=action).select_related("union"), pk=event_id)


def showcase_for_user(*, user: Any, since: dt.date) -> QuerySet[ShowcaseEntry]:
    from gonghui.core.jurisdiction import scope

    return scope(ShowcaseEntry.objects.filter(day__gte=since), user).select_related("work", "union").order_by("day", "order")
