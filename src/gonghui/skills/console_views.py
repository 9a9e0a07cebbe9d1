"""Staff pages of the skills module, under /console/skills/: courses to review and publish,
工匠学院 and course authors, certificates (revoke), and the 合理化建议 queue with every step
(route to a reviewer, answer, implementation, benefit, reward) and the deadline policy."""

from __future__ import annotations

import datetime as dt

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

from . import competitions as comp
from . import innovation, selection, selectors, services
from .forms import (
    AcademyForm,
    ActivityForm,
    AuthorForm,
    CompetitionForm,
    InnovationForm,
    LaureateForm,
    NominationForm,
    PolicyForm,
    SelectionForm,
    StudioForm,
)
from .models import Course, NominationObjection, Proposal, Round, Selection, StudioEvent


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


# --- 劳动和技能竞赛 -------------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def competition_list(request: HttpRequest) -> HttpResponse:
    form = CompetitionForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = comp.competition_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("竞赛已创建，请设置评分表、轮次和评委。"))
            return redirect("console:skills:competition_detail", competition_id=created.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_competitions.html", {
        "competitions": selectors.competition_list_for_user(user=request.user)[:200], "form": form,
    })


@console_view
def competition_detail(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = selectors.competition_get_for_endorser(user=request.user, competition_id=competition_id)
    from gonghui.core.jurisdiction import has_action

    organiser = has_action(request.user, "change", competition.union_path)
    rounds = list(competition.rounds.order_by("order"))
    open_round = next((r for r in rounds if r.status == Round.Status.OPEN), None)
    return render(request, "skills/pages/console_competition.html", {
        "competition": competition, "organiser": organiser, "items": competition.items.order_by("order", "pk"),
        "rounds": rounds, "judges": competition.judges.order_by("pk") if organiser else [],
        "entries": selectors.entries_for_staff(user=request.user, competition=competition),
        "open_round": open_round,
        "progress": selectors.round_progress(round_=open_round) if organiser and open_round else [],
        "results": {r.pk: r.results.select_related("entry").order_by("rank", "entry__number") for r in rounds
                    if r.status == Round.Status.CLOSED} if organiser else {},
        "awards": comp.results_of(competition), "prizes_text": comp.prizes_text(competition.prizes),
    })


def _comp_back(competition_id: int) -> HttpResponse:
    return redirect("console:skills:competition_detail", competition_id=competition_id)


def _int(raw: str, default: int = -1) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 7 else default


@console_view
@require_POST
def competition_setup(request: HttpRequest, competition_id: int) -> HttpResponse:
    """One form per part of the set-up: a sheet item, a round, a judge; opening registration;
    starting the judging; publishing the results."""
    competition = selectors.competition_get_for_user(user=request.user, competition_id=competition_id, action="change")
    what = request.POST.get("what", "")
    p = request.POST

    def judge() -> None:
        from gonghui.orgs.selectors import employer_for_uscc_typed

        employer = None
        code = p.get("employer_uscc", "").strip()[:30]
        if code:
            employer = employer_for_uscc_typed(q=code)
            if employer is None:
                raise ValidationFailed(_("没有找到这个统一社会信用代码的单位。"), code="employer_unknown", field="employer_uscc")
        comp.judge_add(actor=request.user, competition=competition, user=selectors.user_by_phone(phone=p.get("phone", "")[:20]),
                       name=p.get("name", "")[:40], employer=employer, employer_name=p.get("employer_name", "")[:80])

    actions = {
        "item": (lambda: comp.item_add(actor=request.user, competition=competition, name=p.get("name", "")[:40],
                                       weight=_int(p.get("weight", ""))), _("评分项已添加。")),
        "round": (lambda: comp.round_add(actor=request.user, competition=competition, name=p.get("name", "")[:20],
                                         advance=_int(p.get("advance", "0") or "0")), _("轮次已添加。")),
        "judge": (judge, _("评委已添加。")),
        "open": (lambda: comp.competition_open(actor=request.user, competition=competition), _("已开放报名。")),
        "judging": (lambda: comp.judging_start(actor=request.user, competition=competition), _("报名已截止，评委可以打分了。")),
        "publish": (lambda: comp.competition_publish(actor=request.user, competition=competition), _("结果已公布，称号已记入获奖者荣誉记录。")),
    }
    if what in actions:
        action, success = actions[what]
        run_service(request, action, success=success)
    return _comp_back(competition.pk)


@console_view
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    round_obj = selectors.round_get_for_user(user=request.user, round_id=round_id, action="change")
    run_service(request, lambda: comp.round_close(actor=request.user, round_=round_obj), success=_("本轮已结束，名次已排出。"))
    return _comp_back(round_obj.competition_id)


@console_view
@require_POST
def entry_endorse(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id, action="change")
    endorse = request.POST.get("decision") == "endorse"
    run_service(request, lambda: comp.entry_endorse(actor=request.user, entry=entry, endorse=endorse,
                                                    note=request.POST.get("note", "")[:200]),
                success=_("已推荐。") if endorse else _("已告知报名人未推荐。"))
    return _comp_back(entry.competition_id)


# --- 创新工作室, 技术革新 / 发明创造, 四技五小两比 ------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def studio_list(request: HttpRequest) -> HttpResponse:
    form = StudioForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            studio = innovation.studio_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("工作室已登记。"))
            return redirect("console:skills:studio_detail", studio_id=studio.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_studios.html", {
        "studios": selectors.studio_list_for_user(user=request.user)[:200], "form": form,
    })


