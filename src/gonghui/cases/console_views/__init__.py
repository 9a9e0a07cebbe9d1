"""Staff console pages for cases: queues, case handling, hotline quick entry, statistics.

Every case is fetched with `case_get_for_user`, so a case of another branch is a 404, as in
the API. Each action is one POST calling one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError, NotFound, ValidationFailed
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error

from .. import classifier, selectors, services
from ..forms import (
    AssignForm,
    FollowUpRateForm,
    HotlineIntakeForm,
    NoteForm,
    ReasonForm,
    ResolveForm,
    SuperviseForm,
    TransferForm,
)
from ..models import Case, Category, Channel, Status
from ..views import _serve, picked_employer, picked_region

PAGE_SIZE = 30
QUEUE_LABELS = {
    "new": gettext_lazy("待受理"), "mine": gettext_lazy("我的"), "due_soon": gettext_lazy("即将到期"),
    "overdue": gettext_lazy("已超期"), "follow_up": gettext_lazy("待回访"), "supervised": gettext_lazy("督办中"),
    "all": gettext_lazy("全部"),
}




@console_view
def queue(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("queue", "new")
    if name not in QUEUE_LABELS:
        name = "new"
    qs = selectors.case_queue(user=request.user, queue=name, q=request.GET.get("q", "")[:50])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "queue": name, "labels": QUEUE_LABELS, "page": page, "today": timezone.localdate(),
        "counts": selectors.case_queue_counts(user=request.user), "q": request.GET.get("q", ""),
        "unread_notices": selectors.staff_notification_unread_count(user=request.user),
    }
    if getattr(request, "htmx", False):
        return render(request, "cases/partials/_queue_table.html", context)
    return render(request, "cases/pages/console_queue.html", context)


@console_view
def notifications(request: HttpRequest) -> HttpResponse:
    """The old address of 我的提醒: every module's notices are in the console's one inbox now."""
    return redirect("console:notices")


def _staff_detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    can_change = jurisdiction.has_action(request.user, "change", case.union_path)
    return {
        "case": case,
        "timeline": selectors.case_timeline(case=case, public_only=False),
        "attachments": case.attachments.all(),
        "supervisions": case.supervisions.select_related("by_union").all(),
        "can_change": can_change,
        "note_form": forms.get("note_form") or NoteForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(initial={"people_paid": case.people_count}),
        "supervise_form": forms.get("supervise_form") or SuperviseForm(),
        "assign_form": forms.get("assign_form") or AssignForm(),
        "assignees": selectors.assignee_options(case=case) if can_change else [],
        "rate_form": forms.get("rate_form") or FollowUpRateForm(),
        "today": timezone.localdate(),
        "Status": Status,
    }


@console_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    return render(request, "cases/pages/console_detail.html", _staff_detail_context(request, case))


ACTIONS: dict[str, type[Any] | None] = {
    "accept": None, "close": None, "note": NoteForm, "request_info": ReasonForm, "transfer": TransferForm,
    "resolve": ResolveForm, "supervise": SuperviseForm, "assign": AssignForm, "rate": FollowUpRateForm,
    "message": NoteForm, "reveal": ReasonForm,
}
FORM_CONTEXT_NAMES: dict[type[Any], str] = {
    NoteForm: "note_form", ReasonForm: "reason_form", TransferForm: "transfer_form", ResolveForm: "resolve_form",
    SuperviseForm: "supervise_form", AssignForm: "assign_form", FollowUpRateForm: "rate_form",
}


def _run_action(request: HttpRequest, case: Case, action: str, data: dict[str, Any]) -> None:
    user = request.user
    if action == "accept":
        services.case_accept(case=case, by=user)
    elif action == "close":
        services.case_close(case=case, by=user)
    elif action == "note":
        services.case_note_add(case=case, by=user, body=data["body"], public=data["public"])
    elif action == "message":
        services.case_message_add(case=case, by=user, body=data["body"])
    elif action == "request_info":
        services.case_request_info(case=case, by=user, note=data["reason"])
    elif action == "transfer":
        to_union = selectors.union_for_transfer(union_id=data["to_union"])
        services.case_transfer(case=case, to_union=to_union, by=user, reason=data["reason"])
    elif action == "resolve":
        services.case_resolve(case=case, by=user, outcome=data["outcome"], recovered_fen=data["recovered"],
                              people_paid=data.get("people_paid") or 0)
    elif action == "supervise":
        services.supervision_create(case=case, by=user, note=data["note"], due_on=data["due_on"])
    elif action == "assign":
        assignee = selectors.assignee_for_case(case=case, user_id=data["assignee"])
        services.case_assign(case=case, assignee=assignee, by=user)
    elif action == "reveal":
        phone = services.case_reporter_phone_reveal(case=case, by=user, reason=data["reason"])
        messages.info(request, _("反映人电话：%(phone)s（已记录查看事由）") % {"phone": phone})
    elif action == "rate":
        services.case_rate(case=case, by=user, rating=data["rating"], comment=data.get("comment") or "")


@console_view
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    form_class = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        context = _staff_detail_context(request, case, **{FORM_CONTEXT_NAMES[type(form)]: form})
        return render(request, "cases/pages/console_detail.html", context, status=422)
    try:
        _run_action(request, case, action, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if isinstance(exc, NotFound) and action != "transfer":
            raise
        if form is not None:
            apply_domain_error(exc, form=form)
            context = _staff_detail_context(request, case, **{FORM_CONTEXT_NAMES[type(form)]: form})
        else:
            apply_domain_error(exc, request=request)
            context = _staff_detail_context(request, case)
        return render(request, "cases/pages/console_detail.html", context, status=422)
    messages.success(request, _("已保存。"))
    if action == "transfer":
        return redirect("console:cases:queue")
    return redirect("console:cases:detail", pk=case.pk)


@console_view
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return _serve(attachment)


# --- hotline quick entry ---------------------------------------------------------------------


@console_view
@idempotent_form
def hotline(request: HttpRequest) -> HttpResponse:
    form = HotlineIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            union = selectors.union_for_transfer(union_id=data["union"]) if data.get("union") else None
            suggestion = classifier.category_suggest(data["description"])
            case = services.case_create(
                channel=Channel.HOTLINE, category=data["category"], description=data["description"],
                reporter_name=data.get("reporter_name") or "", reporter_phone=data["reporter_phone"],
                employer=picked_employer(data.get("employer")), employer_name=data.get("employer_name") or "",
                region=picked_region(data.get("region") or ""), place=data.get("place") or "",
                amount_fen=data["amount"], people_count=data["people_count"], is_new_form=data["is_new_form"],
                employer_may_know_name=data["employer_may_know_name"], created_by=request.user, union=union,
                suggested_category=suggestion.category if suggestion else "",
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                exc = ValidationFailed(_("找不到该工会。"), field="union")
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已登记 %(number)s，转 %(union)s。") % {"number": case.number, "union": case.union.name})
            return redirect("console:cases:hotline")
    return render(request, "cases/pages/console_hotline.html", {"form": form})


@console_view
@require_GET
def hotline_caller(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's past cases, by phone number."""
    phone = (request.GET.get("reporter_phone") or "")[:20]
    return render(request, "cases/partials/_caller_cases.html", {
        "cases": selectors.case_list_for_phone(user=request.user, phone=phone), "phone": phone,
    })


