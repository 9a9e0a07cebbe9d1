"""Staff pages of the jobs module, under /console/jobs/: postings (create, review flagged
ones, close, applicants and stages), seekers of the branch (masked; audited reveal; services
given), placements with their 3/6-month follow-ups, employer accounts, minimum wages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.services import worker_user_get_or_create
from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.jurisdiction import has_action
from gonghui.core.web import apply_domain_error, run_service

from . import selectors, services
from .exports import fair_xlsx, placements_xlsx, services_xlsx
from .forms import (
    AccountGrantForm,
    BoothForm,
    FairForm,
    FollowUpForm,
    MinimumWageForm,
    PostingEditForm,
    PostingForm,
    ServiceForm,
    ServicesExportForm,
    TrainingEnrolForm,
    TrainingOrderForm,
)
from .models import Posting, PriorityGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def posting_initial(posting: Posting) -> dict[str, object]:
    """A posting's values as the posting form shows them (pay in whole 元)."""
    return {"title": posting.title, "trade": posting.trade, "region": posting.region_id, "address": posting.address,
            "pay_min": posting.pay_min // 100, "pay_max": posting.pay_max // 100, "pay_unit": posting.pay_unit,
            "hours": posting.hours, "contract": posting.contract, "skills": "，".join(posting.skills),
            "requirements": posting.requirements, "openings": posting.openings, "closes_on": posting.closes_on}


