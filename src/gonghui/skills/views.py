"""Worker pages of the skills module, under /skills/: the course catalogue, a course and its
lessons (resume where you stopped), quizzes and the exam, my learning (学时, certificates),
the public certificate check, the 工匠学院 registry, authoring for model workers and
craftsmen, and 合理化建议 (submit, follow every step, co-sign a colleague's)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.idempotency import idempotent_form
from gonghui.core.qr import qr_svg
from gonghui.core.web import apply_domain_error, domain_errors, run_service

from . import competitions as comp
from . import selectors, services
from .forms import CourseForm, EntryForm, LessonForm, ObjectionForm, ProposalForm, QuestionForm
from .models import Level, Provider

worker_login_required = login_required(login_url="accounts:worker_login")


@domain_errors
def index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:40]
    filters = {k: request.GET.get(k, "")[:40] for k in ("trade", "level", "provider")}
    courses = selectors.course_search(q=q, trade=filters["trade"], level=filters["level"], provider=filters["provider"])[:50]
    return render(request, "skills/pages/index.html", {
        "courses": courses, "q": q, "filters": filters, "trades": selectors.trades_published(),
        "levels": Level.choices, "providers": Provider.choices,
    })


@domain_errors
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    course_obj = selectors.course_get_published(course_id=course_id)
    enrolment = selectors.enrolment_of(user=request.user, course=course_obj)
    return render(request, "skills/pages/course.html", {
        "course": course_obj, "lessons": selectors.lessons_of(course=course_obj), "enrolment": enrolment,
        "done": selectors.lessons_done_ids(enrolment=enrolment) if enrolment else set(),
        "certificate_id": selectors.certificate_id_of(enrolment=enrolment) if enrolment else None,
    })


@worker_login_required
@require_POST
@domain_errors
def course_enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course_obj = selectors.course_get_published(course_id=course_id)
    enrolment = services.enrol(course=course_obj, user=request.user)
    if enrolment.last_lesson_id:
        return redirect("skills:lesson", enrolment_id=enrolment.pk, lesson_id=enrolment.last_lesson_id)
    return redirect("skills:course", course_id=course_obj.pk)


@worker_login_required
@domain_errors
def lesson(request: HttpRequest, enrolment_id: int, lesson_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    lesson_obj = selectors.lesson_get_in(enrolment=enrolment, lesson_id=lesson_id)
    services.lesson_open(enrolment=enrolment, lesson=lesson_obj)
    lessons = list(selectors.lessons_of(course=enrolment.course))
    index_of = [x.pk for x in lessons].index(lesson_obj.pk)
    return render(request, "skills/pages/lesson.html", {
        "enrolment": enrolment, "course": enrolment.course, "lesson": lesson_obj,
        "has_quiz": lesson_obj.questions.exists(), "done": lesson_obj.pk in selectors.lessons_done_ids(enrolment=enrolment),
        "previous": lessons[index_of - 1] if index_of > 0 else None,
        "next": lessons[index_of + 1] if index_of + 1 < len(lessons) else None,
    })


@worker_login_required
@require_POST
@domain_errors
def lesson_complete(request: HttpRequest, enrolment_id: int, lesson_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    lesson_obj = selectors.lesson_get_in(enrolment=enrolment, lesson_id=lesson_id)
    if run_service(request, lambda: services.lesson_complete(enrolment=enrolment, lesson=lesson_obj), success=_("本课时已学完。")):
        enrolment.refresh_from_db()
        if enrolment.last_lesson_id and enrolment.last_lesson_id != lesson_obj.pk:
            return redirect("skills:lesson", enrolment_id=enrolment.pk, lesson_id=enrolment.last_lesson_id)
        return redirect("skills:course", course_id=enrolment.course_id)
    return redirect("skills:lesson", enrolment_id=enrolment.pk, lesson_id=lesson_obj.pk)


@worker_login_required
@require_POST
@domain_errors
def quiz_start(request: HttpRequest, enrolment_id: int, lesson_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    lesson_obj = selectors.lesson_get_in(enrolment=enrolment, lesson_id=lesson_id)
    try:
        attempt = services.attempt_start(enrolment=enrolment, lesson=lesson_obj)
    except DomainError as exc:
        apply_domain_error(exc, request=request)
        return redirect("skills:lesson", enrolment_id=enrolment.pk, lesson_id=lesson_obj.pk)
    return redirect("skills:attempt", attempt_id=attempt.pk)


@worker_login_required
@require_POST
@domain_errors
def exam_start(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_own(user=request.user, enrolment_id=enrolment_id)
    try:
        attempt = services.attempt_start(enrolment=enrolment)
    except DomainError as exc:
        apply_domain_error(exc, request=request)
        return redirect("skills:course", course_id=enrolment.course_id)
    return redirect("skills:attempt", attempt_id=attempt.pk)


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt_obj = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    questions = selectors.attempt_questions(attempt=attempt_obj)
    result = None
    if request.method == "POST" and attempt_obj.submitted_at is None:
        answers: dict[str, Any] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("q") and key[1:].isdigit() and value.isdigit():
                answers[key[1:]] = int(value)
        try:
            result = services.attempt_submit(attempt=attempt_obj, answers=answers)
            attempt_obj = result.attempt
        except DomainError as exc:
            apply_domain_error(exc, request=request)
    return render(request, "skills/pages/attempt.html", {
        "attempt": attempt_obj, "questions": questions, "result": result, "course": attempt_obj.enrolment.course,
    })


@worker_login_required
@domain_errors
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "skills/pages/mine.html", {
        "enrolments": selectors.enrolments_of_user(user=request.user)[:100],
        "transcript": selectors.transcript_of(user=request.user),
        "authored": selectors.author_of(user=request.user) is not None,
    })


@worker_login_required
@domain_errors
def certificate(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_get_own(user=request.user, certificate_id=certificate_id)
    url = request.build_absolute_uri(services.certificate_verify_url(cert))
    return render(request, "skills/pages/certificate.html", {
        "certificate": cert, "course": cert.enrolment.course, "verify_url": url,
        "qr": qr_svg(url, scale=4, title=_("扫码核验证书")),
    })


def certificate_verify(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "")[:500]
    check = services.certificate_verify(token=token) if token else None
    return render(request, "skills/pages/verify.html", {"check": check, "token": token})


def academies(request: HttpRequest) -> HttpResponse:
    return render(request, "skills/pages/academies.html", {"academies": selectors.academy_list_public()[:200]})


# --- authoring ----------------------------------------------------------------------------------


@worker_login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
@domain_errors
def author_home(request: HttpRequest) -> HttpResponse:
    author = selectors.author_of(user=request.user)
    if author is None:
        raise NotFound()
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.course_create(author=author, **form.cleaned_data)
            messages.success(request, _("课程已创建，请添加课时和试题。"))
            return redirect("skills:author_course", course_id=created.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/author.html", {
        "author": author, "form": form, "courses": selectors.courses_authored(user=request.user)[:100],
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def author_course(request: HttpRequest, course_id: int) -> HttpResponse:
    course_obj = selectors.course_get_authored(user=request.user, course_id=course_id)
    lessons = list(selectors.lessons_of(course=course_obj))
    lesson_form = LessonForm(prefix="l")
    question_form = QuestionForm(prefix="q", lessons=lessons)
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "lesson":
                lesson_form = LessonForm(request.POST, request.FILES, prefix="l")
                if lesson_form.is_valid():
                    d = lesson_form.cleaned_data
                    services.lesson_add(course=course_obj, by=request.user, title=d["title"], kind=d["kind"],
                                        upload=d["upload"], video_url=d["video_url"], body=d["body"])
                    messages.success(request, _("课时已添加。"))
                    return redirect("skills:author_course", course_id=course_obj.pk)
            elif what == "question":
                question_form = QuestionForm(request.POST, prefix="q", lessons=lessons)
                if question_form.is_valid():
                    d = question_form.cleaned_data
                    lesson_obj = next((x for x in lessons if x.pk == d["lesson"]), None)
                    services.question_add(course=course_obj, by=request.user, text=d["text"],
                                          options=d["options"].splitlines(), answer=d["answer"] - 1, lesson=lesson_obj)
                    messages.success(request, _("试题已添加。"))
                    return redirect("skills:author_course", course_id=course_obj.pk)
            elif what == "submit":
                services.course_submit(course=course_obj, by=request.user)
                messages.success(request, _("已提交工会审核。"))
                return redirect("skills:author_course", course_id=course_obj.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=lesson_form if what == "lesson" else question_form if what == "question" else None,
                               request=request if what == "submit" else None)
    return render(request, "skills/pages/author_course.html", {
        "course": course_obj, "lessons": lessons, "lesson_form": lesson_form, "question_form": question_form,
        "bank": course_obj.questions.filter(lesson__isnull=True).count(),
        "editable": course_obj.status in ("draft", "returned"),
    })


# --- 合理化建议 -----------------------------------------------------------------------------------


@worker_login_required
@domain_errors
def proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "skills/pages/proposals.html", {
        "mine": selectors.proposals_of_user(user=request.user)[:100],
        "colleagues": selectors.proposals_of_colleagues(user=request.user)[:50],
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
@domain_errors
def proposal_new(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.proposal_submit(user=request.user, **form.cleaned_data)
            messages.success(request, _("建议已提交，编号 %(n)s。") % {"n": created.number})
            return redirect("skills:proposal_detail", proposal_id=created.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/proposal_form.html", {"form": form})


@worker_login_required
@domain_errors
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_get_own(user=request.user, proposal_id=proposal_id)
        own = True
    except NotFound:
        proposal = selectors.proposal_get_colleague(user=request.user, proposal_id=proposal_id)
        own = False
    return render(request, "skills/pages/proposal.html", {
        "proposal": proposal, "own": own, "events": selectors.proposal_events_public(proposal=proposal),
        "cosigns": proposal.cosigns.order_by("at"), "cosigned": proposal.cosigns.filter(user_id=request.user.pk or 0).exists(),
    })


@worker_login_required
@require_POST
@domain_errors
def proposal_cosign(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_colleague(user=request.user, proposal_id=proposal_id)
    run_service(request, lambda: services.proposal_cosign(proposal=proposal, user=request.user), success=_("已附议。"))
    return redirect(reverse("skills:proposal_detail", kwargs={"proposal_id": proposal.pk}))


# --- 劳动和技能竞赛 -------------------------------------------------------------------------------


@domain_errors
def competitions(request: HttpRequest) -> HttpResponse:
    return render(request, "skills/pages/competitions.html", {
        "competitions": selectors.competitions_public()[:100],
        "entries": selectors.entries_of_user(user=request.user)[:50],
        "honours": selectors.honours_of_user(user=request.user)[:50],
        "judging": selectors.judge_roles_of(user=request.user)[:20],
    })


@require_http_methods(["GET", "POST"])
@idempotent_form
@domain_errors
def competition(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition_obj = selectors.competition_get_public(competition_id=competition_id)
    form = EntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:worker_login')}?next={request.path}")
        if form.is_valid():
            try:
                entry = comp.entry_register(competition=competition_obj, user=request.user, **form.cleaned_data)
                messages.success(request, _("报名已提交，参赛号 %(n)s，等待您所在工会推荐。") % {"n": entry.number})
                return redirect("skills:competition", competition_id=competition_obj.pk)
            except DomainError as exc:
                apply_domain_error(exc, form=form)
    return render(request, "skills/pages/competition.html", {
        "competition": competition_obj, "form": form, "entry": selectors.entry_of(user=request.user, competition=competition_obj),
        "items": competition_obj.items.order_by("order", "pk"), "rounds": competition_obj.rounds.order_by("order"),
        "results": comp.results_of(competition_obj), "prizes_text": comp.prizes_text(competition_obj.prizes),
    })


@worker_login_required
@require_POST
@domain_errors
def entry_withdraw(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_own(user=request.user, entry_id=entry_id)
    run_service(request, lambda: comp.entry_withdraw(entry=entry, user=request.user), success=_("报名已撤回。"))
    return redirect("skills:competition", competition_id=entry.competition_id)


@worker_login_required
@domain_errors
def judging(request: HttpRequest, judge_id: int) -> HttpResponse:
    judge = selectors.judge_get_own(user=request.user, judge_id=judge_id)
    round_obj = selectors.judge_round_open(judge=judge)
    rows = []
    if round_obj is not None:
        mine = dict(round_obj.sheets.filter(judge=judge).values_list("entry_id", "total"))
        rows = [{"entry": e, "conflict": comp.conflict_of(judge, e), "total": mine.get(e.pk)} for e in comp.entries_in(round_obj)]
    return render(request, "skills/pages/judging.html", {"judge": judge, "round": round_obj, "rows": rows})


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def judging_sheet(request: HttpRequest, judge_id: int, entry_id: int) -> HttpResponse:
    judge = selectors.judge_get_own(user=request.user, judge_id=judge_id)
    round_obj = selectors.judge_round_open(judge=judge)
    if round_obj is None:
        raise NotFound()
    entry = next((e for e in comp.entries_in(round_obj) if e.pk == entry_id), None)
    if entry is None:
        raise NotFound()
    items = list(judge.competition.items.order_by("order", "pk"))
    sheet = round_obj.sheets.filter(judge=judge, entry=entry).first()
    values: dict[str, Any] = dict(sheet.scores) if sheet else {}
    if request.method == "POST":
        if request.POST.get("what") == "recuse":
            if run_service(request, lambda: comp.recusal_declare(judge=judge, entry=entry, reason=request.POST.get("reason", "")[:100]),
                           success=_("已申报回避，不再给这位选手打分。")):
                return redirect("skills:judging", judge_id=judge.pk)
        else:
            values = {str(i.pk): request.POST.get(f"item_{i.pk}", "")[:5] for i in items}
            if run_service(request, lambda: comp.sheet_submit(judge=judge, round_=round_obj, entry=entry, scores=values),
                           success=_("评分已保存。")):
                return redirect("skills:judging", judge_id=judge.pk)
    return render(request, "skills/pages/judging_sheet.html", {
        "judge": judge, "round": round_obj, "entry": entry, "conflict": comp.conflict_of(judge, entry),
        "rows": [{"item": i, "value": values.get(str(i.pk), "")} for i in items], "sheet": sheet,
    })


# --- 创新工作室 and 创新成果 (public registry) --------------------------------------------------------


def studios(request: HttpRequest) -> HttpResponse:
    return render(request, "skills/pages/studios.html", {
        "studios": selectors.studios_public()[:200], "innovations": selectors.innovations_public()[:50],
    })


@domain_errors
def studio(request: HttpRequest, studio_id: int) -> HttpResponse:
    studio_obj = selectors.studio_get_public(studio_id=studio_id)
    return render(request, "skills/pages/studio.html", {
        "studio": studio_obj, "members": studio_obj.members.filter(left_on__isnull=True).order_by("joined_on", "pk"),
        "innovations": studio_obj.innovations.order_by("-year")[:100],
        "evaluations": studio_obj.events.filter(kind="evaluation").order_by("-year")[:20],
    })


# --- 劳模工匠: the registry, 公示 and objections -----------------------------------------------------


@domain_errors
def laureates(request: HttpRequest) -> HttpResponse:
    from .models import HonourKind, HonourLevel, Selection

    q = request.GET.get("q", "").strip()[:40]
    level = request.GET.get("level", "")[:12]
    kind = request.GET.get("kind", "")[:14]
    return render(request, "skills/pages/laureates.html", {
        "laureates": selectors.laureates_public(q=q, level=level, kind=kind)[:100], "q": q, "level": level, "kind": kind,
        "levels": HonourLevel.choices, "kinds": HonourKind.choices,
        "notices": selectors.selections_public().filter(status=Selection.Status.NOTICE)[:20],
    })


@domain_errors
def laureate(request: HttpRequest, laureate_id: int) -> HttpResponse:
    item = selectors.laureate_get_public(laureate_id=laureate_id)
    return render(request, "skills/pages/laureate.html", {"laureate": item, **selectors.laureate_works(laureate=item)})


@domain_errors
def selection_notice(request: HttpRequest, selection_id: int) -> HttpResponse:
    item = selectors.selection_get_public(selection_id=selection_id)
    return render(request, "skills/pages/selection_notice.html", {
        "selection": item, "entries": selectors.notice_entries(selection=item), "form": ObjectionForm(),
    })


@worker_login_required
@domain_errors
@require_POST
def notice_object(request: HttpRequest, nomination_id: int) -> HttpResponse:
    from . import selection as sel

    nomination = selectors.notice_entry_get(nomination_id=nomination_id)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: sel.objection_raise(user=request.user, nomination=nomination, **form.cleaned_data),
                    success=_("异议已提交，组织评选的工会核实后会答复您。"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("skills:selection_notice", kwargs={"selection_id": nomination.selection_id}) + "#n" + str(nomination.pk))
