"""Staff pages of the skills module, under /console/skills/: courses to review and publish,
工匠学院 and course authors, certificates (revoke), and the 合理化建议 queue with every step
(route to a reviewer, answer, implementation, benefit, reward) and the deadline policy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError, ValidationFailed
from gonghui.core.idempotency import idempotent_form
from gonghui.core.money import yuan_to_fen
from gonghui.core.web import apply_domain_error, run_service

from . import selectors, services
from .forms import AcademyForm, AuthorForm, PolicyForm
from .models import Course, Proposal


@console_view
def course_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Course.Status.values else ""
    return render(request, "skills/pages/console_courses.html", {
        "courses": selectors.course_list_for_user(user=request.user, status=status)[:200], "status": status,
        "statuses": Course.Status.choices,
    })


@console_view
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id)
    return render(request, "skills/pages/console_course.html", {
        "course": course, "lessons": selectors.lessons_of(course=course),
        "bank": course.questions.filter(lesson__isnull=True).count(), "counts": selectors.course_enrolment_counts(course=course),
    })


@console_view
@require_POST
def course_review(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id, action="approve")
    publish = request.POST.get("decision") == "publish"
    note = request.POST.get("note", "")[:300]
    run_service(request, lambda: services.course_review(course=course, actor=request.user, publish=publish, note=note),
                success=_("课程已发布。") if publish else _("已退回作者修改。"))
    return redirect("console:skills:course_detail", course_id=course.pk)


@console_view
@require_POST
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    selectors.course_get_for_user(user=request.user, course_id=cert.enrolment.course_id, action="approve")
    run_service(request, lambda: services.certificate_revoke(certificate=cert, actor=request.user,
                                                             reason=request.POST.get("reason", "")[:200]),
                success=_("证书已撤销，扫码核验将显示“已撤销”。"))
    return redirect("console:skills:course_detail", course_id=cert.enrolment.course_id)


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def academy_list(request: HttpRequest) -> HttpResponse:
    form = AcademyForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            academy = services.academy_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("工匠学院已登记。"))
            return redirect("console:skills:academy_detail", academy_id=academy.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_academies.html", {
        "academies": selectors.academy_list_for_user(user=request.user)[:200], "form": form,
    })


@console_view
def academy_detail(request: HttpRequest, academy_id: int) -> HttpResponse:
    academy = selectors.academy_get_for_user(user=request.user, academy_id=academy_id)
    return render(request, "skills/pages/console_academy.html", {
        "academy": academy, "courses": academy.courses.order_by("-created_at")[:200], "authors": academy.authors.all()[:200],
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def author_list(request: HttpRequest) -> HttpResponse:
    form = AuthorForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = selectors.user_by_phone(phone=d["phone"])
            if user is None:
                raise ValidationFailed(_("这个手机号还没有登录过职工之家，请本人先登录一次。"), code="user_unknown", field="phone")
            services.author_register(actor=request.user, union=d["union"], user=user, name=d["name"], title=d["title"])
            messages.success(request, _("已登记为课程作者。"))
            return redirect("console:skills:authors")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_authors.html", {
        "authors": selectors.author_list_for_user(user=request.user)[:200], "form": form,
    })


# --- 合理化建议 -----------------------------------------------------------------------------------


@console_view
def proposal_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in ("open", "", *Proposal.Status.values) else "open"
    return render(request, "skills/pages/console_proposals.html", {
        "proposals": selectors.proposal_queue_for_user(user=request.user, status=status)[:200], "status": status,
        "statuses": Proposal.Status.choices,
    })


@console_view
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    return render(request, "skills/pages/console_proposal.html", {
        "proposal": proposal, "events": proposal.events.select_related("by").order_by("at", "pk"),
        "cosigns": proposal.cosigns.order_by("at"), "reviewers": selectors.reviewer_choices(proposal=proposal),
    })


def _back(proposal_id: int) -> HttpResponse:
    return redirect("console:skills:proposal_detail", proposal_id=proposal_id)


@console_view
@require_POST
def proposal_route(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id, action="change")
    raw = request.POST.get("reviewer", "")
    reviewer = selectors.reviewer_choices(proposal=proposal).filter(pk=int(raw)).first() if raw.isdigit() else None
    run_service(request, lambda: services.proposal_route(proposal=proposal, actor=request.user, reviewer=reviewer),
                success=_("已转交评审人。"))
    return _back(proposal.pk)


@console_view
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id, action="change")
    adopt = request.POST.get("decision") == "adopt"
    run_service(request, lambda: services.proposal_decide(proposal=proposal, actor=request.user, adopt=adopt,
                                                          reason=request.POST.get("reason", "")[:2000]),
                success=_("已答复建议人。"))
    return _back(proposal.pk)


@console_view
@require_POST
def proposal_implement(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id, action="change")
    run_service(request, lambda: services.proposal_implement(proposal=proposal, actor=request.user,
                                                             note=request.POST.get("note", "")[:2000]),
                success=_("已登记实施情况。"))
    return _back(proposal.pk)


@console_view
@require_POST
def proposal_benefit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id, action="change")

    def record() -> None:
        services.proposal_benefit_record(proposal=proposal, actor=request.user,
                                         benefit_fen=yuan_to_fen(request.POST.get("benefit", "")[:20] or "x"),
                                         verified_by=request.POST.get("verified_by", "")[:60])

    run_service(request, record, success=_("经济效益已登记。"))
    return _back(proposal.pk)


@console_view
@require_POST
def proposal_reward(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id, action="change")

    def reward() -> None:
        services.proposal_reward(proposal=proposal, actor=request.user,
                                 reward_fen=yuan_to_fen(request.POST.get("reward", "")[:20] or "x"),
                                 note=request.POST.get("note", "")[:200])

    run_service(request, reward, success=_("奖励已登记，建议人已收到通知。"))
    return _back(proposal.pk)


@console_view
@require_http_methods(["GET", "POST"])
def proposal_policy(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user)
    form = PolicyForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("答复期限已保存，对之后提交的建议生效。"))
            return redirect("console:skills:proposals")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_policy.html", {"form": form})
