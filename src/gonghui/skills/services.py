"""Every write of the skills module: 工匠学院 and course authors, courses (authored by model
workers and craftsmen, reviewed and published by the owning union), lessons with checked
uploads, quizzes and the final exam, enrolments, 学时 and certificates; 合理化建议 from
submission to reward, with deadlines on the holiday calendar, reminders and escalation."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.sequences import sequence_next
from gonghui.core.text import pinyin_full, pinyin_initials
from gonghui.core.workdays import Deadline, add_workdays, is_workday, year_known

from .models import (
    Academy,
    Attempt,
    Author,
    Certificate,
    Cosign,
    Course,
    Enrolment,
    Lesson,
    LessonDone,
    Level,
    Proposal,
    ProposalEvent,
    ProposalPolicy,
    Provider,
    Question,
)

TZ = ZoneInfo("Asia/Shanghai")
CERTIFICATE_SALT = "gonghui.skills.certificate"
# Lesson uploads: the real first bytes must match the extension (a renamed file is refused).
VIDEO_TYPES: dict[str, tuple[tuple[str, ...], Sequence[bytes]]] = {
    "video/mp4": ((".mp4", ".m4v"), (b"ftyp",)),  # at offset 4
    "video/webm": ((".webm",), (b"\x1a\x45\xdf\xa3",)),
}
PDF_MAGIC = b"%PDF-"
DEFAULT_VIDEO_HOSTS = ("v.qq.com", "www.bilibili.com", "player.bilibili.com", "www.ixigua.com", "tv.cctv.com")
MAX_TEXT = 20_000


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, code=f"{field}_required", field=field)
    if len(value) > max_len:
        raise ValidationFailed(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_len},
                               code=f"{field}_too_long", field=field)
    return value


def video_max_bytes() -> int:
    return int(getattr(settings, "SKILLS_VIDEO_MAX_MB", 200)) * 1024 * 1024


def pdf_max_bytes() -> int:
    return int(getattr(settings, "SKILLS_PDF_MAX_MB", 20)) * 1024 * 1024


def video_hosts() -> tuple[str, ...]:
    return tuple(getattr(settings, "SKILLS_VIDEO_HOSTS", DEFAULT_VIDEO_HOSTS))


# --- 工匠学院 and authors ------------------------------------------------------------------------


def academy_create(*, actor: Any, union: Any, name: str, trades: str = "", teachers: str = "") -> Academy:
    name = _text(name, field="name", label=_("学院名称"), max_len=80)
    trades = _text(trades, field="trades", label=_("工种"), max_len=200, required=False)
    teachers = _text(teachers, field="teachers", label=_("师资"), max_len=4000, required=False)
    with transaction.atomic():
        academy = Academy.objects.create(union=union, name=name, trades=trades, teachers=teachers)
        audit_record(actor=actor, action="skills.academy.create", target=academy)
    return academy


def author_register(*, actor: Any, union: Any, user: Any, name: str, title: str, academy: Academy | None = None) -> Author:
    """Let a model worker or craftsman author courses for `union`."""
    name = _text(name, field="name", label=_("姓名"), max_len=40)
    title = _text(title, field="title", label=_("荣誉称号"), max_len=60)
    if academy is not None and academy.union_id != union.pk:
        raise ValidationFailed(_("工匠学院不属于这个工会。"), code="academy_other_union", field="academy")
    with transaction.atomic():
        author, _created = Author.objects.update_or_create(
            union=union, user=user, defaults={"name": name, "title": title, "academy": academy, "active": True}
        )
        audit_record(actor=actor, action="skills.author.register", target=author)
    return author


# --- courses (authors write, the union reviews) ---------------------------------------------------


def _own_course(course: Course, user: Any) -> None:
    if course.author.user_id != getattr(user, "pk", None):
        raise NotFound()
    if course.status not in (Course.Status.DRAFT, Course.Status.RETURNED):
        raise Conflict(_("课程已提交审核或已发布，不能再修改。"), code="course_locked")


def course_create(
    *, author: Author, title: str, trade: str, level: str, provider: str, series: str = "", description: str = "",
    hours: int = 1, pass_mark: int = 60, exam_questions: int = 5, exam_minutes: int = 30, academy: Academy | None = None,
) -> Course:
    """A draft course of `author`'s union."""
    if not author.active:
        raise PermissionDenied(_("您暂时不能编写课程，请联系工会。"), code="author_inactive")
    title = _text(title, field="title", label=_("课程名称"), max_len=80)
    trade = _text(trade, field="trade", label=_("工种"), max_len=40)
    series = _text(series, field="series", label=_("系列"), max_len=60, required=False)
    description = _text(description, field="description", label=_("课程简介"), max_len=2000, required=False)
    if level not in Level.values:
        raise ValidationFailed(_("等级无效。"), code="level_invalid", field="level")
    if provider not in Provider.values:
        raise ValidationFailed(_("提供方无效。"), code="provider_invalid", field="provider")
    academy = academy or author.academy
    if provider == Provider.ACADEMY and academy is None:
        raise ValidationFailed(_("工匠学院的课程要选择学院。"), code="academy_required", field="academy")
    if academy is not None and academy.union_id != author.union_id:
        raise ValidationFailed(_("工匠学院不属于这个工会。"), code="academy_other_union", field="academy")
    if not 1 <= hours <= 200:
        raise ValidationFailed(_("学时应在 1 到 200 之间。"), code="hours_invalid", field="hours")
    if not 1 <= pass_mark <= 100:
        raise ValidationFailed(_("及格分应在 1 到 100 之间。"), code="pass_mark_invalid", field="pass_mark")
    if not 1 <= exam_questions <= 100:
        raise ValidationFailed(_("每次考试抽题数应在 1 到 100 之间。"), code="exam_questions_invalid", field="exam_questions")
    if not 5 <= exam_minutes <= 240:
        raise ValidationFailed(_("考试时限应在 5 到 240 分钟之间。"), code="exam_minutes_invalid", field="exam_minutes")
    with transaction.atomic():
        course = Course.objects.create(
            union_id=author.union_id, author=author, academy=academy if provider == Provider.ACADEMY else academy,
            title=title, title_initials=pinyin_initials(title)[:80], title_pinyin=pinyin_full(title)[:400],
            trade=trade, level=level, provider=provider, series=series, description=description, hours=hours,
            pass_mark=pass_mark, exam_questions=exam_questions, exam_minutes=exam_minutes,
        )
        audit_record(actor=author.user, action="skills.course.create", target=course)
    return course


