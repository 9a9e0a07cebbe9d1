"""技能云 learning, as rules: the catalogue search, authoring and review, checked uploads,
resume, quizzes and the exam (random draw, time limit, pass mark), 学时 and certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.skills import selectors, services
from gonghui.skills.models import Course, Lesson
from tests.factories import Tree, make_staff, make_worker_user

from .helpers import MP4, PDF, certificate_for, learn_all, make_author, make_course, right_answers

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


# --- catalogue -----------------------------------------------------------------------------------


def test_catalogue_finds_pinyin_initials_anywhere_in_the_title_and_only_published_courses():
    tree = Tree()
    welding = make_course(union=tree.grassroots_a, title="电焊工技能提升")  # d h g j n t s
    make_course(union=tree.grassroots_a, title="叉车安全驾驶", author=welding.author)  # c c a q j s
    draft = make_course(union=tree.grassroots_a, title="焊接入门", author=welding.author, publish=False)

    def titles(q: str) -> set[str]:
        return {c.title for c in selectors.course_search(q=q)}

    assert titles("jn") == {"电焊工技能提升"}  # initials of 技能, in the middle of the title
    assert titles("HG") == {"电焊工技能提升"}  # case does not matter
    assert titles("js") == {"叉车安全驾驶"}  # 驾驶, at the end
    assert titles("技能") == {"电焊工技能提升"}
    assert titles("hanjie") == set()  # only the draft has 焊接, and drafts are not listed
    assert titles("xyz") == set()
    assert draft.status == Course.Status.DRAFT
    assert titles("") == {"电焊工技能提升", "叉车安全驾驶"}


def test_catalogue_filters_by_level_provider_and_trade():
    tree = Tree()
    course = make_course(union=tree.grassroots_a)
    assert list(selectors.course_search(level="middle", provider="union", trade="焊工")) == [course]
    assert list(selectors.course_search(level="senior")) == []
    assert list(selectors.course_search(provider="academy")) == []


# --- authoring and review ----------------------------------------------------------------------


def test_a_course_is_submitted_only_with_a_lesson_and_a_bank_as_large_as_one_draw():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, publish=False, lessons=1, bank=2, draw=3)
    with pytest.raises(ValidationFailed) as exc:
        services.course_submit(course=course, by=course.author.user)
    assert exc.value.code == "bank_too_small"
    services.question_add(course=course, by=course.author.user, text="第三题", options=["是", "否"], answer=1)
    services.course_submit(course=course, by=course.author.user)
    # Locked for the author once submitted.
    with pytest.raises(Conflict):
        services.lesson_add(course=course, by=course.author.user, title="再加一课", kind="text", body="x")


def test_only_the_author_edits_and_a_return_needs_a_note():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, publish=False)
    with pytest.raises(NotFound):
        services.lesson_add(course=course, by=make_worker_user(), title="冒名", kind="text", body="x")
    services.course_submit(course=course, by=course.author.user)
    staff = make_staff(union=tree.grassroots_a)
    with pytest.raises(ValidationFailed):
        services.course_review(course=course, actor=staff, publish=False, note="")
    services.course_review(course=course, actor=staff, publish=False, note="第二课讲得不清楚")
    course.refresh_from_db()
    assert course.status == Course.Status.RETURNED and course.published_at is None
    with pytest.raises(NotFound):  # not in the catalogue
        selectors.course_get_published(course_id=course.pk)


def test_inactive_author_cannot_write():
    tree = Tree()
    author = make_author(union=tree.grassroots_a)
    author.active = False
    with pytest.raises(PermissionDenied) as exc:
        services.course_create(author=author, title="课", trade="焊工", level="junior", provider="union")
    assert exc.value.code == "author_inactive"


# --- checked uploads and links ----------------------------------------------------------------


def _draft(tree: Tree) -> Course:
    return make_course(union=tree.grassroots_a, publish=False, lessons=0, bank=0)


def test_video_upload_is_checked_by_size_and_real_type(settings):
    tree = Tree()
    course = _draft(tree)
    user = course.author.user
    settings.SKILLS_VIDEO_MAX_MB = 1
    too_large = SimpleUploadedFile("课.mp4", MP4 + b"\x00" * (1024 * 1024), content_type="video/mp4")
    with pytest.raises(ValidationFailed) as exc:
        services.lesson_add(course=course, by=user, title="大视频", kind="video", upload=too_large)
    assert exc.value.code == "video_too_large" and "1 MB" in str(exc.value.message)
    png_renamed = SimpleUploadedFile("课.mp4", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="video/mp4")
    with pytest.raises(ValidationFailed) as exc:
        services.lesson_add(course=course, by=user, title="假视频", kind="video", upload=png_renamed)
    assert exc.value.code == "video_type"
    exe = SimpleUploadedFile("课.exe", MP4, content_type="application/octet-stream")
    with pytest.raises(ValidationFailed):
        services.lesson_add(course=course, by=user, title="程序", kind="video", upload=exe)
    assert course.lessons.count() == 0  # nothing half-written
    lesson = services.lesson_add(course=course, by=user, title="真视频", kind="video",
                                 upload=SimpleUploadedFile("课.mp4", MP4, content_type="video/mp4"))
    assert lesson.content_type == "video/mp4" and lesson.upload.name.startswith("skills/")
    assert "课" not in lesson.upload.name  # a random stored name
    pdf = services.lesson_add(course=course, by=user, title="讲义", kind="pdf",
                              upload=SimpleUploadedFile("讲义.pdf", PDF, content_type="application/pdf"))
    assert pdf.content_type == "application/pdf"
    with pytest.raises(ValidationFailed) as exc:
        services.lesson_add(course=course, by=user, title="假讲义", kind="pdf",
                            upload=SimpleUploadedFile("讲义.pdf", b"not a pdf", content_type="application/pdf"))
    assert exc.value.code == "pdf_type"


def test_external_video_links_only_on_allowed_hosts_over_https():
    tree = Tree()
    course = _draft(tree)
    user = course.author.user
    for url, code in [("http://www.bilibili.com/video/BV1", "link_invalid"), ("https://evil.example.com/v.mp4", "link_host"),
                      ("https://www.bilibili.com.evil.example.com/v", "link_host"), ("javascript:alert(1)", "link_invalid"),
                      ("https://user@www.bilibili.com/v", "link_host")]:
        with pytest.raises(ValidationFailed) as exc:
            services.lesson_add(course=course, by=user, title="链接", kind="link", video_url=url)
        assert exc.value.code == code, url
    lesson = services.lesson_add(course=course, by=user, title="链接", kind="link", video_url="https://www.bilibili.com/video/BV1xx")
    assert lesson.kind == Lesson.Kind.LINK


# --- learning -------------------------------------------------------------------------------------


def test_enrolment_resumes_at_the_next_lesson_and_enrolling_twice_is_the_same():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, lessons=3)
    first, second, third = course.lessons.all()
    worker = make_worker_user()
    enrolment = services.enrol(course=course, user=worker)
    assert enrolment.last_lesson == first
    services.lesson_complete(enrolment=enrolment, lesson=first)
    assert enrolment.last_lesson == second
    services.lesson_open(enrolment=enrolment, lesson=third)
    again = services.enrol(course=course, user=worker)
    assert again.pk == enrolment.pk and again.last_lesson == third


def test_a_lesson_with_a_quiz_is_completed_by_passing_it():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, quiz_on_first=True)
    first = course.lessons.first()
    enrolment = services.enrol(course=course, user=make_worker_user())
    with pytest.raises(Conflict):
        services.lesson_complete(enrolment=enrolment, lesson=first)
    quiz = services.attempt_start(enrolment=enrolment, lesson=first)
    wrong = services.attempt_submit(attempt=quiz, answers={str(quiz.question_ids[0]): 1})
    assert wrong.attempt.score == 0 and not wrong.attempt.passed
    assert first.pk not in selectors.lessons_done_ids(enrolment=enrolment)
    quiz = services.attempt_start(enrolment=enrolment, lesson=first)
    assert services.attempt_submit(attempt=quiz, answers={str(quiz.question_ids[0]): 0}).attempt.passed
    assert first.pk in selectors.lessons_done_ids(enrolment=enrolment)


def test_the_exam_opens_only_when_every_lesson_is_learned():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, lessons=2)
    enrolment = services.enrol(course=course, user=make_worker_user())
    services.lesson_complete(enrolment=enrolment, lesson=course.lessons.first())
    with pytest.raises(Conflict) as exc:
        services.attempt_start(enrolment=enrolment)
    assert exc.value.code == "lessons_missing" and "1" in str(exc.value.message)


def test_each_exam_attempt_draws_its_own_questions_from_the_bank():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, bank=10, draw=3)
    enrolment = services.enrol(course=course, user=make_worker_user())
    learn_all(enrolment)
    bank = set(course.questions.filter(lesson__isnull=True).values_list("pk", flat=True))
    draws = [services.attempt_start(enrolment=enrolment).question_ids for _ in range(20)]
    assert all(len(d) == 3 and len(set(d)) == 3 and set(d) <= bank for d in draws)
    # 120 possible sets: 20 identical draws would be a fixed draw, not a random one.
    assert len({frozenset(d) for d in draws}) > 1


@pytest.mark.parametrize(("draw", "pass_mark", "right", "score", "passed"), [
    (5, 60, 3, 60, True),    # 3/5 = 60, exactly the mark
    (5, 60, 2, 40, False),
    (3, 67, 2, 66, False),   # 2/3 = 66.66… rounds down to 66: below 67
    (3, 66, 2, 66, True),
    (3, 100, 3, 100, True),
    (4, 80, 3, 75, False),
])
def test_pass_mark_worked_by_hand(draw, pass_mark, right, score, passed):
    tree = Tree()
    course = make_course(union=tree.grassroots_a, bank=draw, draw=draw, pass_mark=pass_mark)
    enrolment = services.enrol(course=course, user=make_worker_user())
    learn_all(enrolment)
    attempt = services.attempt_start(enrolment=enrolment)
    result = services.attempt_submit(attempt=attempt, answers=right_answers(attempt, right))
    assert (result.attempt.score, result.attempt.passed, result.correct) == (score, passed, right)
    assert (result.certificate is not None) == passed
    enrolment.refresh_from_db()
    assert enrolment.hours_earned == (course.hours if passed else 0)


def test_answers_for_questions_of_another_attempt_are_refused():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, quiz_on_first=True, bank=3, draw=3)
    enrolment = services.enrol(course=course, user=make_worker_user())
    quiz = services.attempt_start(enrolment=enrolment, lesson=course.lessons.first())
    learn_all(enrolment)
    exam = services.attempt_start(enrolment=enrolment)
    foreign = {str(quiz.question_ids[0]): 0, **right_answers(exam, 3)}
    with pytest.raises(ValidationFailed) as exc:
        services.attempt_submit(attempt=exam, answers=foreign)
    assert exc.value.code == "answers_other_attempt"
    exam.refresh_from_db()
    assert exam.submitted_at is None and exam.score is None
    with pytest.raises(ValidationFailed):
        services.attempt_submit(attempt=exam, answers={"abc": 0})


def test_exam_answers_after_the_time_limit_are_refused_and_a_second_hand_in_too():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, exam_minutes=30)
    enrolment = services.enrol(course=course, user=make_worker_user())
    learn_all(enrolment)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    late = services.attempt_start(enrolment=enrolment, now=start)
    with pytest.raises(Conflict) as exc:
        services.attempt_submit(attempt=late, answers=right_answers(late, 3), now=start + dt.timedelta(minutes=30, seconds=1))
    assert exc.value.code == "attempt_expired"
    on_time = services.attempt_start(enrolment=enrolment, now=start)
    assert services.attempt_submit(attempt=on_time, answers=right_answers(on_time, 3), now=start + dt.timedelta(minutes=30)).attempt.passed
    with pytest.raises(Conflict):
        services.attempt_submit(attempt=on_time, answers=right_answers(on_time, 3), now=start + dt.timedelta(minutes=1))
    with pytest.raises(Conflict):  # completed: no more exams
        services.attempt_start(enrolment=enrolment)


def test_learning_hours_add_up_over_completed_courses_only():
    tree = Tree()
    worker = make_worker_user(name="王小明")
    author = make_author(union=tree.grassroots_a)
    eight = make_course(union=tree.grassroots_a, author=author, title="焊接一", hours=8)
    three = make_course(union=tree.grassroots_a, author=author, title="焊接二", hours=3)
    unfinished = make_course(union=tree.grassroots_a, author=author, title="焊接三", hours=5)
    certificate_for(union=tree.grassroots_a, user=worker, course=eight)
    certificate_for(union=tree.grassroots_a, user=worker, course=three)
    services.enrol(course=unfinished, user=worker)
    transcript = selectors.transcript_of(user=worker)
    assert (transcript.hours, transcript.courses_completed, len(transcript.certificates)) == (11, 2, 2)
    assert selectors.transcript_of(user=make_worker_user()).hours == 0


# --- certificates ---------------------------------------------------------------------------------


def test_certificate_verifies_with_a_masked_name_and_a_tampered_token_is_refused():
    tree = Tree()
    cert = certificate_for(union=tree.grassroots_a, user=make_worker_user(name="王小明"))
    token = services.certificate_token(cert)
    check = services.certificate_verify(token=token)
    assert (check.status, check.serial, check.holder, check.hours) == ("valid", cert.serial, "王**", 8)
    assert check.union_name == tree.grassroots_a.name
    # Change one character of the signed value, or of the signature: invalid.
    for i in (2, len(token) - 2):
        tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        assert services.certificate_verify(token=tampered).status == "invalid"
    # A token signed for another serial by someone without the key.
    from django.core import signing
    assert services.certificate_verify(token=signing.dumps(cert.serial, salt="other")).status == "invalid"
    assert services.certificate_verify(token="").status == "invalid"
    services.certificate_revoke(certificate=cert, actor=make_staff(union=tree.grassroots_a), reason="考试作弊")
    assert services.certificate_verify(token=token).status == "revoked"


def test_public_verify_page_and_api(client):
    tree = Tree()
    cert = certificate_for(union=tree.grassroots_a, user=make_worker_user(name="王小明"))
    token = services.certificate_token(cert)
    page = client.get("/skills/verify/", {"token": token})
    assert page.status_code == 200 and "证书有效" in page.content.decode() and "王**" in page.content.decode()
    assert "王小明" not in page.content.decode()
    bad = client.get("/skills/verify/", {"token": token[:-1] + ("x" if token[-1] != "x" else "y")})
    assert "证书无效" in bad.content.decode()
    api = client.get("/api/v1/skills/certificates/verify", {"token": token}).json()
    assert api["status"] == "valid" and api["serial"] == cert.serial and api["hours"] == 8
    assert client.get("/api/v1/skills/certificates/verify", {"token": "x" * 501}).status_code == 422
