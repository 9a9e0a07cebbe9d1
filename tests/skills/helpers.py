"""Shared builders for the skills tests (and the cross-branch test's factories)."""

from __future__ import annotations

from typing import Any

from gonghui.skills import services
from gonghui.skills.models import Attempt, Author, Certificate, Course, Enrolment, Lesson, Question
from tests.factories import make_staff, make_worker_user

# A minimal MP4 header ("ftyp" at offset 4) and WebM (EBML magic).
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
PDF = b"%PDF-1.4\n%%EOF\n"


def make_author(*, union: Any, user: Any = None, name: str = "李焊工", title: str = "全国劳动模范") -> Author:
    return services.author_register(actor=make_staff(union=union), union=union, user=user or make_worker_user(name=name),
                                     name=name, title=title)


def make_course(*, union: Any, author: Author | None = None, title: str = "电焊工技能提升", publish: bool = True,
                lessons: int = 2, bank: int = 4, draw: int = 3, pass_mark: int = 60, hours: int = 8,
                quiz_on_first: bool = False, exam_minutes: int = 30) -> Course:
    """A course with `lessons` text lessons and an exam bank of `bank` questions whose right
    answer is always option 0; submitted and published unless `publish` is False."""
    author = author or make_author(union=union)
    course = services.course_create(author=author, title=title, trade="焊工", level="middle", provider="union",
                                    hours=hours, pass_mark=pass_mark, exam_questions=draw, exam_minutes=exam_minutes)
    user = author.user
    for i in range(lessons):
        services.lesson_add(course=course, by=user, title=f"第{i + 1}课", kind=Lesson.Kind.TEXT, body=f"课文{i + 1}")
    if quiz_on_first:
        first = course.lessons.first()
        services.question_add(course=course, by=user, text="测验题", options=["对", "错"], answer=0, lesson=first)
    for i in range(bank):
        services.question_add(course=course, by=user, text=f"考题{i + 1}", options=["甲", "乙", "丙"], answer=0)
    if publish:
        services.course_submit(course=course, by=user)
        services.course_review(course=course, actor=make_staff(union=union), publish=True)
        course.refresh_from_db()
    return course


def learn_all(enrolment: Enrolment) -> None:
    for lesson in enrolment.course.lessons.all():
        if lesson.questions.exists():
            attempt = services.attempt_start(enrolment=enrolment, lesson=lesson)
            services.attempt_submit(attempt=attempt, answers={str(q): 0 for q in attempt.question_ids})
        else:
            services.lesson_complete(enrolment=enrolment, lesson=lesson)


def right_answers(attempt: Attempt, right: int) -> dict[str, int]:
    """Answers with the first `right` drawn questions correct (option 0) and the rest wrong."""
    return {str(q): (0 if i < right else 1) for i, q in enumerate(attempt.question_ids)}


def certificate_for(*, union: Any, user: Any = None, course: Course | None = None) -> Certificate:
    course = course or make_course(union=union)
    enrolment = services.enrol(course=course, user=user or make_worker_user(name="王小明"))
    learn_all(enrolment)
    attempt = services.attempt_start(enrolment=enrolment)
    result = services.attempt_submit(attempt=attempt, answers=right_answers(attempt, course.exam_questions))
    assert result.certificate is not None
    return result.certificate


__all__ = ["MP4", "PDF", "Question", "certificate_for", "learn_all", "make_author", "make_course", "right_answers"]


# --- competitions ---------------------------------------------------------------------------------