@console_view
def studio_detail(request: HttpRequest, studio_id: int) -> HttpResponse:
    studio = selectors.studio_get_for_user(user=request.user, studio_id=studio_id)
    return render(request, "skills/pages/console_studio.html", {
        "studio": studio, "members": studio.members.order_by("joined_on", "pk"), "events": studio.events.order_by("at", "pk"),
        "innovations": studio.innovations.order_by("-year")[:100], "grades": StudioEvent.Grade.choices,
    })


@console_view
@require_POST
def studio_change(request: HttpRequest, studio_id: int) -> HttpResponse:
    """Members, the annual evaluation, renaming and removal, one form each."""
    studio = selectors.studio_get_for_user(user=request.user, studio_id=studio_id, action="change")
    p = request.POST

    def member() -> None:
        try:
            joined = dt.date.fromisoformat(p.get("joined_on", "")[:10])
        except ValueError:
            raise ValidationFailed(_("请填写加入日期。"), code="date_invalid", field="joined_on") from None
        innovation.studio_member_add(actor=request.user, studio=studio, name=p.get("name", "")[:40],
                                     role=p.get("role", "")[:40], joined_on=joined)

    actions = {
        "member": (member, _("成员已添加。")),
        "evaluate": (lambda: innovation.studio_evaluate(actor=request.user, studio=studio, year=_int(p.get("year", ""), 0),
                                                        grade=p.get("grade", ""), note=p.get("note", "")[:300]),
                     _("年度考核已登记。")),
        "rename": (lambda: innovation.studio_rename(actor=request.user, studio=studio, name=p.get("name", "")[:80],
                                                    note=p.get("note", "")[:200]), _("已更名。")),
        "remove": (lambda: innovation.studio_remove(actor=request.user, studio=studio, reason=p.get("reason", "")[:200]),
                   _("已撤销命名。")),
    }
    what = p.get("what", "")
    if what in actions:
        action, success = actions[what]
        run_service(request, action, success=success)
    return redirect("console:skills:studio_detail", studio_id=studio.pk)


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def innovation_list(request: HttpRequest) -> HttpResponse:
    form = InnovationForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user),
                          studios=selectors.studio_list_for_user(user=request.user).filter(status="active"))
    if request.method == "POST" and form.is_valid():
        try:
            innovation.innovation_register(actor=request.user, **form.cleaned_data)
            messages.success(request, _("成果已登记。"))
            return redirect("console:skills:innovations")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_innovations.html", {
        "innovations": selectors.innovation_list_for_user(user=request.user)[:200], "form": form,
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            innovation.activity_record(actor=request.user, **form.cleaned_data)
            messages.success(request, _("活动已登记。"))
            return redirect("console:skills:activities")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_activities.html", {
        "activities": selectors.activity_list_for_user(user=request.user)[:200], "form": form,
    })


# --- 劳模工匠评选表彰 and the registry --------------------------------------------------------------


def _date(raw: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "")[:10])
    except ValueError:
        raise ValidationFailed(_("请填写日期（如 2026-05-01）。"), code="date_invalid", field=field) from None


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def selection_list(request: HttpRequest) -> HttpResponse:
    form = SelectionForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = selection.selection_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("评选已创建，请分配推荐名额后开始推荐。"))
            return redirect("console:skills:selection_detail", selection_id=created.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "skills/pages/console_selections.html", {
        "selections": selectors.selection_list_for_user(user=request.user), "form": form,
    })


