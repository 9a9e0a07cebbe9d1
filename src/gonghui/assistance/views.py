"""Worker pages of the assistance module, at /assistance/ (names: assistance:…): 我的帮扶
(the worker's applications and every payment made to them), applying for a hardship file,
and one application's progress. Reads through selectors, writes through services."""

from __future__ import annotations

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
from .forms import GrantApplyForm, HardshipApplyForm, ObjectionForm


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
    form = HardshipApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            file = hardship.hardship_file_apply(
                user=request.user, household=form.household(), monthly_income=d["monthly_income"],
                cause=d["cause"], cause_note=d["cause_note"], documents=d.get("attachments") or [],
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("申请已提交，工会将在期限内入户核查。"))
            return redirect("assistance:hardship_detail", pk=file.pk)
    return render(request, "assistance/pages/hardship_apply.html", {"form": form})


@worker_required
def hardship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.hardship_file_get_for_worker(user=request.user, hardship_file_id=pk)
    return render(request, "assistance/pages/hardship_mine.html", {
        "file": file, "events": selectors.hardship_file_events(file=file),
        "documents": selectors.hardship_file_documents(file=file, worker=True),
    })


@worker_required
@idempotent_form
@require_http_methods(["GET", "POST"])
def grant_apply(request: HttpRequest) -> HttpResponse:
    programs = selectors.grant_programs_for_worker(user=request.user)
    initial = {"program": request.GET["program"]} if request.GET.get("program", "").isdigit() else {}
    form = GrantApplyForm(request.POST or None, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            program = selectors.grant_program_for_worker(user=request.user, grant_program_id=d["program"])
            grant = grants.grant_apply(user=request.user, program=program, amount=d["amount"], reason=d["reason"],
                                       bank_account=d["bank_account"], bank_name=d["bank_name"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("申请已提交。"))
            return redirect("assistance:grant_detail", pk=grant.pk)
    return render(request, "assistance/pages/grant_apply.html", {"form": form, "programs": programs})


@worker_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get_for_worker(user=request.user, grant_id=pk)
    return render(request, "assistance/pages/grant_mine.html", {"grant": grant})


def notices(request: HttpRequest) -> HttpResponse:
    """The public notice board (公示): open to everyone, names masked."""
    return render(request, "assistance/pages/notices.html", {
        "grants": selectors.grant_notices_public(today=timezone.localdate())[:500], "form": ObjectionForm(),
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
