"""Worker pages of the assistance module, at /assistance/ (names: assistance:…): 我的帮扶
(the worker's applications and every payment made to them), applying for a hardship file,
and one application's progress. Reads through selectors, writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.cases.views import worker_required
from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error, run_service

from . import grants, hardship, selectors
from .forms import GrantApplyForm, HardshipApplyForm, ObjectionForm, ReviewRequestForm


@worker_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "assistance/pages/mine.html", {
        "files": selectors.hardship_file_list_for_worker(user=request.user)[:50],
        "grants": selectors.grant_list_for_worker(user=request.user)[:50],
        "payments": selectors.payout_list_for_worker(user=request.user)[:100],
        "relief": selectors.relief_list_for_worker(user=request.user)[:50],
    })


@worker_required
@idempotent_form
@require_http_methods(["GET", "POST"])
def hardship_apply(request: HttpRequest) -> HttpResponse:
    form = HardshipApplyForm(request.POST or None, request.FILES or None,
                             document_names=selectors.hardship_required_documents_for_worker(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            file = hardship.hardship_file_apply(
                user=request.user, household=form.household(), monthly_income=d["monthly_income"],
                cause=d["cause"], cause_note=d["cause_note"], documents=d.get("attachments") or [],
                named_documents=form.named_documents(),
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("申请已提交，工会将在期限内入户核查。"))
            return redirect("assistance:hardship_detail", pk=file.pk)
    return render(request, "assistance/pages/hardship_apply.html", {"form": form})


def _hardship_page(request: HttpRequest, file: Any, appeal_form: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "assistance/pages/hardship_mine.html", {
        "file": file, "events": selectors.hardship_file_events(file=file),
        "documents": selectors.hardship_file_documents(file=file, worker=True),
        "appeal_form": appeal_form or ReviewRequestForm(),
        "can_appeal": file.status in ("rejected", "exited") and (
            not file.appeal_union_id or file.appeal_outcome == "overturned"),
    }, status=status)


@worker_required
def hardship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _hardship_page(request, selectors.hardship_file_get_for_worker(user=request.user, hardship_file_id=pk))


@worker_required
@require_POST
def hardship_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """复核: the worker asks for a review of a 不予建档 or 退档 decision, with a reason."""
    file = selectors.hardship_file_get_for_worker(user=request.user, hardship_file_id=pk)
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        try:
            hardship.hardship_appeal_request(file=file, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("复核申请已提交，上级工会将在期限内答复。"))
            return redirect("assistance:hardship_detail", pk=file.pk)
    return _hardship_page(request, file, form, status=422)


def _chosen_program(request: HttpRequest, programs: list[Any]) -> Any:
    """The program picked (?program= or the posted one); the only one when there is one."""
    raw = request.POST.get("program") or request.GET.get("program") or ""
    if raw.isdigit():
        return next((p for p in programs if p.pk == int(raw)), None)
    return programs[0] if len(programs) == 1 else None


@worker_required
@idempotent_form
@require_http_methods(["GET", "POST"])
def grant_apply(request: HttpRequest) -> HttpResponse:
    programs = selectors.grant_programs_for_worker(user=request.user)
    program = _chosen_program(request, programs)
    initial = {"program": program.pk} if program is not None else {}
    form = GrantApplyForm(request.POST or None, request.FILES or None, programs=programs, program=program,
                          initial=initial)
    if request.method == "POST" and program is not None and form.is_valid():
        d = form.cleaned_data
        try:
            program = selectors.grant_program_for_worker(user=request.user, grant_program_id=d["program"])
            grant = grants.grant_apply(user=request.user, program=program, amount=d["amount"], reason=d["reason"],
                                       bank_account=d["bank_account"], bank_name=d["bank_name"],
                                       documents=form.documents(), student=form.student())
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("申请已提交。"))
            return redirect("assistance:grant_detail", pk=grant.pk)
    return render(request, "assistance/pages/grant_apply.html", {"form": form, "programs": programs,
                                                                  "program": program})


def _grant_page(request: HttpRequest, grant: Any, review_form: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "assistance/pages/grant_mine.html", {
        "grant": grant, "documents": selectors.grant_documents(grant=grant),
        "review_form": review_form or ReviewRequestForm(),
    }, status=status)


@worker_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_page(request, selectors.grant_get_for_worker(user=request.user, grant_id=pk))


@worker_required
@require_POST
def grant_review(request: HttpRequest, pk: int) -> HttpResponse:
    """复核: the worker asks for a review of a rejection, with a reason."""
    grant = selectors.grant_get_for_worker(user=request.user, grant_id=pk)
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        try:
            grants.grant_review_request(grant=grant, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("复核申请已提交，上级工会将在期限内答复。"))
            return redirect("assistance:grant_detail", pk=grant.pk)
    return _grant_page(request, grant, form, status=422)


def notices(request: HttpRequest) -> HttpResponse:
    """The public notice board (公示): open to everyone, names masked."""
    return render(request, "assistance/pages/notices.html", {
        "grants": selectors.grant_notices_public(today=timezone.localdate())[:500], "form": ObjectionForm(),
        "files": selectors.hardship_notices_public(today=timezone.localdate())[:500],
    })


def school_results(request: HttpRequest) -> HttpResponse:
    """金秋助学 results (结果公示): approved awards of a school year, open to everyone, names masked."""
    years = selectors.school_results_years()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else (years[0] if years else None)
    awards = list(selectors.school_results_public(academic_year=year)[:1000]) if year else []
    return render(request, "assistance/pages/school_results.html", {
        "years": years, "year": year, "awards": awards, "total": sum(g.amount for g in awards),
    })


@worker_required
@require_POST
def notice_object(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_notice_get(grant_id=pk, today=timezone.localdate())
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写异议内容（不超过 1000 字）。"))
    else:
        run_service(request, lambda: grants.grant_object(grant=grant, text=form.cleaned_data["text"],
                                                         by=request.user),
                    success=_("异议已送达审批工会。"))
    return redirect("assistance:notices")


@worker_required
@require_POST
def hardship_notice_object(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection to a hardship file on notice: it stays with the file for its union to answer."""
    file = selectors.hardship_notice_get(hardship_file_id=pk, today=timezone.localdate())
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写异议内容（不超过 1000 字）。"))
    else:
        run_service(request, lambda: hardship.hardship_object(file=file, text=form.cleaned_data["text"],
                                                              by=request.user),
                    success=_("异议已送达建档工会，将在审批前核实答复。"))
    return redirect("assistance:notices")
