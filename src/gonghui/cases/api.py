"""Cases API: partners (12351 call-centre software) create cases and read status; staff
handle them; workers follow their own. Thin: every handler calls a selector or a service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.core.jurisdiction import is_staff_user
from gonghui.core.paging import Limit200, Offset

from . import classifier, legal_services, selectors, services
from .models import Case, Category, Channel
from .schemas import (
    CASE_LIST_FIELDS,
    AssignIn,
    AttachmentOut,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    DuplicateOut,
    EventOut,
    LawyerOut,
    LegalAidApplicationIn,
    LegalAidIn,
    LetterIn,
    LetterOut,
    MediationConcludeIn,
    MediationIn,
    MediationOut,
    MediationSessionIn,
    NoteIn,
    NotificationListOut,
    NotificationOut,
    NotificationsReadOut,
    RateIn,
    ResolveIn,
    StatsOut,
    SuggestionOut,
    SuperviseIn,
    SuperviseOut,
    TextIn,
    TransferIn,
    WorkerCaseOut,
    case_rows_json,
)

router = Router(auth=session_or_token)


def _staff(request: HttpRequest) -> Any:
    if not is_staff_user(request.user):
        raise PermissionDenied()
    return request.user


def _detail(case: Case) -> CaseDetailOut:
    return CaseDetailOut(
        case=CaseOut(**CaseOut.from_case(case)), reporter_name=case.reporter_name_masked,
        reporter_phone_masked=case.reporter_phone_masked, employer_may_know_name=case.employer_may_know_name,
        description=case.description, assignee=str(case.assignee or ""),
        timeline=[EventOut.from_event(e) for e in selectors.case_timeline(case=case, public_only=False)],
    )


def _worker_detail(case: Case) -> WorkerCaseOut:
    return WorkerCaseOut(
        case=CaseOut(**CaseOut.from_case(case)), description=case.description,
        timeline=[EventOut.from_event(e) for e in selectors.case_timeline(case=case, public_only=True)],
    )


def _fresh(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_get_for_user(user=request.user, case_id=case_id)


# --- intake and reading ----------------------------------------------------------------------


@router.post("/", response={201: CaseOut}, summary="登记诉求")
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    """Staff accounts and partner tokens register hotline/partner cases; a worker's session
    registers an app case as themselves."""
    user = request.user
    staff = is_staff_user(user)
    if staff:
        via_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
        channel = Channel.PARTNER if via_token else Channel.HOTLINE
    else:
        channel = Channel.APP
        if payload.category == Category.LEGAL_AID:
            # A worker's legal aid goes through the eligibility declaration (the 法律援助 form).
            raise ValidationFailed(_("申请法律援助请使用法律援助申请（POST /api/v1/cases/legal-aid），以便核对援助条件。"),
                                   code="legal_aid_form_required", field="category")
    region = selectors.region_for_case(code=payload.region_code)
    if payload.region_code and region is None:
        raise ValidationFailed("地区代码无效。", code="region_invalid", field="region_code")
    employer = selectors.employer_for_case(employer_id=payload.employer_id) if payload.employer_id else None
    union = selectors.union_for_transfer(union_id=payload.union_id) if (payload.union_id and staff) else None
    suggestion = classifier.category_suggest(payload.description)
    case = services.case_create(
        channel=channel, category=payload.category, description=payload.description,
        reporter_user=user if channel == Channel.APP else None, reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone, employer=employer, employer_name=payload.employer_name,
        region=region, place=payload.place, amount_fen=payload.amount_fen, people_count=payload.people_count,
        is_new_form=payload.is_new_form, employer_may_know_name=payload.employer_may_know_name,
        created_by=user, union=union, suggested_category=suggestion.category if suggestion else "",
    )
    return Status(201, CaseOut.from_case(case))


@router.get("/", response=list[CaseOut], summary="诉求队列（工作人员）")
def case_list(request: HttpRequest, queue: str = "new", q: str = "", limit: Limit200 = 50, offset: Offset = 0) -> HttpResponse:
    user = _staff(request)
    if queue not in selectors.QUEUES:
        raise ValidationFailed("队列无效。", code="queue_invalid", field="queue")
    limit = max(1, min(limit, 200))
    rows = selectors.case_queue(user=user, queue=queue, q=q[:50]).values(*CASE_LIST_FIELDS)
    # Answered as encoded CaseOut items (see case_rows_json): the staff's busiest list.
    return HttpResponse(case_rows_json(rows[max(offset, 0) : max(offset, 0) + limit]), content_type="application/json")


@router.post("/legal-aid", response={201: CaseOut}, summary="申请法律援助")
def legal_aid_apply(request: HttpRequest, payload: LegalAidApplicationIn) -> Status[dict[str, Any]]:
    """A signed-in worker applies for legal aid with the eligibility declaration. Not eligible:
    422 `legal_aid_not_eligible` with `reasons` (one sentence each); legal consultation is the
    alternative (`POST /` with category `legal_consultation`)."""
    if is_staff_user(request.user):
        raise PermissionDenied(_("法律援助由职工本人申请；热线来电请用热线登记。"), code="worker_only")
    region = selectors.region_for_case(code=payload.region_code)
    if payload.region_code and region is None:
        raise ValidationFailed(_("地区代码无效。"), code="region_invalid", field="region_code")
    case = legal_services.legal_aid_apply(
        user=request.user, description=payload.description, dispute_type=payload.dispute_type,
        hardship=payload.hardship, stage=payload.stage, has_lawyer=payload.has_lawyer, documents=payload.documents,
        declared=payload.declared, household_income_yuan=payload.household_income_yuan,
        case_reference=payload.case_reference,
        employer=selectors.employer_for_case(employer_id=payload.employer_id) if payload.employer_id else None,
        employer_name=payload.employer_name, region=region, place=payload.place,
    )
    return Status(201, CaseOut.from_case(case))


@router.get("/mine", response=list[CaseOut], summary="我的诉求")
def case_list_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [CaseOut.from_case(c) for c in selectors.case_list_for_worker(user=request.user)[:100]]


def _notifications(user: Any) -> tuple[Any, int]:
    """Staff: their own notices about cases in their jurisdiction (我的提醒); a worker: their own."""
    if is_staff_user(user):
        return selectors.staff_notification_list(user=user), selectors.staff_notification_unread_count(user=user)
    return selectors.notification_list_for_user(user=user, limit=200), selectors.notification_unread_count(user=user)


@router.get("/notifications", response=NotificationListOut, summary="我的提醒")
def notification_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> NotificationListOut:
    rows, unread = _notifications(request.user)
    offset = max(offset, 0)
    page = list(rows[offset : offset + max(1, min(limit, 200))])
    return NotificationListOut(unread=unread, items=[
        NotificationOut(id=n.pk, case_id=n.object_id if n.module == "cases" else None,
                        case_number=(n.ref or None) if n.module == "cases" else None, link=n.link,
                        text=n.text, created_at=n.created_at, read_at=n.read_at, unread=n.read_at is None)
        for n in page
    ])


@router.post("/notifications/read", response=NotificationsReadOut, summary="标为已读")
def notification_mark_read(request: HttpRequest, ids: list[int] | None = Query(None)) -> NotificationsReadOut:  # noqa: B008
    """`?ids=1&ids=2` marks those notices; without `ids`, all of them (全部标为已读). No body."""
    marked = services.case_notifications_mark_read(user=request.user, ids=ids)
    return NotificationsReadOut(marked=marked, unread=_notifications(request.user)[1])


@router.get("/mine/{case_id}", response=WorkerCaseOut, summary="我的诉求详情")
def case_get_mine(request: HttpRequest, case_id: int) -> WorkerCaseOut:
    return _worker_detail(selectors.case_get_for_worker(user=request.user, case_id=case_id))


@router.post("/mine/{case_id}/messages", response={201: EventOut}, summary="给承办人留言")
def case_message_mine(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[EventOut]:
    case = selectors.case_get_for_worker(user=request.user, case_id=case_id)
    return Status(201, EventOut.from_event(services.case_message_add(case=case, by=request.user, body=payload.body)))


def _attachments_out(rows: list[Any]) -> list[AttachmentOut]:
    return [AttachmentOut(id=a.pk, original_name=a.original_name, content_type=a.content_type, size=a.size) for a in rows]


@router.post("/mine/{case_id}/attachments", response={201: list[AttachmentOut]}, summary="上传附件（职工）")
def case_attachments_mine(request: HttpRequest, case_id: int, files: list[UploadedFile] = File(...)) -> Status[list[AttachmentOut]]:  # noqa: B008
    case = selectors.case_get_for_worker(user=request.user, case_id=case_id)
    return Status(201, _attachments_out(services.case_attachment_add(case=case, by=request.user, uploads=files)))


@router.post("/mine/{case_id}/info", response=WorkerCaseOut, summary="补充材料")
def case_info_mine(request: HttpRequest, case_id: int, payload: NoteIn) -> WorkerCaseOut:
    case = selectors.case_get_for_worker(user=request.user, case_id=case_id)
    return _worker_detail(services.case_provide_info(case=case, by=request.user, note=payload.body))


@router.post("/mine/{case_id}/rate", response=WorkerCaseOut, summary="评价办理结果")
def case_rate_mine(request: HttpRequest, case_id: int, payload: RateIn) -> WorkerCaseOut:
    case = selectors.case_get_for_worker(user=request.user, case_id=case_id)
    services.case_rate(case=case, by=request.user, rating=payload.rating, comment=payload.comment)
    return _worker_detail(selectors.case_get_for_worker(user=request.user, case_id=case_id))


@router.post("/mine/{case_id}/reopen", response=WorkerCaseOut, summary="不满意，申请重新办理")
def case_reopen_mine(request: HttpRequest, case_id: int, payload: TextIn) -> WorkerCaseOut:
    case = selectors.case_get_for_worker(user=request.user, case_id=case_id)
    return _worker_detail(services.case_reopen(case=case, by=request.user, reason=payload.text))


@router.get("/suggest", response=SuggestionOut, summary="类别建议")
def case_suggest(request: HttpRequest, text: str = "") -> SuggestionOut:
    suggestion = classifier.category_suggest(text[:2000])
    if suggestion is None:
        return SuggestionOut(category=None, label="", confidence=0.0, ranked=[])
    return SuggestionOut(category=suggestion.category, label=str(Category(suggestion.category).label),
                         confidence=suggestion.confidence, ranked=[(c, round(p, 3)) for c, p in suggestion.ranked])


@router.get("/duplicates", response=list[DuplicateOut], summary="重复诉求提示")
def case_duplicates(request: HttpRequest, category: str, phone: str = "", employer_id: int | None = None,
                    employer_name: str = "") -> list[DuplicateOut]:
    _staff(request)
    rows = selectors.case_find_duplicates(
        phone=phone, employer=selectors.employer_for_case(employer_id=employer_id), employer_name=employer_name,
        category=category,
    )[:10]
    return [DuplicateOut(number=c.number, status=c.status, union_name=c.union.name, created_at=c.created_at) for c in rows]


@router.get("/stats", response=StatsOut, summary="诉求统计")
def case_stats(request: HttpRequest) -> StatsOut:
    return StatsOut(**selectors.case_stats(user=_staff(request)).as_dict())


@router.get("/by-number/{number}", response=CaseDetailOut, summary="按编号查询")
def case_get_by_number(request: HttpRequest, number: str) -> CaseDetailOut:
    _staff(request)
    case = selectors.case_get_by_number_for_user(user=request.user, number=number)
    return _detail(_fresh(request, case.pk))


@router.get("/lawyers", response=list[LawyerOut], summary="律师与法律志愿者名册")
def lawyer_list(request: HttpRequest, speciality: str = "") -> list[LawyerOut]:
    rows = selectors.lawyer_list_for_user(user=_staff(request), speciality=speciality[:20])[:200]
    return [LawyerOut(id=x.pk, name=x.name, kind=x.kind, firm=x.firm, specialities=x.specialities, union_id=x.union_id) for x in rows]


@router.get("/letters/{letter_id}", response=LetterOut, summary="一函两书详情")
def letter_get(request: HttpRequest, letter_id: int) -> LetterOut:
    return _letter_out(selectors.letter_get_for_user(user=_staff(request), letter_id=letter_id))


@router.post("/letters/{letter_id}/{action}", response=LetterOut, summary="一函两书送达、回复、跟踪")
def letter_act(request: HttpRequest, letter_id: int, action: str, payload: TextIn) -> LetterOut:
    letter = selectors.letter_get_for_user(user=_staff(request), letter_id=letter_id)
    if action == "deliver":
        letter = legal_services.letter_deliver(letter=letter, method=payload.text, by=request.user)
    elif action == "respond":
        letter = legal_services.letter_response_record(letter=letter, response=payload.text, by=request.user)
    elif action == "follow-up":
        letter = legal_services.letter_follow_up(letter=letter, note=payload.text, by=request.user)
    else:
        raise NotFound()
    return _letter_out(letter)


def _letter_out(letter: Any) -> LetterOut:
    return LetterOut(id=letter.pk, number=letter.number, kind=letter.kind, status=letter.status,
                     recipient=letter.recipient, response_due=letter.response_due,
                     response_due_provisional=letter.response_due_provisional, case_id=letter.case_id)


# --- one case (staff) ---------------------------------------------------------------------


@router.get("/{case_id}", response=CaseDetailOut, summary="诉求详情（工作人员）")
def case_get(request: HttpRequest, case_id: int) -> CaseDetailOut:
    _staff(request)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/accept", response=CaseDetailOut, summary="受理")
def case_accept(request: HttpRequest, case_id: int) -> CaseDetailOut:
    services.case_accept(case=_fresh(request, case_id), by=request.user)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/assign", response=CaseDetailOut, summary="分派")
def case_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> CaseDetailOut:
    case = _fresh(request, case_id)
    services.case_assign(case=case, assignee=selectors.assignee_for_case(case=case, user_id=payload.assignee_id), by=request.user)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/notes", response=CaseDetailOut, summary="备注或公开回复")
def case_note(request: HttpRequest, case_id: int, payload: NoteIn) -> CaseDetailOut:
    services.case_note_add(case=_fresh(request, case_id), by=request.user, body=payload.body, public=payload.public)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/attachments", response={201: list[AttachmentOut]}, summary="上传附件（工作人员）")
def case_attachments(request: HttpRequest, case_id: int, files: list[UploadedFile] = File(...)) -> Status[list[AttachmentOut]]:  # noqa: B008
    rows = services.case_attachment_add(case=_fresh(request, case_id), by=request.user, uploads=files)
    return Status(201, _attachments_out(rows))


@router.post("/{case_id}/request-info", response=CaseDetailOut, summary="请职工补充材料")
def case_request_info(request: HttpRequest, case_id: int, payload: TextIn) -> CaseDetailOut:
    services.case_request_info(case=_fresh(request, case_id), by=request.user, note=payload.text)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/transfer", response=CaseOut, summary="转办")
def case_transfer(request: HttpRequest, case_id: int, payload: TransferIn) -> dict[str, Any]:
    case = _fresh(request, case_id)  # the case first: another branch's case is a 404 whatever the body says
    try:
        to_union = selectors.union_for_transfer(union_id=payload.to_union_id)
    except NotFound as exc:  # a bad target is the caller's input, not a missing case
        raise ValidationFailed(_("未找到要转办的工会。"), code="union_not_found", field="to_union_id") from exc
    return CaseOut.from_case(services.case_transfer(case=case, to_union=to_union, by=request.user, reason=payload.reason))


@router.post("/{case_id}/resolve", response=CaseDetailOut, summary="办结")
def case_resolve(request: HttpRequest, case_id: int, payload: ResolveIn) -> CaseDetailOut:
    services.case_resolve(case=_fresh(request, case_id), by=request.user, outcome=payload.outcome,
                          recovered_fen=payload.recovered_fen, people_paid=payload.people_paid)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/close", response=CaseDetailOut, summary="回访结案")
def case_close(request: HttpRequest, case_id: int) -> CaseDetailOut:
    services.case_close(case=_fresh(request, case_id), by=request.user)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/rate", response=CaseDetailOut, summary="记录回访评价")
def case_rate(request: HttpRequest, case_id: int, payload: RateIn) -> CaseDetailOut:
    services.case_rate(case=_fresh(request, case_id), by=request.user, rating=payload.rating, comment=payload.comment)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/supervise", response={201: SuperviseOut}, summary="督办")
def case_supervise(request: HttpRequest, case_id: int, payload: SuperviseIn) -> Status[SuperviseOut]:
    row = services.supervision_create(case=_fresh(request, case_id), by=request.user, note=payload.note, due_on=payload.due_on)
    return Status(201, SuperviseOut(id=row.pk, by_union_id=row.by_union_id, due_on=row.due_on))


@router.post("/{case_id}/lawyer/{lawyer_id}", response=CaseDetailOut, summary="指派律师")
def case_lawyer(request: HttpRequest, case_id: int, lawyer_id: int) -> CaseDetailOut:
    lawyer = selectors.lawyer_get_for_user(user=request.user, lawyer_id=lawyer_id)
    legal_services.case_lawyer_assign(case=_fresh(request, case_id), lawyer=lawyer, by=request.user)
    return _detail(_fresh(request, case_id))


@router.post("/{case_id}/legal-aid", response=CaseDetailOut, summary="法律援助审查")
def case_legal_aid(request: HttpRequest, case_id: int, payload: LegalAidIn) -> CaseDetailOut:
    lawyer = selectors.lawyer_get_for_user(user=request.user, lawyer_id=payload.lawyer_id) if payload.lawyer_id else None
    legal_services.legal_aid_decide(case=_fresh(request, case_id), eligible=payload.eligible, reason=payload.reason,
                                    lawyer=lawyer, by=request.user)
    return _detail(_fresh(request, case_id))


def _mediation_out(m: Any) -> MediationOut:
    return MediationOut(id=m.pk, outcome=m.outcome, agreed_fen=m.agreed_fen, arbitration_ref=m.arbitration_ref,
                        sessions=m.sessions.count())


@router.post("/{case_id}/mediation", response={201: MediationOut}, summary="调解立案")
def case_mediation_open(request: HttpRequest, case_id: int, payload: MediationIn) -> Status[MediationOut]:
    mediator = selectors.lawyer_get_for_user(user=request.user, lawyer_id=payload.mediator_id) if payload.mediator_id else None
    m = legal_services.mediation_open(case=_fresh(request, case_id), applicant=payload.applicant,
                                      respondent=payload.respondent, mediator=mediator, claim_fen=payload.claim_fen,
                                      by=request.user)
    return Status(201, _mediation_out(m))


@router.post("/{case_id}/mediation/sessions", response={201: MediationOut}, summary="记录调解会")
def case_mediation_session(request: HttpRequest, case_id: int, payload: MediationSessionIn) -> Status[MediationOut]:
    session = legal_services.mediation_session_add(case=_fresh(request, case_id), held_on=payload.held_on,
                                                   place=payload.place, notes=payload.notes, by=request.user)
    return Status(201, _mediation_out(session.mediation))


@router.post("/{case_id}/mediation/conclude", response=MediationOut, summary="结束调解")
def case_mediation_conclude(request: HttpRequest, case_id: int, payload: MediationConcludeIn) -> MediationOut:
    m = legal_services.mediation_conclude(case=_fresh(request, case_id), outcome=payload.outcome,
                                          agreement=payload.agreement, agreed_fen=payload.agreed_fen,
                                          arbitration_ref=payload.arbitration_ref, by=request.user)
    return _mediation_out(m)


@router.post("/{case_id}/letters", response={201: LetterOut}, summary="制发一函两书")
def case_letter(request: HttpRequest, case_id: int, payload: LetterIn) -> Status[LetterOut]:
    letter = legal_services.letter_issue(case=_fresh(request, case_id), kind=payload.kind, recipient=payload.recipient,
                                         subject=payload.subject, body=payload.body,
                                         response_workdays=payload.response_workdays, by=request.user)
    return Status(201, _letter_out(letter))

