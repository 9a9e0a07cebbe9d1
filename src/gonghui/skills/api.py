"""Skills API (/api/v1/skills/): the public course catalogue and certificate check; the
worker's learning (enrol, lessons, quizzes, the exam, 学时 and certificates), authoring for
model workers and craftsmen; 合理化建议 for workers (submit, follow, co-sign) and staff
(route, answer, implement, benefit, reward)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import Conflict, NotFound, ValidationFailed

from . import competitions as comp
from . import selection, selectors, services
from .models import (
    Attempt,
    Certificate,
    Competition,
    Course,
    Enrolment,
    Entry,
    Laureate,
    Nomination,
    Proposal,
    Selection,
)
from .schemas import (
    AnswersIn,
    AttemptOut,
    AttemptResultOut,
    BenefitIn,
    CertificateCheckOut,
    CosignOut,
    CourseDetailOut,
    CourseIn,
    CourseOut,
    DecideIn,
    EnrolmentOut,
    ImplementIn,
    LessonIn,
    LessonOut,
    ProposalIn,
    ProposalOut,
    QuestionIn,
    ReviewIn,
    RewardIn,
    RouteIn,
    SkillsCompetitionDetailOut,
    SkillsCompetitionOut,
    SkillsConfirmIn,
    SkillsEndorseIn,
    SkillsEntryIn,
    SkillsEntryOut,
    SkillsInnovationOut,
    SkillsJudgingEntryOut,
    SkillsLaureateDetailOut,
    SkillsLaureateHonourIn,
    SkillsLaureateIn,
    SkillsLaureateOut,
    SkillsLaureateQuery,
    SkillsNominationIn,
    SkillsNominationOut,
    SkillsNoticeEntryOut,
    SkillsNoticeStartIn,
    SkillsObjectionAnswerIn,
    SkillsObjectionIn,
    SkillsObjectionOut,
    SkillsQuotaIn,
    SkillsReviewIn,
    SkillsRevokeIn,
    SkillsRoundResultOut,
    SkillsSelectionIn,
    SkillsSelectionOut,
    SkillsSheetIn,
    SkillsSheetOut,
    SkillsStudioOut,
    SkillsTalkIn,
    SkillsWithdrawIn,
    StaffCourseOut,
    TranscriptOut,
)

router = Router()


class CatalogueQuery(Schema):
    q: str = Field(default="", max_length=40)
    trade: str = Field(default="", max_length=40)
    level: str = Field(default="", max_length=20)
    provider: str = Field(default="", max_length=12)
    series: str = Field(default="", max_length=60)
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)


def course_out(c: Course) -> dict[str, Any]:
    return {"id": c.pk, "title": c.title, "trade": c.trade, "level": c.level, "level_label": str(c.get_level_display()),
            "provider": c.provider, "provider_label": str(c.get_provider_display()), "series": c.series,
            "union": c.union.name, "author": str(c.author), "academy": c.academy.name if c.academy else "",
            "hours": c.hours, "pass_mark": c.pass_mark}


def course_detail_out(c: Course) -> dict[str, Any]:
    lessons = [{"id": lesson.pk, "order": lesson.order, "title": lesson.title, "kind": lesson.kind,
                "video_url": lesson.video_url, "file_url": lesson.upload.url if lesson.upload else "",
                "has_quiz": bool(getattr(lesson, "quiz", 0))} for lesson in selectors.lessons_of(course=c)]
    return {**course_out(c), "description": c.description, "exam_questions": c.exam_questions,
            "exam_minutes": c.exam_minutes, "lessons": lessons}


@router.get("/courses", response=list[CourseOut], auth=None, summary="课程目录（支持中文与拼音首字母搜索）")
def course_catalogue(request: HttpRequest, filters: Query[CatalogueQuery]) -> list[dict[str, Any]]:
    qs = selectors.course_search(q=filters.q, trade=filters.trade, level=filters.level, provider=filters.provider,
                                 series=filters.series)
    return [course_out(c) for c in qs[filters.offset:filters.offset + filters.limit]]


@router.get("/courses/{int:course_id}", response=CourseDetailOut, auth=None, summary="课程详情")
def course_detail(request: HttpRequest, course_id: int) -> dict[str, Any]:
    return course_detail_out(selectors.course_get_published(course_id=course_id))


@router.post("/courses/{int:course_id}/enrol", response=EnrolmentOut, auth=session_or_token, summary="报名学习")
def course_enrol(request: HttpRequest, course_id: int) -> dict[str, Any]:
    course = selectors.course_get_published(course_id=course_id)
    return enrolment_out(services.enrol(course=course, user=request.user))


def enrolment_out(e: Enrolment) -> dict[str, Any]:
    cert = selectors.certificate_id_of(enrolment=e)
    return {"id": e.pk, "course_id": e.course_id, "course": e.course.title, "last_lesson_id": e.last_lesson_id,
            "lessons_done": sorted(selectors.lessons_done_ids(enrolment=e)), "completed_at": e.completed_at,
            "hours_earned": e.hours_earned, "certificate_id": cert}


@router.get("/me/enrolments", response=list[EnrolmentOut], auth=session_or_token, summary="我的学习")
def my_enrolments(request: HttpRequest) -> list[dict[str, Any]]:
    return [enrolment_out(e) for e in selectors.enrolments_of_user(user=request.user)[:100]]


@router.get("/me/enrolments/{int:enrolment_id}", response=EnrolmentOut, auth=session_or_token, summary="学习进度（从上次停下处继续）")
def my_enrolment(request: HttpRequest, enrolment_id: int) -> dict[str, Any]:
    return enrolment_out(selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id))


@router.post("/me/enrolments/{int:enrolment_id}/lessons/{int:lesson_id}/open", response=EnrolmentOut,
             auth=session_or_token, summary="打开课时（记住学到哪里）")
def my_lesson_open(request: HttpRequest, enrolment_id: int, lesson_id: int) -> dict[str, Any]:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    lesson = selectors.lesson_get_in(enrolment=enrolment, lesson_id=lesson_id)
    return enrolment_out(services.lesson_open(enrolment=enrolment, lesson=lesson))


@router.post("/me/enrolments/{int:enrolment_id}/lessons/{int:lesson_id}/complete", response=EnrolmentOut,
             auth=session_or_token, summary="学完课时（无测验的课时）")
def my_lesson_complete(request: HttpRequest, enrolment_id: int, lesson_id: int) -> dict[str, Any]:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    lesson = selectors.lesson_get_in(enrolment=enrolment, lesson_id=lesson_id)
    return enrolment_out(services.lesson_complete(enrolment=enrolment, lesson=lesson))


def attempt_out(a: Attempt) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "lesson_id": a.lesson_id, "due_at": a.due_at,
            "questions": [{"id": q.pk, "text": q.text, "options": q.options} for q in selectors.attempt_questions(attempt=a)]}


@router.post("/me/enrolments/{int:enrolment_id}/lessons/{int:lesson_id}/quiz", response=AttemptOut,
             auth=session_or_token, summary="开始课时测验")
def my_quiz_start(request: HttpRequest, enrolment_id: int, lesson_id: int) -> dict[str, Any]:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    lesson = selectors.lesson_get_in(enrolment=enrolment, lesson_id=lesson_id)
    return attempt_out(services.attempt_start(enrolment=enrolment, lesson=lesson))


@router.post("/me/enrolments/{int:enrolment_id}/exam", response=AttemptOut, auth=session_or_token,
             summary="开始结业考试（每次随机抽题，限时）")
def my_exam_start(request: HttpRequest, enrolment_id: int) -> dict[str, Any]:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    return attempt_out(services.attempt_start(enrolment=enrolment))


@router.post("/me/attempts/{int:attempt_id}/submit", response=AttemptResultOut, auth=session_or_token, summary="交卷")
def my_attempt_submit(request: HttpRequest, attempt_id: int, payload: AnswersIn) -> dict[str, Any]:
    attempt = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    result = services.attempt_submit(attempt=attempt, answers=payload.answers)
    return {"id": attempt.pk, "score": result.attempt.score or 0, "passed": result.attempt.passed,
            "correct": result.correct, "total": result.total,
            "certificate_id": result.certificate.pk if result.certificate else None}


def certificate_out(request: HttpRequest, c: Certificate) -> dict[str, Any]:
    return {"id": c.pk, "serial": c.serial, "course": c.enrolment.course.title, "hours": c.hours, "score": c.score,
            "issued_at": c.issued_at, "verify_url": request.build_absolute_uri(services.certificate_verify_url(c))}


@router.get("/me/transcript", response=TranscriptOut, auth=session_or_token, summary="我的学时与证书")
def my_transcript(request: HttpRequest) -> dict[str, Any]:
    t = selectors.transcript_of(user=request.user)
    return {"hours": t.hours, "courses_completed": t.courses_completed,
            "certificates": [certificate_out(request, c) for c in t.certificates]}


@router.get("/certificates/verify", response=CertificateCheckOut, auth=None, url_name="skills_certificate_verify",
            summary="核验结业证书（公开，姓名打码）")
def certificate_verify(request: HttpRequest, token: str = "") -> dict[str, Any]:
    if len(token) > 500:
        raise ValidationFailed(code="token_invalid", field="token")
    return services.certificate_verify(token=token).__dict__


# --- authoring (model workers and craftsmen) -----------------------------------------------------


def _author(request: HttpRequest) -> Any:
    author = selectors.author_of(user=request.user)
    if author is None:
        raise NotFound(code="not_author")
    return author


@router.post("/me/courses", response=StaffCourseOut, auth=session_or_token, summary="编写课程（劳模工匠）")
def my_course_create(request: HttpRequest, payload: CourseIn) -> dict[str, Any]:
    course = services.course_create(author=_author(request), **payload.dict())
    return staff_course_out(course)


@router.post("/me/courses/{int:course_id}/lessons", response=LessonOut, auth=session_or_token,
             summary="添加课时（外部视频链接或图文）")
def my_lesson_add(request: HttpRequest, course_id: int, payload: LessonIn) -> dict[str, Any]:
    course = selectors.course_get_authored(user=request.user, course_id=course_id)
    if payload.kind not in ("link", "text"):
        raise ValidationFailed(code="kind_invalid", field="kind")
    lesson = services.lesson_add(course=course, by=request.user, title=payload.title, kind=payload.kind,
                                 video_url=payload.video_url, body=payload.body)
    return {"id": lesson.pk, "order": lesson.order, "title": lesson.title, "kind": lesson.kind,
            "video_url": lesson.video_url, "file_url": "", "has_quiz": False}


@router.post("/me/courses/{int:course_id}/questions", response={201: None}, auth=session_or_token,
             summary="添加试题（课时测验或结业考试题库）")
def my_question_add(request: HttpRequest, course_id: int, payload: QuestionIn) -> Status[None]:
    course = selectors.course_get_authored(user=request.user, course_id=course_id)
    lesson = None
    if payload.lesson_id is not None:
        lesson = course.lessons.filter(pk=payload.lesson_id).first()
        if lesson is None:
            raise ValidationFailed(code="lesson_other_course", field="lesson_id")
    services.question_add(course=course, by=request.user, text=payload.text, options=payload.options,
                          answer=payload.answer, lesson=lesson)
    return Status(201, None)


@router.post("/me/courses/{int:course_id}/submit", response=StaffCourseOut, auth=session_or_token, summary="提交审核")
def my_course_submit(request: HttpRequest, course_id: int) -> dict[str, Any]:
    course = selectors.course_get_authored(user=request.user, course_id=course_id)
    return staff_course_out(services.course_submit(course=course, by=request.user))


# --- staff: review ------------------------------------------------------------------------------


def staff_course_out(c: Course) -> dict[str, Any]:
    return {**course_out(c), "status": c.status, "status_label": str(c.get_status_display()), "review_note": c.review_note}


@router.get("/staff/courses", response=list[StaffCourseOut], auth=session_or_token, summary="本级及下级工会的课程")
def staff_courses(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [staff_course_out(c) for c in selectors.course_list_for_user(user=request.user, status=status[:10])[:200]]


@router.post("/staff/courses/{int:course_id}/review", response=StaffCourseOut, auth=session_or_token,
             summary="审核课程：发布或退回")
def staff_course_review(request: HttpRequest, course_id: int, payload: ReviewIn) -> dict[str, Any]:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id, action="approve")
    return staff_course_out(services.course_review(course=course, actor=request.user, publish=payload.publish, note=payload.note))


# --- 合理化建议 -----------------------------------------------------------------------------------


def proposal_out(p: Proposal, *, public_only: bool = True) -> dict[str, Any]:
    events = selectors.proposal_events_public(proposal=p) if public_only else p.events.order_by("at", "pk")
    return {"id": p.pk, "number": p.number, "title": p.title, "problem": p.problem, "suggestion": p.suggestion,
            "expected_benefit": p.expected_benefit, "major": p.major, "status": p.status,
            "status_label": str(p.get_status_display()), "union": p.union.name, "due_on": p.due_on,
            "decision_reason": p.decision_reason, "implementation": p.implementation, "benefit_fen": p.benefit_fen,
            "benefit_verified_by": p.benefit_verified_by, "reward_fen": p.reward_fen, "cosigns": p.cosigns.count(),
            "events": [{"at": e.at, "status": e.status, "body": e.body} for e in events]}


@router.post("/me/proposals", response={201: ProposalOut}, auth=session_or_token, summary="提交合理化建议")
def my_proposal_submit(request: HttpRequest, payload: ProposalIn) -> Status[dict[str, Any]]:
    return Status(201, proposal_out(services.proposal_submit(user=request.user, **payload.dict())))


@router.get("/me/proposals", response=list[ProposalOut], auth=session_or_token, summary="我的合理化建议")
def my_proposals(request: HttpRequest) -> list[dict[str, Any]]:
    return [proposal_out(p) for p in selectors.proposals_of_user(user=request.user).select_related("union")[:100]]


@router.get("/me/proposals/{int:proposal_id}", response=ProposalOut, auth=session_or_token, summary="建议进展（每一步）")
def my_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return proposal_out(selectors.proposal_get_own(user=request.user, proposal_id=proposal_id))


@router.post("/me/cosigns/{int:proposal_id}", response=CosignOut, auth=session_or_token, summary="附议同事的建议")
def my_cosign(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = selectors.proposal_get_colleague(user=request.user, proposal_id=proposal_id)
    services.proposal_cosign(proposal=proposal, user=request.user)
    return {"proposal_id": proposal.pk, "cosigns": proposal.cosigns.count()}


@router.get("/staff/proposals", response=list[ProposalOut], auth=session_or_token, summary="建议队列（未答复的按期限排序）")
def staff_proposals(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    qs = selectors.proposal_queue_for_user(user=request.user, status=status[:12])
    return [proposal_out(p, public_only=False) for p in qs[:100]]


@router.get("/staff/proposals/{int:proposal_id}", response=ProposalOut, auth=session_or_token, summary="建议详情")
def staff_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return proposal_out(selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id), public_only=False)


def _staff_get(request: HttpRequest, proposal_id: int) -> Proposal:
    return selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id, action="change")


@router.post("/staff/proposals/{int:proposal_id}/route", response=ProposalOut, auth=session_or_token, summary="转交评审人")
def staff_proposal_route(request: HttpRequest, proposal_id: int, payload: RouteIn) -> dict[str, Any]:
    proposal = _staff_get(request, proposal_id)
    reviewer = selectors.reviewer_choices(proposal=proposal).filter(pk=payload.reviewer_id).first()
    return proposal_out(services.proposal_route(proposal=proposal, actor=request.user, reviewer=reviewer), public_only=False)


@router.post("/staff/proposals/{int:proposal_id}/decide", response=ProposalOut, auth=session_or_token, summary="答复：采纳或不采纳")
def staff_proposal_decide(request: HttpRequest, proposal_id: int, payload: DecideIn) -> dict[str, Any]:
    proposal = _staff_get(request, proposal_id)
    return proposal_out(services.proposal_decide(proposal=proposal, actor=request.user, adopt=payload.adopt,
                                                 reason=payload.reason), public_only=False)


@router.post("/staff/proposals/{int:proposal_id}/implement", response=ProposalOut, auth=session_or_token, summary="登记实施")
def staff_proposal_implement(request: HttpRequest, proposal_id: int, payload: ImplementIn) -> dict[str, Any]:
    proposal = _staff_get(request, proposal_id)
    return proposal_out(services.proposal_implement(proposal=proposal, actor=request.user, note=payload.note), public_only=False)


@router.post("/staff/proposals/{int:proposal_id}/benefit", response=ProposalOut, auth=session_or_token,
             summary="登记经济效益（分）与核定人")
def staff_proposal_benefit(request: HttpRequest, proposal_id: int, payload: BenefitIn) -> dict[str, Any]:
    proposal = _staff_get(request, proposal_id)
    return proposal_out(services.proposal_benefit_record(proposal=proposal, actor=request.user, benefit_fen=payload.benefit_fen,
                                                         verified_by=payload.verified_by), public_only=False)


@router.post("/staff/proposals/{int:proposal_id}/reward", response=ProposalOut, auth=session_or_token, summary="发放奖励（分）")
def staff_proposal_reward(request: HttpRequest, proposal_id: int, payload: RewardIn) -> dict[str, Any]:
    proposal = _staff_get(request, proposal_id)
    return proposal_out(services.proposal_reward(proposal=proposal, actor=request.user, reward_fen=payload.reward_fen,
                                                 note=payload.note), public_only=False)


# --- 劳动和技能竞赛 -------------------------------------------------------------------------------


def competition_out(c: Competition) -> dict[str, Any]:
    return {"id": c.pk, "title": c.title, "union": c.union.name, "level": c.level, "level_label": str(c.get_level_display()),
            "trade": c.trade, "entry_kind": c.entry_kind, "status": c.status, "status_label": str(c.get_status_display()),
            "registration_closes": c.registration_closes, "drop_extremes": c.drop_extremes, "min_judges": c.min_judges,
            "tie_rule": c.tie_rule, "tie_rule_label": str(c.get_tie_rule_display())}


def _hundredths(total: int) -> str:
    return f"{total // 100}.{total % 100:02d}"


@router.get("/competitions", response=list[SkillsCompetitionOut], auth=None, summary="劳动和技能竞赛")
def competition_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [competition_out(c) for c in selectors.competitions_public()[:100]]


@router.get("/competitions/{int:competition_id}", response=SkillsCompetitionDetailOut, auth=None,
            summary="竞赛详情：评分规则、轮次和公布的名次")
def competition_detail(request: HttpRequest, competition_id: int) -> dict[str, Any]:
    c = selectors.competition_get_public(competition_id=competition_id)
    results = []
    for r in comp.results_of(c):
        award = getattr(r.entry, "award", None)
        results.append({"rank": r.rank, "entry_number": r.entry.number, "name": r.entry.name, "union": r.entry.union.name,
                        "score": str(r.score), "tie_note": r.tie_note, "prize_fen": award.prize_fen if award else 0,
                        "title": award.title if award else ""})
    return {**competition_out(c), "eligibility": c.eligibility, "prizes": c.prizes,
            "items": [{"id": i.pk, "name": i.name, "weight": i.weight} for i in c.items.order_by("order", "pk")],
            "rounds": [{"id": r.pk, "order": r.order, "name": r.name, "advance": r.advance, "status": r.status}
                       for r in c.rounds.order_by("order")],
            "results": results}


def entry_out(e: Entry) -> dict[str, Any]:
    return {"id": e.pk, "competition_id": e.competition_id, "number": e.number, "name": e.name, "status": e.status,
            "status_label": str(e.get_status_display()), "endorse_note": e.endorse_note}


@router.post("/competitions/{int:competition_id}/register", response={201: SkillsEntryOut}, auth=session_or_token,
             summary="报名参赛（由所在工会推荐）")
def competition_register(request: HttpRequest, competition_id: int, payload: SkillsEntryIn) -> Status[dict[str, Any]]:
    c = selectors.competition_get_public(competition_id=competition_id)
    return Status(201, entry_out(comp.entry_register(competition=c, user=request.user, **payload.dict())))


@router.get("/me/competition-entries", response=list[SkillsEntryOut], auth=session_or_token, summary="我的竞赛报名")
def my_entries(request: HttpRequest) -> list[dict[str, Any]]:
    return [entry_out(e) for e in selectors.entries_of_user(user=request.user)[:100]]


@router.post("/me/competition-entries/{int:entry_id}/withdraw", response=SkillsEntryOut, auth=session_or_token,
             summary="撤回报名")
def my_entry_withdraw(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = selectors.entry_get_own(user=request.user, entry_id=entry_id)
    return entry_out(comp.entry_withdraw(entry=entry, user=request.user))


@router.get("/me/judging/{int:judge_id}", response=list[SkillsJudgingEntryOut], auth=session_or_token,
            summary="评委：本轮选手（含须回避的）")
def my_judging(request: HttpRequest, judge_id: int) -> list[dict[str, Any]]:
    judge = selectors.judge_get_own(user=request.user, judge_id=judge_id)
    round_ = selectors.judge_round_open(judge=judge)
    if round_ is None:
        return []
    mine = dict(round_.sheets.filter(judge=judge).values_list("entry_id", "total"))
    return [{"entry_id": e.pk, "number": e.number, "name": e.name, "conflict": comp.conflict_of(judge, e),
             "total": _hundredths(mine[e.pk]) if e.pk in mine else None} for e in comp.entries_in(round_)]


@router.post("/me/judging/{int:judge_id}/sheets", response=SkillsSheetOut, auth=session_or_token,
             summary="评委：提交评分表（各项 0–100 整数，按评分项 id）")
def my_sheet_submit(request: HttpRequest, judge_id: int, payload: SkillsSheetIn) -> dict[str, Any]:
    judge = selectors.judge_get_own(user=request.user, judge_id=judge_id)
    round_ = selectors.judge_round_open(judge=judge)
    if round_ is None:
        raise Conflict(_("现在没有评分中的轮次。"), code="round_not_open")
    entry = next((e for e in comp.entries_in(round_) if e.pk == payload.entry_id), None)
    if entry is None:
        raise NotFound()
    sheet = comp.sheet_submit(judge=judge, round_=round_, entry=entry, scores=payload.scores)
    return {"entry_id": entry.pk, "round_id": round_.pk, "total": _hundredths(sheet.total)}


@router.post("/staff/competition-entries/{int:entry_id}/endorse", response=SkillsEntryOut, auth=session_or_token,
             summary="工会推荐或不推荐报名")
def staff_entry_endorse(request: HttpRequest, entry_id: int, payload: SkillsEndorseIn) -> dict[str, Any]:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id, action="change")
    return entry_out(comp.entry_endorse(actor=request.user, entry=entry, endorse=payload.endorse, note=payload.note))


@router.post("/staff/competition-rounds/{int:round_id}/close", response=list[SkillsRoundResultOut], auth=session_or_token,
             summary="结束本轮并排名（去掉最高最低分、同分规则、晋级）")
def staff_round_close(request: HttpRequest, round_id: int) -> list[dict[str, Any]]:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id, action="change")
    return [{"entry_id": r.entry_id, "rank": r.rank, "score": str(r.score), "judges_counted": r.judges_counted,
             "advanced": r.advanced, "tie_note": r.tie_note} for r in comp.round_close(actor=request.user, round_=round_)]


@router.post("/staff/competitions/{int:competition_id}/publish", response=SkillsCompetitionOut, auth=session_or_token,
             summary="公布结果（奖金与称号）")
def staff_competition_publish(request: HttpRequest, competition_id: int) -> dict[str, Any]:
    c = selectors.competition_get_for_user(user=request.user, competition_id=competition_id, action="change")
    comp.competition_publish(actor=request.user, competition=c)
    c.refresh_from_db()
    return competition_out(c)


# --- 创新工作室 and 创新成果 (public registry) --------------------------------------------------------


@router.get("/studios", response=list[SkillsStudioOut], auth=None, summary="劳模工匠创新工作室（在册）")
def studio_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": s.pk, "name": s.name, "level": s.level, "level_label": str(s.get_level_display()), "union": s.union.name,
             "leader": s.leader, "leader_title": s.leader_title, "trades": s.trades, "named_year": s.named_year,
             "members": getattr(s, "n_members", 0), "results": getattr(s, "n_results", 0)}
            for s in selectors.studios_public()[:200]]


class SkillsInnovationQuery(Schema):
    limit: int = Field(default=50, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)


@router.get("/innovations", response=list[SkillsInnovationOut], auth=None, summary="技术革新与发明创造成果")
def innovation_list(request: HttpRequest, paging: Query[SkillsInnovationQuery]) -> list[dict[str, Any]]:
    limit, offset = paging.limit, paging.offset
    return [{"id": i.pk, "kind": i.kind, "kind_label": str(i.get_kind_display()), "title": i.title, "people": i.people,
             "year": i.year, "union": i.union.name, "studio_id": i.studio_id, "patent_kind": i.patent_kind,
             "patent_number": i.patent_number} for i in selectors.innovations_public()[offset:offset + limit]]


# --- 劳模工匠评选表彰 and the registry --------------------------------------------------------------


def selection_out(s: Selection) -> dict[str, Any]:
    return {"id": s.pk, "title": s.title, "union": s.union.name, "kind": s.kind, "honour_title": s.honour_title,
            "level": s.level, "level_label": str(s.get_level_display()), "year": s.year, "status": s.status,
            "status_label": str(s.get_status_display()), "nominate_until": s.nominate_until, "notice_days": s.notice_days,
            "notice_from": s.notice_from, "notice_until": s.notice_until, "decision_ref": s.decision_ref}


def notice_entry_out(n: Nomination) -> dict[str, Any]:
    """What the public notice shows: no phone, the ID number masked."""
    return {"id": n.pk, "number": n.number, "name": n.name, "gender": str(n.get_gender_display()),
            "birth_month": f"{n.birth_date:%Y-%m}", "id_number_masked": n.id_number_masked, "unit_name": n.unit_name,
            "post": n.post, "achievements": n.achievements, "status": n.status}


def nomination_out(n: Nomination) -> dict[str, Any]:
    return {"id": n.pk, "number": n.number, "selection_id": n.selection_id, "name": n.name, "gender": n.gender,
            "id_number_masked": n.id_number_masked, "unit_name": n.unit_name, "post": n.post, "union": n.union.name,
            "status": n.status, "status_label": str(n.get_status_display()),
            "step_union": n.step_union.name if n.step_union_id and n.step_union else None,
            "decision_note": n.decision_note, "files": len(n.files.all()),
            # .all() (the models order by time) so the list's prefetch serves every row.
            "reviews": [{"union": r.union.name, "passed": r.passed, "note": r.note, "at": r.at} for r in n.reviews.all()],
            "objections": [{"id": o.pk, "text": o.text, "at": o.at, "finding": o.finding, "answer": o.answer}
                           for o in n.objections.all()]}


def laureate_out(item: Laureate) -> dict[str, Any]:
    return {"id": item.pk, "name": item.name, "kind": item.kind, "title": item.title, "level": item.level,
            "level_label": str(item.get_level_display()), "year": item.year, "unit_name": item.unit_name,
            "trade": item.trade, "awarding_body": item.awarding_body, "status": item.status}


def laureate_detail_out(item: Laureate) -> dict[str, Any]:
    works = selectors.laureate_works(laureate=item)
    return {**laureate_out(item), "achievements": item.achievements,
            "honours": [f"{e.year} {e.title}" for e in works["honours"]],
            "courses": [c.title for c in works["courses"]], "studios": [s.name for s in works["studios"]],
            "talks": [f"{t.held_on:%Y-%m-%d} {t.topic}" for t in works["talks"]]}


def _union_for(request: HttpRequest, union_id: int) -> Any:
    union = selectors.union_choices_for_user(user=request.user).filter(pk=union_id).first()
    if union is None:
        raise ValidationFailed(_("请选择您所在分支的工会。"), code="union_invalid", field="union_id")
    return union


@router.get("/selections", response=list[SkillsSelectionOut], auth=None, summary="劳模工匠评选（推荐中、公示中、已表彰）")
def selection_public_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [selection_out(s) for s in selectors.selections_public()[:100]]


@router.get("/selections/{int:selection_id}/notice", response=list[SkillsNoticeEntryOut], auth=None,
            summary="评选公示：拟表彰对象（身份证号脱敏，不含手机号）")
def selection_notice(request: HttpRequest, selection_id: int) -> list[dict[str, Any]]:
    item = selectors.selection_get_public(selection_id=selection_id)
    return [notice_entry_out(n) for n in selectors.notice_entries(selection=item)]


@router.post("/notice-entries/{int:nomination_id}/objections", response={201: dict}, auth=session_or_token,
             summary="对公示的拟表彰对象提出异议（公示期内，需登录）")
def notice_object(request: HttpRequest, nomination_id: int, payload: SkillsObjectionIn) -> Status[dict[str, Any]]:
    nomination = selectors.notice_entry_get(nomination_id=nomination_id)
    objection = selection.objection_raise(user=request.user, nomination=nomination, text=payload.text,
                                          contact=payload.contact)
    return Status(201, {"id": objection.pk})


@router.get("/laureates", response=list[SkillsLaureateOut], auth=None, summary="劳模工匠名录（在册）")
def laureate_public_list(request: HttpRequest, query: Query[SkillsLaureateQuery]) -> list[dict[str, Any]]:
    qs = selectors.laureates_public(q=query.q, level=query.level, kind=query.kind)
    return [laureate_out(item) for item in qs[query.offset:query.offset + query.limit]]


@router.get("/laureates/{int:laureate_id}", response=SkillsLaureateDetailOut, auth=None,
            summary="劳模工匠：称号、后续荣誉、课程、工作室和宣讲")
def laureate_public_detail(request: HttpRequest, laureate_id: int) -> dict[str, Any]:
    return laureate_detail_out(selectors.laureate_get_public(laureate_id=laureate_id))


@router.get("/staff/selections", response=list[SkillsSelectionOut], auth=session_or_token, summary="评选（本分支组织或有名额）")
def staff_selection_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [selection_out(s) for s in selectors.selection_list_for_user(user=request.user)]


@router.post("/staff/selections", response={201: SkillsSelectionOut}, auth=session_or_token, summary="发起评选")
def staff_selection_create(request: HttpRequest, payload: SkillsSelectionIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    union = _union_for(request, data.pop("union_id"))
    return Status(201, selection_out(selection.selection_create(actor=request.user, union=union, **data)))


def _organised(request: HttpRequest, selection_id: int) -> Selection:
    return selectors.selection_get_for_user(user=request.user, selection_id=selection_id, action="change")


@router.post("/staff/selections/{int:selection_id}/quotas", response=SkillsSelectionOut, auth=session_or_token,
             summary="分配推荐名额")
def staff_selection_quota(request: HttpRequest, selection_id: int, payload: SkillsQuotaIn) -> dict[str, Any]:
    item = _organised(request, selection_id)
    selection.quota_set(actor=request.user, selection=item, union=_union_for(request, payload.union_id), places=payload.places)
    return selection_out(item)


@router.post("/staff/selections/{int:selection_id}/open", response=SkillsSelectionOut, auth=session_or_token, summary="开始推荐")
def staff_selection_open(request: HttpRequest, selection_id: int) -> dict[str, Any]:
    return selection_out(selection.selection_open(actor=request.user, selection=_organised(request, selection_id)))


@router.post("/staff/selections/{int:selection_id}/close", response=SkillsSelectionOut, auth=session_or_token, summary="截止推荐")
def staff_selection_close(request: HttpRequest, selection_id: int) -> dict[str, Any]:
    return selection_out(selection.selection_close(actor=request.user, selection=_organised(request, selection_id)))


@router.post("/staff/selections/{int:selection_id}/notice", response=SkillsSelectionOut, auth=session_or_token,
             summary="公示拟表彰名单（工作日计算）")
def staff_selection_notice(request: HttpRequest, selection_id: int, payload: SkillsNoticeStartIn) -> dict[str, Any]:
    return selection_out(selection.selection_notice_start(actor=request.user, selection=_organised(request, selection_id),
                                                          start=payload.start))


@router.post("/staff/selections/{int:selection_id}/confirm", response=list[SkillsLaureateOut], auth=session_or_token,
             summary="确认表彰（公示期满、异议均已答复）")
def staff_selection_confirm(request: HttpRequest, selection_id: int, payload: SkillsConfirmIn) -> list[dict[str, Any]]:
    item = _organised(request, selection_id)
    return [laureate_out(x) for x in selection.selection_confirm(actor=request.user, selection=item,
                                                                 decision_ref=payload.decision_ref,
                                                                 decided_on=payload.decided_on)]


@router.get("/staff/selections/{int:selection_id}/nominations", response=list[SkillsNominationOut], auth=session_or_token,
            summary="推荐名单（本分支）")
def staff_nomination_list(request: HttpRequest, selection_id: int) -> list[dict[str, Any]]:
    item = selectors.selection_get_for_nominator(user=request.user, selection_id=selection_id)
    return [nomination_out(n) for n in selectors.nominations_for_staff(user=request.user, selection=item)
            .prefetch_related("reviews__union", "objections", "files")[:200]]


@router.post("/staff/selections/{int:selection_id}/nominations", response={201: SkillsNominationOut}, auth=session_or_token,
             summary="推荐人选（材料文件请在管理后台页面上传）")
def staff_nomination_create(request: HttpRequest, selection_id: int, payload: SkillsNominationIn) -> Status[dict[str, Any]]:
    item = selectors.selection_get_for_nominator(user=request.user, selection_id=selection_id)
    data = payload.dict()
    union = selectors.nomination_union_choices(user=request.user, selection=item).filter(pk=data.pop("union_id")).first()
    if union is None:
        raise ValidationFailed(_("这个工会没有可用的推荐名额。"), code="union_invalid", field="union_id")
    return Status(201, nomination_out(selection.nomination_submit(actor=request.user, selection=item, union=union, **data)))


@router.get("/staff/nominations/{int:nomination_id}", response=SkillsNominationOut, auth=session_or_token, summary="推荐详情")
def staff_nomination_detail(request: HttpRequest, nomination_id: int) -> dict[str, Any]:
    return nomination_out(selectors.nomination_get_for_user(user=request.user, nomination_id=nomination_id))


@router.post("/staff/nominations/{int:nomination_id}/review", response=SkillsNominationOut, auth=session_or_token,
             summary="逐级审核：通过或不通过（须写原因）")
def staff_nomination_review(request: HttpRequest, nomination_id: int, payload: SkillsReviewIn) -> dict[str, Any]:
    nomination = selectors.nomination_get_for_user(user=request.user, nomination_id=nomination_id)
    return nomination_out(selection.nomination_review(actor=request.user, nomination=nomination, passed=payload.passed,
                                                      note=payload.note))


@router.post("/staff/nominations/{int:nomination_id}/withdraw", response=SkillsNominationOut, auth=session_or_token,
             summary="撤回推荐（释放名额）")
def staff_nomination_withdraw(request: HttpRequest, nomination_id: int, payload: SkillsWithdrawIn) -> dict[str, Any]:
    nomination = selectors.nomination_get_for_user(user=request.user, nomination_id=nomination_id, action="change")
    return nomination_out(selection.nomination_withdraw(actor=request.user, nomination=nomination, reason=payload.reason))


@router.post("/staff/objections/{int:objection_id}/answer", response=SkillsObjectionOut, auth=session_or_token,
             summary="答复公示异议（属实则取消拟表彰）")
def staff_objection_answer(request: HttpRequest, objection_id: int, payload: SkillsObjectionAnswerIn) -> dict[str, Any]:
    objection = selectors.objection_get_for_user(user=request.user, objection_id=objection_id)
    o = selection.objection_answer(actor=request.user, objection=objection, finding=payload.finding, answer=payload.answer)
    return {"id": o.pk, "text": o.text, "at": o.at, "finding": o.finding, "answer": o.answer}


@router.get("/staff/laureates", response=list[SkillsLaureateOut], auth=session_or_token, summary="劳模工匠名录（本分支）")
def staff_laureate_list(request: HttpRequest, query: Query[SkillsLaureateQuery]) -> list[dict[str, Any]]:
    qs = selectors.laureate_list_for_user(user=request.user, q=query.q)
    return [laureate_out(item) for item in qs[query.offset:query.offset + query.limit]]


@router.post("/staff/laureates", response={201: SkillsLaureateOut}, auth=session_or_token, summary="登记以往获得称号的劳模工匠")
def staff_laureate_create(request: HttpRequest, payload: SkillsLaureateIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    union = _union_for(request, data.pop("union_id"))
    return Status(201, laureate_out(selection.laureate_register(actor=request.user, union=union, **data)))


def _laureate(request: HttpRequest, laureate_id: int) -> Laureate:
    return selectors.laureate_get_for_user(user=request.user, laureate_id=laureate_id, action="change")


@router.post("/staff/laureates/{int:laureate_id}/honours", response=SkillsLaureateDetailOut, auth=session_or_token,
             summary="登记后续荣誉")
def staff_laureate_honour(request: HttpRequest, laureate_id: int, payload: SkillsLaureateHonourIn) -> dict[str, Any]:
    item = _laureate(request, laureate_id)
    selection.laureate_honour_add(actor=request.user, laureate=item, year=payload.year, title=payload.title, note=payload.note)
    return laureate_detail_out(item)


@router.post("/staff/laureates/{int:laureate_id}/talks", response=SkillsLaureateDetailOut, auth=session_or_token,
             summary="登记宣讲")
def staff_laureate_talk(request: HttpRequest, laureate_id: int, payload: SkillsTalkIn) -> dict[str, Any]:
    item = _laureate(request, laureate_id)
    selection.talk_record(actor=request.user, laureate=item, topic=payload.topic, held_on=payload.held_on,
                          place=payload.place, audience=payload.audience)
    return laureate_detail_out(item)


@router.post("/staff/laureates/{int:laureate_id}/revoke", response=SkillsLaureateOut, auth=session_or_token, summary="撤销称号")
def staff_laureate_revoke(request: HttpRequest, laureate_id: int, payload: SkillsRevokeIn) -> dict[str, Any]:
    return laureate_out(selection.laureate_revoke(actor=request.user, laureate=_laureate(request, laureate_id),
                                                  reason=payload.reason))
