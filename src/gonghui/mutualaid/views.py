"""Worker pages of medical mutual aid, at /mutualaid/ (names: mutualaid:…): my cover and
waiting period, my certificate with its QR, submitting a claim, following it and reading its
explained payout; the public certificate check."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.cases.views import worker_required
from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.qr import qr_svg
from gonghui.core.web import apply_domain_error, run_service

from . import selectors, services
from .forms import ClaimForm, SelfEnrolForm
from .presenters import claim_view


@worker_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "mutualaid/pages/index.html", {
        "coverages": selectors.my_coverages(user=request.user)[:20],
        "claims": [claim_view(c) for c in selectors.my_claims(user=request.user)[:50]], "today": today,
        "offers": services.self_enrol_offers(user=request.user),
        "self_requests": selectors.my_self_enrolments(user=request.user).exclude(status="confirmed")[:10],
    })


@worker_required
@idempotent_form
@require_http_methods(["GET", "POST"])
def self_enrol(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A new-form worker joins a plan that allows it: what they pay and why, how to pay, and
    the payment's reference; the union confirms the money arrived and the cover opens."""
    offer = next((o for o in services.self_enrol_offers(user=request.user) if o.plan.pk == plan_id), None)
    if offer is None:
        raise Http404
    form = SelfEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_enrol_apply(user=request.user, plan_id=plan_id, channel=form.cleaned_data["channel"],
                                      payment_ref=form.cleaned_data["payment_ref"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已提交。工会核对到账后为您参保，结果会发到消息和短信。"))
            return redirect("mutualaid:index")
    return render(request, "mutualaid/pages/self_enrol.html", {
        "offer": offer, "form": form, "premium_line": offer.premium.line().text, "rules": offer.version.engine_rules,
    })


@worker_required
def coverage_detail(request: HttpRequest, coverage_id: int) -> HttpResponse:
    coverage = selectors.my_coverage_get(user=request.user, coverage_id=coverage_id)
    url = request.build_absolute_uri(reverse("mutualaid:verify")) + "?t=" + services.certificate_token(coverage)
    version = services.version_in_force(coverage.plan, timezone.localdate())
    return render(request, "mutualaid/pages/coverage.html", {
        "coverage": coverage, "qr": qr_svg(url, scale=5, title=_("保障凭证二维码")), "version": version,
        "rules": version.engine_rules, "today": timezone.localdate(),
    })


@worker_required
@idempotent_form
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, coverage_id: int) -> HttpResponse:
    coverage = selectors.my_coverage_get(user=request.user, coverage_id=coverage_id)
    version = services.version_in_force(coverage.plan, timezone.localdate())
    form = ClaimForm(request.POST or None, request.FILES or None, diseases=version.engine_rules.diseases,
                     initial={"payee_name": coverage.person.name})
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_submit(user=request.user, coverage=coverage, data=form.claim_input(),
                                          documents=form.documents())
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("申请已提交，下面是按计划规则算出的预计金额，以审核结果为准。"))
            return redirect("mutualaid:claim", claim_id=claim.pk)
    return render(request, "mutualaid/pages/claim_new.html", {"form": form, "coverage": coverage})


@worker_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.my_claim_get(user=request.user, claim_id=claim_id)
    return render(request, "mutualaid/pages/claim.html", {"c": claim_view(claim), "claim": claim,
                                                          "appealable": services.claim_appealable(claim)})


@worker_required
@require_POST
def claim_appeal(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.my_claim_get(user=request.user, claim_id=claim_id)
    run_service(request, lambda: services.claim_appeal(user=request.user, claim=claim,
                                                       reason=request.POST.get("reason", "")[:1000]),
                success=_("申诉已提交，将由其他审批人复查。"))
    return redirect("mutualaid:claim", claim_id=claim.pk)


def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Public: what a hospital or union desk learns by scanning a certificate."""
    token = request.GET.get("t", "")[:500]
    result = services.certificate_verify(token=token) if token else None
    return render(request, "mutualaid/pages/verify.html", {"result": result})
