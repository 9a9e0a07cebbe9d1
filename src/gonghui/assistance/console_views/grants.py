"""Staff pages of grants, under /console/assistance/grants/: programs and their rules, the
applications of the branch (handled here or sent here for approval), one grant with its
steps (核查, 公示, 审批 with the meeting decision, 不予救助) and its objections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError
from gonghui.core.web import apply_domain_error

from .. import grants, selectors
from ..forms import GrantApproveForm, GrantProgramForm, GrantVerifyForm, ReasonForm
from ..models import Grant


@console_view
@require_http_methods(["GET", "POST"])
def program_list(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user, action="approve")
    form = GrantProgramForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            grants.grant_program_create(
                union=d["union"], name=d["name"], kind=d["kind"], source=d["source"], min_amount=d["min_amount"],
                max_amount=d["max_amount"], yearly_cap=d["yearly_cap"], eligible_grades=d["eligible_grades"],
                notice_days=d["notice_days"], approval_threshold=d["approval_threshold"], by=request.user,
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("救助项目已创建。"))
            return redirect("console:assistance:grant_programs")
    return render(request, "assistance/pages/console_grant_programs.html", {
        "form": form, "programs": selectors.grant_program_list_for_user(user=request.user)[:200],
    })


@console_view
def grant_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(request, "assistance/pages/console_grants.html", {
        "grants": selectors.grant_list_for_user(
            user=request.user, status=status if status in Grant.Status.values else "")[:200],
        "status": status, "statuses": Grant.Status.choices,
    })


STEP_FORMS: dict[str, type[forms.Form]] = {
    "verify": GrantVerifyForm, "notice": forms.Form, "approve": GrantApproveForm, "reject": ReasonForm,
}


def _detail(request: HttpRequest, grant: Grant, status: int = 200, bound: dict[str, Any] | None = None) -> HttpResponse:
    step_forms = {name: form_class() for name, form_class in STEP_FORMS.items()} | (bound or {})
    return render(request, "assistance/pages/console_grant.html", {
        "grant": grant, "objections": selectors.grant_objections(grant=grant), "forms": step_forms,
        "can_handle": jurisdiction.has_action(request.user, "change", grant.union_path),
        "can_approve": jurisdiction.has_action(request.user, "approve", grant.approving_path),
    }, status=status)


@console_view
def grant_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _detail(request, selectors.grant_get_for_user(user=request.user, grant_id=grant_id))


@console_view
@require_POST
def grant_step(request: HttpRequest, grant_id: int, step: str) -> HttpResponse:
    grant = selectors.grant_get_for_user(user=request.user, grant_id=grant_id)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        return _detail(request, grant, status=404)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail(request, grant, status=422, bound={step: form})
    d = form.cleaned_data
    try:
        if step == "verify":
            grants.grant_verify(grant=grant, by=request.user, note=d["note"])
        elif step == "notice":
            grants.grant_notice_start(grant=grant, by=request.user)
        elif step == "approve":
            grants.grant_approve(grant=grant, by=request.user, decision=d["decision"], decided_on=d["decided_on"])
        else:
            grants.grant_reject(grant=grant, by=request.user, reason=d["reason"])
    except DomainError as exc:
        apply_domain_error(exc, form=form)
        return _detail(request, grant, status=422, bound={step: form})
    messages.success(request, _("已办理。"))
    return redirect("console:assistance:grant_detail", grant_id=grant.pk)
