"""送温暖 API (`/api/v1/assistance/relief/…`): campaigns, budget allocation, the household
list (generate, add, edit, remove), visits, payment batches, completion by union, and the
worker's own 送温暖. Amounts are integer fen; bank accounts are shown masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.paging import Limit200, Offset

from . import relief, selectors
from .models import ReliefCampaign, ReliefTarget

router = Router(auth=session_or_token)


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


class ReliefCampaignIn(Schema):
    union_id: int
    name: str = Field(..., min_length=1, max_length=100)
    year: int = Field(..., ge=2000, le=2100)
    source: str
    budget_fen: int = Field(..., gt=0, le=1_000_000_000_000)
    grade_amounts_fen: dict[str, int] = Field(..., description="各困难类别每户慰问金下限（分）：deep、relative、accident")
    starts_on: dt.date
    ends_on: dt.date


class ReliefCampaignOut(Schema):
    id: int
    union_id: int
    union_name: str
    name: str
    year: int
    source: str
    budget_fen: int
    grade_amounts_fen: dict[str, int]
    starts_on: dt.date
    ends_on: dt.date
    status: str


class ReliefAllocationIn(Schema):
    to_union_id: int
    amount_fen: int = Field(..., gt=0, le=1_000_000_000_000)


class ReliefAllocationOut(Schema):
    id: int
    from_union_id: int
    to_union_id: int
    amount_fen: int
    transaction_id: int


class ReliefTargetOut(Schema):
    id: int
    campaign_id: int
    union_id: int
    union_name: str
    hardship_file_id: int
    name: str
    grade: str
    amount_fen: int
    goods: str
    bank_account_masked: str
    status: str
    status_label: str
    removed_reason: str
    visited_on: dt.date | None
    visitors: str
    cash_given_fen: int
    goods_given: str
    payout_id: int | None
    payout_status: str


class ReliefTargetIn(Schema):
    amount_fen: int = Field(..., ge=0, le=100_000_00)
    goods: str = Field("", max_length=200)
    bank_account: str = Field("", max_length=40, description="不改可留空")
    bank_name: str = Field("", max_length=60)


class ReliefVisitIn(Schema):
    visited_on: dt.date
    visitors: str = Field(..., min_length=1, max_length=200)
    cash_fen: int = Field(..., ge=0, le=100_000_00)
    goods: str = Field("", max_length=200)


class ReliefReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class ReliefAddIn(Schema):
    hardship_file_id: int


class ReliefPayIn(Schema):
    union_id: int


class ReliefPayOut(Schema):
    batch_id: int
    batch_number: str
    households: int
    missing_bank_account: list[str]


class ReliefProgressRowOut(Schema):
    union_id: int
    union_name: str
    targets: int
    visited: int
    paid: int
    planned_fen: int
    given_fen: int
    paid_fen: int
    allocated_fen: int


class ReliefProgressOut(Schema):
    total: ReliefProgressRowOut
    rows: list[ReliefProgressRowOut]


class ReliefMineOut(Schema):
    id: int
    campaign_name: str
    union_name: str
    visited_on: dt.date | None
    cash_given_fen: int
    goods_given: str
    payout_status: str


def campaign_out(c: ReliefCampaign) -> dict[str, Any]:
    return {"id": c.pk, "union_id": c.union_id, "union_name": c.union.name, "name": c.name, "year": c.year,
            "source": c.source, "budget_fen": c.budget, "grade_amounts_fen": c.grade_amounts,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "status": c.status}


def target_out(t: ReliefTarget) -> dict[str, Any]:
    return {
        "id": t.pk, "campaign_id": t.campaign_id, "union_id": t.union_id, "union_name": t.union.name,
        "hardship_file_id": t.hardship_file_id, "name": t.name, "grade": t.grade, "amount_fen": t.amount,
        "goods": t.goods, "bank_account_masked": t.bank_account_masked, "status": t.status,
        "status_label": t.get_status_display(), "removed_reason": t.removed_reason, "visited_on": t.visited_on,
        "visitors": t.visitors, "cash_given_fen": t.cash_given, "goods_given": t.goods_given,
        "payout_id": t.payout_id, "payout_status": t.payout.status if t.payout_id and t.payout else "",
    }


def row_out(r: relief.ProgressRow) -> dict[str, Any]:
    return {"union_id": r.union.pk, "union_name": r.union.name, "targets": r.targets, "visited": r.visited,
            "paid": r.paid, "planned_fen": r.planned, "given_fen": r.given, "paid_fen": r.paid_amount,
            "allocated_fen": r.allocated}


@router.get("/campaigns", response=list[ReliefCampaignOut], summary="送温暖活动")
def relief_campaign_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    found = selectors.relief_campaign_list_for_user(user=_user(request))[offset: offset + limit]
    return [campaign_out(c) for c in found]


@router.post("/campaigns", response={201: ReliefCampaignOut}, summary="新建送温暖活动")
def relief_campaign_create(request: HttpRequest, payload: ReliefCampaignIn) -> Status:
    union = selectors.ledger_union_get_for_user(user=_user(request), union_id=payload.union_id, action="approve")
    campaign = relief.relief_campaign_create(
        union=union, name=payload.name, year=payload.year, source=payload.source, budget=payload.budget_fen,
        grade_amounts=payload.grade_amounts_fen, starts_on=payload.starts_on, ends_on=payload.ends_on,
        by=_user(request),
    )
    return Status(201, campaign_out(campaign))


def _in_body(lookup: Callable[[], Any], field: str) -> Any:
    """An id in the body that names nothing the caller may use is bad input (422), not a missing page."""
    try:
        return lookup()
    except NotFound as exc:
        raise ValidationFailed(_("所选工会或档案不存在，或不在本次活动和您的管辖范围内。"), code="invalid_choice",
                               field=field) from exc


def _campaign(request: HttpRequest, relief_campaign_id: int) -> ReliefCampaign:
    return selectors.relief_campaign_get_for_user(user=_user(request), relief_campaign_id=relief_campaign_id)


@router.get("/campaigns/{int:relief_campaign_id}", response=ReliefCampaignOut, summary="送温暖活动详情")
def relief_campaign_get(request: HttpRequest, relief_campaign_id: int) -> dict[str, Any]:
    return campaign_out(_campaign(request, relief_campaign_id))


@router.post("/campaigns/{int:relief_campaign_id}/allocations", response={201: ReliefAllocationOut},
             summary="下拨预算给直属下级工会")
def relief_allocate(request: HttpRequest, relief_campaign_id: int, payload: ReliefAllocationIn) -> Status:
    campaign = _campaign(request, relief_campaign_id)
    to_union = _in_body(lambda: selectors.relief_union_for_user(user=_user(request), campaign=campaign,
                                                                union_id=payload.to_union_id), "to_union_id")
    a = relief.relief_allocate(campaign=campaign, to_union=to_union, amount=payload.amount_fen, by=_user(request))
    return Status(201, {"id": a.pk, "from_union_id": a.from_union_id, "to_union_id": a.to_union_id,
                        "amount_fen": a.amount, "transaction_id": a.txn_id})


@router.post("/campaigns/{int:relief_campaign_id}/targets/generate", response=dict, summary="按标准生成慰问名单")
def relief_targets_generate(request: HttpRequest, relief_campaign_id: int) -> dict[str, Any]:
    added = relief.relief_targets_generate(campaign=_campaign(request, relief_campaign_id), by=_user(request))
    return {"added": added}


@router.post("/campaigns/{int:relief_campaign_id}/targets", response={201: ReliefTargetOut}, summary="补充列入一户")
def relief_target_add(request: HttpRequest, relief_campaign_id: int, payload: ReliefAddIn) -> Status:
    campaign = _campaign(request, relief_campaign_id)
    file = _in_body(lambda: selectors.relief_file_get_for_user(user=_user(request),
                                                               hardship_file_id=payload.hardship_file_id),
                    "hardship_file_id")
    return Status(201, target_out(relief.relief_target_add(campaign=campaign, file=file, by=_user(request))))


@router.get("/campaigns/{int:relief_campaign_id}/targets", response=list[ReliefTargetOut], summary="慰问名单")
def relief_target_list(request: HttpRequest, relief_campaign_id: int, status: str = "", limit: Limit200 = 100,
                       offset: Offset = 0) -> list[dict[str, Any]]:
    campaign = _campaign(request, relief_campaign_id)
    found = selectors.relief_target_list_for_user(
        user=_user(request), campaign=campaign, status=status if status in ReliefTarget.Status.values else "")
    return [target_out(t) for t in found[offset: offset + limit]]


@router.get("/campaigns/{int:relief_campaign_id}/progress", response=ReliefProgressOut, summary="完成情况（按下级工会）")
def relief_progress(request: HttpRequest, relief_campaign_id: int, union_id: int | None = None) -> dict[str, Any]:
    campaign = _campaign(request, relief_campaign_id)
    union = selectors.relief_union_for_user(user=_user(request), campaign=campaign, union_id=union_id)
    total, rows = relief.relief_progress(campaign=campaign, union=union)
    return {"total": row_out(total), "rows": [row_out(r) for r in rows]}


@router.post("/campaigns/{int:relief_campaign_id}/payments", response={201: ReliefPayOut},
             summary="已慰问户慰问金生成银行代发批次")
def relief_pay(request: HttpRequest, relief_campaign_id: int, payload: ReliefPayIn) -> Status:
    campaign = _campaign(request, relief_campaign_id)
    union = _in_body(lambda: selectors.relief_union_for_user(user=_user(request), campaign=campaign,
                                                             union_id=payload.union_id), "union_id")
    result = relief.relief_payment_batch_create(campaign=campaign, union=union, by=_user(request))
    return Status(201, {"batch_id": result.batch.pk, "batch_number": result.batch.number,
                        "households": result.queued, "missing_bank_account": result.missing_account})


def _target(request: HttpRequest, relief_target_id: int) -> ReliefTarget:
    return selectors.relief_target_get_for_user(user=_user(request), relief_target_id=relief_target_id)


@router.get("/targets/{int:relief_target_id}", response=ReliefTargetOut, summary="慰问对象")
def relief_target_get(request: HttpRequest, relief_target_id: int) -> dict[str, Any]:
    return target_out(_target(request, relief_target_id))


@router.post("/targets/{int:relief_target_id}", response=ReliefTargetOut, summary="修改慰问金、物品和收款账号")
def relief_target_update(request: HttpRequest, relief_target_id: int, payload: ReliefTargetIn) -> dict[str, Any]:
    target = relief.relief_target_update(
        target=_target(request, relief_target_id), by=_user(request), amount=payload.amount_fen,
        goods=payload.goods, bank_account=payload.bank_account, bank_name=payload.bank_name,
    )
    return target_out(selectors.relief_target_get_for_user(user=_user(request), relief_target_id=target.pk))


@router.post("/targets/{int:relief_target_id}/visit", response=ReliefTargetOut, summary="登记慰问（带照片请用 visit-with-photo）")
def relief_visit_record(request: HttpRequest, relief_target_id: int, payload: ReliefVisitIn) -> dict[str, Any]:
    target = relief.relief_visit_record(
        target=_target(request, relief_target_id), by=_user(request), visited_on=payload.visited_on,
        visitors=payload.visitors, cash=payload.cash_fen, goods=payload.goods,
    )
    return target_out(selectors.relief_target_get_for_user(user=_user(request), relief_target_id=target.pk))


@router.post("/targets/{int:relief_target_id}/visit-with-photo", response=ReliefTargetOut,
             summary="登记慰问，同时上传照片（multipart）")
def relief_visit_record_with_photo(
    request: HttpRequest, relief_target_id: int,
    visited_on: str = Form("", description="慰问日期 YYYY-MM-DD"), visitors: str = Form(""),  # noqa: B008
    cash_fen: str = Form("", description="慰问金（分）"), goods: str = Form(""),  # noqa: B008
    photo: UploadedFile | None = File(None),  # noqa: B008
) -> dict[str, Any]:
    # The household first: another branch's id is a 404 whatever was sent.
    target = _target(request, relief_target_id)
    try:
        day = dt.date.fromisoformat(visited_on.strip())
    except ValueError as exc:
        raise ValidationFailed(_("慰问日期格式应为 YYYY-MM-DD。"), code="invalid_date", field="visited_on") from exc
    raw = cash_fen.strip()
    if not raw.isdigit() or int(raw) > 100_000_00:
        raise ValidationFailed(_("慰问金应为 0 到 10 万元之间的整数（分）。"), code="invalid_amount", field="cash_fen")
    target = relief.relief_visit_record(
        target=target, by=_user(request), visited_on=day, visitors=visitors, cash=int(raw), goods=goods[:200],
        photo=photo,
    )
    return target_out(selectors.relief_target_get_for_user(user=_user(request), relief_target_id=target.pk))


@router.post("/targets/{int:relief_target_id}/remove", response=ReliefTargetOut, summary="移出名单")
def relief_target_remove(request: HttpRequest, relief_target_id: int, payload: ReliefReasonIn) -> dict[str, Any]:
    target = relief.relief_target_remove(target=_target(request, relief_target_id), by=_user(request),
                                         reason=payload.reason)
    return target_out(selectors.relief_target_get_for_user(user=_user(request), relief_target_id=target.pk))


@router.get("/mine", response=list[ReliefMineOut], summary="我收到的送温暖")
def relief_list_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": t.pk, "campaign_name": t.campaign.name, "union_name": t.union.name, "visited_on": t.visited_on,
             "cash_given_fen": t.cash_given, "goods_given": t.goods_given,
             "payout_status": t.payout.status if t.payout_id and t.payout else ""}
            for t in selectors.relief_list_for_worker(user=_user(request))]