@console_view
def posting_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Posting.Status.values else ""
    return render(request, "jobs/pages/console_postings.html", {
        "postings": selectors.posting_list_for_user(user=request.user, status=status)[:200],
        "status": status, "statuses": Posting.Status.choices, "summary": selectors.branch_summary(user=request.user),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def posting_create(request: HttpRequest) -> HttpResponse:
    form = PostingForm(request.POST or None, employers=selectors.employer_choices_for_user(user=request.user),
                       unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            posting = services.posting_create(
                actor=request.user, union=d["union"], employer=d["employer"], title=d["title"], trade=d["trade"],
                region=d["region"], address=d["address"], pay_min=d["pay_min"] * 100, pay_max=d["pay_max"] * 100,
                pay_unit=d["pay_unit"], hours=d["hours"], contract=d["contract"], skills=d["skills"],
                requirements=d["requirements"], openings=d["openings"], closes_on=d["closes_on"],
            )
            messages.success(request, _("岗位已发布。") if posting.status == Posting.Status.PUBLISHED
                             else _("岗位有审核提示，已进入待审核。"))
            return redirect("console:jobs:posting_detail", posting_id=posting.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/console_posting_form.html", {"form": form,
                                                                    "region_value": form["region"].value() or "", "provinces": selectors.provinces()})


@console_view
def posting_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_get_for_user(user=request.user, posting_id=posting_id)
    applications = selectors.applications_for_posting(posting=posting)[:500]
    return render(request, "jobs/pages/console_posting.html", {
        "posting": posting,
        "can_approve": has_action(request.user, "approve", posting.union.path),
        "can_change": has_action(request.user, "change", posting.union.path),
        "applications": selectors.with_certificates(selectors.with_moves(applications)),
    })


@console_view
@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_get_for_user(user=request.user, posting_id=posting_id, action="change")
    form = PostingEditForm(request.POST or None, initial=posting_initial(posting))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            updated = services.posting_update(
                actor=request.user, posting=posting, title=d["title"], trade=d["trade"], region=d["region"],
                address=d["address"], pay_min=d["pay_min"] * 100, pay_max=d["pay_max"] * 100, pay_unit=d["pay_unit"],
                hours=d["hours"], contract=d["contract"], skills=d["skills"], requirements=d["requirements"],
                openings=d["openings"], closes_on=d["closes_on"])
            messages.success(request, _("已保存。") if updated.status == Posting.Status.PUBLISHED
                             else _("已保存，修改后的内容有审核提示，已进入待审核。"))
            return redirect("console:jobs:posting_detail", posting_id=posting.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/console_posting_form.html", {
        "form": form, "posting": posting, "region_value": form["region"].value() or "",
        "provinces": selectors.provinces()})


@console_view
@require_POST
def posting_review(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_get_for_user(user=request.user, posting_id=posting_id)
    approve = request.POST.get("approve") == "1"
    run_service(request, lambda: services.posting_review(actor=request.user, posting=posting, approve=approve,
                                                         note=request.POST.get("note", "")[:200]),
                success=_("已发布。") if approve else _("已退回，单位会看到理由。"))
    return redirect("console:jobs:posting_detail", posting_id=posting.pk)


@console_view
@require_POST
def posting_close(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_get_for_user(user=request.user, posting_id=posting_id)
    filled = request.POST.get("filled") == "1"
    run_service(request, lambda: services.posting_close(actor=request.user, posting=posting, filled=filled),
                success=_("岗位已关闭。"))
    return redirect("console:jobs:posting_detail", posting_id=posting.pk)


@console_view
@require_POST
def application_move(request: HttpRequest, job_application_id: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, job_application_id=job_application_id)
    run_service(request, lambda: services.application_move(actor=request.user, application=application,
                                                           to=request.POST.get("stage", ""),
                                                           note=request.POST.get("note", "")[:200]),
                success=_("已更新，求职者会收到通知。"))
    return redirect("console:jobs:posting_detail", posting_id=application.posting_id)


@console_view
def seeker_list(request: HttpRequest) -> HttpResponse:
    group = request.GET.get("group", "")
    group = group if group in PriorityGroup.values else ""
    return render(request, "jobs/pages/console_seekers.html", {
        "seekers": selectors.seeker_list_for_user(user=request.user, group=group)[:200], "group": group,
        "groups": [g for g in PriorityGroup.choices if g[0]],
    })


def _seeker_page(request: HttpRequest, seeker_id: int, *, revealed: dict[str, str] | None = None,
                 service_form: ServiceForm | None = None) -> HttpResponse:
    seeker = selectors.seeker_get_for_user(user=request.user, seeker_id=seeker_id)
    return render(request, "jobs/pages/console_seeker.html", {
        "seeker": seeker, "revealed": revealed, "services": selectors.services_of(seeker=seeker)[:100],
        "applications": seeker.applications.select_related("posting__employer")[:50],
        "service_form": service_form or ServiceForm(initial={"given_on": services.today()}),
        "can_reveal": has_action(request.user, "reveal_pii", seeker.union.path),
        "can_change": has_action(request.user, "change", seeker.union.path),
    })


@console_view
def seeker_detail(request: HttpRequest, seeker_id: int) -> HttpResponse:
    return _seeker_page(request, seeker_id)


@console_view
@require_POST
def seeker_reveal(request: HttpRequest, seeker_id: int) -> HttpResponse:
    seeker = selectors.seeker_get_for_user(user=request.user, seeker_id=seeker_id)
    try:
        revealed = services.seeker_reveal(actor=request.user, seeker=seeker, reason=request.POST.get("reason", "")[:200])
    except DomainError as exc:
        apply_domain_error(exc, request=request)
        return redirect("console:jobs:seeker_detail", seeker_id=seeker.pk)
    return _seeker_page(request, seeker_id, revealed=revealed)


@console_view
@require_POST
@idempotent_form
def service_create(request: HttpRequest, seeker_id: int) -> HttpResponse:
    seeker = selectors.seeker_get_for_user(user=request.user, seeker_id=seeker_id)
    form = ServiceForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.service_record(actor=request.user, seeker=seeker, kind=d["kind"], given_on=d["given_on"],
                                    note=d["note"])
            messages.success(request, _("已记录一人次服务。"))
            return redirect("console:jobs:seeker_detail", seeker_id=seeker.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return _seeker_page(request, seeker_id, service_form=form)


@console_view
def placement_list(request: HttpRequest) -> HttpResponse:
    due = request.GET.get("due") == "1"
    return render(request, "jobs/pages/console_placements.html", {
        "placements": selectors.placement_list_for_user(user=request.user, due_only=due)[:200], "due": due,
        "summary": selectors.branch_summary(user=request.user),
    })


@console_view
@require_http_methods(["GET", "POST"])
def placement_detail(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.placement_get_for_user(user=request.user, placement_id=placement_id)
    return render(request, "jobs/pages/console_placement.html", {
        "placement": placement, "form": FollowUpForm(),
        "can_change": has_action(request.user, "change", placement.union.path),
    })


@console_view
@require_POST
def placement_follow_up(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.placement_get_for_user(user=request.user, placement_id=placement_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择回访节点和结果。"))
    else:
        d = form.cleaned_data
        run_service(request, lambda: services.placement_follow_up(actor=request.user, placement=placement,
                                                                  which=d["which"], status=d["status"], note=d["note"]),
                    success=_("回访已记录。"))
    return redirect("console:jobs:placement_detail", placement_id=placement.pk)


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountGrantForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user),
                            employers=selectors.employer_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = worker_user_get_or_create(phone=d["phone"])
            services.employer_account_grant(actor=request.user, employer=d["employer"], user=user, union=d["union"])
            messages.success(request, _("已开通。对方用这个手机号登录后，在“服务 → 单位招聘”发布岗位。"))
            return redirect("console:jobs:accounts")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/console_accounts.html", {
        "form": form, "accounts": selectors.employer_account_list_for_user(user=request.user)[:200],
    })


@console_view
@require_POST
def account_revoke(request: HttpRequest, employer_account_id: int) -> HttpResponse:
    account = selectors.employer_account_get_for_user(user=request.user, employer_account_id=employer_account_id)
    run_service(request, lambda: services.employer_account_revoke(actor=request.user, account=account),
                success=_("已撤销。"))
    return redirect("console:jobs:accounts")


@console_view
@require_http_methods(["GET", "POST"])
def minimum_wage_list(request: HttpRequest) -> HttpResponse:
    form = MinimumWageForm(request.POST or None, initial={"effective_from": dt.date(services.today().year, 1, 1)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        hourly = d["hourly"]
        try:
            services.minimum_wage_set(actor=request.user, region_code=d["region_code"], effective_from=d["effective_from"],
                                      monthly=d["monthly"] * 100,
                                      hourly=int(hourly * 100) if hourly not in (None, Decimal(0)) else None,
                                      source=d["source"])
            messages.success(request, _("最低工资标准已保存，之后发布的岗位按新标准核对。"))
            return redirect("console:jobs:minimum_wages")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    rows = list(selectors.minimum_wage_list()[:500])
    return render(request, "jobs/pages/console_minimum_wages.html", {
        "form": form, "rows": rows, "needs_check": sum(1 for r in rows if r.needs_check),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def fair_list(request: HttpRequest) -> HttpResponse:
    form = FairForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            fair = services.fair_create(actor=request.user, union=d["union"], name=d["name"], kind=d["kind"],
                                        starts_on=d["starts_on"], ends_on=d["ends_on"], place=d["place"])
            messages.success(request, _("招聘会已创建，请添加展位。"))
            return redirect("console:jobs:fair_detail", job_fair_id=fair.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/console_fairs.html", {
        "form": form, "fairs": selectors.fair_list_for_user(user=request.user)[:100],
    })


def _fair_page(request: HttpRequest, job_fair_id: int, *, booth_form: BoothForm | None = None) -> HttpResponse:
    fair = selectors.fair_get_for_user(user=request.user, job_fair_id=job_fair_id)
    return render(request, "jobs/pages/console_fair.html", {
        "fair": fair, "booths": selectors.fair_booths(fair=fair), "summary": selectors.fair_summary(fair=fair),
        "booth_form": booth_form or BoothForm(employers=selectors.employer_choices_for_user(user=request.user)),
        "can_change": has_action(request.user, "change", fair.union.path),
    })


@console_view
def fair_detail(request: HttpRequest, job_fair_id: int) -> HttpResponse:
    return _fair_page(request, job_fair_id)


@console_view
@require_POST
def fair_booth_add(request: HttpRequest, job_fair_id: int) -> HttpResponse:
    fair = selectors.fair_get_for_user(user=request.user, job_fair_id=job_fair_id)
    form = BoothForm(request.POST, employers=selectors.employer_choices_for_user(user=request.user))
    if form.is_valid():
        try:
            services.fair_booth_add(actor=request.user, fair=fair, employer=form.cleaned_data["employer"],
                                    number=form.cleaned_data["number"])
            messages.success(request, _("展位已添加，该单位招聘中的岗位已列入。"))
            return redirect("console:jobs:fair_detail", job_fair_id=fair.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return _fair_page(request, job_fair_id, booth_form=form)


@console_view
@require_POST
def fair_checkin(request: HttpRequest, job_fair_id: int) -> HttpResponse:
    fair = selectors.fair_get_for_user(user=request.user, job_fair_id=job_fair_id)
    run_service(request, lambda: services.fair_checkin(actor=request.user, fair=fair,
                                                       token=request.POST.get("token", "")[:32]),
                success=_("已签到。"))
    return redirect("console:jobs:fair_detail", job_fair_id=fair.pk)


# --- exports ----------------------------------------------------------------------------------


@console_view
def placements_export(request: HttpRequest) -> HttpResponse:
    due = request.GET.get("due") == "1"
    placements = selectors.placements_for_export(user=request.user, due_only=due)[:20000]
    return _xlsx(placements_xlsx(placements), f"placements-{services.today():%Y%m%d}.xlsx")


@console_view
def fair_export(request: HttpRequest, job_fair_id: int) -> HttpResponse:
    fair = selectors.fair_get_for_user(user=request.user, job_fair_id=job_fair_id)
    registrations = fair.registrations.select_related("seeker").order_by("created_at")[:20000]
    return _xlsx(fair_xlsx(fair, selectors.fair_summary(fair=fair), selectors.fair_booths(fair=fair), registrations),
                 f"fair-{fair.pk}.xlsx")


@console_view
def services_export(request: HttpRequest) -> HttpResponse:
    today = services.today()
    form = ServicesExportForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("console:jobs:placements")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.services_by_kind(user=request.user, start=start, end=end)
    return _xlsx(services_xlsx(rows, start, end), f"services-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


# --- training to order (订单式培训) -------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def training_list(request: HttpRequest) -> HttpResponse:
    form = TrainingOrderForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user),
                             employers=selectors.employer_choices_for_user(user=request.user),
                             courses=selectors.course_choices(),
                             postings=selectors.posting_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.training_order_create(
                actor=request.user, union=d["union"], employer=d["employer"], name=d["name"], trade=d["trade"],
                demand=d["demand"], seats=d["seats"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                place=d["place"], teacher=d["teacher"], course=d["course"], posting=d["posting"])
            messages.success(request, _("培训班已建立，可以为学员报名。"))
            return redirect("console:jobs:training_detail", training_order_id=order.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "jobs/pages/console_trainings.html", {
        "form": form, "orders": selectors.training_order_list_for_user(user=request.user)[:100],
    })


def _training_page(request: HttpRequest, training_order_id: int, *,
                   enrol_form: TrainingEnrolForm | None = None) -> HttpResponse:
    order = selectors.training_order_get_for_user(user=request.user, training_order_id=training_order_id)
    return render(request, "jobs/pages/console_training.html", {
        "order": order, "enrolments": selectors.training_enrolments(order=order)[:1000],
        "summary": selectors.training_summary(order=order), "enrol_form": enrol_form or TrainingEnrolForm(),
        "can_change": has_action(request.user, "change", order.union.path), "today": services.today(),
    }, status=422 if enrol_form is not None and enrol_form.errors else 200)


@console_view
def training_detail(request: HttpRequest, training_order_id: int) -> HttpResponse:
    return _training_page(request, training_order_id)


@console_view
@require_POST
def training_enrol(request: HttpRequest, training_order_id: int) -> HttpResponse:
    order = selectors.training_order_get_for_user(user=request.user, training_order_id=training_order_id)
    form = TrainingEnrolForm(request.POST)
    if form.is_valid():
        try:
            seeker = selectors.seeker_get_for_user(user=request.user, seeker_id=form.cleaned_data["seeker"])
            services.training_enrol(actor=request.user, order=order, seeker=seeker)
            messages.success(request, _("已报名。"))
            return redirect("console:jobs:training_detail", training_order_id=order.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return _training_page(request, training_order_id, enrol_form=form)


def _training_step(request: HttpRequest, training_enrolment_id: int, step: str) -> HttpResponse:
    enrolment = selectors.training_enrolment_get_for_user(user=request.user,
                                                          training_enrolment_id=training_enrolment_id)
    if step == "complete":
        run_service(request, lambda: services.training_complete(actor=request.user, enrolment=enrolment),
                    success=_("已结业，记一人次技能培训。"))
    elif step == "place":
        run_service(request, lambda: services.training_place(actor=request.user, enrolment=enrolment),
                    success=_("已登记上岗，3、6个月后回访。"))
    else:
        run_service(request, lambda: services.training_drop(actor=request.user, enrolment=enrolment),
                    success=_("已退训。"))
    return redirect("console:jobs:training_detail", training_order_id=enrolment.order_id)


@console_view
@require_POST
def training_complete(request: HttpRequest, training_enrolment_id: int) -> HttpResponse:
    return _training_step(request, training_enrolment_id, "complete")


@console_view
@require_POST
def training_place(request: HttpRequest, training_enrolment_id: int) -> HttpResponse:
    return _training_step(request, training_enrolment_id, "place")


@console_view
@require_POST
def training_drop(request: HttpRequest, training_enrolment_id: int) -> HttpResponse:
    return _training_step(request, training_enrolment_id, "drop")


@console_view
@require_POST
def training_close(request: HttpRequest, training_order_id: int) -> HttpResponse:
    order = selectors.training_order_get_for_user(user=request.user, training_order_id=training_order_id)
    run_service(request, lambda: services.training_order_close(actor=request.user, order=order), success=_("已结班。"))
    return redirect("console:jobs:training_detail", training_order_id=order.pk)
