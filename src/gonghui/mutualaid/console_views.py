"""Staff pages of medical mutual aid, under /console/mutualaid/: plans and their versions,
group enrolment with the participation check, certificates, the claims queue with the
engine's explained proposal and flags, decisions, payout batches, the loss-ratio report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError, ValidationFailed
from gonghui.core.idempotency import idempotent_form
from gonghui.core.qr import qr_svg
from gonghui.core.web import apply_domain_error, run_service
from gonghui.core.xlsx import XlsxWriter

from . import engine, selectors, services
from .forms import (
    DecideForm,
    EnrolForm,
    PlanForm,
    RevealForm,
    SelfDecideForm,
    VersionForm,
    version_initial,
)
from .models import Benefit, Claim, SelfEnrolment
from .presenters import claim_view


@console_view
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "mutualaid/pages/console_plans.html", {
        "plans": selectors.plan_list_for_enrolling_staff(user=request.user),
        "can_create": bool(jurisdiction.union_paths_for(request.user, "change") != []),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, unions=selectors.plan_unions_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = services.plan_create(actor=request.user, union=d["union"], name=d["name"], starts_on=d["starts_on"],
                                        ends_on=d["ends_on"], source=d["source"], terms=form.terms())
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("计划已创建。"))
            return redirect("console:mutualaid:plan", plan_id=plan.pk)
    return render(request, "mutualaid/pages/console_plan_form.html", {"form": form, "title": _("新建互助保障计划")})


@console_view
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    # Grassroots staff open the plans above them too (they enrol in them); the figures are the plan's.
    plan = selectors.plan_get_for_enrolment(user=request.user, plan_id=plan_id)
    report = selectors.loss_ratio(plans=selectors.plan_only(plan=plan))[0]
    return render(request, "mutualaid/pages/console_plan.html", {
        "plan": plan, "versions": plan.versions.order_by("effective_from"), "report": report,
        "enrolments": selectors.enrolment_list(user=request.user, plan=plan)[:200],
        "can_change": jurisdiction.has_action(request.user, "change", plan.union_path),
        "can_approve": jurisdiction.has_action(request.user, "approve", plan.union_path),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def version_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action="change")
    last = plan.versions.order_by("-effective_from").first()
    form = VersionForm(request.POST or None, initial=version_initial(last) if last else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_version_add(actor=request.user, plan=plan, effective_from=d["effective_from"],
                                      terms=form.terms(), note=d["note"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("新版本已保存，生效日起发生的事故按新版本核算。"))
            return redirect("console:mutualaid:plan", plan_id=plan.pk)
    return render(request, "mutualaid/pages/console_plan_form.html",
                  {"form": form, "plan": plan, "title": _("修订计划：新版本")})


def _person_ids(raw: str) -> list[int] | None:
    ids = [p for p in raw.split(",") if p.strip()]
    if not all(p.strip().isdigit() for p in ids) or len(ids) > 100_000:
        raise ValidationFailed(_("所选人员不正确。"), code="invalid_person_ids", field="person_ids")
    return [int(p) for p in ids] or None


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def enrol(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_enrolment(user=request.user, plan_id=plan_id)
    unions = selectors.enrolling_unions_for_user(user=request.user, plan=plan)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["person_ids"] = ",".join(request.POST.getlist("person"))
    form = EnrolForm(data, unions=unions, initial={"union": request.GET.get("union")})
    union = None
    union_id = request.POST.get("union") or request.GET.get("union") or ""
    if union_id.isdigit():
        union = unions.filter(pk=int(union_id)).first()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            enrolment = services.enrolment_create(actor=request.user, plan=plan, union=d["union"], mode=d["mode"],
                                                  person_ids=_person_ids(d["person_ids"]))
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已参保 %(n)s 人，保费已记入互助保障资金账。") % {"n": enrolment.count})
            return redirect("console:mutualaid:enrolment", enrolment_id=enrolment.pk)
    roster = selectors.enrolment_roster(plan=plan, union=union) if union is not None else []
    check = services.enrolment_check(plan=plan, union=union, person_ids=None) if union is not None else None
    return render(request, "mutualaid/pages/console_enrol.html", {
        "plan": plan, "form": form, "union": union, "roster": roster, "check": check, "unions": unions,
        "version": services.version_in_force(plan, plan.starts_on),
    })


@console_view
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_for_user(user=request.user, enrolment_id=enrolment_id)
    return render(request, "mutualaid/pages/console_enrolment.html", {
        "enrolment": enrolment, "coverages": selectors.coverage_list_for_enrolment(enrolment=enrolment)[:500],
    })


@console_view
def certificate(request: HttpRequest, coverage_id: int) -> HttpResponse:
    coverage = selectors.coverage_get_for_user(user=request.user, coverage_id=coverage_id)
    url = request.build_absolute_uri(reverse("mutualaid:verify")) + "?t=" + services.certificate_token(coverage)
    return render(request, "mutualaid/pages/console_certificate.html", {
        "coverage": coverage, "qr": qr_svg(url, scale=5, title=_("保障凭证二维码")),
    })


@console_view
@require_POST
def payment_batch(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action="approve")
    try:
        batch = services.plan_payment_batch_create(actor=request.user, plan=plan)
    except DomainError as exc:
        apply_domain_error(exc, request=request)
        return redirect("console:mutualaid:plan", plan_id=plan.pk)
    messages.success(request, _("已生成代发批次 %(n)s，共 %(c)s 笔。") % {"n": batch.number, "c": batch.count})
    return redirect("console:assistance:batch", pk=batch.pk)


@console_view
def claim_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status == "open":
        claims = selectors.claim_queue(user=request.user).filter(
            status__in=[Claim.Status.SUBMITTED, Claim.Status.REVIEWED, Claim.Status.APPEALED])
    else:
        claims = selectors.claim_queue(user=request.user, status=status if status in Claim.Status.values else "")
    return render(request, "mutualaid/pages/console_queue.html", {
        "claims": claims[:200], "status": status, "statuses": Claim.Status.choices,
    })


def _decide_form(claim: Claim, view: Any) -> DecideForm:
    return DecideForm(benefits=[b.benefit for b in view.benefits],
                      appeal=claim.status == Claim.Status.APPEALED and claim.payout_id is not None)


@console_view
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    view = claim_view(claim)
    return render(request, "mutualaid/pages/console_claim.html", {
        "c": view, "claim": claim, "form": _decide_form(claim, view),
        "reveal_form": RevealForm(),
        "can_decide": jurisdiction.has_action(request.user, "approve", claim.coverage.plan.union_path),
        "can_reveal": jurisdiction.has_action(request.user, "reveal_pii", claim.union_path),
    })


@console_view
@require_POST
def claim_decide(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    form = DecideForm(request.POST, benefits=[line.benefit for line in claim.lines.all()])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return redirect("console:mutualaid:claim", claim_id=claim.pk)
    d = form.cleaned_data
    if d["decision"] == "appeal":
        run_service(request, lambda: services.claim_appeal_decide(actor=request.user, claim=claim,
                                                                  amounts=form.amounts() or None, answer=d["reason"]),
                    success=_("复查已决定，申请人会收到复查意见。"))
    elif d["decision"] == "reject":
        run_service(request, lambda: services.claim_reject(actor=request.user, claim=claim, reason=d["reason"]),
                    success=_("已决定不予赔付，申请人会看到原因。"))
    elif d["decision"] == "confirm":
        run_service(request, lambda: services.claim_confirm(actor=request.user, claim=claim),
                    success=_("复核通过，已进入代发。"))
    else:
        run_service(request, lambda: services.claim_review(actor=request.user, claim=claim,
                                                           amounts=form.amounts() or None, reason=d["reason"]),
                    success=_("已核准。"))
    return redirect("console:mutualaid:claim", claim_id=claim.pk)


@console_view
@require_POST
def claim_reveal(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    form = RevealForm(request.POST)
    diagnosis = ""
    if not form.is_valid():
        messages.error(request, _("请填写查看原因。"))
    else:
        try:
            diagnosis = services.claim_diagnosis_reveal(actor=request.user, claim=claim,
                                                        reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(exc, request=request)
    view = claim_view(claim)
    return render(request, "mutualaid/pages/console_claim.html", {
        "c": view, "claim": claim, "form": _decide_form(claim, view),
        "reveal_form": RevealForm(), "revealed": diagnosis, "revealed_invoices": claim.invoices if diagnosis else "",
        "can_decide": jurisdiction.has_action(request.user, "approve", claim.coverage.plan.union_path),
        "can_reveal": jurisdiction.has_action(request.user, "reveal_pii", claim.union_path),
    })


@console_view
def loss_ratio_report(request: HttpRequest) -> HttpResponse:
    return render(request, "mutualaid/pages/console_report.html", {
        "rows": selectors.loss_ratio(plans=selectors.plan_list_for_user(user=request.user)[:500]),
    })


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@console_view
def enrolment_export(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """One enrolment's covers as a spreadsheet (for the unit's records and the plan union's
    reconciliation of premiums): names in clear as on the printed certificates, phones masked."""
    enrolment = selectors.enrolment_get_for_user(user=request.user, enrolment_id=enrolment_id)
    plan = enrolment.plan
    each = enrolment.premium // enrolment.count if enrolment.count else 0  # every cover of it starts the same day
    writer = XlsxWriter()
    sheet = writer.sheet(_("参保名单"), widths=[22, 12, 16, 12, 12, 12, 8, 10, 12], text_columns="ABCD")
    sheet.header([_("凭证号"), _("姓名"), _("会员号"), _("手机号"), _("保障开始"), _("等待期满"), _("续保"),
                  _("保障月数"), _("保费（元）")])
    numbers = selectors.member_numbers(enrolment=enrolment)
    for cv in selectors.coverage_list_for_enrolment(enrolment=enrolment).iterator(chunk_size=2000):
        sheet.append([cv.serial, cv.person.name, numbers.get(cv.person_id, ""), cv.person.phone_masked,
                      cv.starts_on, cv.waiting_until, _("是") if cv.renewal else _("否"),
                      engine.premium_for(price=0, period_start=plan.starts_on, period_end=plan.ends_on,
                                         starts_on=cv.starts_on).months, each / 100])
    return _xlsx_response(writer.to_bytes(), f"mutualaid-enrolment-{enrolment.pk}.xlsx")


@console_view
def loss_ratio_export(request: HttpRequest) -> HttpResponse:
    rows = selectors.loss_ratio(plans=selectors.plan_list_for_user(user=request.user)[:500])
    writer = XlsxWriter()
    labels = dict(Benefit.choices)
    sheet = writer.sheet(_("赔付率"), widths=[30, 20, 10, 14, 14, 10, 10, *[14] * len(labels)], text_columns="AB")
    sheet.header([_("计划"), _("主办工会"), _("参保人数"), _("保费（元）"), _("赔付（元）"), _("赔付人次"),
                  _("赔付率"), *[f"{label}{_('（元）')}" for label in labels.values()]])
    for r in rows:
        sheet.append([r.plan_name, r.union_name, r.people, r.premiums / 100, r.paid / 100, r.claims_paid,
                      round(r.ratio, 4) if r.ratio is not None else None,
                      *[r.by_benefit.get(b, 0) / 100 for b in labels]])
    return _xlsx_response(writer.to_bytes(), f"mutualaid-loss-ratio-{timezone.localdate():%Y%m%d}.xlsx")


@console_view
@require_POST
def certificate_sms(request: HttpRequest, coverage_id: int) -> HttpResponse:
    coverage = selectors.coverage_get_for_user(user=request.user, coverage_id=coverage_id)
    run_service(request, lambda: services.coverage_certificate_send(actor=request.user, coverage=coverage),
                success=_("凭证短信已发送。"))
    return redirect("console:mutualaid:certificate", coverage_id=coverage.pk)


@console_view
def self_enrolments(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", SelfEnrolment.Status.PENDING)
    status = status if status in SelfEnrolment.Status.values else ""
    return render(request, "mutualaid/pages/console_self_enrolments.html", {
        "rows": selectors.self_enrolment_list(user=request.user, status=status)[:200], "status": status,
        "statuses": SelfEnrolment.Status.choices, "form": SelfDecideForm(),
    })


@console_view
@require_POST
def self_enrolment_decide(request: HttpRequest, self_enrolment_id: int) -> HttpResponse:
    row = selectors.self_enrolment_get_for_user(user=request.user, request_id=self_enrolment_id)
    form = SelfDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择确认或未通过。"))
    elif form.cleaned_data["decision"] == "confirm":
        run_service(request, lambda: services.self_enrol_confirm(actor=request.user, request=row),
                    success=_("已确认到账并参保，保费已记入互助保障资金账。"))
    else:
        run_service(request, lambda: services.self_enrol_reject(actor=request.user, request=row,
                                                                reason=form.cleaned_data["reason"]),
                    success=_("已退回，申请人会收到原因。"))
    return redirect("console:mutualaid:self_enrolments")