@console_view
def selection_detail(request: HttpRequest, selection_id: int) -> HttpResponse:
    item = selectors.selection_get_for_nominator(user=request.user, selection_id=selection_id)
    from gonghui.core.jurisdiction import has_action

    organiser = has_action(request.user, "change", item.union_path)
    quotas = [(q, selection.places_used(item, q.union)) for q in item.quotas.select_related("union")]
    return render(request, "skills/pages/console_selection.html", {
        "selection": item, "organiser": organiser, "quotas": quotas,
        "nominations": selectors.nominations_for_staff(user=request.user, selection=item),
        "can_nominate": item.status == Selection.Status.NOMINATING
        and selectors.nomination_union_choices(user=request.user, selection=item).exists(),
        "quota_unions": selectors.union_choices_for_user(user=request.user).filter(path__startswith=item.union_path)[:300]
        if organiser else [],
    })


@console_view
@require_POST
def selection_change(request: HttpRequest, selection_id: int) -> HttpResponse:
    """One form per step: a quota, open nominations, close them, start the notice, confirm."""
    item = selectors.selection_get_for_user(user=request.user, selection_id=selection_id, action="change")
    p = request.POST

    def quota() -> None:
        union = selectors.union_choices_for_user(user=request.user).filter(pk=_int(p.get("union", ""))).first()
        if union is None:
            raise ValidationFailed(_("请选择工会。"), code="union_required", field="union")
        selection.quota_set(actor=request.user, selection=item, union=union, places=_int(p.get("places", ""), 0))

    def notice() -> None:
        start = _date(p["start"], "start") if p.get("start") else None
        selection.selection_notice_start(actor=request.user, selection=item, start=start)

    actions = {
        "quota": (quota, _("名额已保存。")),
        "open": (lambda: selection.selection_open(actor=request.user, selection=item), _("已开始推荐，已通知有名额的工会。")),
        "close": (lambda: selection.selection_close(actor=request.user, selection=item), _("推荐已截止。")),
        "notice": (notice, _("拟表彰名单已公示。")),
        "confirm": (lambda: selection.selection_confirm(actor=request.user, selection=item,
                                                        decision_ref=p.get("decision_ref", "")[:60],
                                                        decided_on=_date(p.get("decided_on", ""), "decided_on")),
                    _("已确认表彰，获奖者已记入劳模工匠名录。")),
    }
    what = p.get("what", "")
    if what in actions:
        action, success = actions[what]
        run_service(request, action, success=success)
    return redirect("console:skills:selection_detail", selection_id=item.pk)


