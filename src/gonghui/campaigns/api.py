"""Campaigns API: the campaign and its live board, the worker's steps, card book and
combining, the signed partner push, the public draw record, and the worker's prizes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import DomainError, NotFound

from . import selectors, services
from .models import Appointment, Campaign, CheckupSlot, ServiceActivity, Voucher, Winner
from .schemas import (
    ActivityOut,
    BoardOut,
    BookOut,
    CampaignAppointmentOut,
    CampaignOut,
    CampaignSlotOut,
    ClaimIn,
    CombineOut,
    RedemptionOut,
    RedemptionsIn,
    StepsIn,
    TaskOut,
    VoucherOut,
    WinnerOut,
)

router = Router()


def _campaign_out(c: Campaign) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "union": c.union.name, "starts_on": c.starts_on, "ends_on": c.ends_on,
            "steps_goal": c.steps_goal, "rope_goal": c.rope_goal, "plank_goal": c.plank_goal,
            "draw_time": c.draw_time.isoformat("minutes")}


def _task_out(result: services.TaskResult) -> dict[str, Any]:
    card = result.card
    return {"task": result.completion.task, "day": result.completion.day, "counted": result.counted,
            "card": (card.kind.name if card.kind else None) if card else None}


@router.get("/", response=list[CampaignOut], auth=None, summary="进行中的活动")
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_campaign_out(c) for c in selectors.campaign_list_published()[:50]]


@router.get("/{int:campaign_id}", response=CampaignOut, auth=None, summary="活动详情")
def campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _campaign_out(selectors.campaign_get_published(campaign_id=campaign_id))


@router.get("/{int:campaign_id}/board", response=BoardOut, auth=None, summary="活动实时看板")
def campaign_board(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    board = selectors.campaign_board(campaign=selectors.campaign_get_published(campaign_id=campaign_id))
    return {**board.__dict__, "winners": [{**w, "day": w["day"].isoformat()} for w in board.winners]}


@router.post("/{int:campaign_id}/steps", response=TaskOut, auth=session_or_token, summary="填报今日步数")
def campaign_steps_report(request: HttpRequest, campaign_id: int, payload: StepsIn) -> dict[str, Any]:
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    return _task_out(services.steps_self_report(campaign=campaign, user=request.user, steps=payload.steps))


@router.post("/{int:campaign_id}/partner/steps", response=TaskOut, auth=None, summary="合作方推送步数（签名）",
             description="请求体 JSON：phone、steps、day（YYYY-MM-DD）、sent_at（带时区的 ISO 时间）；"
                         "请求头 X-Gonghui-Signature 为请求体的 HMAC-SHA256（十六进制，密钥由主办工会提供）。"
                         "同一职工同一天重复推送只计一次。")
def campaign_partner_steps(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    signature = request.headers.get("X-Gonghui-Signature", "")
    return _task_out(services.partner_steps_push(campaign=campaign, body=request.body, signature=signature))


@router.get("/{int:campaign_id}/book", response=BookOut, auth=session_or_token, summary="我的卡册")
def campaign_book(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    book = selectors.card_book(campaign=selectors.campaign_get_published(campaign_id=campaign_id), user=request.user)
    return {"entries": [{"kind": e.kind.name, "held": e.held} for e in book.entries], "ultimate": book.ultimate,
            "can_combine": book.can_combine, "today_done": sorted(book.today_done), "entrant_code": book.token}


@router.post("/{int:campaign_id}/combine", response=CombineOut, auth=session_or_token, summary="五福合成")
def campaign_combine(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    services.ultimate_combine(campaign=campaign, user=request.user)
    return {"ultimate": selectors.card_book(campaign=campaign, user=request.user).ultimate}


@router.get("/draws/{int:draw_id}", auth=None, summary="开奖公示（可验证）")
def campaign_draw_public(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    return selectors.draw_document(draw=selectors.draw_get_public(draw_id=draw_id))


def _winner_out(w: Winner) -> dict[str, Any]:
    return {"id": w.pk, "campaign": w.draw.campaign.name, "day": w.draw.day, "prize": w.prize.name,
            "status": w.status, "status_label": w.get_status_display(), "claim_by": w.claim_by}


@router.get("/me/prizes", response=list[WinnerOut], auth=session_or_token, summary="我的奖品")
def my_prizes(request: HttpRequest) -> list[dict[str, Any]]:
    return [_winner_out(w) for w in selectors.winners_of_user(user=request.user)[:100]]


@router.post("/me/prizes/{int:winner_id}/claim", response=WinnerOut, auth=session_or_token, summary="领取奖品")
def my_prize_claim(request: HttpRequest, winner_id: int, payload: ClaimIn) -> dict[str, Any]:
    winner = selectors.winner_get_own(user=request.user, winner_id=winner_id)
    return _winner_out(services.winner_claim(winner=winner, user=request.user, method=payload.method, address=payload.address))


# --- service activities ------------------------------------------------------------------------


def _activity_out(a: ServiceActivity) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "kind_label": a.get_kind_display(), "name": a.name, "union": a.union.name,
            "starts_on": a.starts_on, "ends_on": a.ends_on, "daily_quota": a.daily_quota,
            "points": [p.name for p in a.points.all()]}


def _voucher_out(v: Voucher) -> dict[str, Any]:
    return {"id": v.pk, "activity_id": v.activity_id, "day": v.day, "code": v.code, "redeemed": v.redeemed,
            "scanned_at": v.scanned_at, "point": v.point.name if v.point else None}


@router.get("/activities", response=list[ActivityOut], auth=None, summary="进行中的服务活动")
def activity_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_activity_out(a) for a in selectors.activity_list_published().prefetch_related("points")[:50]]


@router.get("/activities/{int:activity_id}/vouchers", response=list[VoucherOut], auth=session_or_token,
            summary="我今天的服务券")
def activity_vouchers(request: HttpRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = selectors.activity_get_published(activity_id=activity_id)
    return [_voucher_out(v) for v in selectors.vouchers_of_user(activity=activity, user=request.user)]


@router.post("/activities/{int:activity_id}/vouchers", response=VoucherOut, auth=session_or_token,
             summary="领取今天的服务券", description="同一天未使用的券重复领取返回同一张；用完后才能再领，每天不超过限领张数。")
def activity_voucher_take(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = selectors.activity_get_published(activity_id=activity_id)
    return _voucher_out(services.voucher_take(activity=activity, user=request.user))


@router.post("/redemptions", response=list[RedemptionOut], auth=session_or_token, summary="核销服务券（可批量上传离线扫码）",
             description="服务点工作人员扫码核销。离线时先记下扫码时间，联网后一次上传；同一张券无论上传几次只核销一次，"
                         "重复的返回 already 和第一次核销的时间、地点。")
def redemptions(request: HttpRequest, payload: RedemptionsIn) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for scan in payload.scans:
        # Each scan stands alone (a phone uploading a day's offline scans must not lose the
        # good ones to one bad line): its own answer, never an error for the whole batch.
        try:
            point = selectors.point_get_for_user(user=request.user, point_id=scan.point_id)
            result = services.voucher_redeem(actor=request.user, code=scan.code, point=point, scanned_at=scan.scanned_at)
        except NotFound:
            out.append({"code": scan.code, "status": "invalid", "message": _("服务点不存在，或不在您的管辖范围内。"),
                        "voucher_day": None})
            continue
        except DomainError as exc:
            out.append({"code": scan.code, "status": "invalid", "message": str(exc.message), "voucher_day": None})
            continue
        out.append({"code": scan.code, "status": result.status, "message": result.message,
                    "voucher_day": result.voucher.day if result.voucher else None})
    return out


def _slot_out(s: CheckupSlot) -> dict[str, Any]:
    return {"id": s.pk, "point": s.point.name, "address": s.point.address, "starts_at": s.starts_at,
            "ends_at": s.ends_at, "capacity": s.capacity, "left": s.left}


def _appointment_out(a: Appointment) -> dict[str, Any]:
    return {"id": a.pk, "activity_id": a.activity_id, "slot": _slot_out(a.slot), "status": a.status,
            "status_label": a.get_status_display()}


@router.get("/activities/{int:activity_id}/slots", response=list[CampaignSlotOut], auth=None, summary="可预约的体检时段")
def activity_slots(request: HttpRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = selectors.activity_get_published(activity_id=activity_id)
    return [_slot_out(s) for s in selectors.slots_open(activity=activity)[:200]]


@router.get("/activities/{int:activity_id}/appointments", response=list[CampaignAppointmentOut], auth=session_or_token,
            summary="我的体检预约")
def my_appointments(request: HttpRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = selectors.activity_get_published(activity_id=activity_id)
    return [_appointment_out(a) for a in selectors.appointments_of_user(activity=activity, user=request.user)[:20]]


@router.post("/slots/{int:slot_id}/appointments", response=CampaignAppointmentOut, auth=session_or_token,
             summary="预约体检时段", description="每个活动同时只能有一个有效预约；重复预约同一时段返回原预约；约满返回 409。")
def slot_book(request: HttpRequest, slot_id: int) -> dict[str, Any]:
    slot = selectors.slot_get_published(slot_id=slot_id)
    booked = services.appointment_book(slot=slot, user=request.user)
    return _appointment_out(selectors.appointment_get_of_user(user=request.user, appointment_id=booked.pk))


@router.post("/appointments/{int:appointment_id}/cancel", response=CampaignAppointmentOut, auth=session_or_token,
             summary="取消体检预约")
def appointment_cancel(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    appointment = selectors.appointment_get_of_user(user=request.user, appointment_id=appointment_id)
    cancelled = services.appointment_cancel(appointment=appointment, user=request.user)
    return _appointment_out(selectors.appointment_get_of_user(user=request.user, appointment_id=cancelled.pk))