@console_view
@require_GET
def hotline_check(request: HttpRequest) -> HttpResponse:
    """htmx: category suggestion and duplicate warning for what the operator typed so far."""
    description = (request.GET.get("description") or "")[:2000]
    category = request.GET.get("category") or ""
    suggestion = classifier.category_suggest(description)
    duplicates: list[Case] = []
    check_category = category if category in Category.values else (suggestion.category if suggestion else "")
    if check_category:
        duplicates = list(selectors.case_find_duplicates(
            phone=request.GET.get("reporter_phone") or "", employer=picked_employer(request.GET.get("employer")),
            employer_name=request.GET.get("employer_name") or "", category=check_category,
        )[:5])
    return render(request, "cases/partials/_hotline_check.html", {
        "suggestion": suggestion, "label": Category(suggestion.category).label if suggestion else "",
        "duplicates": duplicates,
    })


@console_view
@require_GET
def union_search(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/partials/_union_options.html", {
        "unions": selectors.union_search_for_transfer(q=(request.GET.get("union_q") or "")[:50]),
    })


# --- statistics ---------------------------------------------------------------------------


@console_view
def stats(request: HttpRequest) -> HttpResponse:
    """The cases figures live on the statistics dashboard (the old page's address still works)."""
    return redirect(f"{reverse('console:stats:dashboard')}?figure=cases.received")