@console_view
def selection_export(request: HttpRequest, selection_id: int) -> HttpResponse:
    from .exports import nominations_xlsx

    item = selectors.selection_get_for_nominator(user=request.user, selection_id=selection_id)
    rows = selectors.nominations_for_staff(user=request.user, selection=item)[:20000]
    return _xlsx_response(nominations_xlsx(item, rows), f"selection-{item.pk}.xlsx")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def nomination_new(request: HttpRequest, selection_id: int) -> HttpResponse:
    item = selectors.selection_get_for_nominator(user=request.user, selection_id=selection_id)
    unions = selectors.nomination_union_choices(user=request.user, selection=item)
    form = NominationForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        try:
            created = selection.nomination_submit(actor=request.user, selection=item, files=request.FILES.getlist("files"),
                                                  **form.cleaned_data)
            messages.success(request, _("已推荐，等待审核。"))
            return redirect("console:skills:nomination_detail", nomination_id=created.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
            if exc.field == "files":
                form.add_error(None, str(exc.message))
    return render(request, "skills/pages/console_nomination_form.html", {"selection": item, "form": form})


@console_view
def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(user=request.user, nomination_id=nomination_id)
    from gonghui.core.jurisdiction import has_action

    step = nomination.step_union
    return render(request, "skills/pages/console_nomination.html", {
        "nomination": nomination, "selection": nomination.selection,
        "files": nomination.files.order_by("at", "pk"), "reviews": nomination.reviews.select_related("union").order_by("at", "pk"),
        "objections": nomination.objections.order_by("at", "pk"),
        "can_review": step is not None and has_action(request.user, "approve", step.path),
        "organiser": has_action(request.user, "approve", nomination.selection.union_path),
        "findings": NominationObjection.Finding.choices,
    })


@console_view
@require_POST
def nomination_change(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(user=request.user, nomination_id=nomination_id)
    p = request.POST
    actions = {
        "pass": (lambda: selection.nomination_review(actor=request.user, nomination=nomination, passed=True,
                                                     note=p.get("note", "")[:300]), _("已审核通过。")),
        "reject": (lambda: selection.nomination_review(actor=request.user, nomination=nomination, passed=False,
                                                       note=p.get("note", "")[:300]), _("已退回：未通过审核。")),
        "withdraw": (lambda: selection.nomination_withdraw(actor=request.user, nomination=nomination,
                                                           reason=p.get("reason", "")[:300]), _("推荐已撤回。")),
        "files": (lambda: selection.nomination_files_add(actor=request.user, nomination=nomination,
                                                         files=request.FILES.getlist("files")), _("材料已上传。")),
    }
    what = p.get("what", "")
    if what in actions:
        action, success = actions[what]
        run_service(request, action, success=success)
    return redirect("console:skills:nomination_detail", nomination_id=nomination.pk)


@console_view
@require_POST
def objection_answer(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = selectors.objection_get_for_user(user=request.user, objection_id=objection_id)
    run_service(request, lambda: selection.objection_answer(actor=request.user, objection=objection,
                                                            finding=request.POST.get("finding", ""),
                                                            answer=request.POST.get("answer", "")[:2000]),
                success=_("异议已答复。"))
    return redirect("console:skills:nomination_detail", nomination_id=objection.nomination_id)


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def laureate_list(request: HttpRequest) -> HttpResponse:
    form = LaureateForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = selection.laureate_register(actor=request.user, **form.cleaned_data)
            messages.success(request, _("已记入劳模工匠名录。"))
            return redirect("console:skills:laureate_detail", laureate_id=created.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    q = request.GET.get("q", "").strip()[:40]
    return render(request, "skills/pages/console_laureates.html", {
        "laureates": selectors.laureate_list_for_user(user=request.user, q=q)[:200], "form": form, "q": q,
    })


@console_view
def laureates_export(request: HttpRequest) -> HttpResponse:
    from .exports import laureates_xlsx

    return _xlsx_response(laureates_xlsx(selectors.laureate_list_for_user(user=request.user)[:50000]), "laureates.xlsx")


@console_view
def laureate_detail(request: HttpRequest, laureate_id: int) -> HttpResponse:
    laureate = selectors.laureate_get_for_user(user=request.user, laureate_id=laureate_id)
    return render(request, "skills/pages/console_laureate.html", {
        "laureate": laureate, "events": laureate.events.order_by("at", "pk"), **selectors.laureate_works(laureate=laureate),
        "authors": selectors.author_list_for_user(user=request.user).filter(laureate__isnull=True)[:100],
        "studios_free": selectors.studio_list_for_user(user=request.user).filter(laureate__isnull=True, status="active")[:100],
    })


@console_view
@require_POST
def laureate_change(request: HttpRequest, laureate_id: int) -> HttpResponse:
    laureate = selectors.laureate_get_for_user(user=request.user, laureate_id=laureate_id, action="change")
    p = request.POST

    def link() -> None:
        author = selectors.author_list_for_user(user=request.user).filter(pk=_int(p.get("author", ""))).first()
        studio = selectors.studio_list_for_user(user=request.user).filter(pk=_int(p.get("studio", ""))).first()
        selection.laureate_link(actor=request.user, laureate=laureate, author=author, studio=studio)

    actions = {
        "honour": (lambda: selection.laureate_honour_add(actor=request.user, laureate=laureate, year=_int(p.get("year", ""), 0),
                                                         title=p.get("title", "")[:60], note=p.get("note", "")[:300]),
                   _("后续荣誉已登记。")),
        "talk": (lambda: selection.talk_record(actor=request.user, laureate=laureate, topic=p.get("topic", "")[:100],
                                               held_on=_date(p.get("held_on", ""), "held_on"), place=p.get("place", "")[:100],
                                               audience=_int(p.get("audience", ""), 0)), _("宣讲已登记。")),
        "link": (link, _("已关联。")),
        "revoke": (lambda: selection.laureate_revoke(actor=request.user, laureate=laureate, reason=p.get("reason", "")[:300]),
                   _("称号已撤销。")),
    }
    what = p.get("what", "")
    if what in actions:
        action, success = actions[what]
        run_service(request, action, success=success)
    return redirect("console:skills:laureate_detail", laureate_id=laureate.pk)
