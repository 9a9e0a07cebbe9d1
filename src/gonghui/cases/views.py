"""Worker pages: report a problem, the legal-help forms (法律咨询, 法律援助, 调解) and the
public directory of legal-aid stations and lawyers, 我的诉求 (list, detail, messages, rating,
reopening), notifications. Thin: parse the form, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error
from gonghui.orgs import selectors as org_selectors

from . import classifier, legal_services, routing, selectors, services
from .forms import (
    CaseReportForm,
    LegalAidForm,
    LegalConsultationForm,
    LegalHelpForm,
    MediationRequestForm,
    MessageForm,
    RateForm,
    ReasonForm,
)
from .legal_aid import RULES as LEGAL_AID_RULES
from .legal_aid import Document
from .models import Case, CaseAttachment, Category, Channel, DisputeType, Rating, Status

# The legal services' own forms, by the category the general report form used to take.
LEGAL_FORM_URLS: dict[str, str] = {
    Category.LEGAL_CONSULTATION: "cases:legal_consultation",
    Category.LEGAL_AID: "cases:legal_aid",
    Category.MEDIATION: "cases:legal_mediation",
}


def worker_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "accounts:worker_login")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def picked_employer(employer_id: Any) -> Any:
    return selectors.employer_for_case(employer_id=employer_id)


def picked_region(code: str) -> Any:
    return selectors.region_for_case(code=code)


@require_GET
def employer_search(request: HttpRequest) -> HttpResponse:
    """htmx: employers matching what the worker typed (name, pinyin initials or USCC)."""
    q = (request.GET.get("employer_name") or request.GET.get("q") or "")[:100]
    exact = org_selectors.employer_for_uscc_typed(q=q)
    return render(request, "cases/partials/_employer_options.html", {
        "employers": org_selectors.employer_search(q=q, limit=8), "selected_employer": exact.pk if exact else None,
    })


@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """htmx: the next level of the region cascade."""
    parent = (request.GET.get("province") or request.GET.get("city") or "")[:6]
    regions = org_selectors.region_list(parent_code=parent) if parent.isdigit() else []
    return render(request, "cases/partials/_region_options.html", {"regions": regions})


@require_GET
def category_suggestion(request: HttpRequest) -> HttpResponse:
    """htmx: the classifier's suggestion for the description (shown, never applied)."""
    suggestion = classifier.category_suggest((request.GET.get("description") or "")[:2000])
    label = Category(suggestion.category).label if suggestion else ""
    return render(request, "cases/partials/_suggestion.html", {"suggestion": suggestion, "label": label})


@worker_required
@idempotent_form
def case_report(request: HttpRequest) -> HttpResponse:
    if request.GET.get("category") in LEGAL_FORM_URLS:  # old links: legal help has its own forms
        return redirect(LEGAL_FORM_URLS[request.GET["category"]])
    initial = {"category": request.GET.get("category", "")} if request.GET.get("category") in Category.values else {}
    form = CaseReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = classifier.category_suggest(data["description"])
            case = services.case_create(
                channel=Channel.APP, category=data["category"], description=data["description"],
                reporter_user=request.user, employer=picked_employer(data.get("employer")),
                employer_name=data.get("employer_name") or "", region=picked_region(data.get("region") or ""),
                place=data.get("place") or "", amount_fen=data["amount"], people_count=data["people_count"],
                is_new_form=data["is_new_form"], employer_may_know_name=data["employer_may_know_name"],
                attachments=data.get("attachments") or [], created_by=request.user,
                suggested_category=suggestion.category if suggestion else "",
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已提交，编号 %(number)s。我们会尽快受理。") % {"number": case.number})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/pages/report.html", {
        "form": form, "provinces": org_selectors.region_list(),
    })


# --- legal help ---------------------------------------------------------------------------


def _legal_place(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "employer": picked_employer(data.get("employer")), "employer_name": data.get("employer_name") or "",
        "region": picked_region(data.get("region") or ""), "place": data.get("place") or "",
        "attachments": data.get("attachments") or [],
    }


def _legal_page(request: HttpRequest, template: str, form: LegalHelpForm, category: str, **extra: Any) -> HttpResponse:
    return render(request, template, {
        "form": form, "provinces": org_selectors.region_list(),
        "workdays": routing.resolve_workdays_for(category), **extra,
    })