def make_competition(*, union: Any, staff: Any = None, rounds: tuple[tuple[str, int], ...] = (("初赛", 2), ("决赛", 0)),
                     judges: int = 5, judge_employers: dict[int, Any] | None = None, open_: bool = True,
                     tie_rule: str = "items", drop_extremes: bool = True, min_judges: int = 3,
                     prizes: str = "1 5000 技术能手\n2 3000\n3 2000\n4-6 1000") -> Any:
    """A competition of `union` with the sheet 实操 60% + 理论 40%, `rounds` and `judges`
    judges (judge i works at judge_employers[i] when given), open for registration."""
    import datetime as dt

    from gonghui.skills import competitions as comp

    staff = staff or make_staff(union=union)
    competition = comp.competition_create(
        actor=staff, union=union, title="焊工技能竞赛", level="city", trade="焊工",
        registration_closes=dt.date(2099, 12, 31), tie_rule=tie_rule, drop_extremes=drop_extremes,
        min_judges=min_judges, prizes=prizes)
    comp.item_add(actor=staff, competition=competition, name="实操", weight=60)
    comp.item_add(actor=staff, competition=competition, name="理论", weight=40)
    for name, advance in rounds:
        comp.round_add(actor=staff, competition=competition, name=name, advance=advance)
    for i in range(1, judges + 1):
        employer = (judge_employers or {}).get(i)
        comp.judge_add(actor=staff, competition=competition, user=make_worker_user(name=f"评委{i}"), name=f"评委{i}",
                       employer=employer)
    if open_:
        comp.competition_open(actor=staff, competition=competition)
    competition.refresh_from_db()
    return competition


def make_entry(*, competition: Any, union: Any, user: Any = None, name: str = "张焊工", endorse: bool = True) -> Any:
    from gonghui.skills import competitions as comp
    from tests.factories import make_member

    member = make_member(union=union, name=name, user=user)
    entry = comp.entry_register(competition=competition, user=member.person.user)
    if endorse:
        entry = comp.entry_endorse(actor=make_staff(union=union), entry=entry, endorse=True, note="推荐")
    return entry


# --- 劳模工匠评选 -----------------------------------------------------------------------------------

ACHIEVEMENTS = "长期扎根焊接一线，带领班组攻克大型构件焊接变形难题，获评技术能手，培养徒弟二十余人，创造经济效益三百余万元。"


def make_selection(*, tree: Any, organiser: Any = None, quotas: Any = None, open_: bool = True, notice_days: int = 5,
                   honour_title: str = "市劳动模范", level: str = "city") -> Any:
    """A selection organised by city A (by default) with 2 places for county A, open for nominations."""
    import datetime as dt

    from gonghui.skills import selection

    organiser = organiser or tree.city_a
    staff = make_staff(union=organiser)
    item = selection.selection_create(actor=staff, union=organiser, title="2026年劳动模范评选", kind="model_worker",
                                      honour_title=honour_title, level=level, year=2026,
                                      nominate_until=dt.date(2030, 12, 31), notice_days=notice_days)
    for union, places in quotas if quotas is not None else [(tree.county_a, 2)]:
        selection.quota_set(actor=staff, selection=item, union=union, places=places)
    if open_:
        selection.selection_open(actor=staff, selection=item)
    return item


def nominate(item: Any, *, union: Any, actor: Any = None, name: str = "张建国", id_number: str | None = None,
             phone: str = "", files: Any = (), achievements: str = ACHIEVEMENTS) -> Any:
    from gonghui.skills import selection
    from tests.factories import make_id_number

    return selection.nomination_submit(actor=actor or make_staff(union=union), selection=item, union=union, name=name,
                                       id_number=id_number or make_id_number(), phone=phone, unit_name="甲市重工集团",
                                       post="焊工班班长", trade="焊工", achievements=achievements, files=files)


def shortlist(nomination: Any) -> Any:
    """Pass the nomination at every step up to the organiser (staff of each step's union)."""
    from gonghui.skills import selection

    nomination.refresh_from_db()
    while nomination.status == "reviewing":
        nomination = selection.nomination_review(actor=make_staff(union=nomination.step_union), nomination=nomination,
                                                 passed=True, note="同意")
    return nomination


def on_notice(item: Any, *, start: Any) -> Any:
    """Close nominations and put the shortlist on notice from `start` (taken as today)."""
    from gonghui.skills import selection

    staff = make_staff(union=item.union)
    selection.selection_close(actor=staff, selection=item)
    return selection.selection_notice_start(actor=staff, selection=item, today=start)
