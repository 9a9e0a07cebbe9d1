"""Jobs API: the public search and a posting, a worker's recommendations, applying and
applications; for partners (platform companies, public employment services, with an API
token of a staff account) posting jobs and reading their postings and placements."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.paging import Limit200, Offset

from . import selectors, services
from .models import JobApplication, JobFair, Placement, Posting, TrainingEnrolment, TrainingOrder
from .schemas import (
    JobApplicationOut,
    JobsApplicantOut,
    JobsCheckinIn,
    JobsCloseIn,
    JobsFairOut,
    JobsFairRegistrationOut,
    JobsFairSummaryOut,
    JobsPlacementOut,
    JobsPostingEditIn,
    JobsPostingIn,
    JobsPostingOut,
    JobsStageIn,
    JobsTrainingEnrolIn,
    JobsTrainingEnrolmentOut,
    JobsTrainingOrderDetailOut,
    JobsTrainingOrderIn,
    JobsTrainingOrderOut,
    JobSuggestionOut,
)
from .services import ABSURD_MONTHLY as ABSURD

router = Router()
PayFloor = Annotated[int, Field(ge=0, le=ABSURD, description="月薪下限（分）")]


def _posting_out(p: Posting) -> dict[str, Any]:
    return {"id": p.pk, "title": p.title, "employer": p.employer.name, "trade": p.trade, "region_code": p.region_id,
            "region": p.region.name, "pay_min": p.pay_min, "pay_max": p.pay_max, "pay_unit": p.pay_unit,
            "hours": p.hours, "contract": p.contract, "requirements": p.requirements, "skills": p.skills,
            "openings": p.openings, "closes_on": p.closes_on, "status": p.status, "status_label": p.get_status_display(),
            "flags": p.flags, "published_at": p.published_at}


def _application_out(a: JobApplication) -> dict[str, Any]:
    return {"id": a.pk, "posting_id": a.posting_id, "title": a.posting.title, "employer": a.posting.employer.name,
            "stage": a.stage, "stage_label": a.get_stage_display(), "created_at": a.created_at,
            "stage_changed_at": a.stage_changed_at}


def _placement_out(p: Placement) -> dict[str, Any]:
    return {"id": p.pk, "employer": p.employer.name, "employer_uscc": p.employer.uscc,
            "posting_id": p.application.posting_id if p.application else None, "started_on": p.started_on,
            "due_3m": p.due_3m, "due_6m": p.due_6m, "status_3m": p.status_3m, "status_6m": p.status_6m}


@router.get("/postings", response=list[JobsPostingOut], auth=None, summary="搜索招聘中的岗位",
            description="q：关键词（中文或拼音首字母，匹配岗位名称任意位置）；place：区划代码（省/市/区县）；"
                        "trade：工种；pay_min：月薪下限（分）。按发布时间从新到旧。")
def posting_search(request: HttpRequest, q: str = "", place: str = "", trade: str = "", pay_min: PayFloor = 0,
                   limit: Limit200 = 20, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_posting_out(p) for p in selectors.posting_search(q=q[:20], place=place[:6], trade=trade[:16],
                                                               pay_min=max(0, pay_min), limit=limit, offset=offset)]


@router.get("/postings/{int:posting_id}", response=JobsPostingOut, auth=None, summary="岗位详情")
def posting_detail(request: HttpRequest, posting_id: int) -> dict[str, Any]:
    return _posting_out(selectors.posting_get_public(posting_id=posting_id))


@router.post("/postings", response={201: JobsPostingOut}, auth=session_or_token, summary="合作方发布岗位",
             description="以工作人员账号的接口令牌调用；union_id 为该账号有权管理的工会，单位须在其服务范围内。"
                         "发布前核对最低工资与歧视性要求：被拒绝时返回 422 问题文档（code 为 below_minimum_wage、"
                         "discriminatory、pay_min_over_max、closes_in_past、pay_absurd 等）；需人工审核时状态为 review。")
def posting_create(request: HttpRequest, payload: JobsPostingIn) -> Status:
    employer = selectors.employer_choices_for_user(user=request.user).filter(uscc=payload.employer_uscc.upper()).first()
    if employer is None:
        raise ValidationFailed(_("未找到该统一社会信用代码的单位，或不在您的服务范围内。"), code="employer_unknown",
                               field="employer_uscc")
    union = selectors.union_choices_for_user(user=request.user).filter(pk=payload.union_id).first()
    region = selectors.region_get(code=payload.region_code)
    if union is None:
        raise NotFound()
    posting = services.posting_create(
        actor=request.user, employer=employer, union=union, title=payload.title, trade=payload.trade, region=region,
        address=payload.address, pay_min=payload.pay_min, pay_max=payload.pay_max, pay_unit=payload.pay_unit,
        hours=payload.hours, contract=payload.contract, requirements=payload.requirements, skills=payload.skills,
        openings=payload.openings, closes_on=payload.closes_on,
    )
    return Status(201, _posting_out(posting))


@router.get("/manage/postings", response=list[JobsPostingOut], auth=session_or_token, summary="本工会的岗位（含审核状态）")
def posting_list_managed(request: HttpRequest, status: str = "", limit: Limit200 = 50,
                          offset: Offset = 0) -> list[dict[str, Any]]:
    qs = selectors.posting_list_for_user(user=request.user, status=status[:10])
    return [_posting_out(p) for p in qs[offset:offset + limit]]


@router.get("/manage/postings/{int:posting_id}", response=JobsPostingOut, auth=session_or_token, summary="本工会的岗位详情")
def posting_managed(request: HttpRequest, posting_id: int) -> dict[str, Any]:
    return _posting_out(selectors.posting_get_for_user(user=request.user, posting_id=posting_id))


@router.get("/placements", response=list[JobsPlacementOut], auth=session_or_token, summary="就业安置与回访状态")
def placement_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    qs = selectors.placement_list_for_user(user=request.user).select_related("application")
    return [_placement_out(p) for p in qs[offset:offset + limit]]


@router.get("/placements/{int:placement_id}", response=JobsPlacementOut, auth=session_or_token, summary="一条就业安置")
def placement_detail(request: HttpRequest, placement_id: int) -> dict[str, Any]:
    return _placement_out(selectors.placement_get_for_user(user=request.user, placement_id=placement_id))


@router.get("/me/recommendations", response=list[JobSuggestionOut], auth=session_or_token, summary="为我推荐的岗位",
            description="按推荐分排序（满分100：工种35、技能20、距离20、工资15、新鲜度10），附推荐理由。")
def my_recommendations(request: HttpRequest) -> list[dict[str, Any]]:
    seeker = selectors.seeker_of(user=request.user)
    if seeker is None:
        raise ValidationFailed(_("请先填写求职登记。"), code="profile_required")
    return [{"posting": _posting_out(s.posting), "score": s.score, "reasons": s.reasons,
             "parts": {k: round(v, 2) for k, v in s.parts.items()}} for s in selectors.recommendations(seeker=seeker)]


@router.post("/postings/{int:posting_id}/apply", response={201: JobApplicationOut}, auth=session_or_token,
             summary="一键投递")
def posting_apply(request: HttpRequest, posting_id: int) -> Status:
    posting = selectors.posting_get_public(posting_id=posting_id)
    return Status(201, _application_out(services.application_create(user=request.user, posting=posting)))


@router.get("/me/applications", response=list[JobApplicationOut], auth=session_or_token, summary="我的求职进度")
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    return [_application_out(a) for a in selectors.applications_of(user=request.user)[:100]]


# --- editing a posting (staff / partners, and recruiters) -------------------------------------


def _posting_update(request: HttpRequest, posting: Posting, payload: JobsPostingEditIn) -> dict[str, Any]:
    region = selectors.region_get(code=payload.region_code)
    updated = services.posting_update(
        actor=request.user, posting=posting, title=payload.title, trade=payload.trade, region=region,
        address=payload.address, pay_min=payload.pay_min, pay_max=payload.pay_max, pay_unit=payload.pay_unit,
        hours=payload.hours, contract=payload.contract, requirements=payload.requirements, skills=payload.skills,
        openings=payload.openings, closes_on=payload.closes_on)
    updated = selectors.posting_with_place(posting_id=updated.pk)
    return _posting_out(updated)


@router.put("/manage/postings/{int:posting_id}", response=JobsPostingOut, auth=session_or_token, summary="修改岗位",
            description="与发布时相同的核对（最低工资、歧视性要求）：不通过返回 422，内容不变；有审核提示时回到 review。"
                        "工资、工时、地点、用工形式、名称或工种有变化时，仍在应聘的求职者会收到通知。")
def posting_update_managed(request: HttpRequest, posting_id: int, payload: JobsPostingEditIn) -> dict[str, Any]:
    posting = selectors.posting_get_for_user(user=request.user, posting_id=posting_id, action="change")
    return _posting_update(request, posting, payload)


# --- recruiters (employer accounts) -----------------------------------------------------------


def _applicant_out(a: JobApplication) -> dict[str, Any]:
    order = list(JobApplication.Stage.values)
    return {"id": a.pk, "posting_id": a.posting_id, "name": a.seeker.name, "phone": a.seeker.phone,
            "region": a.seeker.region.name, "trades": a.seeker.trades, "skills": a.seeker.skills,
            "certificates": [{"serial": c.serial, "course": c.course, "trade": c.trade, "level": c.level,
                              "issued_on": c.issued_on} for c in getattr(a, "certificates", [])],
            "stage": a.stage, "stage_label": a.get_stage_display(),
            "next_stages": sorted(JobApplication.EDGES[a.stage], key=order.index),
            "created_at": a.created_at, "stage_changed_at": a.stage_changed_at}


@router.get("/employer/postings", response=list[JobsPostingOut], auth=session_or_token, summary="单位招聘：本单位的岗位",
            description="单位招聘账号（工会开通）调用；只返回其单位的岗位。")
def recruiter_postings(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_posting_out(p) for p in selectors.recruiter_postings(user=request.user)[offset:offset + limit]]


@router.put("/employer/postings/{int:posting_id}", response=JobsPostingOut, auth=session_or_token,
            summary="单位招聘：修改岗位")
def recruiter_posting_update(request: HttpRequest, posting_id: int, payload: JobsPostingEditIn) -> dict[str, Any]:
    posting = selectors.recruiter_posting_get(user=request.user, posting_id=posting_id)
    return _posting_update(request, posting, payload)


@router.post("/employer/postings/{int:posting_id}/close", response=JobsPostingOut, auth=session_or_token,
             summary="单位招聘：关闭岗位（filled=true 为已招满）")
def recruiter_posting_close(request: HttpRequest, posting_id: int, payload: JobsCloseIn) -> dict[str, Any]:
    posting = selectors.recruiter_posting_get(user=request.user, posting_id=posting_id)
    services.posting_close(actor=request.user, posting=posting, filled=payload.filled)
    return _posting_out(selectors.recruiter_posting_get(user=request.user, posting_id=posting_id))


@router.get("/employer/postings/{int:posting_id}/applications", response=list[JobsApplicantOut],
            auth=session_or_token, summary="单位招聘：岗位的求职申请",
            description="只含本单位岗位的申请；certificates 为求职者在技能云取得的有效证书（已核验）。")
def recruiter_applications(request: HttpRequest, posting_id: int, limit: Limit200 = 50,
                           offset: Offset = 0) -> list[dict[str, Any]]:
    posting = selectors.recruiter_posting_get(user=request.user, posting_id=posting_id)
    rows = list(selectors.recruiter_applications(user=request.user, posting=posting)[offset:offset + limit])
    return [_applicant_out(a) for a in selectors.with_certificates(rows)]


@router.post("/employer/applications/{int:job_application_id}/stage", response=JobsApplicantOut,
             auth=session_or_token, summary="单位招聘：推进求职者进度",
             description="stage：interview、offer、hired、declined（按 next_stages）；hired 时记录就业安置，"
                         "started_on 为上岗日期（默认今天）。求职者会收到通知。")
def recruiter_application_move(request: HttpRequest, job_application_id: int, payload: JobsStageIn) -> dict[str, Any]:
    application = selectors.recruiter_application_get(user=request.user, job_application_id=job_application_id)
    services.application_move(actor=request.user, application=application, to=payload.stage, note=payload.note,
                              started_on=payload.started_on)
    moved = selectors.recruiter_application_get(user=request.user, job_application_id=job_application_id)
    moved = selectors.application_with_seeker(job_application_id=moved.pk)
    return _applicant_out(selectors.with_certificates([moved])[0])


# --- job fairs --------------------------------------------------------------------------------


def _fair_out(fair: JobFair, *, booths: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": fair.pk, "name": fair.name, "kind": fair.kind, "kind_label": fair.get_kind_display(),
                           "place": fair.place, "starts_on": fair.starts_on, "ends_on": fair.ends_on,
                           "union": fair.union.name, "booths": []}
    if booths:
        out["booths"] = [{"number": b.number, "employer": b.employer.name,
                          "posting_ids": [p.pk for p in b.open_postings]}  # type: ignore[attr-defined]
                         for b in selectors.fair_booths(fair=fair)]
    return out


@router.get("/fairs", response=list[JobsFairOut], auth=None, summary="招聘会（未结束的）")
def fair_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_fair_out(f) for f in selectors.fair_list_public()[offset:offset + limit]]


@router.get("/fairs/{int:fair_id}", response=JobsFairOut, auth=None, summary="招聘会详情（展位与招聘中的岗位）")
def fair_detail(request: HttpRequest, fair_id: int) -> dict[str, Any]:
    return _fair_out(selectors.fair_get_public(fair_id=fair_id), booths=True)


@router.post("/fairs/{int:fair_id}/registration", response={201: JobsFairRegistrationOut}, auth=session_or_token,
             summary="报名招聘会（返回签到码）", description="需先有求职登记；重复报名返回同一签到码。")
def fair_register(request: HttpRequest, fair_id: int) -> Status:
    registration = services.fair_register(user=request.user, fair=selectors.fair_get_public(fair_id=fair_id))
    return Status(201, {"fair_id": registration.fair_id, "token": registration.token,
                        "checked_in_at": registration.checked_in_at})


@router.post("/fairs/{int:fair_id}/postings/{int:posting_id}/apply", response={201: JobApplicationOut},
             auth=session_or_token, summary="在招聘会上投递（计入该招聘会）")
def fair_apply(request: HttpRequest, fair_id: int, posting_id: int) -> Status:
    fair = selectors.fair_get_public(fair_id=fair_id)
    posting = selectors.posting_get_public(posting_id=posting_id)
    return Status(201, _application_out(services.application_create(user=request.user, posting=posting, fair=fair)))


@router.post("/manage/fairs/{int:job_fair_id}/checkins", response=JobsFairRegistrationOut, auth=session_or_token,
             summary="招聘会签到（工作人员扫码）", description="同一签到码再次签到不改变任何记录。")
def fair_checkin(request: HttpRequest, job_fair_id: int, payload: JobsCheckinIn) -> dict[str, Any]:
    fair = selectors.fair_get_for_user(user=request.user, job_fair_id=job_fair_id)
    registration = services.fair_checkin(actor=request.user, fair=fair, token=payload.token)
    return {"fair_id": registration.fair_id, "token": registration.token, "checked_in_at": registration.checked_in_at}


@router.get("/manage/fairs/{int:job_fair_id}/summary", response=JobsFairSummaryOut, auth=session_or_token,
            summary="招聘会汇总（报名、签到、投递、面试、录用、入职）")
def fair_summary(request: HttpRequest, job_fair_id: int) -> dict[str, int]:
    return selectors.fair_summary(fair=selectors.fair_get_for_user(user=request.user, job_fair_id=job_fair_id))


# --- training to order (订单式培训) -------------------------------------------------------------


def _training_order_out(order: TrainingOrder, summary: dict[str, int]) -> dict[str, Any]:
    return {"id": order.pk, "union": order.union.name, "employer": order.employer.name, "posting_id": order.posting_id,
            "name": order.name, "trade": order.trade, "demand": order.demand, "seats": order.seats,
            "starts_on": order.starts_on, "ends_on": order.ends_on, "place": order.place, "teacher": order.teacher,
            "course": order.course.title if order.course_id else "", "status": order.status,  # type: ignore[union-attr]
            "status_label": order.get_status_display(), "enrolled": summary["enrolled"],
            "completed": summary["completed"], "placed": summary["placed"]}


def _training_enrolment_out(e: TrainingEnrolment) -> dict[str, Any]:
    return {"id": e.pk, "training_order_id": e.order_id, "seeker_id": e.seeker_id, "seeker": e.seeker.name_masked,
            "status": e.status, "status_label": e.get_status_display(), "completed_on": e.completed_on,
            "certificate_serial": e.certificate.serial if e.certificate_id else "",  # type: ignore[union-attr]
            "placement_id": e.placement_id}


def _training_detail(order: TrainingOrder) -> dict[str, Any]:
    return {**_training_order_out(order, selectors.training_summary(order=order)),
            "enrolments": [_training_enrolment_out(e) for e in selectors.training_enrolments(order=order)[:1000]]}


@router.get("/training/orders", response=list[JobsTrainingOrderOut], auth=session_or_token,
            summary="订单式培训班（本工会及下级）")
def training_order_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    rows = selectors.training_order_list_for_user(user=request.user)[offset:offset + limit]
    return [_training_order_out(o, _counted(o)) for o in rows]


def _counted(order: Any) -> dict[str, int]:
    return {"enrolled": order.n_enrolled, "completed": order.n_completed, "placed": order.n_placed}


@router.post("/training/orders", response={201: JobsTrainingOrderDetailOut}, auth=session_or_token,
             summary="按单位需求开设培训班", description="单位、工会、课程和岗位须在本工会范围内；结业后安置到该单位。")
def training_order_create(request: HttpRequest, payload: JobsTrainingOrderIn) -> Status:
    user = request.user
    union = selectors.union_choices_for_user(user=user).filter(pk=payload.union_id).first()
    if union is None:
        raise ValidationFailed(_("工会不存在或不在您的管理范围内。"), code="union_unknown", field="union_id")
    employer = selectors.employer_choices_for_user(user=user).filter(pk=payload.employer_id).first()
    if employer is None:
        raise ValidationFailed(_("该单位不在本工会服务范围内，或尚未登记。"), code="employer_unknown", field="employer_id")
    course = None
    if payload.course_id is not None:
        course = selectors.course_choices().filter(pk=payload.course_id).first()
        if course is None:
            raise ValidationFailed(_("所选技能云课程不存在或尚未发布。"), code="course_unknown", field="course_id")
    posting = None
    if payload.posting_id is not None:
        posting = selectors.posting_choices_for_user(user=user).filter(pk=payload.posting_id).first()
        if posting is None:
            raise ValidationFailed(_("对应岗位不存在、已关闭或不在您的管理范围内。"), code="posting_unknown",
                                   field="posting_id")
    order = services.training_order_create(
        actor=user, union=union, employer=employer, name=payload.name, trade=payload.trade, demand=payload.demand,
        seats=payload.seats, starts_on=payload.starts_on, ends_on=payload.ends_on, teacher=payload.teacher,
        place=payload.place, course=course, posting=posting)
    order = selectors.training_order_get_for_user(user=user, training_order_id=order.pk)
    return Status(201, _training_detail(order))


@router.get("/training/orders/{int:training_order_id}", response=JobsTrainingOrderDetailOut, auth=session_or_token,
            summary="培训班详情与学员")
def training_order_detail(request: HttpRequest, training_order_id: int) -> dict[str, Any]:
    return _training_detail(selectors.training_order_get_for_user(user=request.user,
                                                                  training_order_id=training_order_id))


@router.post("/training/orders/{int:training_order_id}/close", response=JobsTrainingOrderDetailOut,
             auth=session_or_token, summary="结班（不再招收学员）")
def training_order_close(request: HttpRequest, training_order_id: int) -> dict[str, Any]:
    order = selectors.training_order_get_for_user(user=request.user, training_order_id=training_order_id)
    services.training_order_close(actor=request.user, order=order)
    return _training_detail(selectors.training_order_get_for_user(user=request.user,
                                                                  training_order_id=training_order_id))


@router.post("/training/orders/{int:training_order_id}/enrolments", response={201: JobsTrainingEnrolmentOut},
             auth=session_or_token, summary="为本工会服务的求职者报名")
def training_order_enrol(request: HttpRequest, training_order_id: int, payload: JobsTrainingEnrolIn) -> Status:
    order = selectors.training_order_get_for_user(user=request.user, training_order_id=training_order_id)
    try:
        seeker = selectors.seeker_get_for_user(user=request.user, seeker_id=payload.seeker_id)
    except NotFound:
        # The class was found: an unknown trainee is bad input, not a missing class.
        raise ValidationFailed(_("求职者编号不存在，或不在您的服务范围内。"), code="seeker_unknown",
                               field="seeker_id") from None
    enrolment = services.training_enrol(actor=request.user, order=order, seeker=seeker)
    return Status(201, _training_enrolment_out(selectors.training_enrolment_get_for_user(
        user=request.user, training_enrolment_id=enrolment.pk)))


def _training_step(request: HttpRequest, training_enrolment_id: int, step: Any) -> dict[str, Any]:
    enrolment = selectors.training_enrolment_get_for_user(user=request.user, training_enrolment_id=training_enrolment_id)
    step(actor=request.user, enrolment=enrolment)
    return _training_enrolment_out(selectors.training_enrolment_get_for_user(
        user=request.user, training_enrolment_id=training_enrolment_id))


@router.post("/training/enrolments/{int:training_enrolment_id}/complete", response=JobsTrainingEnrolmentOut,
             auth=session_or_token, summary="学员结业（计一人次技能培训）",
             description="培训班关联技能云课程时，须有该课程的有效证书。")
def training_enrolment_complete(request: HttpRequest, training_enrolment_id: int) -> dict[str, Any]:
    return _training_step(request, training_enrolment_id, services.training_complete)


@router.post("/training/enrolments/{int:training_enrolment_id}/place", response=JobsTrainingEnrolmentOut,
             auth=session_or_token, summary="结业学员到订单单位上岗（就业安置，3、6个月回访）")
def training_enrolment_place(request: HttpRequest, training_enrolment_id: int) -> dict[str, Any]:
    return _training_step(request, training_enrolment_id, services.training_place)


@router.post("/training/enrolments/{int:training_enrolment_id}/drop", response=JobsTrainingEnrolmentOut,
             auth=session_or_token, summary="学员退训（空出名额）")
def training_enrolment_drop(request: HttpRequest, training_enrolment_id: int) -> dict[str, Any]:
    return _training_step(request, training_enrolment_id, services.training_drop)


@router.get("/training/open", response=list[JobsTrainingOrderOut], auth=None, summary="正在招收学员的培训班")
def training_open_list(request: HttpRequest, limit: Limit200 = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [_training_order_out(o, _counted(o)) for o in selectors.training_list_public_counted()[offset:offset + limit]]


@router.post("/training/open/{int:training_order_id}/join", response={201: JobsTrainingEnrolmentOut},
             auth=session_or_token, summary="我报名培训班", description="需先有求职登记；名额满或已结班时不能报名。")
def training_join(request: HttpRequest, training_order_id: int) -> Status:
    order = selectors.training_get_public(training_order_id=training_order_id)
    seeker = selectors.seeker_of(user=request.user)
    if seeker is None:
        raise ValidationFailed(_("请先填写求职登记。"), code="profile_required")
    enrolment = services.training_enrol(actor=request.user, order=order, seeker=seeker)
    return Status(201, _training_enrolment_out(selectors.training_enrolment_of(user=request.user,
                                                                               training_enrolment_id=enrolment.pk)))


@router.get("/me/trainings", response=list[JobsTrainingEnrolmentOut], auth=session_or_token, summary="我的培训")
def my_trainings(request: HttpRequest) -> list[dict[str, Any]]:
    return [_training_enrolment_out(e) for e in selectors.trainings_of(user=request.user)
            .select_related("seeker", "certificate")[:100]]
