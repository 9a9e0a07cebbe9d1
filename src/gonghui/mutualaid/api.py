"""Medical mutual aid API: plans and versions, group enrolment, the worker's cover and
claims, the claims queue and decisions, payout batches, the loss-ratio report and the
public certificate check. Staff objects are scoped to the caller's branch (404 elsewhere)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import ValidationFailed
from gonghui.core.paging import Limit200, Offset
from gonghui.orgs.models import Union

from . import selectors, services
from .models import Claim, Coverage, Enrolment, Plan, SelfEnrolment
from .presenters import claim_view
from .schemas import (
    AidAppealIn,
    AidBatchOut,
    AidClaimIn,
    AidClaimOut,
    AidCoverageOut,
    AidDecisionIn,
    AidEnrolIn,
    AidEnrolmentOut,
    AidLossRatioOut,
    AidPlanIn,
    AidPlanOut,
    AidRevealIn,
    AidRevealOut,
    AidSelfDecisionIn,
    AidSelfEnrolIn,
    AidSelfEnrolmentOut,
    AidSelfOfferOut,
    AidTermsIn,
    AidVerifyOut,
    AidVersionIn,
    AidVersionOut,
)

router = Router(auth=session_or_token)


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _terms(payload: AidTermsIn) -> services.Terms:
    return services.Terms(price=payload.price_fen, union_share=payload.union_share,
                          min_participation=payload.min_participation,
                          second_approval_above=payload.second_approval_above_fen,
                          rules=payload.rules.dict(exclude_none=True), self_enrol=payload.self_enrol,
                          self_union_share=payload.self_union_share)


def _plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk, "name": plan.name, "union_id": plan.union_id, "union_name": plan.union.name,
        "starts_on": plan.starts_on, "ends_on": plan.ends_on, "source": plan.source,
        "versions": [_version_out(v) for v in plan.versions.order_by("effective_from")],
    }


def _version_out(v: Any) -> dict[str, Any]:
    return {"number": v.number, "effective_from": v.effective_from, "price_fen": v.price, "union_share": v.union_share,
            "min_participation": v.min_participation, "second_approval_above_fen": v.second_approval_above,
            "self_enrol": v.self_enrol, "self_union_share": v.self_union_share, "rules": v.rules}


def _enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {"id": e.pk, "plan_id": e.plan_id, "union_id": e.union_id, "union_name": e.union.name, "mode": e.mode,
            "count": e.count, "members_total": e.members_total, "premium_fen": e.premium,
            "union_part_fen": e.union_part, "member_part_fen": e.member_part,
            "premium_transaction_id": e.premium_txn_id}


def _coverage_out(c: Coverage) -> dict[str, Any]:
    return {"id": c.pk, "plan_id": c.plan_id, "plan_name": c.plan.name, "union_name": c.union.name,
            "serial": c.serial, "starts_on": c.starts_on, "waiting_until": c.waiting_until, "ends_on": c.ends_on,
            "renewal": c.renewal, "in_waiting_period": c.in_waiting(timezone.localdate()),
            "certificate_token": services.certificate_token(c)}


def _claim_out(claim: Claim) -> dict[str, Any]:
    view = claim_view(claim)
    return {
        "id": claim.pk, "number": claim.number, "coverage_id": claim.coverage_id, "kind": claim.kind,
        "status": claim.status, "status_label": claim.get_status_display(), "event_on": claim.event_on,
        "discharged_on": claim.discharged_on, "version": claim.version.number, "proposed_fen": claim.proposed,
        "amount_fen": claim.amount, "flags": list(claim.flags), "reason": claim.reason,
        "diagnosis_masked": claim.diagnosis_masked, "payout_status": view.payout_status,
        "appealable": services.claim_appealable(claim), "appeal_answer": claim.appeal_answer,
        "top_up_fen": claim.appeal_payout.amount if claim.appeal_payout is not None else 0,
        "benefits": [{"benefit": b.benefit, "label": b.label, "proposed_fen": b.proposed, "amount_fen": b.amount,
                      "explanation": b.text} for b in view.benefits],
    }


# --- plans ---------------------------------------------------------------------------------


@router.get("/plans", response=list[AidPlanOut], summary="互助保障计划")
def plan_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_plan_out(p) for p in selectors.plan_list_for_user(user=_user(request))[offset: offset + limit]]


@router.post("/plans", response={201: AidPlanOut}, summary="新建计划（省、市总工会）")
def plan_create(request: HttpRequest, payload: AidPlanIn) -> Status:
    union = selectors.plan_unions_for_user(user=_user(request)).filter(pk=payload.union_id).first()
    if union is None:
        raise ValidationFailed(_("只能在本级或下级的省、市总工会建立计划。"), code="invalid_union", field="union_id")
    plan = services.plan_create(actor=_user(request), union=union, name=payload.name, starts_on=payload.starts_on,
                                ends_on=payload.ends_on, source=payload.source, terms=_terms(payload))
    return Status(201, _plan_out(plan))


@router.get("/plans/{int:plan_id}", response=AidPlanOut, summary="计划详情（含各版本）")
def plan_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    return _plan_out(selectors.plan_get_for_enrolment(user=_user(request), plan_id=plan_id))


@router.post("/plans/{int:plan_id}/versions", response={201: AidVersionOut}, summary="修订计划（新版本）")
def plan_version_add(request: HttpRequest, plan_id: int, payload: AidVersionIn) -> Status:
    plan = selectors.plan_get_for_user(user=_user(request), plan_id=plan_id, action="change")
    version = services.plan_version_add(actor=_user(request), plan=plan, effective_from=payload.effective_from,
                                        terms=_terms(payload), note=payload.note)
    return Status(201, _version_out(version))


@router.post("/plans/{int:plan_id}/enrolments", response={201: AidEnrolmentOut}, summary="参保登记（保费记账）")
def enrolment_create(request: HttpRequest, plan_id: int, payload: AidEnrolIn) -> Status:
    plan = selectors.plan_get_for_enrolment(user=_user(request), plan_id=plan_id)
    union: Union | None = selectors.enrolling_unions_for_user(user=_user(request), plan=plan).filter(
        pk=payload.union_id).first()
    if union is None:
        raise ValidationFailed(_("参保工会不正确。"), code="invalid_union", field="union_id")
    enrolment = services.enrolment_create(actor=_user(request), plan=plan, union=union, mode=payload.mode,
                                          person_ids=payload.person_ids)
    return Status(201, _enrolment_out(enrolment))


@router.post("/plans/{int:plan_id}/payment-batch", response={201: AidBatchOut}, summary="已核准赔付生成代发批次")
def plan_payment_batch(request: HttpRequest, plan_id: int) -> Status:
    plan = selectors.plan_get_for_user(user=_user(request), plan_id=plan_id, action="approve")
    batch = services.plan_payment_batch_create(actor=_user(request), plan=plan)
    return Status(201, {"id": batch.pk, "number": batch.number, "count": batch.count, "total_fen": batch.total})


@router.get("/enrolments/{int:enrolment_id}", response=AidEnrolmentOut, summary="参保登记详情")
def enrolment_get(request: HttpRequest, enrolment_id: int) -> dict[str, Any]:
    return _enrolment_out(selectors.enrolment_get_for_user(user=_user(request), enrolment_id=enrolment_id))


@router.get("/coverages/{int:coverage_id}", response=AidCoverageOut, summary="保障凭证（工会）")
def coverage_get(request: HttpRequest, coverage_id: int) -> dict[str, Any]:
    return _coverage_out(selectors.coverage_get_for_user(user=_user(request), coverage_id=coverage_id))


@router.get("/report", response=list[AidLossRatioOut], summary="赔付率报表（按计划）")
def loss_ratio_report(request: HttpRequest, limit: Limit200 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    plans = selectors.plan_list_for_user(user=_user(request))[offset: offset + limit]
    return [{**r.__dict__, "premiums_fen": r.premiums, "paid_fen": r.paid, "by_benefit_fen": r.by_benefit,
             "loss_ratio": r.ratio} for r in selectors.loss_ratio(plans=plans)]


# --- the worker ----------------------------------------------------------------------------


@router.get("/me/coverages", response=list[AidCoverageOut], summary="我的保障")
def my_coverages(request: HttpRequest) -> list[dict[str, Any]]:
    return [_coverage_out(c) for c in selectors.my_coverages(user=_user(request))[:50]]


@router.post("/me/coverages/{int:coverage_id}/claims", response={201: AidClaimOut}, summary="申请互助金")
def my_claim_submit(request: HttpRequest, coverage_id: int, payload: AidClaimIn) -> Status:
    coverage = selectors.my_coverage_get(user=_user(request), coverage_id=coverage_id)
    data = services.ClaimInput(
        kind=payload.kind, event_on=payload.event_on, discharged_on=payload.discharged_on,
        hospital_level=payload.hospital_level, hospital=payload.hospital, diagnosis=payload.diagnosis,
        disease=payload.disease, disability_grade=payload.disability_grade, cost=payload.cost_fen,
        insurance_paid=payload.insurance_paid_fen, invoices=tuple(payload.invoices), payee_name=payload.payee_name,
        bank_account=payload.bank_account,
    )
    claim = services.claim_submit(user=_user(request), coverage=coverage, data=data)
    return Status(201, _claim_out(selectors.my_claim_get(user=_user(request), claim_id=claim.pk)))


@router.get("/me/claims", response=list[AidClaimOut], summary="我的申请")
def my_claim_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    claims = selectors.my_claims(user=_user(request)).select_related("version").prefetch_related("lines")
    return [_claim_out(c) for c in claims[offset: offset + limit]]


@router.get("/me/claims/{int:claim_id}", response=AidClaimOut, summary="我的申请详情（含核算说明）")
def my_claim_get(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    return _claim_out(selectors.my_claim_get(user=_user(request), claim_id=claim_id))


@router.post("/me/claims/{int:claim_id}/appeal", response=AidClaimOut, summary="对不予赔付或核减金额申诉（一次）")
def my_claim_appeal(request: HttpRequest, claim_id: int, payload: AidAppealIn) -> dict[str, Any]:
    claim = selectors.my_claim_get(user=_user(request), claim_id=claim_id)
    services.claim_appeal(user=_user(request), claim=claim, reason=payload.reason)
    return _claim_out(selectors.my_claim_get(user=_user(request), claim_id=claim_id))


def _offer_out(o: services.SelfOffer) -> dict[str, Any]:
    return {"plan_id": o.plan.pk, "plan_name": o.plan.name, "union_name": o.union.name, "starts_on": o.starts_on,
            "waiting_until": o.waiting_until, "months": o.premium.months, "period_months": o.premium.period_months,
            "premium_fen": o.premium.amount, "union_part_fen": o.union_part, "member_part_fen": o.member_part,
            "premium_explained": o.premium.line().text}


def _self_out(r: SelfEnrolment) -> dict[str, Any]:
    coverage = selectors.coverage_of_self_enrolment(r)
    return {"id": r.pk, "plan_id": r.plan_id, "plan_name": r.plan.name, "status": r.status,
            "status_label": r.get_status_display(), "starts_on": r.starts_on, "premium_fen": r.premium,
            "member_part_fen": r.member_part, "channel": r.channel, "payment_ref": r.payment_ref, "reason": r.reason,
            "coverage_id": coverage.pk if coverage else None}


@router.get("/me/self-enrol", response=list[AidSelfOfferOut], summary="可自行参保的计划（新就业形态劳动者）")
def my_self_offers(request: HttpRequest) -> list[dict[str, Any]]:
    return [_offer_out(o) for o in services.self_enrol_offers(user=_user(request))]


@router.post("/me/self-enrol", response={201: AidSelfEnrolmentOut}, summary="自行参保：提交缴费流水号")
def my_self_enrol(request: HttpRequest, payload: AidSelfEnrolIn) -> Status:
    r = services.self_enrol_apply(user=_user(request), plan_id=payload.plan_id, channel=payload.channel,
                                  payment_ref=payload.payment_ref)
    return Status(201, _self_out(r))


@router.get("/me/self-enrolments", response=list[AidSelfEnrolmentOut], summary="我的自行参保申请")
def my_self_enrolments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_self_out(r) for r in selectors.my_self_enrolments(user=_user(request))[:50]]


@router.get("/self-enrolments", response=list[AidSelfEnrolmentOut], summary="自行参保待确认（工会）")
def self_enrolment_list(request: HttpRequest, status: str = "pending", limit: Limit200 = 50,
                        offset: Offset = 0) -> list[dict[str, Any]]:
    status = status if status in SelfEnrolment.Status.values else ""
    rows = selectors.self_enrolment_list(user=_user(request), status=status)[offset: offset + limit]
    return [_self_out(r) for r in rows]


@router.post("/self-enrolments/{int:self_enrolment_id}/decision", response=AidSelfEnrolmentOut,
             summary="自行参保：确认到账或未通过")
def self_enrolment_decide(request: HttpRequest, self_enrolment_id: int, payload: AidSelfDecisionIn) -> dict[str, Any]:
    r = selectors.self_enrolment_get_for_user(user=_user(request), request_id=self_enrolment_id)
    if payload.decision == "confirm":
        r = services.self_enrol_confirm(actor=_user(request), request=r)
    elif payload.decision == "reject":
        r = services.self_enrol_reject(actor=_user(request), request=r, reason=payload.reason)
    else:
        raise ValidationFailed(_("决定只能是 confirm 或 reject。"), code="invalid_decision", field="decision")
    return _self_out(selectors.self_enrolment_get_for_user(user=_user(request), request_id=r.pk))


# --- claims staff --------------------------------------------------------------------------


@router.get("/claims", response=list[AidClaimOut], summary="互助金审核队列")
def claim_queue(request: HttpRequest, status: str = "", limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    status = status if status in Claim.Status.values else ""
    claims = selectors.claim_queue(user=_user(request), status=status).select_related("version").prefetch_related(
        "lines")
    return [_claim_out(c) for c in claims[offset: offset + limit]]


@router.get("/claims/{int:claim_id}", response=AidClaimOut, summary="申请详情（核算说明和提示）")
def claim_get(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    return _claim_out(selectors.claim_get_for_user(user=_user(request), claim_id=claim_id))


@router.post("/claims/{int:claim_id}/decision", response=AidClaimOut, summary="审批：核准、调整、复核或不予赔付")
def claim_decide(request: HttpRequest, claim_id: int, payload: AidDecisionIn) -> dict[str, Any]:
    claim = selectors.claim_get_for_user(user=_user(request), claim_id=claim_id)
    if payload.decision == "reject":
        services.claim_reject(actor=_user(request), claim=claim, reason=payload.reason)
    elif payload.decision == "confirm":
        services.claim_confirm(actor=_user(request), claim=claim)
    elif payload.decision == "approve":
        services.claim_review(actor=_user(request), claim=claim, amounts=payload.amounts_fen, reason=payload.reason)
    elif payload.decision == "appeal":
        services.claim_appeal_decide(actor=_user(request), claim=claim, amounts=payload.amounts_fen,
                                     answer=payload.reason)
    else:
        raise ValidationFailed(_("审批结果只能是 approve、confirm、reject 或 appeal。"), code="invalid_decision",
                               field="decision")
    return _claim_out(selectors.claim_get_for_user(user=_user(request), claim_id=claim_id))


@router.post("/claims/{int:claim_id}/reveal", response=AidRevealOut, summary="查看完整诊断和发票号（记录在案）")
def claim_reveal(request: HttpRequest, claim_id: int, payload: AidRevealIn) -> dict[str, Any]:
    claim = selectors.claim_get_for_user(user=_user(request), claim_id=claim_id)
    diagnosis = services.claim_diagnosis_reveal(actor=_user(request), claim=claim, reason=payload.reason)
    return {"diagnosis": diagnosis, "invoices": [n for n in claim.invoices.splitlines() if n]}


@router.get("/verify", response=AidVerifyOut, auth=None, summary="保障凭证核验（公开）")
def certificate_verify(request: HttpRequest, token: str = "") -> dict[str, Any]:
    return services.certificate_verify(token=token[:500]).__dict__
