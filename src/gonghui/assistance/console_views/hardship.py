"""Staff pages of hardship files, under /console/assistance/hardship/: the register (filters,
reviews due), one file with its steps (入户核查, 评定, 公示 and answers to its objections, 审批, 不予建档, 年度复核, 退档), the
national look-up by ID number, and the province's standards table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.web import apply_domain_error

from .. import hardship, selectors
from ..forms import (
    HardshipDocumentForm,
    HardshipReviewForm,
    HardshipVerifyForm,
    LookupForm,
    NoteForm,
    ObjectionAnswerForm,
    ReasonForm,
    ReviewDecideForm,
    StandardForm,
)
from ..models import HardshipFile, HardshipGrade


@console_view
def hardship_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    grade = request.GET.get("grade", "")
    review = request.GET.get("review") == "due"
    appeal = request.GET.get("appeal") == "pending"
    files = selectors.hardship_file_list_for_user(
        appeal_pending=appeal,
        user=request.user, status=status if status in HardshipFile.Status.values else "",
        grade=grade if grade in HardshipGrade.values else "",
        review_due_by=timezone.localdate() + dt.timedelta(days=30) if review else None,
    )
    return render(request, "assistance/pages/console_hardship_list.html", {
        "files": files[:200], "status": status, "grade": grade, "review": review, "appeal": appeal,
        "statuses": HardshipFile.Status.choices, "grades": HardshipGrade.choices,
    })


STEP_FORMS: dict[str, type[forms.Form]] = {
    "verify": HardshipVerifyForm, "grade": forms.Form, "approve": NoteForm, "reject": ReasonForm,
    "review": HardshipReviewForm, "exit": ReasonForm, "reveal": ReasonForm, "appeal": ReviewDecideForm,
    "document": HardshipDocumentForm, "notice": forms.Form, "answer": ObjectionAnswerForm,
}


def _detail(request: HttpRequest, file: HardshipFile, status: int = 200, **extra: Any) -> HttpResponse:
    step_forms = {name: form_class() for name, form_class in STEP_FORMS.items()}
    step_forms.update(extra.pop("forms", {}))
    return render(request, "assistance/pages/console_hardship.html", {
        "file": file, "events": selectors.hardship_file_events(file=file),
        "documents": selectors.hardship_file_documents(file=file), "forms": step_forms,
        "objections": list(selectors.hardship_objections(file=file)), "notice_days": hardship.NOTICE_WORKDAYS,
        "notice_over": bool(file.notice_until and timezone.localdate() > file.notice_until),
        "missing_documents": hardship.hardship_documents_missing(file) if file.is_open else [],
        "can_reveal": jurisdiction.has_action(request.user, "reveal_pii", file.union_path),
        "can_approve": jurisdiction.has_action(request.user, "approve", file.union_path),
        "can_decide_appeal": bool(file.appeal_union_id and not file.appeal_outcome and file.appeal_union
                                  and jurisdiction.has_action(request.user, "approve", file.appeal_union.path)),
        **extra,
    }, status=status)


@console_view
def hardship_detail(request: HttpRequest, hardship_file_id: int) -> HttpResponse:
    file = selectors.hardship_file_get_for_user(user=request.user, hardship_file_id=hardship_file_id)
    return _detail(request, file)


def _run_step(step: str, file: HardshipFile, d: dict[str, Any], request: HttpRequest) -> tuple[Any, str]:
    user = request.user
    if step == "verify":
        return hardship.hardship_file_verify(
            file=file, by=user, visited_on=d["visited_on"], findings=d["findings"],
            monthly_income=d["monthly_income"] if request.POST.get("monthly_income") else None,
            household_size=d.get("household_size"), photos=d.get("photos") or [],
        ), _("已记录入户核查。")
    if step == "grade":
        return hardship.hardship_file_grade(file=file, by=user), _("已按当地标准评定。")
    if step == "document":
        hardship.hardship_document_add(file=file, name=d.get("name", ""), upload=d["file"], by=user)
        return file, _("已补充材料。")
    if step == "notice":
        return hardship.hardship_file_notice_start(file=file, by=user), _("已开始公示。")
    if step == "answer":
        objection = selectors.hardship_objection_get_for_user(user=user, objection_id=d["objection"])
        if objection.file_id != file.pk:
            raise NotFound()
        hardship.hardship_objection_answer(objection=objection, answer=d["answer"], by=user)
        return file, _("已答复异议。")
    if step == "approve":
        return hardship.hardship_file_approve(file=file, by=user, note=d.get("note", "")), _("已审批建档。")
    if step == "reject":
        return hardship.hardship_file_reject(file=file, by=user, reason=d["reason"]), _("已作不予建档处理。")
    if step == "review":
        return hardship.hardship_file_review(
            file=file, by=user, reviewed_on=d["reviewed_on"], findings=d["findings"],
            monthly_income=d["monthly_income"] if request.POST.get("monthly_income") else None,
            household_size=d.get("household_size"),
        ), _("已完成年度复核。")
    if step == "appeal":
        overturn = d["outcome"] == "overturned"
        return hardship.hardship_appeal_decide(file=file, by=user, overturn=overturn, note=d["note"]), (
            _("已撤销原决定。") if overturn else _("已维持原决定。"))
    return hardship.hardship_file_exit(file=file, by=user, reason=d["reason"]), _("已退档。")


@console_view
@require_POST
def hardship_step(request: HttpRequest, hardship_file_id: int, step: str) -> HttpResponse:
    file = selectors.hardship_file_get_for_user(user=request.user, hardship_file_id=hardship_file_id)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        return _detail(request, file, status=404)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, file, status=422, forms={step: form})
    if step == "reveal":
        try:
            revealed = hardship.hardship_file_id_reveal(file=file, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
            return _detail(request, file, status=422, forms={step: form})
        return _detail(request, file, revealed=revealed)
    try:
        _file, done = _run_step(step, file, form.cleaned_data, request)
    except DomainError as exc:
        apply_domain_error(exc, form=form)
        return _detail(request, file, status=422, forms={step: form})
    messages.success(request, done)
    return redirect("console:assistance:hardship_detail", hardship_file_id=file.pk)


@console_view
@require_http_methods(["GET", "POST"])
def hardship_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    result: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        found, file, union_name = hardship.hardship_file_lookup(user=request.user,
                                                               id_number=form.cleaned_data["id_number"])
        result = {"found": found, "file": file, "union_name": union_name}
    return render(request, "assistance/pages/console_hardship_lookup.html", {"form": form, **result})


@console_view
@require_http_methods(["GET", "POST"])
def hardship_standards(request: HttpRequest) -> HttpResponse:
    form = StandardForm(request.POST or None, initial={"year": timezone.localdate().year, "hardship_ratio": "1.5"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            hardship.hardship_standard_set(
                region=d["region"], year=d["year"], low_income_line=d["low_income_line"],
                hardship_permille=int(Decimal(d["hardship_ratio"]) * 1000), by=request.user,
                required_documents=form.document_names(),
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("认定标准已保存。"))
            return redirect("console:assistance:hardship_standards")
    return render(request, "assistance/pages/console_hardship_standards.html", {
        "form": form, "standards": selectors.hardship_standard_list()[:500],
    })