def _video_type(upload: UploadedFile) -> str:
    name = (upload.name or "").lower()
    if upload.size is None or upload.size > video_max_bytes():
        raise ValidationFailed(_("视频过大，不能超过 %(mb)s MB。") % {"mb": video_max_bytes() // (1024 * 1024)},
                               code="video_too_large", field="upload")
    if upload.size == 0:
        raise ValidationFailed(_("视频是空文件。"), code="video_empty", field="upload")
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if name.endswith(VIDEO_TYPES["video/mp4"][0]) and head[4:8] == b"ftyp":
        return "video/mp4"
    if name.endswith(VIDEO_TYPES["video/webm"][0]) and head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    raise ValidationFailed(_("视频只能是 MP4 或 WebM 文件。"), code="video_type", field="upload")


def _pdf_type(upload: UploadedFile) -> str:
    if upload.size is None or upload.size > pdf_max_bytes():
        raise ValidationFailed(_("讲义过大，不能超过 %(mb)s MB。") % {"mb": pdf_max_bytes() // (1024 * 1024)},
                               code="pdf_too_large", field="upload")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if not (upload.name or "").lower().endswith(".pdf") or head != PDF_MAGIC:
        raise ValidationFailed(_("讲义只能是 PDF 文件。"), code="pdf_type", field="upload")
    return "application/pdf"


def _video_link(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationFailed(_("请填写以 https:// 开头的视频链接。"), code="link_invalid", field="video_url")
    if parts.hostname.lower() not in video_hosts() or parts.username or parts.port not in (None, 443) or len(url) > 200:
        raise ValidationFailed(_("只能引用这些网站的视频：%(hosts)s。") % {"hosts": "、".join(video_hosts())},
                               code="link_host", field="video_url")
    return url


def lesson_add(
    *, course: Course, by: Any, title: str, kind: str, upload: UploadedFile | None = None, video_url: str = "",
    body: str = "",
) -> Lesson:
    """A lesson at the end of the course: an uploaded video (MP4/WebM, size-limited), a link on
    the allowed video sites, text, or a PDF handout — each checked before anything is stored."""
    _own_course(course, by)
    title = _text(title, field="title", label=_("课时名称"), max_len=80)
    content_type = ""
    if kind == Lesson.Kind.VIDEO:
        if upload is None:
            raise ValidationFailed(_("请上传视频文件。"), code="upload_required", field="upload")
        content_type = _video_type(upload)
    elif kind == Lesson.Kind.PDF:
        if upload is None:
            raise ValidationFailed(_("请上传 PDF 讲义。"), code="upload_required", field="upload")
        content_type = _pdf_type(upload)
    elif kind == Lesson.Kind.LINK:
        video_url = _video_link(video_url)
    elif kind == Lesson.Kind.TEXT:
        body = _text(body, field="body", label=_("正文"), max_len=MAX_TEXT)
    else:
        raise ValidationFailed(_("课时形式无效。"), code="kind_invalid", field="kind")
    with transaction.atomic():
        order = course.lessons.count()
        lesson = Lesson(course=course, order=order, title=title, kind=kind, content_type=content_type,
                        video_url=video_url if kind == Lesson.Kind.LINK else "",
                        body=body if kind == Lesson.Kind.TEXT else "")
        if upload is not None and kind in (Lesson.Kind.VIDEO, Lesson.Kind.PDF):
            lesson.upload.save(upload.name or "lesson", upload, save=False)  # a random name, see core/files.py
        lesson.save()
    return lesson


def question_add(*, course: Course, by: Any, text: str, options: Sequence[str], answer: int, lesson: Lesson | None = None) -> Question:
    """A single-choice question for a lesson's quiz (`lesson`) or the final exam bank."""
    _own_course(course, by)
    text = _text(text, field="text", label=_("题目"), max_len=300)
    options = [str(o).strip()[:100] for o in options if str(o).strip()]
    if not 2 <= len(options) <= 6:
        raise ValidationFailed(_("每题 2 到 6 个选项。"), code="options_invalid", field="options")
    if not 0 <= answer < len(options):
        raise ValidationFailed(_("正确选项不在选项之中。"), code="answer_invalid", field="answer")
    if lesson is not None and lesson.course_id != course.pk:
        raise ValidationFailed(_("课时不属于这门课程。"), code="lesson_other_course", field="lesson")
    return Question.objects.create(course=course, lesson=lesson, text=text, options=options, answer=answer)


def course_submit(*, course: Course, by: Any) -> Course:
    """The author hands the course to the union for review. It needs a lesson and an exam bank
    at least as large as one draw."""
    _own_course(course, by)
    if not course.lessons.exists():
        raise ValidationFailed(_("至少要有一个课时。"), code="no_lessons")
    bank = course.questions.filter(lesson__isnull=True).count()
    if bank < course.exam_questions:
        raise ValidationFailed(
            _("结业考试题库只有 %(bank)s 题，少于每次抽题数 %(n)s 题。") % {"bank": bank, "n": course.exam_questions},
            code="bank_too_small",
        )
    with transaction.atomic():
        course.status = Course.Status.SUBMITTED
        course.save(update_fields=["status"])
        audit_record(actor=by, action="skills.course.submit", target=course)
    return course


def course_review(*, course: Course, actor: Any, publish: bool, note: str = "") -> Course:
    """The owning union publishes the course or returns it to the author with a note."""
    note = _text(note, field="note", label=_("审核意见"), max_len=300, required=not publish)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.status != Course.Status.SUBMITTED:
            raise Conflict(_("只有待审核的课程可以审核。"), code="course_not_submitted")
        course.status = Course.Status.PUBLISHED if publish else Course.Status.RETURNED
        course.review_note = note
        course.reviewed_by = actor
        fields = ["status", "review_note", "reviewed_by"]
        if publish:
            course.published_at = timezone.now()
            fields.append("published_at")
        course.save(update_fields=fields)
        audit_record(actor=actor, action="skills.course.publish" if publish else "skills.course.return", target=course,
                     reason=note)
        from gonghui.notices.services import notice_send

        text = (_("您的课程《%(title)s》已发布。") if publish else _("您的课程《%(title)s》被退回修改：%(note)s")) % {
            "title": course.title, "note": note}
        notice_send(user_ids=[course.author.user_id], module="skills", text=text, object_id=course.pk)
    return course


# --- learning -----------------------------------------------------------------------------------


def enrol(*, course: Course, user: Any) -> Enrolment:
    """Enrol in a published course; enrolling again returns the same enrolment."""
    if course.status != Course.Status.PUBLISHED:
        raise NotFound()
    try:
        with transaction.atomic():
            return Enrolment.objects.create(course=course, user=user, last_lesson=course.lessons.first())
    except IntegrityError:
        return Enrolment.objects.get(course=course, user=user)


def _lesson_of(enrolment: Enrolment, lesson: Lesson) -> None:
    if lesson.course_id != enrolment.course_id:
        raise NotFound()


def lesson_open(*, enrolment: Enrolment, lesson: Lesson) -> Enrolment:
    """Remember where the worker is, so the course page opens here next time."""
    _lesson_of(enrolment, lesson)
    if enrolment.last_lesson_id != lesson.pk:
        enrolment.last_lesson = lesson
        enrolment.save(update_fields=["last_lesson"])
    return enrolment


def _next_lesson(lesson: Lesson) -> Lesson:
    following = lesson.course.lessons.filter(order__gt=lesson.order).first()
    return following or lesson


def _mark_done(enrolment: Enrolment, lesson: Lesson) -> None:
    LessonDone.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    enrolment.last_lesson = _next_lesson(lesson)
    enrolment.save(update_fields=["last_lesson"])


def lesson_complete(*, enrolment: Enrolment, lesson: Lesson) -> Enrolment:
    """Mark a lesson learned. A lesson with a quiz is completed by passing its quiz."""
    _lesson_of(enrolment, lesson)
    if lesson.questions.exists():
        raise Conflict(_("这一课时有测验，通过测验即算学完。"), code="quiz_required")
    with transaction.atomic():
        _mark_done(enrolment, lesson)
    return enrolment


def score_of(correct: int, total: int) -> int:
    """Percentage score, rounded down: 2 right of 3 is 66, never a pass at a 67 mark."""
    return correct * 100 // total if total else 0


def attempt_start(*, enrolment: Enrolment, lesson: Lesson | None = None, now: dt.datetime | None = None) -> Attempt:
    """A lesson quiz (all its questions) or the final exam: `exam_questions` drawn at random
    from the bank, a fresh draw each attempt, to be handed in within `exam_minutes`. The exam
    opens once every lesson is learned."""
    now = now or timezone.now()
    course = enrolment.course
    if Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=False).exists():
        raise Conflict(_("您已经结业，无需再考。"), code="already_completed")
    if lesson is not None:
        _lesson_of(enrolment, lesson)
        ids = list(lesson.questions.values_list("pk", flat=True))
        if not ids:
            raise Conflict(_("这一课时没有测验。"), code="no_quiz")
        return Attempt.objects.create(enrolment=enrolment, kind=Attempt.Kind.QUIZ, lesson=lesson, question_ids=ids,
                                      started_at=now)
    missing = course.lessons.exclude(pk__in=enrolment.lessons_done.values("lesson_id")).count()
    if missing:
        raise Conflict(_("还有 %(n)s 个课时没有学完，学完后才能参加结业考试。") % {"n": missing}, code="lessons_missing")
    bank = list(course.questions.filter(lesson__isnull=True).values_list("pk", flat=True))
    if len(bank) < course.exam_questions:
        raise Conflict(_("题库不足，请联系工会。"), code="bank_too_small")
    drawn = secrets.SystemRandom().sample(bank, course.exam_questions)
    return Attempt.objects.create(
        enrolment=enrolment, kind=Attempt.Kind.EXAM, question_ids=drawn, started_at=now,
        due_at=now + dt.timedelta(minutes=course.exam_minutes),
    )


@dataclass(frozen=True)
class AttemptResult:
    attempt: Attempt
    correct: int
    total: int
    certificate: Certificate | None = None


def attempt_submit(*, attempt: Attempt, answers: Mapping[str, Any], now: dt.datetime | None = None) -> AttemptResult:
    """Hand in answers {question id: option index}. Refused: an attempt already handed in, an
    exam after its time limit, answers to questions this attempt did not draw (for example
    another attempt's). Passing a quiz completes its lesson; passing the exam completes the
    course: its 学时 and a certificate."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("enrolment__course").get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            raise Conflict(_("这份答卷已经交过了。"), code="attempt_submitted")
        if attempt.due_at is not None and now > attempt.due_at:
            raise Conflict(_("已超过考试时限，本次答卷无效，请重新开始考试。"), code="attempt_expired")
        drawn = {int(q) for q in attempt.question_ids}
        try:
            given = {int(k): int(v) for k, v in answers.items()}
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(_("答案格式不对。"), code="answers_invalid", field="answers") from exc
        if not set(given) <= drawn:
            raise ValidationFailed(_("答案中有不属于本次测验的题目。"), code="answers_other_attempt", field="answers")
        keys = dict(Question.objects.filter(pk__in=drawn).values_list("pk", "answer"))
        correct = sum(1 for qid, key in keys.items() if given.get(qid) == key)
        enrolment = attempt.enrolment
        course = enrolment.course
        attempt.score = score_of(correct, len(drawn))
        attempt.passed = attempt.score >= course.pass_mark
        attempt.submitted_at = now
        attempt.save(update_fields=["score", "passed", "submitted_at"])
        certificate = None
        if attempt.passed and attempt.kind == Attempt.Kind.QUIZ and attempt.lesson is not None:
            _mark_done(enrolment, attempt.lesson)
        if attempt.passed and attempt.kind == Attempt.Kind.EXAM:
            certificate = _course_complete(enrolment, score=attempt.score, now=now)
    return AttemptResult(attempt=attempt, correct=correct, total=len(drawn), certificate=certificate)


def _course_complete(enrolment: Enrolment, *, score: int, now: dt.datetime) -> Certificate:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    enrolment.completed_at = now
    enrolment.hours_earned = enrolment.course.hours
    enrolment.save(update_fields=["completed_at", "hours_earned"])
    serial = f"JN{now.astimezone(TZ):%Y}{secrets.token_hex(5).upper()}"
    certificate = Certificate.objects.create(enrolment=enrolment, serial=serial, hours=enrolment.hours_earned,
                                             score=score, issued_at=now)
    audit_record(actor=enrolment.user, action="skills.certificate.issue", target=certificate)
    return certificate


def certificate_token(certificate: Certificate) -> str:
    """The QR payload: the serial, signed. Changing one character makes it invalid."""
    return signing.dumps(certificate.serial, salt=CERTIFICATE_SALT)


def certificate_verify_url(certificate: Certificate) -> str:
    return reverse("skills:certificate_verify") + "?token=" + certificate_token(certificate)


@dataclass(frozen=True)
class CertificateCheck:
    status: str  # valid / revoked / invalid
    serial: str = ""
    holder: str = ""  # masked
    course: str = ""
    union_name: str = ""
    hours: int = 0
    issued_on: dt.date | None = None


def certificate_verify(*, token: str) -> CertificateCheck:
    """What anyone scanning the QR learns: whether the certificate is genuine, the masked
    holder, the course, its union, 学时 and date. A tampered or unknown token: invalid."""
    from gonghui.core.pii import mask_name

    try:
        serial = signing.loads((token or "").strip()[:500], salt=CERTIFICATE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return CertificateCheck(status="invalid")
    if not isinstance(serial, str):
        return CertificateCheck(status="invalid")
    cert = (Certificate.objects.select_related("enrolment__course__union", "enrolment__user")
            .filter(serial=serial).first())
    if cert is None:
        return CertificateCheck(status="invalid")
    course = cert.enrolment.course
    return CertificateCheck(
        status="revoked" if cert.revoked_at else "valid", serial=cert.serial,
        holder=mask_name(cert.enrolment.user.full_name) or "*", course=course.title, union_name=course.union.name,
        hours=cert.hours, issued_on=cert.issued_at.astimezone(TZ).date(),
    )


def certificate_revoke(*, certificate: Certificate, actor: Any, reason: str) -> Certificate:
    reason = _text(reason, field="reason", label=_("撤销原因"), max_len=200)
    with transaction.atomic():
        if certificate.revoked_at is not None:
            raise Conflict(_("证书已经撤销。"), code="certificate_revoked")
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="skills.certificate.revoke", target=certificate, reason=reason)
    return certificate


# --- 合理化建议 -----------------------------------------------------------------------------------

DEFAULT_ORDINARY_MONTHS = 1
DEFAULT_MAJOR_MONTHS = 3
DEFAULT_REMIND_DAYS = 3


def policy_for(union: Any) -> ProposalPolicy:
    """The union's own deadline policy, else its nearest ancestor's, else the defaults."""
    ids = [int(p) for p in union.path.strip("/").split("/") if p]
    found = {p.union_id: p for p in ProposalPolicy.objects.filter(union_id__in=ids)}
    for uid in reversed(ids):
        if uid in found:
            return found[uid]
    return ProposalPolicy(union=union, ordinary_months=DEFAULT_ORDINARY_MONTHS, major_months=DEFAULT_MAJOR_MONTHS,
                          remind_days=DEFAULT_REMIND_DAYS)


def policy_set(*, actor: Any, union: Any, ordinary_months: int, major_months: int, remind_days: int = 3) -> ProposalPolicy:
    if not 1 <= ordinary_months <= 12 or not 1 <= major_months <= 12:
        raise ValidationFailed(_("答复期限应为 1 到 12 个月。"), code="months_invalid", field="ordinary_months")
    if major_months < ordinary_months:
        raise ValidationFailed(_("重大建议的期限不能短于一般建议。"), code="major_shorter", field="major_months")
    if not 0 <= remind_days <= 20:
        raise ValidationFailed(_("提醒天数应在 0 到 20 个工作日之间。"), code="remind_invalid", field="remind_days")
    with transaction.atomic():
        policy, _created = ProposalPolicy.objects.update_or_create(
            union=union, defaults={"ordinary_months": ordinary_months, "major_months": major_months, "remind_days": remind_days})
        audit_record(actor=actor, action="skills.proposal_policy.set", target=policy)
    return policy


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def proposal_deadline(start: dt.date, months: int) -> Deadline:
    """`months` calendar months after `start` (31 Jan + 1 month = 28/29 Feb); a date that is a
    rest day on the official calendar moves to the next working day. Provisional when a year
    on the way is unknown to the calendar (see core/workdays.py)."""
    day = _add_months(start, months)
    provisional = not year_known(day.year)
    while not is_workday(day):
        day += dt.timedelta(days=1)
        provisional = provisional or not year_known(day.year)
    return Deadline(day, provisional)


EDGES: dict[str, set[str]] = {
    Proposal.Status.SUBMITTED: {Proposal.Status.REVIEWING},
    Proposal.Status.REVIEWING: {Proposal.Status.REVIEWING, Proposal.Status.ADOPTED, Proposal.Status.NOT_ADOPTED},
    Proposal.Status.ADOPTED: {Proposal.Status.IMPLEMENTED},
    Proposal.Status.IMPLEMENTED: {Proposal.Status.REWARDED},
    Proposal.Status.NOT_ADOPTED: set(),
    Proposal.Status.REWARDED: set(),
}


def _notify_proposer(proposal: Proposal, text: str) -> None:
    from gonghui.notices.services import notice_send

    notice_send(user_ids=[proposal.proposer_id], module="skills", text=text, object_id=proposal.pk,
                link=reverse("skills:proposal_detail", kwargs={"proposal_id": proposal.pk}))


def _union_staff_ids(union: Any) -> list[int]:
    from gonghui.accounts.models import RoleGrant

    return list(RoleGrant.objects.filter(union=union, role__in=[RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF])
                .values_list("user_id", flat=True))


def _notify_staff(user_ids: Iterable[int], text: str, proposal: Proposal) -> int:
    from gonghui.cases.services import staff_reminder_send

    return staff_reminder_send(user_ids=user_ids, text=text,
                               link=reverse("console:skills:proposal_detail", kwargs={"proposal_id": proposal.pk}))


def proposal_transition(*, proposal: Proposal, to: str, by: Any, body: str, public: bool = True,
                        fields: Sequence[str] = ()) -> Proposal:
    """Move along an allowed edge and write the step the proposer sees. Caller holds the lock."""
    if to not in EDGES[proposal.status]:
        raise Conflict(_("建议当前状态为“%(s)s”，不能这样处理。") % {"s": proposal.get_status_display()},
                       code="proposal_bad_transition")
    proposal.status = to
    proposal.save(update_fields=["status", *fields])
    ProposalEvent.objects.create(proposal=proposal, status=to, body=body, by=by if getattr(by, "is_authenticated", False) else None,
                                 public=public)
    audit_record(actor=by, action=f"skills.proposal.{to}", target=proposal, reason=body[:200])
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("union").get(pk=proposal.pk)


def proposal_submit(*, user: Any, title: str, problem: str, suggestion: str, expected_benefit: str, major: bool = False,
                    today: dt.date | None = None) -> Proposal:
    """A member's proposal to their union, with its answer deadline."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None:
        raise PermissionDenied(_("工会会员才能提交合理化建议，请先入会。"), code="not_member")
    title = _text(title, field="title", label=_("标题"), max_len=80)
    problem = _text(problem, field="problem", label=_("存在的问题"), max_len=2000)
    suggestion = _text(suggestion, field="suggestion", label=_("建议内容"), max_len=4000)
    expected_benefit = _text(expected_benefit, field="expected_benefit", label=_("预期效益"), max_len=2000)
    today = today or _today()
    union = membership.union
    policy = policy_for(union)
    deadline = proposal_deadline(today, policy.major_months if major else policy.ordinary_months)
    with transaction.atomic():
        number = f"JY{today:%Y%m}{sequence_next('skills.proposal'):06d}"
        proposal = Proposal.objects.create(
            number=number, union=union, union_path=union.path, employer=membership.employer, proposer=user,
            proposer_name=membership.person.name[:40], title=title, problem=problem, suggestion=suggestion,
            expected_benefit=expected_benefit, major=major, due_on=deadline.on, due_provisional=deadline.provisional,
        )
        ProposalEvent.objects.create(
            proposal=proposal, status=Proposal.Status.SUBMITTED, by=user,
            body=_("已提交，%(union)s 将于 %(due)s 前答复。") % {"union": union.name, "due": deadline.on.isoformat()},
        )
        audit_record(actor=user, action="skills.proposal.submit", target=proposal)
        _notify_staff(_union_staff_ids(union), _("收到合理化建议 %(n)s，请转交评审。") % {"n": number}, proposal)
    return proposal


def proposal_route(*, proposal: Proposal, actor: Any, reviewer: Any) -> Proposal:
    """The union hands the proposal to a reviewer (a staff member who sees it)."""
    from gonghui.core import jurisdiction

    if reviewer is None or not jurisdiction.has_action(reviewer, "change", proposal.union_path):
        raise ValidationFailed(_("评审人必须是能处理这条建议的工作人员。"), code="reviewer_invalid", field="reviewer")
    with transaction.atomic():
        proposal = _lock(proposal)
        proposal.reviewer = reviewer
        proposal_transition(proposal=proposal, to=Proposal.Status.REVIEWING, by=actor, fields=["reviewer"],
                            body=_("已交评审，答复期限 %(due)s。") % {"due": proposal.due_on.isoformat()})
        ProposalEvent.objects.create(proposal=proposal, body=_("评审人：%(name)s") % {"name": str(reviewer)},
                                     by=actor, public=False)
        _notify_staff([reviewer.pk], _("请评审合理化建议 %(n)s，答复期限 %(due)s。") % {
            "n": proposal.number, "due": proposal.due_on.isoformat()}, proposal)
        _notify_proposer(proposal, _("您的建议 %(n)s 已交评审。") % {"n": proposal.number})
    return proposal


def _reviewer_or_approver(proposal: Proposal, actor: Any) -> None:
    from gonghui.core import jurisdiction

    if proposal.reviewer_id != getattr(actor, "pk", None) and not jurisdiction.has_action(actor, "approve", proposal.union_path):
        raise PermissionDenied(_("只有评审人或工会负责人可以答复。"), code="not_reviewer")


def proposal_decide(*, proposal: Proposal, actor: Any, adopt: bool, reason: str) -> Proposal:
    """Adopt or not, always with reasons the proposer reads."""
    reason = _text(reason, field="reason", label=_("理由"), max_len=2000)
    with transaction.atomic():
        proposal = _lock(proposal)
        _reviewer_or_approver(proposal, actor)
        proposal.decision_reason = reason
        proposal.decided_at = timezone.now()
        to = Proposal.Status.ADOPTED if adopt else Proposal.Status.NOT_ADOPTED
        body = (_("采纳：%(r)s") if adopt else _("未采纳：%(r)s")) % {"r": reason}
        proposal_transition(proposal=proposal, to=to, by=actor, body=body, fields=["decision_reason", "decided_at"])
        _notify_proposer(proposal, _("您的建议 %(n)s：%(body)s") % {"n": proposal.number, "body": body})
    return proposal


def proposal_implement(*, proposal: Proposal, actor: Any, note: str) -> Proposal:
    note = _text(note, field="note", label=_("实施情况"), max_len=2000)
    with transaction.atomic():
        proposal = _lock(proposal)
        proposal.implementation = note
        proposal_transition(proposal=proposal, to=Proposal.Status.IMPLEMENTED, by=actor, fields=["implementation"],
                            body=_("已实施：%(note)s") % {"note": note})
        _notify_proposer(proposal, _("您的建议 %(n)s 已实施。") % {"n": proposal.number})
    return proposal


def proposal_benefit_record(*, proposal: Proposal, actor: Any, benefit_fen: int, verified_by: str) -> Proposal:
    """The economic benefit of an implemented proposal and who verified it (a name the
    finance or technical department gives); recorded once, before the reward."""
    verified_by = _text(verified_by, field="verified_by", label=_("效益核定人"), max_len=60)
    if not 0 <= benefit_fen <= 10**13:
        raise ValidationFailed(_("经济效益金额超出范围。"), code="benefit_invalid", field="benefit")
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status != Proposal.Status.IMPLEMENTED:
            raise Conflict(_("建议实施后才能登记经济效益。"), code="not_implemented")
        if proposal.benefit_fen is not None:
            raise Conflict(_("经济效益已经登记。"), code="benefit_recorded")
        proposal.benefit_fen, proposal.benefit_verified_by, proposal.benefit_recorded_by = benefit_fen, verified_by, actor
        proposal.benefit_at = timezone.now()
        proposal.save(update_fields=["benefit_fen", "benefit_verified_by", "benefit_recorded_by", "benefit_at"])
        ProposalEvent.objects.create(proposal=proposal, by=actor, body=_("经济效益 %(yuan)s 元，核定人 %(who)s。") % {
            "yuan": _yuan(benefit_fen), "who": verified_by})
        audit_record(actor=actor, action="skills.proposal.benefit", target=proposal, data={"benefit_fen": benefit_fen})
    return proposal


def _yuan(fen: int) -> str:
    from gonghui.core.money import fen_to_yuan

    return fen_to_yuan(fen)


def proposal_reward(*, proposal: Proposal, actor: Any, reward_fen: int, note: str = "") -> Proposal:
    note = _text(note, field="note", label=_("奖励说明"), max_len=200, required=False)
    if not 0 < reward_fen <= 10**10:
        raise ValidationFailed(_("请填写奖励金额（大于 0）。"), code="reward_invalid", field="reward")
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status == Proposal.Status.IMPLEMENTED and proposal.benefit_fen is None:
            raise Conflict(_("请先登记经济效益再发奖励。"), code="benefit_missing")
        proposal.reward_fen, proposal.reward_note = reward_fen, note
        proposal_transition(proposal=proposal, to=Proposal.Status.REWARDED, by=actor, fields=["reward_fen", "reward_note"],
                            body=_("奖励 %(yuan)s 元。%(note)s") % {"yuan": _yuan(reward_fen), "note": note})
        _notify_proposer(proposal, _("您的建议 %(n)s 获得奖励 %(yuan)s 元。") % {"n": proposal.number, "yuan": _yuan(reward_fen)})
    return proposal


def proposal_cosign(*, proposal: Proposal, user: Any) -> Cosign:
    """附议: a colleague (a member of the same union) supports an open proposal, once."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None or membership.union_id != proposal.union_id:
        raise NotFound()
    if proposal.proposer_id == user.pk:
        raise Conflict(_("不能附议自己的建议。"), code="cosign_own")
    try:
        with transaction.atomic():
            proposal = _lock(proposal)  # the status as it is now, not as the caller read it
            if not proposal.is_open:
                raise Conflict(_("建议已经答复，不再接受附议。"), code="cosign_closed")
            return Cosign.objects.create(proposal=proposal, user=user, name=membership.person.name[:40])
    except IntegrityError as exc:
        raise Conflict(_("您已经附议过这条建议。"), code="cosign_twice") from exc


def proposals_remind_due(*, today: dt.date | None = None) -> int:
    """Remind the reviewer (or the union's staff, before routing) once, when an open
    proposal's deadline is within the policy's working days."""
    today = today or _today()
    sent = 0
    horizon = add_workdays(today, 20)
    for proposal in (Proposal.objects.filter(status__in=Proposal.OPEN, reminded_on__isnull=True, due_on__gte=today,
                                             due_on__lte=horizon).select_related("union")):
        if add_workdays(today, policy_for(proposal.union).remind_days) < proposal.due_on:
            continue
        with transaction.atomic():
            if Proposal.objects.filter(pk=proposal.pk, reminded_on__isnull=True).update(reminded_on=today) != 1:
                continue
            ids = [proposal.reviewer_id] if proposal.reviewer_id else _union_staff_ids(proposal.union)
            _notify_staff(ids, _("合理化建议 %(n)s 将于 %(due)s 到期，请及时答复。") % {
                "n": proposal.number, "due": proposal.due_on.isoformat()}, proposal)
            sent += 1
    return sent


def proposals_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Open proposals past their deadline are reported to the parent union, once each."""
    today = today or _today()
    count = 0
    for pk in Proposal.objects.filter(status__in=Proposal.OPEN, due_on__lt=today, escalated_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            proposal = _lock(Proposal(pk=pk))
            if proposal.escalated_at is not None or not proposal.is_open:
                continue
            proposal.escalated_at = timezone.now()
            proposal.save(update_fields=["escalated_at"])
            parent = proposal.union.parent or proposal.union
            ProposalEvent.objects.create(proposal=proposal, public=False, body=_("已超过答复期限 %(due)s，上报 %(union)s。") % {
                "due": proposal.due_on.isoformat(), "union": parent.name})
            _notify_staff(_union_staff_ids(parent), _("下级工会的合理化建议 %(n)s 已超期未答复。") % {"n": proposal.number}, proposal)
            count += 1
    return count
