"""Worker pages of the bargaining module, under /bargaining/: 我的集体合同 (the contracts in
force that cover the worker) and 报告安全隐患 (anonymously if they wish); and the employer's
own pages (单位：要约与隐患整改) for holders of an employer account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error, domain_errors

from . import employer, safety, selectors, services
from .forms import EmployerAnswerForm, EmployerRectifyForm, WorkerHazardForm
from .models import BargainingOffer

worker_login_required = login_required(login_url="accounts:worker_login")


@worker_login_required
@domain_errors
def my_contracts(request: HttpRequest) -> HttpResponse:
    return render(request, "bargaining/pages/my_contracts.html", {"contracts": selectors.contracts_for_worker(user=request.user)})


@worker_login_required
@domain_errors
def my_contract(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_worker(user=request.user, contract_id=contract_id)
    version = contract.current_version
    return render(request, "bargaining/pages/my_contract.html", {
        "contract": contract, "version": version, "pay": selectors.min_pay_text(version) if version else "",
        "pct": selectors.pct_text(version.wage_adjustment_bp) if version else "",
        "texts": selectors.version_texts(version),
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def hazard_report(request: HttpRequest) -> HttpResponse:
    form = WorkerHazardForm(request.POST or None, request.FILES or None,
                            initial={"employer_name": selectors.employer_name_for_worker(user=request.user)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            safety.hazard_report_by_worker(user=request.user, description=d["description"], employer_name=d["employer_name"],
                                           location=d["location"], anonymous=d["anonymous"],
                                           photos=[d["photo"]] if d["photo"] else [])
            messages.success(request, _("已报告给工会，感谢您！工会将尽快核实。"))
            return redirect("bargaining:hazard_report")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/hazard_report.html", {
        "form": form, "mine": selectors.hazards_reported_by(user=request.user)[:20],
    })


# --- the employer's own account (jobs.EmployerAccount; see employer.py) ------------------------


@worker_login_required
@domain_errors
def employer_home(request: HttpRequest) -> HttpResponse:
    employer_ids = employer.employer_ids_of(request.user)
    return render(request, "bargaining/pages/employer_home.html", {
        "has_account": bool(employer_ids),
        "offers": employer.offers_for_employer(user=request.user)[:50] if employer_ids else [],
        "hazards": employer.hazards_for_employer(user=request.user)[:100] if employer_ids else [],
        "today": services.today(),
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
@domain_errors
def employer_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = employer.offer_get_for_employer(user=request.user, offer_id=offer_id)
    form = EmployerAnswerForm(request.POST or None, initial={"answered_on": services.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            employer.offer_answer(user=request.user, offer=offer, received_on=d["received_on"], accepted=d["accepted"],
                                  answered_on=d["answered_on"], answer=d["answer"])
            messages.success(request, _("书面回应已送达工会。"))
            return redirect("bargaining:employer_home")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/employer_offer.html", {
        "offer": offer, "form": form, "answerable": offer.status in (BargainingOffer.Status.SENT, BargainingOffer.Status.SILENT),
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
@domain_errors
def employer_hazard(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = employer.hazard_get_for_employer(user=request.user, hazard_id=hazard_id)
    form = EmployerRectifyForm(request.POST or None, request.FILES or None, initial={"rectified_on": services.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            safety.hazard_rectification_record(actor=request.user, hazard=hazard, rectified_on=d["rectified_on"],
                                               rectification=d["rectification"], evidence=d["evidence"] or [], as_employer=True)
            messages.success(request, _("整改情况已报工会，工会将安排复查。"))
            return redirect("bargaining:employer_hazard", hazard_id=hazard.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/employer_hazard.html", {
        "hazard": hazard, "form": form, "evidence": employer.evidence_of(hazard), "today": services.today(),
    })
