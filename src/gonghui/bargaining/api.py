"""Bargaining API: units, offers and their answer clock, rounds, contracts with versioned
terms, the congress vote, signing, filing and review; the minimum-pay comparison in one
currency; the worker's contracts; safety inspections, hazards and workers' reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import ValidationFailed
from gonghui.core.paging import Limit200, Offset

from . import currencies, employer, safety, selectors, services
from .models import (
    BargainingOffer,
    BargainingRound,
    BargainingUnit,
    CollectiveContract,
    PayPeriod,
    SafetyHazard,
    SafetyInspection,
    SafetyPhoto,
)
from .schemas import (
    AnswerIn,
    BargainingEmployerAnswerIn,
    BargainingEmployerHazardOut,
    BargainingEmployerOfferOut,
    BargainingPhotoOut,
    BargainingRectifyForm,
    BargainingRoundIn,
    BargainingWorkerReportForm,
    CaseRefOut,
    ContractIn,
    ContractObjectionIn,
    ContractOut,
    EscalateIn,
    FileIn,
    HazardIn,
    HazardOut,
    InspectionIn,
    InspectionOut,
    MyContractOut,
    OfferIn,
    OfferOut,
    OfferReceiptIn,
    PayRowOut,
    RectifyIn,
    ReinspectIn,
    RoundOut,
    SafetyCountsOut,
    SignIn,
    TermsSchema,
    UnitIn,
    UnitOut,
    VersionIn,
    VoteIn,
    VoteOut,
    WorkerHazardIn,
    WorkerHazardOut,
)

router = Router(auth=session_or_token)


def _unit_out(u: BargainingUnit) -> dict[str, Any]:
    return {"id": u.pk, "union_id": u.union_id, "kind": u.kind, "name": u.name, "employer_id": u.employer_id,
            "employer_ids": sorted(e.pk for e in u.employers.all()), "employer_party": u.employer_party,
            "union_chief": u.union_chief, "employer_chief": u.employer_chief, "workers_covered": u.workers_covered,
            "members_covered": u.members_covered}


def _terms(t: TermsSchema) -> services.TermsIn:
    return services.TermsIn(**t.dict())


def _contract_out(c: CollectiveContract) -> dict[str, Any]:
    versions = list(c.versions.all())
    return {
        "id": c.pk, "unit_id": c.unit_id, "kind": c.kind, "title": c.title, "status": c.status, "starts_on": c.starts_on,
        "ends_on": c.ends_on, "signed_on": c.signed_on, "filing_due": c.filing_due, "filed_on": c.filed_on,
        "review_due": c.review_due, "in_force_on": c.in_force_on, "objection": c.objection,
        "versions": [{"number": v.number, "note": v.note, "wage_adjustment_pct": selectors.pct_text(v.wage_adjustment_bp),
                      "min_pay_minor": v.min_pay_minor, "min_pay_currency": v.min_pay_currency, "min_pay_period": v.min_pay_period,
                      "min_pay_text": selectors.min_pay_text(v), "weekly_hours": v.weekly_hours} for v in versions],
        "changes": [[{"field": ch.field, "label": ch.label, "old": ch.old, "new": ch.new,
                      "change_pct": ch.change_text or None} for ch in selectors.version_changes(a, b)]
                    for a, b in zip(versions, versions[1:], strict=False)],
    }


# --- units and offers ---------------------------------------------------------------------


@router.get("/units", response=list[UnitOut], summary="协商单位")
def unit_list(request: HttpRequest, limit: Limit200 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    qs = selectors.unit_list_for_user(user=request.user).prefetch_related("employers")
    return [_unit_out(u) for u in qs[offset:offset + limit]]


@router.post("/units", response={201: UnitOut}, summary="登记协商单位")
def unit_create(request: HttpRequest, payload: UnitIn) -> Status:
    union = selectors.union_for_user(user=request.user, union_id=payload.union_id)
    employer = selectors.employers_for_user(user=request.user, ids=[payload.employer_id])[0] if payload.employer_id else None
    employers = selectors.employers_for_user(user=request.user, ids=payload.employer_ids) if payload.employer_ids else []
    unit = services.unit_create(
        actor=request.user, union=union, kind=payload.kind, name=payload.name, employer=employer, employers=employers,
        sector=payload.sector, employer_party=payload.employer_party, union_chief=payload.union_chief,
        employer_chief=payload.employer_chief, union_representatives=payload.union_representatives,
        employer_representatives=payload.employer_representatives, workers_covered=payload.workers_covered,
        members_covered=payload.members_covered,
    )
    return Status(201, _unit_out(unit))


@router.get("/units/{int:bargaining_unit_id}", response=UnitOut, summary="协商单位详情")
def unit_detail(request: HttpRequest, bargaining_unit_id: int) -> dict[str, Any]:
    return _unit_out(selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id))


@router.get("/units/{int:bargaining_unit_id}/rounds", response=list[RoundOut], summary="协商会议")
def round_list(request: HttpRequest, bargaining_unit_id: int) -> list[dict[str, Any]]:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id)
    return [{"id": r.pk, "number": r.number, "held_on": r.held_on, "place": r.place, "attendees": r.attendees,
             "union_position": r.union_position, "employer_position": r.employer_position, "agreed_points": r.agreed_points,
             "has_minutes": bool(r.minutes)} for r in unit.rounds.all()[:200]]


@router.post("/units/{int:bargaining_unit_id}/offers", response={201: OfferOut}, summary="发出要约（生成要约书 PDF）")
def offer_send(request: HttpRequest, bargaining_unit_id: int, payload: OfferIn) -> Status:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    return Status(201, services.offer_send(actor=request.user, unit=unit, topics=payload.topics, body=payload.body,
                                    sent_on=payload.sent_on, recipient=payload.recipient, from_side=payload.from_side))


@router.get("/offers/{int:bargaining_offer_id}", response=OfferOut, summary="要约详情")
def offer_detail(request: HttpRequest, bargaining_offer_id: int) -> BargainingOffer:
    return selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id)


@router.post("/offers/{int:bargaining_offer_id}/receipt", response=OfferOut, summary="登记对方收到（开始 20 日回应期限）")
def offer_receipt(request: HttpRequest, bargaining_offer_id: int, payload: OfferReceiptIn) -> BargainingOffer:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id, action="change")
    return services.offer_receipt_record(actor=request.user, offer=offer, received_on=payload.received_on)


@router.post("/offers/{int:bargaining_offer_id}/answer", response=OfferOut, summary="登记对方书面回应")
def offer_answer(request: HttpRequest, bargaining_offer_id: int, payload: AnswerIn) -> BargainingOffer:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id, action="change")
    return services.offer_answer_record(actor=request.user, offer=offer, accepted=payload.accepted,
                                        answered_on=payload.answered_on, answer=payload.answer)


@router.post("/offers/{int:bargaining_offer_id}/escalate", response={201: CaseRefOut}, summary="拒绝或逾期未回应：报上级工会")
def offer_escalate(request: HttpRequest, bargaining_offer_id: int, payload: EscalateIn) -> Status:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id, action="change")
    case = services.offer_escalate(actor=request.user, offer=offer, note=payload.note)
    return Status(201, {"case_id": case.pk, "number": case.number})


# --- contracts ----------------------------------------------------------------------------


@router.post("/units/{int:bargaining_unit_id}/contracts", response={201: ContractOut}, summary="起草集体合同")
def contract_create(request: HttpRequest, bargaining_unit_id: int, payload: ContractIn) -> Status:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    contract = services.contract_create(actor=request.user, unit=unit, kind=payload.kind, title=payload.title,
                                        starts_on=payload.starts_on, ends_on=payload.ends_on, terms=_terms(payload.terms),
                                        note=payload.note)
    return Status(201, _contract_out(contract))


@router.get("/contracts/{int:collective_contract_id}", response=ContractOut, summary="集体合同（含各版本及变化）")
def contract_detail(request: HttpRequest, collective_contract_id: int) -> dict[str, Any]:
    return _contract_out(selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id))


@router.post("/contracts/{int:collective_contract_id}/versions", response={201: ContractOut}, summary="新版本合同文本")
def version_add(request: HttpRequest, collective_contract_id: int, payload: VersionIn) -> Status:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id, action="change")
    services.contract_version_add(actor=request.user, contract=contract, terms=_terms(payload.terms), note=payload.note)
    return Status(201, _contract_out(contract))


@router.post("/contracts/{int:collective_contract_id}/vote", response={201: VoteOut}, summary="登记职代会表决")
def contract_vote(request: HttpRequest, collective_contract_id: int, payload: VoteIn) -> Status:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id, action="change")
    return Status(201, services.vote_record(actor=request.user, contract=contract, body=payload.body, held_on=payload.held_on,
                                     total=payload.total, present=payload.present, in_favour=payload.in_favour,
                                     against=payload.against, abstained=payload.abstained))


@router.post("/contracts/{int:collective_contract_id}/sign", response=ContractOut, summary="登记签订（开始 10 日报送期限）")
def contract_sign(request: HttpRequest, collective_contract_id: int, payload: SignIn) -> dict[str, Any]:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id, action="change")
    return _contract_out(services.contract_sign(actor=request.user, contract=contract, signed_on=payload.signed_on))


@router.post("/contracts/{int:collective_contract_id}/file", response=ContractOut, summary="登记报送审查（开始 15 日审查期）")
def contract_file(request: HttpRequest, collective_contract_id: int, payload: FileIn) -> dict[str, Any]:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id, action="change")
    return _contract_out(services.contract_file(actor=request.user, contract=contract, filed_on=payload.filed_on,
                                                labour_department=payload.labour_department))


@router.post("/contracts/{int:collective_contract_id}/objection", response=ContractOut, summary="登记审查异议（退回修改）")
def contract_objection(request: HttpRequest, collective_contract_id: int, payload: ContractObjectionIn) -> dict[str, Any]:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id, action="change")
    return _contract_out(services.contract_objection_record(actor=request.user, contract=contract, objection=payload.objection))


@router.get("/compare/min-pay", response=list[PayRowOut], summary="最低工资标准比较（同一币种、同一计酬周期）")
def pay_compare(request: HttpRequest, currency: str = "CNY", period: str = "month") -> list[dict[str, Any]]:
    currency = currency.strip().upper()
    if not currencies.is_currency(currency):
        raise ValidationFailed(f"币种 {currency[:8]} 不是 ISO 4217 货币代码。", code="currency_unknown", field="currency")
    if period not in PayPeriod.values:
        raise ValidationFailed("计酬周期应为 hour、day 或 month。", code="period_invalid", field="period")
    return [{"contract_id": r.contract.pk, "title": r.contract.title, "amount_minor": r.amount_minor, "currency": currency,
             "text": r.text} for r in selectors.min_pay_comparison(user=request.user, currency=currency, period=period)[:500]]


@router.get("/mine/contracts", response=list[MyContractOut], summary="我的集体合同")
def my_contracts(request: HttpRequest) -> list[dict[str, Any]]:
    out = []
    for c in selectors.contracts_for_worker(user=request.user):
        v = c.current_version
        out.append({"id": c.pk, "title": c.title, "kind": c.kind, "starts_on": c.starts_on, "ends_on": c.ends_on,
                    "in_force_on": c.in_force_on, "min_pay_text": selectors.min_pay_text(v) if v else "",
                    "wage_adjustment_pct": selectors.pct_text(v.wage_adjustment_bp) if v else ""})
    return out


# --- safety -------------------------------------------------------------------------------


def _inspection_out(i: SafetyInspection) -> dict[str, Any]:
    return {"id": i.pk, "union_id": i.union_id, "employer_id": i.employer_id, "inspected_on": i.inspected_on,
            "inspectors": i.inspectors, "findings": i.findings, "hazard_ids": list(i.hazards.values_list("pk", flat=True))}


@router.post("/safety/inspections", response={201: InspectionOut}, summary="登记安全检查")
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Status:
    union = selectors.union_for_user(user=request.user, union_id=payload.union_id)
    employer = selectors.employers_for_user(user=request.user, ids=[payload.employer_id])[0]
    checklist = selectors.checklist_get_for_user(user=request.user, checklist_id=payload.checklist_id) if payload.checklist_id else None
    inspection = safety.inspection_record(actor=request.user, union=union, employer=employer, checklist=checklist,
                                          inspected_on=payload.inspected_on, inspectors=payload.inspectors,
                                          findings=payload.findings, results=payload.results)
    return Status(201, _inspection_out(inspection))


@router.get("/safety/inspections/{int:safety_inspection_id}", response=InspectionOut, summary="安全检查详情")
def inspection_detail(request: HttpRequest, safety_inspection_id: int) -> dict[str, Any]:
    return _inspection_out(selectors.inspection_get_for_user(user=request.user, inspection_id=safety_inspection_id))


@router.post("/safety/inspections/{int:safety_inspection_id}/hazards", response={201: HazardOut}, summary="登记隐患")
def hazard_create(request: HttpRequest, safety_inspection_id: int, payload: HazardIn) -> Status:
    inspection = selectors.inspection_get_for_user(user=request.user, inspection_id=safety_inspection_id, action="change")
    return Status(201, safety.hazard_record(actor=request.user, inspection=inspection, description=payload.description,
                                     severity=payload.severity, rectify_days=payload.rectify_days, location=payload.location))


@router.get("/safety/hazards/{int:safety_hazard_id}", response=HazardOut, summary="隐患详情")
def hazard_detail(request: HttpRequest, safety_hazard_id: int) -> SafetyHazard:
    return selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id)


@router.post("/safety/hazards/{int:safety_hazard_id}/rectification", response=HazardOut, summary="登记单位整改")
def hazard_rectify(request: HttpRequest, safety_hazard_id: int, payload: RectifyIn) -> SafetyHazard:
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id, action="change")
    return safety.hazard_rectification_record(actor=request.user, hazard=hazard, rectified_on=payload.rectified_on,
                                              rectification=payload.rectification)


@router.post("/safety/hazards/{int:safety_hazard_id}/reinspection", response=HazardOut, summary="登记复查")
def hazard_reinspect(request: HttpRequest, safety_hazard_id: int, payload: ReinspectIn) -> SafetyHazard:
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id, action="change")
    return safety.hazard_reinspect(actor=request.user, hazard=hazard, reinspected_on=payload.reinspected_on,
                                   passed=payload.passed, note=payload.note, rectify_days=payload.rectify_days)


@router.post("/safety/reports", response={201: WorkerHazardOut}, summary="职工报告安全隐患（可匿名）")
def hazard_report(request: HttpRequest, payload: WorkerHazardIn) -> Status:
    return Status(201, safety.hazard_report_by_worker(user=request.user, description=payload.description,
                                               employer_name=payload.employer_name, location=payload.location,
                                               anonymous=payload.anonymous))


@router.get("/safety/counts", response=SafetyCountsOut, summary="安全监督检查统计（本人管辖范围）")
def safety_counts(request: HttpRequest) -> Any:
    return selectors.safety_counts(user=request.user)


# --- uploads (multipart: the same checked uploads as the web forms, core/files + attachment_validate) ---


def _round_out(r: BargainingRound) -> dict[str, Any]:
    return {"id": r.pk, "number": r.number, "held_on": r.held_on, "place": r.place, "attendees": r.attendees,
            "union_position": r.union_position, "employer_position": r.employer_position, "agreed_points": r.agreed_points,
            "has_minutes": bool(r.minutes)}


def _photos_out(rows: list[SafetyPhoto]) -> list[dict[str, Any]]:
    return [{"id": p.pk, "kind": p.kind, "original_name": p.original_name, "content_type": p.content_type} for p in rows]


@router.post("/units/{int:bargaining_unit_id}/rounds", response={201: RoundOut}, summary="登记协商会议（multipart，可附会议纪要）")
def round_create(request: HttpRequest, bargaining_unit_id: int, payload: Form[BargainingRoundIn],
                 minutes: UploadedFile | None = File(None)) -> Status:  # noqa: B008
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    if payload.held_on is None:
        raise ValidationFailed("请填写协商日期。", code="required", field="held_on")
    row = services.round_add(actor=request.user, unit=unit, held_on=payload.held_on, attendees=payload.attendees,
                             place=payload.place, union_position=payload.union_position,
                             employer_position=payload.employer_position, agreed_points=payload.agreed_points, minutes=minutes)
    return Status(201, _round_out(row))


@router.post("/rounds/{int:bargaining_round_id}/minutes", response={201: RoundOut}, summary="上传会议纪要（PDF 或图片）")
def round_minutes(request: HttpRequest, bargaining_round_id: int, files: list[UploadedFile] = File(...)) -> Status:  # noqa: B008
    row = selectors.round_get_for_user(user=request.user, round_id=bargaining_round_id, action="change")
    if len(files) != 1:
        raise ValidationFailed("请上传一个会议纪要文件。", code="one_file", field="files")
    return Status(201, _round_out(services.round_minutes_attach(actor=request.user, round_=row, minutes=files[0])))


@router.post("/safety/inspections/{int:safety_inspection_id}/photos", response={201: list[BargainingPhotoOut]},
             summary="上传检查照片（每次最多 6 个）")
def inspection_photos(request: HttpRequest, safety_inspection_id: int, files: list[UploadedFile] = File(...)) -> Status:  # noqa: B008
    inspection = selectors.inspection_get_for_user(user=request.user, inspection_id=safety_inspection_id, action="change")
    return Status(201, _photos_out(safety.photos_add(actor=request.user, uploads=files, inspection=inspection)))


@router.post("/safety/hazards/{int:safety_hazard_id}/photos", response={201: list[BargainingPhotoOut]},
             summary="上传隐患照片（每次最多 6 个）")
def hazard_photos(request: HttpRequest, safety_hazard_id: int, files: list[UploadedFile] = File(...)) -> Status:  # noqa: B008
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id, action="change")
    return Status(201, _photos_out(safety.photos_add(actor=request.user, uploads=files, hazard=hazard)))


@router.post("/safety/hazards/{int:safety_hazard_id}/evidence", response={201: list[BargainingPhotoOut]},
             summary="上传整改证明（单位整改后、复查前）")
def hazard_evidence(request: HttpRequest, safety_hazard_id: int, files: list[UploadedFile] = File(...)) -> Status:  # noqa: B008
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id, action="change")
    return Status(201, _photos_out(safety.photos_add(actor=request.user, uploads=files, hazard=hazard,
                                                     kind=SafetyPhoto.Kind.EVIDENCE)))


@router.post("/safety/reports/with-photos", response={201: WorkerHazardOut}, summary="职工报告安全隐患（multipart，可附照片，可匿名）")
def hazard_report_with_photos(request: HttpRequest, payload: Form[BargainingWorkerReportForm],
                              files: list[UploadedFile] = File(None)) -> Status:  # noqa: B008
    return Status(201, safety.hazard_report_by_worker(user=request.user, description=payload.description,
                                               employer_name=payload.employer_name, location=payload.location,
                                               anonymous=payload.anonymous, photos=files or []))


# --- the employer's own account (jobs.EmployerAccount; employer.py) -------------------------------


def _employer_offer_out(o: BargainingOffer) -> dict[str, Any]:
    return {"id": o.pk, "number": o.number, "union_name": o.unit.union.name, "topics": o.topics, "body": o.body,
            "sent_on": o.sent_on, "received_on": o.received_on, "answer_due": o.answer_due, "status": o.status,
            "answered_on": o.answered_on, "answer": o.answer}


@router.get("/employer/offers", response=list[BargainingEmployerOfferOut], summary="单位：发给本单位的要约")
def employer_offers(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_employer_offer_out(o) for o in employer.offers_for_employer(user=request.user)[offset:offset + limit]]


@router.post("/employer/offers/{int:bargaining_offer_id}/answer", response=BargainingEmployerOfferOut,
             summary="单位：书面回应要约（未登记收到日期的，同时登记）")
def employer_offer_answer(request: HttpRequest, bargaining_offer_id: int, payload: BargainingEmployerAnswerIn) -> dict[str, Any]:
    offer = employer.offer_get_for_employer(user=request.user, offer_id=bargaining_offer_id)
    offer = employer.offer_answer(user=request.user, offer=offer, received_on=payload.received_on, accepted=payload.accepted,
                                  answered_on=payload.answered_on, answer=payload.answer)
    return _employer_offer_out(offer)


def _employer_hazard_out(h: SafetyHazard) -> dict[str, Any]:
    return {"id": h.pk, "status": h.status, "severity": h.severity, "description": h.description, "location": h.location,
            "found_on": h.found_on, "rectify_due": h.rectify_due, "rectified_on": h.rectified_on,
            "rectification": h.rectification, "reinspection_note": h.reinspection_note}


@router.get("/employer/hazards", response=list[BargainingEmployerHazardOut], summary="单位：本单位的安全隐患")
def employer_hazards(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_employer_hazard_out(h) for h in employer.hazards_for_employer(user=request.user)[offset:offset + limit]]


@router.post("/employer/hazards/{int:safety_hazard_id}/rectification", response=BargainingEmployerHazardOut,
             summary="单位：报告整改情况（multipart，可附整改证明）")
def employer_hazard_rectify(request: HttpRequest, safety_hazard_id: int, payload: Form[BargainingRectifyForm],
                            files: list[UploadedFile] = File(None)) -> dict[str, Any]:  # noqa: B008
    hazard = employer.hazard_get_for_employer(user=request.user, hazard_id=safety_hazard_id)
    if payload.rectified_on is None:
        raise ValidationFailed("请填写整改完成日期。", code="required", field="rectified_on")
    return _employer_hazard_out(safety.hazard_rectification_record(
        actor=request.user, hazard=hazard, rectified_on=payload.rectified_on, rectification=payload.rectification,
        evidence=files or [], as_employer=True))
