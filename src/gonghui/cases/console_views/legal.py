"""Staff console pages for the legal side: roster, legal aid, mediation, 一函两书."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError, ValidationFailed
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error
from gonghui.orgs import selectors as org_selectors

from .. import legal_services, selectors
from ..forms import (
    AidDecisionForm,
    LawyerAssignForm,
    LawyerForm,
    LetterActionForm,
    LetterForm,
    MediationConcludeForm,
    MediationOpenForm,
    MediationSessionForm,
)
from ..models import Case, Lawyer
from . import _staff_detail_context


@console_view
def lawyer_list(request: HttpRequest) -> HttpResponse:
    form = LawyerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            union = org_selectors.union_get_for_user(user=request.user, union_id=data["union"], action="change")
            service_region = None
            if data.get("service_region"):
                service_region = selectors.region_for_case(code=data["service_region"])
                if service_region is None:
                    raise ValidationFailed(_("服务地区代码无效。"), code="region_invalid", field="service_region")
            legal_services.lawyer_create(
                union=union, name=data["name"], kind=data["kind"], firm=data["firm"],
                specialities=data["specialities"], phone=data["phone"], by=request.user,
                is_public=data["is_public"], service_region=service_region, address=data["address"],
                hours=data["hours"], public_phone=data["public_phone"],
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已加入名册。"))
            return redirect("console:cases:lawyers")
    lawyers = selectors.lawyer_list_for_user(user=request.user, speciality=request.GET.get("speciality", "")[:20])
    return render(request, "cases/pages/console_lawyers.html", {
        "form": form, "lawyers": lawyers, "unions": org_selectors.union_list_for_user(user=request.user)[:200],
    })


@console_view
@require_POST
def lawyer_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a roster entry to workers in the directory, or stop showing it."""
    lawyer = selectors.lawyer_get_for_user(user=request.user, lawyer_id=pk)
    public = request.POST.get("public") == "1"
    try:
        legal_services.lawyer_publish(lawyer=lawyer, is_public=public, by=request.user)
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    else:
        messages.success(request, _("已向职工公开。") if public else _("已取消公开。"))
    return redirect("console:cases:lawyers")


def _lawyer(request: HttpRequest, lawyer_id: Any) -> Lawyer | None:
    if not lawyer_id:
        return None
    try:
        return selectors.lawyer_get_for_user(user=request.user, lawyer_id=int(lawyer_id))
    except DomainError as exc:
        raise ValidationFailed(_("找不到该律师。"), field="lawyer") from exc


LEGAL_FORMS: dict[str, Any] = {
    "assign_lawyer": LawyerAssignForm, "aid_decide": AidDecisionForm, "mediation_open": MediationOpenForm,
    "mediation_session": MediationSessionForm, "mediation_conclude": MediationConcludeForm,
}


@console_view
@require_POST
def case_legal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in LEGAL_FORMS:
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    form = LEGAL_FORMS[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _run_legal(request, case, action, data)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("console:cases:detail", pk=case.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return render(request, "cases/pages/console_detail.html", _staff_detail_context(request, case), status=422)


def _run_legal(request: HttpRequest, case: Case, action: str, data: dict[str, Any]) -> None:
    user = request.user
    if action == "assign_lawyer":
        lawyer = _lawyer(request, data["lawyer"])
        if lawyer is None:
            raise ValidationFailed(_("请选择律师。"), field="lawyer")
        legal_services.case_lawyer_assign(case=case, lawyer=lawyer, by=user)
    elif action == "aid_decide":
        legal_services.legal_aid_decide(case=case, eligible=data["eligible"], reason=data["reason"],
                                        lawyer=_lawyer(request, data.get("lawyer")), by=user)
    elif action == "mediation_open":
        legal_services.mediation_open(case=case, applicant=data["applicant"], respondent=data["respondent"],
                                      mediator=_lawyer(request, data.get("mediator")), claim_fen=data["claim"], by=user)
    elif action == "mediation_session":
        legal_services.mediation_session_add(case=case, held_on=data["held_on"], place=data["place"],
                                             notes=data["notes"], by=user)
    elif action == "mediation_conclude":
        legal_services.mediation_conclude(case=case, outcome=data["outcome"], agreement=data["agreement"],
                                          agreed_fen=data["agreed"], arbitration_ref=data["arbitration_ref"], by=user)


@console_view
@idempotent_form
def letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    form = LetterForm(request.POST or None, initial={"recipient": case.employer_name, "subject": case.get_category_display()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = legal_services.letter_issue(case=case, kind=data["kind"], recipient=data["recipient"],
                                                 subject=data["subject"], body=data["body"],
                                                 response_workdays=data["response_days"], by=request.user)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已制发 %(number)s。") % {"number": letter.number})
            if letter.response_due_provisional:
                messages.warning(request, _("回复期限 %(due)s 为暂定：该年节假日安排尚未录入，暂按周一至周五计算。") % {
                    "due": letter.response_due.isoformat() if letter.response_due else ""})
            return redirect("console:cases:letter", pk=letter.pk)
    return render(request, "cases/pages/console_letter_new.html", {"form": form, "case": case})


@console_view
def letter_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/pages/console_letters.html", {"letters": selectors.letter_list_for_user(user=request.user)[:200]})


@console_view
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, letter_id=pk)
    return render(request, "cases/pages/console_letter_detail.html", {"letter": letter, "form": LetterActionForm()})


@console_view
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    letter = selectors.letter_get_for_user(user=request.user, letter_id=pk)
    if not letter.pdf:
        raise Http404
    return FileResponse(letter.pdf.open("rb"), content_type="application/pdf", filename=f"{letter.number}.pdf")


@console_view
@require_POST
def letter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, letter_id=pk)
    form = LetterActionForm(request.POST)
    if action not in ("deliver", "respond", "follow_up"):
        raise Http404
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if action == "deliver":
                legal_services.letter_deliver(letter=letter, method=text, by=request.user)
            elif action == "respond":
                legal_services.letter_response_record(letter=letter, response=text, by=request.user)
            else:
                legal_services.letter_follow_up(letter=letter, note=text, by=request.user)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("console:cases:letter", pk=letter.pk)
    return render(request, "cases/pages/console_letter_detail.html", {"letter": letter, "form": form}, status=422)
