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
from ..forms import (
    EducationTierForm,
    GrantApproveForm,
    GrantDocumentForm,
    GrantProgramForm,
    GrantVerifyForm,
    OnBehalfForm,
    ReasonForm,
    ReviewDecideForm,
)
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
                required_documents=form.documents(),
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
    if status == "review":
        found = selectors.grant_review_list_for_user(user=request.user)
    else:
        found = selectors.grant_list_for_user(user=request.user, status=status if status in Grant.Status.values else "")
    return render(request, "assistance/pages/console_grants.html", {
        "grants": found[:200], "status": status, "statuses": Grant.Status.choices,
    })


STEP_FORMS: dict[str, type[forms.Form]] = {
    "verify": GrantVerifyForm, "notice": forms.Form, "approve": GrantApproveForm, "reject": ReasonForm,
    "review": ReviewDecideForm, "document": GrantDocumentForm,
}


def _document_names(grant: Grant) -> list[str]:
    return [*grant.program.required_documents, grants.OTHER_DOCUMENT]


def _step_form(step: str, grant: Grant, data: Any = None, files: Any = None) -> forms.Form:
    if step == "document":
        return GrantDocumentForm(data, files, names=_document_names(grant))
    return STEP_FORMS[step](data)


def _detail(request: HttpRequest, grant: Grant, status: int = 200, bound: dict[str, Any] | None = None) -> HttpResponse:
    step_forms = {name: _step_form(name, grant) for name in STEP_FORMS} | (bound or {})
    documents = list(selectors.grant_documents(grant=grant))
    have = {d.name for d in documents}
    return render(request, "assistance/pages/console_grant.html", {
        "grant": grant, "objections": selectors.grant_objections(grant=grant), "forms": step_forms,
        "documents": documents, "missing": [n for n in grant.program.required_documents if n not in have],
        "can_handle": jurisdiction.has_action(request.user, "change", grant.union_path),
        "can_approve": jurisdiction.has_action(request.user, "approve", grant.approving_path),
        "can_review": grant.review_union is not None and not grant.review_outcome
        and jurisdiction.has_action(request.user, "approve", grant.review_union.path),
    }, status=status)


@console_view
def grant_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _detail(request, selectors.grant_get_for_user(user=request.user, grant_id=grant_id))


@console_view
@require_POST
def grant_step(request: HttpRequest, grant_id: int, step: str) -> HttpResponse:
    grant = selectors.grant_get_for_user(user=request.user, grant_id=grant_id)
    if step not in STEP_FORMS:
        return _detail(request, grant, status=404)
    form = _step_form(step, grant, request.POST, request.FILES or None)
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
        elif step == "review":
            grants.grant_review_decide(grant=grant, by=request.user, overturn=d["outcome"] == "overturned",
                                       note=d["note"])
        elif step == "document":
            grants.grant_document_add(grant=grant, name=d["name"], upload=d["file"], by=request.user)
        else:
            grants.grant_reject(grant=grant, by=request.user, reason=d["reason"])
    except DomainError as exc:
        apply_domain_error(exc, form=form)
        return _detail(request, grant, status=422, bound={step: form})
    messages.success(request, _("已办理。"))
    return redirect("console:assistance:grant_detail", grant_id=grant.pk)


@console_view
@require_http_methods(["GET", "POST"])
def grant_on_behalf(request: HttpRequest) -> HttpResponse:
    """代为申请: staff file an application for a member of their branch (a worker without a phone).
    Everything is posted (the ID number never goes into a URL): `stage` lookup finds the member
    by ID number and lists the programs serving their union; choose takes a program; apply
    files the application with that program's documents."""
    stage = request.POST.get("stage", "")
    id_number = (request.POST.get("id_number") or "").strip()
    membership = None
    programs: list[Any] = []
    program = None
    lookup_error = ""
    if request.method == "POST" and id_number:
        try:
            membership = selectors.membership_for_staff(user=request.user, id_number=id_number)
        except DomainError as exc:
            lookup_error = str(exc.message)
        else:
            programs = selectors.grant_programs_for_union(union=membership.union)
            raw = request.POST.get("program") or ""
            program = next((p for p in programs if raw.isdigit() and p.pk == int(raw)), None)
    applying = stage == "apply" and membership is not None and program is not None
    form = OnBehalfForm(request.POST if applying else None, request.FILES if applying else None, programs=programs,
                        program=program, initial={"id_number": id_number, "program": program.pk if program else None})
    if applying and membership is not None and program is not None and form.is_valid():
        d = form.cleaned_data
        try:
            grant = grants.grant_apply_on_behalf(
                by=request.user, membership=membership, program=program, amount=d["amount"], reason=d["reason"],
                bank_account=d["bank_account"], bank_name=d["bank_name"], documents=form.documents(),
                student=form.student(),
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已代为提交申请。"))
            return redirect("console:assistance:grant_detail", grant_id=grant.pk)
    return render(request, "assistance/pages/console_grant_on_behalf.html", {
        "form": form, "membership": membership, "programs": programs, "program": program,
        "id_number": id_number, "lookup_error": lookup_error,
    }, status=422 if applying or lookup_error else 200)


@console_view
@require_http_methods(["GET", "POST"])
def education_tiers(request: HttpRequest) -> HttpResponse:
    """金秋助学 tiers: set by the province for a school year (approve in the provincial union)."""
    form = EducationTierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            grants.education_tier_set(region=d["region"], year=d["year"], level=d["level"], amount=d["amount"],
                                      by=request.user)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("资助标准已保存。"))
            return redirect("console:assistance:education_tiers")
    return render(request, "assistance/pages/console_education_tiers.html", {
        "form": form, "tiers": selectors.education_tier_list()[:300],
    }, status=422 if request.method == "POST" else 200)
