"""Campaigns API: the campaign and its live board, the worker's steps, card book and
combining, the signed partner push, the public draw record, and the worker's prizes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gonghui.accounts.auth import session_or_token

from . import selectors, services
from .models import Campaign, Winner
from .schemas import (
    BoardOut,
    BookOut,
    CampaignOut,
    ClaimIn,
    CombineOut,
    StepsIn,
    TaskOut,
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