def _submitted(request: HttpRequest, case: Case) -> HttpResponse:
    messages.success(request, _("已提交，编号 %(number)s。工会受理后会通知您。") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


@worker_required
@idempotent_form
def legal_consultation(request: HttpRequest) -> HttpResponse:
    """法律咨询: ask the union's lawyers a question. A refused legal-aid applicant arrives with
    `prefill`: the form opens with what they already wrote."""
    if request.method == "POST" and request.POST.get("prefill"):
        carried = {k: request.POST.get(k, "")[:2000] for k in ("description", "employer_name", "place")}
        if request.POST.get("dispute_type") in DisputeType.values and request.POST["dispute_type"] != DisputeType.NOT_LABOUR:
            carried["dispute_type"] = request.POST["dispute_type"]
        form = LegalConsultationForm(initial=carried)
        return _legal_page(request, "cases/pages/legal_consultation.html", form, Category.LEGAL_CONSULTATION)
    form = LegalConsultationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = legal_services.legal_consultation_request(
                user=request.user, description=data["description"], dispute_type=data.get("dispute_type") or "",
                **_legal_place(data),
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            return _submitted(request, case)
    return _legal_page(request, "cases/pages/legal_consultation.html", form, Category.LEGAL_CONSULTATION)


@worker_required
@idempotent_form
def legal_aid(request: HttpRequest) -> HttpResponse:
    """法律援助: the eligibility rules on the page, checked by the service; an applicant who
    cannot get it is told why and offered legal consultation instead."""
    form = LegalAidForm(request.POST or None, request.FILES or None)
    reasons: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = legal_services.legal_aid_apply(
                user=request.user, description=data["description"], dispute_type=data["dispute_type"],
                hardship=data["hardship"], stage=data["stage"], has_lawyer=data["has_lawyer"],
                documents=data.get("documents") or [], declared=data["declared"],
                household_income_yuan=data.get("household_income"), case_reference=data.get("case_reference") or "",
                **_legal_place(data),
            )
        except legal_services.LegalAidNotEligible as exc:
            reasons = exc.reasons
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            return _submitted(request, case)
    carried = {k: request.POST.get(k, "") for k in ("description", "dispute_type", "employer_name", "place")}
    return _legal_page(request, "cases/pages/legal_aid.html", form, Category.LEGAL_AID,
                       rules=LEGAL_AID_RULES, documents=Document.choices, ineligible_reasons=reasons,
                       carried=carried if reasons else {})


@worker_required
@idempotent_form
def legal_mediation(request: HttpRequest) -> HttpResponse:
    """劳动争议调解: the union's mediators and the employer, with the worker's consent."""
    form = MediationRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = legal_services.mediation_request(
                user=request.user, description=data["description"], consent=data["consent"], **_legal_place(data),
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            return _submitted(request, case)
    return _legal_page(request, "cases/pages/legal_mediation.html", form, Category.MEDIATION)


@require_GET
def legal_directory(request: HttpRequest) -> HttpResponse:
    """法律援助站点与律师 (public): the union legal-aid stations, lawyers and mediators of the
    chosen area; a signed-in worker starts at their own union's area."""
    picked = next((request.GET.get(k, "")[:6] for k in ("region", "city", "province") if request.GET.get(k)), "")
    region = picked_region(picked) if picked else selectors.legal_directory_region_for_worker(user=request.user)
    return render(request, "cases/pages/legal_directory.html", {
        "region": region, "region_name": selectors.region_full_name(region=region),
        "entries": selectors.legal_directory(region=region), "provinces": org_selectors.region_list(),
    })


@worker_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list_for_worker(user=request.user)[:100]
    return render(request, "cases/pages/my_cases.html", {
        "cases": cases, "unread": selectors.notification_unread_count(user=request.user),
    })


def _detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    rated_now = case.ratings.filter(at__gte=case.resolved_at).exists() if case.resolved_at else False
    return {
        "case": case,
        "region_name": selectors.region_full_name(region=case.region),
        "timeline": selectors.case_timeline(case=case, public_only=True),
        "attachments": case.attachments.filter(is_public=True),
        "message_form": forms.get("message_form") or MessageForm(),
        "rate_form": forms.get("rate_form") or RateForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "can_rate": case.status in (Status.RESOLVED, Status.CLOSED) and not rated_now,
        "can_reopen": case.status in (Status.RESOLVED, Status.CLOSED) and case.rating == Rating.DISSATISFIED,
        "awaiting_info": case.status == Status.AWAITING_INFO,
    }


@worker_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_worker(user=request.user, case_id=pk)
    return render(request, "cases/pages/detail.html", _detail_context(request, case))


@worker_required
@require_POST
@idempotent_form
def case_message(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_worker(user=request.user, case_id=pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            if case.status == Status.AWAITING_INFO:
                services.case_provide_info(case=case, by=request.user, note=form.cleaned_data["body"],
                                           attachments=form.cleaned_data.get("attachments") or [])
            else:
                services.case_message_add(case=case, by=request.user, body=form.cleaned_data["body"],
                                          attachments=form.cleaned_data.get("attachments") or [])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已发送。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/pages/detail.html", _detail_context(request, case, message_form=form), status=422)


@worker_required
@require_POST
def case_rate(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_worker(user=request.user, case_id=pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.case_rate(case=case, by=request.user, rating=form.cleaned_data["rating"],
                               comment=form.cleaned_data.get("comment") or "")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/pages/detail.html", _detail_context(request, case, rate_form=form), status=422)


@worker_required
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_worker(user=request.user, case_id=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.case_reopen(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已申请重新办理。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/pages/detail.html", _detail_context(request, case, reason_form=form), status=422)


@worker_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    case = selectors.case_get_for_worker(user=request.user, case_id=pk)
    attachment = case.attachments.filter(pk=attachment_id, is_public=True).first()
    if attachment is None:
        raise Http404
    return _serve(attachment)


def _serve(attachment: CaseAttachment) -> FileResponse:
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=attachment.content_type == "application/pdf",
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response




def notifications(request: HttpRequest) -> HttpResponse:
    """The old address of the case notices: every module's notices are under 消息 now."""
    return redirect("web:inbox")
