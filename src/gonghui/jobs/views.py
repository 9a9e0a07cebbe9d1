"""Worker pages of the jobs module, under /jobs/: search and recommendations, a posting and
one-tap apply, the job-seeker profile, my applications; and the recruiter pages of an
employer account (/jobs/employer/): its postings, a new posting, applicants and stages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error, domain_errors, run_service

from . import selectors, services
from .forms import PostingForm, SeekerForm
from .models import JobApplication, PayUnit, Trade

worker_login_required = login_required(login_url="accounts:worker_login")


def _int(value: Any) -> int:
    try:
        return max(0, min(int(str(value).strip() or 0), 10_000_000))
    except ValueError:
        return 0


@domain_errors
def index(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:20]
    place = (request.GET.get("place") or "").strip()[:6]
    trade = request.GET.get("trade") or ""
    trade = trade if trade in Trade.values else ""
    pay = _int(request.GET.get("pay"))
    searching = bool(q or place or trade or pay)
    seeker = selectors.seeker_of(user=request.user) if request.user.is_authenticated else None
    return render(request, "jobs/pages/index.html", {
        "q": q, "place": place if place.isdigit() else "", "trade": trade, "pay": pay or "", "trades": Trade.choices,
        "searching": searching,
        "results": selectors.posting_search(q=q, place=place if place.isdigit() else "", trade=trade,
                                            pay_min=pay * 100) if searching else [],
        "seeker": seeker,
        "suggestions": selectors.recommendations(seeker=seeker) if seeker and not searching else [],
        "latest": selectors.posting_search(limit=10) if not seeker and not searching else [],
    })


@domain_errors
def detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_get_public(posting_id=posting_id)
    seeker = selectors.seeker_of(user=request.user) if request.user.is_authenticated else None
    suggestion = selectors.score_posting(seeker=seeker, posting=posting) if seeker else None
    applied = seeker is not None and selectors.applications_of(user=request.user).filter(posting=posting).exists()
    return render(request, "jobs/pages/detail.html", {
        "posting": posting, "seeker": seeker, "suggestion": suggestion, "applied": applied,
        "live": posting.status == posting.Status.PUBLISHED and posting.closes_on >= services.today(),
    })


@worker_login_required
@require_POST
@domain_errors
def apply(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_get_public(posting_id=posting_id)
    if selectors.seeker_of(user=request.user) is None:
        messages.info(request, _("请先填写求职登记，填好后再投递。"))
        return redirect(f"{redirect('jobs:profile').url}?next={posting.pk}")
    if run_service(request, lambda: services.application_create(user=request.user, posting=posting),
                   success=_("已投递，单位处理后会通知您。")):
        return redirect("jobs:applications")
    return redirect("jobs:detail", posting_id=posting.pk)


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def profile(request: HttpRequest) -> HttpResponse:
    seeker = selectors.seeker_of(user=request.user)
    initial: dict[str, Any] = {"name": getattr(request.user, "full_name", "")}
    if seeker is not None:
        initial = {"name": seeker.name, "region": seeker.region_id, "trades": seeker.trades,
                   "place": (seeker.places or [""])[0], "skills": "，".join(seeker.skills),
                   "pay_wanted": seeker.pay_wanted // 100 or None, "available_from": seeker.available_from,
                   "priority_group": seeker.priority_group, "open_to_work": seeker.open_to_work}
    form = SeekerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.seeker_save(
                user=request.user, name=d["name"], region=d["region"], trades=d["trades"],
                places=[d["place"]] if d["place"] else [], skills=d["skills"], pay_wanted=(d["pay_wanted"] or 0) * 100,
                available_from=d["available_from"], priority_group=d["priority_group"] or "",
                open_to_work=d["open_to_work"],
            )
            messages.success(request, _("求职登记已保存，下面是为您推荐的岗位。"))
            after = request.GET.get("next", "")
            if after.isdigit():
                return redirect("jobs:detail", posting_id=int(after))
            return redirect("jobs:index")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    uid = int(request.user.pk or 0)
    certificates = selectors.verified_certificates(user_ids=[uid])[uid]
    return render(request, "jobs/pages/profile.html", {"form": form, "seeker": seeker, "certificates": certificates,
                                                       "region_value": form["region"].value() or "", "provinces": selectors.provinces(),
                                                       "place_value": form["place"].value() or "",
                                                       "trades_value": form["trades"].value() or []})


@worker_login_required
@domain_errors
def applications(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/pages/applications.html", {
        "applications": selectors.applications_of(user=request.user)[:100],
        "stages": [s for s in JobApplication.Stage if s != JobApplication.Stage.DECLINED],
    })


# --- recruiters -----------------------------------------------------------------------------


@worker_login_required
@domain_errors
def employer_home(request: HttpRequest) -> HttpResponse:
    accounts = list(selectors.employer_accounts_of(user=request.user))
    return render(request, "jobs/pages/employer_home.html", {
        "accounts": accounts, "postings": selectors.recruiter_postings(user=request.user)[:100] if accounts else [],
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
@domain_errors
def employer_posting_create(request: HttpRequest) -> HttpResponse:
    accounts = list(selectors.employer_accounts_of(user=request.user))
    if not accounts:
        raise NotFound()
    employers = selectors.recruiter_employers(user=request.user) if len(accounts) > 1 else None
    form = PostingForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            posting = services.posting_create(
                actor=request.user, employer=d.get("employer") or accounts[0].employer, title=d["title"],
                trade=d["trade"], region=d["region"], address=d["address"], pay_min=d["pay_min"] * 100,
                pay_max=d["pay_max"] * 100, pay_unit=d["pay_unit"], hours=d["hours"], contract=d["contract"],
                skills=d["skills"], requirements=d["requirements"], openings=d["openings"], closes_on=d["closes_on"],
            )
            if posting.status == posting.Status.PUBLISHED:
                messages.success(request, _("岗位已发布。"))
            else:
                messages.warning(request, _("岗位已提交，需工会审核后发布，请查看审核提示。"))
            return redirect("jobs:employer_posting", posting_id=posting.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/posting_form.html", {
        "form": form, "employer": accounts[0].employer if len(accounts) == 1 else None,
        "region_value": form["region"].value() or "", "provinces": selectors.provinces(), "units": PayUnit.choices,
    })


@worker_login_required
@domain_errors
def employer_posting(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.recruiter_posting_get(user=request.user, posting_id=posting_id)
    applications = selectors.recruiter_applications(user=request.user, posting=posting)[:500]
    return render(request, "jobs/pages/employer_posting.html", {
        "posting": posting,
        "applications": selectors.with_certificates(selectors.with_moves(applications)),
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def employer_posting_edit(request: HttpRequest, posting_id: int) -> HttpResponse:
    from .console_views import posting_initial

    posting = selectors.recruiter_posting_get(user=request.user, posting_id=posting_id)
    form = PostingForm(request.POST or None, initial=posting_initial(posting))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            updated = services.posting_update(
                actor=request.user, posting=posting, title=d["title"], trade=d["trade"], region=d["region"],
                address=d["address"], pay_min=d["pay_min"] * 100, pay_max=d["pay_max"] * 100, pay_unit=d["pay_unit"],
                hours=d["hours"], contract=d["contract"], skills=d["skills"], requirements=d["requirements"],
                openings=d["openings"], closes_on=d["closes_on"])
            if updated.status == updated.Status.PUBLISHED:
                messages.success(request, _("已保存。"))
            else:
                messages.warning(request, _("已保存，需工会审核后发布，请查看审核提示。"))
            return redirect("jobs:employer_posting", posting_id=posting.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/posting_form.html", {
        "form": form, "employer": posting.employer, "posting": posting,
        "region_value": form["region"].value() or "", "provinces": selectors.provinces(), "units": PayUnit.choices,
    })


@worker_login_required
@require_POST
@domain_errors
def employer_posting_close(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.recruiter_posting_get(user=request.user, posting_id=posting_id)
    filled = request.POST.get("filled") == "1"
    run_service(request, lambda: services.posting_close(actor=request.user, posting=posting, filled=filled),
                success=_("已招满，岗位不再展示。") if filled else _("岗位已关闭。"))
    return redirect("jobs:employer_posting", posting_id=posting.pk)


@worker_login_required
@require_POST
@domain_errors
def employer_application_move(request: HttpRequest, job_application_id: int) -> HttpResponse:
    application = selectors.recruiter_application_get(user=request.user, job_application_id=job_application_id)
    to = request.POST.get("stage", "")
    run_service(request, lambda: services.application_move(actor=request.user, application=application, to=to,
                                                           note=request.POST.get("note", "")[:200]),
                success=_("已更新，求职者会收到通知。"))
    return redirect("jobs:employer_posting", posting_id=application.posting_id)


# --- job fairs --------------------------------------------------------------------------------


@domain_errors
def fair_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/pages/fairs.html", {"fairs": selectors.fair_list_public()[:50]})


@domain_errors
def fair_detail(request: HttpRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_get_public(fair_id=fair_id)
    registration = selectors.fair_registration_of(user=request.user, fair=fair) if request.user.is_authenticated else None
    return render(request, "jobs/pages/fair.html", {
        "fair": fair, "booths": selectors.fair_booths(fair=fair), "registration": registration,
        "qr": selectors.fair_checkin_qr_svg(token=registration.token) if registration else "",
        "over": fair.ends_on < services.today(),
    })


@worker_login_required
@require_POST
@domain_errors
def fair_register(request: HttpRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_get_public(fair_id=fair_id)
    if selectors.seeker_of(user=request.user) is None:
        messages.info(request, _("请先填写求职登记，再报名。"))
        return redirect("jobs:profile")
    run_service(request, lambda: services.fair_register(user=request.user, fair=fair),
                success=_("报名成功。到场时出示签到码。"))
    return redirect("jobs:fair", fair_id=fair.pk)


@worker_login_required
@require_POST
@domain_errors
def fair_apply(request: HttpRequest, fair_id: int, posting_id: int) -> HttpResponse:
    fair = selectors.fair_get_public(fair_id=fair_id)
    posting = selectors.posting_get_public(posting_id=posting_id)
    if selectors.seeker_of(user=request.user) is None:
        messages.info(request, _("请先填写求职登记，填好后再投递。"))
        return redirect("jobs:profile")
    run_service(request, lambda: services.application_create(user=request.user, posting=posting, fair=fair),
                success=_("已投递，单位处理后会通知您。"))
    return redirect("jobs:fair", fair_id=fair.pk)


# --- training to order ------------------------------------------------------------------------


@domain_errors
def training_list(request: HttpRequest) -> HttpResponse:
    mine = list(selectors.trainings_of(user=request.user)[:20]) if request.user.is_authenticated else []
    return render(request, "jobs/pages/trainings.html", {
        "orders": selectors.training_list_public()[:50], "mine": mine,
        "enrolled_ids": {e.order_id for e in mine if e.status != "dropped"},
    })


@worker_login_required
@require_POST
@domain_errors
def training_enrol(request: HttpRequest, training_order_id: int) -> HttpResponse:
    order = selectors.training_get_public(training_order_id=training_order_id)
    seeker = selectors.seeker_of(user=request.user)
    if seeker is None:
        messages.info(request, _("请先填写求职登记，再报名。"))
        return redirect("jobs:profile")
    run_service(request, lambda: services.training_enrol(actor=request.user, order=order, seeker=seeker),
                success=_("报名成功，工会会联系您开班时间。"))
    return redirect("jobs:trainings")
