"""Staff console pages of the members module: membership applications, people, memberships,
cards, transfers (会员关系接转) and roster import (花名册导入), under /console/members/.

Each list view serves the full page and, for htmx requests, only the part that changes. Every
object is fetched with `<entity>_get_for_user`, so an object in another branch of the tree is a
404, exactly as in the API.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view, staff_required
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError, NotFound, PermissionDenied
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error, is_htmx, page_or_partial, run_service
from gonghui.orgs import selectors as org_selectors

from . import forms, roster, roster_selectors
from . import selectors as member_selectors
from . import services as member_services
from .exports import membership_export
from .models import ImportJob, MembershipApplication

PAGE_SIZE = 30
# Up to this many unions the list offers a union picker; above it, a name search.
MEMBER_UNION_CHOICES = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- applications ---------------------------------------------------------------------------


@console_view
def application_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("status", MembershipApplication.Status.SUBMITTED)
    form = forms.ApplicationFilterForm(data)
    status = q = ""
    if form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    qs = member_selectors.membership_application_list(user=request.user, status=status or None, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page_or_partial(
        request, "members/pages/console_applications.html", "members/partials/_application_table.html",
        {"form": form, "page": page},
    )


@console_view
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
    can_decide = jurisdiction.has_action(request.user, "approve", application.union.path)
    return render(request, "members/pages/console_application_detail.html", {
        "application": application, "can_decide": can_decide,
        "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(),
    })


def _application_decided(request: HttpRequest, application_id: int) -> HttpResponse:
    if is_htmx(request):
        application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
        return render(request, "members/partials/_application_row.html", {"a": application, "decided": True})
    return redirect("console:members:application_detail", application_id=application_id)


@require_POST
@console_view
def application_approve(request: HttpRequest, application_id: int) -> HttpResponse:
    application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
    form = forms.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_service(
        request,
        lambda: member_services.membership_application_approve(application=application, actor=request.user, note=note),
        success=_("已批准入会，电子会员卡已发放。"),
    )
    return _application_decided(request, application_id)


@require_POST
@console_view
def application_reject(request: HttpRequest, application_id: int) -> HttpResponse:
    application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_service(
        request,
        lambda: member_services.membership_application_reject(application=application, actor=request.user, reason=reason),
        success=_("已退回该申请。"),
    )
    return _application_decided(request, application_id)


def _member_filter_form(request: HttpRequest) -> forms.MemberFilterForm:
    unions = member_selectors.member_filter_unions(user=request.user, limit=MEMBER_UNION_CHOICES)
    data = request.GET.copy()
    data.setdefault("status", "live")  # a bare list (or a page link) shows the register
    return forms.MemberFilterForm(data, unions=unions if len(unions) <= MEMBER_UNION_CHOICES else None)


@console_view
def person_search(request: HttpRequest) -> HttpResponse:
    """会员名册: the subtree's members, filtered and paged; search by name, pinyin, ID or phone."""
    form = _member_filter_form(request)
    filters = form.filters()
    qs = member_selectors.membership_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_reveal = jurisdiction.union_paths_for(request.user, "reveal_pii") != []
    return page_or_partial(
        request, "members/pages/console_people.html", "members/partials/_people_table.html",
        {"form": form, "page": page, "export_form": forms.MemberExportForm(), "can_reveal": can_reveal},
    )


@require_http_methods(["GET", "POST"])
@console_view
def member_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as XLSX: masked by GET; unmasked by POST with the right and a reason."""
    form = _member_filter_form(request)
    export_form = forms.MemberExportForm(request.POST or None)
    reveal = request.method == "POST" and export_form.is_valid() and export_form.cleaned_data["reveal"]
    reason = export_form.cleaned_data.get("reason", "") if export_form.is_bound and export_form.is_valid() else ""
    try:
        content, _count = membership_export(actor=request.user, filters=form.filters(), reveal=reveal, reason=reason)
    except NotFound:
        raise
    except DomainError as exc:  # too many rows, no reason, no right: say why on the list
        apply_domain_error(exc, request=request)
        return redirect(f"{reverse('console:members:people')}?{request.GET.urlencode()}")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="members-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _person_context(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = member_selectors.person_get_for_user(user=request.user, person_id=person_id)
    history = list(member_selectors.person_membership_history(person=person))
    for membership in history:
        membership.can_change = jurisdiction.has_action(request.user, "change", membership.union.path)  # type: ignore[attr-defined]
    return {
        "person": person,
        "memberships": history,
        "applications": member_selectors.person_application_history(person=person),
        "reveal_form": forms.RevealForm(),
        "can_reveal": any(
            jurisdiction.has_action(request.user, "reveal_pii", m.union.path) for m in history
        ),
    }


@console_view
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    return render(request, "members/pages/console_person_detail.html", _person_context(request, person_id))


@require_POST
@console_view
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    person = member_selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = forms.RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            value = member_services.person_reveal(
                person=person, actor=request.user, field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )
            revealed = {"field": form.cleaned_data["field"], "value": value}
        except PermissionDenied:
            raise
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    if is_htmx(request):
        return render(request, "members/partials/_reveal.html", {"person": person, "reveal_form": form, "revealed": revealed})
    context = _person_context(request, person_id)
    context.update({"reveal_form": form, "revealed": revealed})
    return render(request, "members/pages/console_person_detail.html", context, status=200 if revealed else 422)


@console_view
def membership_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = member_selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    return render(request, "members/pages/console_membership_detail.html", {
        "membership": membership,
        "can_change": jurisdiction.has_action(request.user, "change", membership.union.path),
        "reason_form": forms.ReasonForm(), "transfer_form": forms.TransferStartForm(),
    })


@require_POST
@console_view
def membership_card_reissue(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = member_selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_service(
        request,
        lambda: member_services.card_reissue(membership=membership, actor=request.user, reason=reason),
        success=_("已补发新卡，原卡已注销。"),
    )
    return redirect("console:members:membership_detail", membership_id=membership_id)


@console_view
@idempotent_form
def membership_transfer_start(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = member_selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    form = forms.TransferStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            to_union = org_selectors.union_for_transfer(union_id=form.cleaned_data["to_union"])
            to_employer = org_selectors.employer_for_transfer(employer_id=form.cleaned_data["to_employer"])
            transfer = member_services.membership_transfer_request(
                membership=membership, to_union=to_union, to_employer=to_employer,
                reason=form.cleaned_data["reason"], actor=request.user,
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已发起接转，等待原工会同意转出。"))
            return redirect("console:members:transfer_detail", transfer_id=transfer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "members/pages/console_transfer_start.html", {"membership": membership, "form": form}, status=status)


@console_view
def card_detail(request: HttpRequest, card_id: int) -> HttpResponse:
    card = member_selectors.card_get_for_user(user=request.user, card_id=card_id)
    return render(request, "members/pages/console_card_detail.html", {
        "card": card, "reason_form": forms.ReasonForm(),
        "can_change": jurisdiction.has_action(request.user, "change", card.membership.union.path),
    })


@require_POST
@console_view
def card_revoke(request: HttpRequest, card_id: int) -> HttpResponse:
    card = member_selectors.card_get_for_user(user=request.user, card_id=card_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_service(
        request, lambda: member_services.card_revoke(card=card, actor=request.user, reason=reason),
        success=_("会员卡已注销。"),
    )
    return redirect("console:members:card_detail", card_id=card_id)


@console_view
def transfer_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("direction", "in")
    data.setdefault("status", "open")
    form = forms.TransferFilterForm(data)
    direction = status = ""
    if form.is_valid():
        direction, status = form.cleaned_data["direction"], form.cleaned_data["status"]
    qs = member_selectors.transfer_list(user=request.user, direction=direction, status=status or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page_or_partial(
        request, "members/pages/console_transfers.html", "members/partials/_transfer_table.html",
        {"form": form, "page": page, "direction": direction},
    )


@console_view
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = member_selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    user = request.user
    from_path, to_path = transfer.from_union.path, transfer.to_union.path
    return render(request, "members/pages/console_transfer_detail.html", {
        "transfer": transfer, "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(),
        "can_release": jurisdiction.has_action(user, "approve", from_path),
        "can_accept": jurisdiction.has_action(user, "approve", to_path),
        "can_reject": jurisdiction.has_action(user, "approve", from_path) or jurisdiction.has_action(user, "approve", to_path),
        "can_cancel": jurisdiction.has_action(user, "change", from_path) or transfer.requested_by_id == user.pk,
    })


TRANSFER_ACTIONS = {"release", "accept", "reject", "cancel"}


@require_POST
@console_view
def transfer_action(request: HttpRequest, transfer_id: int, action: str) -> HttpResponse:
    if action not in TRANSFER_ACTIONS:
        raise Http404()
    transfer = member_selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    note = (request.POST.get("note") or "")[:300]
    reason = (request.POST.get("reason") or "")[:300]
    actor = request.user
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "release": (lambda: member_services.membership_transfer_release(transfer=transfer, actor=actor, note=note),
                    _("已同意转出，等待转入工会接收。")),
        "accept": (lambda: member_services.membership_transfer_accept(transfer=transfer, actor=actor, note=note),
                   _("已接收，新的会员关系和会员卡已生成。")),
        "reject": (lambda: member_services.membership_transfer_reject(transfer=transfer, actor=actor, reason=reason),
                   _("已退回该接转。")),
        "cancel": (lambda: member_services.membership_transfer_cancel(transfer=transfer, actor=actor),
                   _("已取消该接转。")),
    }
    call, success = calls[action]
    run_service(request, call, success=success)
    return redirect("console:members:transfer_detail", transfer_id=transfer_id)


# --- roster import (花名册导入) --------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def roster_index(request: HttpRequest) -> HttpResponse:
    """Upload a roster, and the list of recent imports in the staff user's subtree."""
    limit = roster_selectors.UNION_PICKER_LIMIT
    unions = list(roster_selectors.import_target_unions_for_user(user=request.user, limit=limit + 1))
    searching = len(unions) > limit  # too many for a list: the form offers a search box
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None, unions=[] if searching else unions)
    if request.method == "POST" and form.is_valid():
        try:
            job = member_services.roster_import_create(
                actor=request.user, union_id=form.cleaned_data["union"], upload=form.cleaned_data["file"]
            )
        except NotFound as exc:
            raise Http404() from exc
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            return HttpResponseRedirect(reverse("console:members:roster_detail", args=[job.pk]))
    jobs = roster_selectors.import_job_list_for_user(user=request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "members/pages/console_roster_index.html", {"form": form, "jobs": jobs, "searching": searching}, status=status
    )


@staff_required
@require_http_methods(["GET"])
def roster_union_search(request: HttpRequest) -> HttpResponse:
    """The upload form's union search (htmx): matching target unions as choices."""
    unions = roster_selectors.import_target_unions_search(user=request.user, q=request.GET.get("union_q", ""))
    return render(request, "members/partials/_union_choices.html", {"unions": unions})


@staff_required
def roster_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(roster.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    return response


def _job_or_404(request: HttpRequest, job_id: int) -> ImportJob:
    try:
        return roster_selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404() from exc


@staff_required
def roster_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The preview (totals, the rows about to be imported and the bad rows, each paginated) and,
    while a task runs, its progress bar.

    An htmx poll gets only the progress partial; once the task has finished it asks the
    browser to reload, so the page shows the result.
    """
    job = _job_or_404(request, job_id)
    progress = roster.progress_get(job.pk)
    if getattr(request, "htmx", False) and request.GET.get("part") == "progress":
        response = render(request, "members/partials/_roster_progress.html", {"job": job, "progress": progress})
        if not job.is_running:
            response["HX-Refresh"] = "true"
        return response
    page = Paginator(roster_selectors.import_row_errors(job=job), 50).get_page(request.GET.get("page"))
    rows = roster_selectors.import_preview_rows(job=job)
    # StagedRows reads one page of the staged file per slice; it is no full Sequence.
    rows_page: Page[roster_selectors.PreviewRow] = Paginator(rows, 50).get_page(request.GET.get("rows"))  # type: ignore[arg-type]
    context = {
        "job": job, "progress": progress, "page": page, "errors": page.object_list,
        "querystring": f"rows={rows_page.number}", "rows_page": rows_page,
    }
    return render(request, "members/pages/console_roster_detail.html", context)


@staff_required
@require_POST
@idempotent_form
def roster_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        member_services.roster_import_commit_request(job=job, actor=request.user)
    except NotFound as exc:
        raise Http404() from exc
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return HttpResponseRedirect(reverse("console:members:roster_detail", args=[job.pk]))


@staff_required
def roster_bad_rows(request: HttpRequest, job_id: int) -> HttpResponse:
    """The file's bad rows as xlsx, with the reason in front, for staff to fix and re-upload."""
    job = _job_or_404(request, job_id)
    if job.status not in {ImportJob.Status.VALIDATED, ImportJob.Status.COMMITTING, ImportJob.Status.DONE,
                          ImportJob.Status.FAILED} or not job.error_rows:
        raise Http404()
    reasons = roster_selectors.import_bad_row_reasons(job=job)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        roster.bad_rows_workbook(Path(job.file.path), file_format=job.file_format, encoding=job.encoding,
                                 reasons=reasons, target=target)
    except (DomainError, OSError) as exc:
        target.close()
        raise Http404() from exc
    target.seek(0)
    name = f"import-{job.pk}-bad-rows.xlsx"
    # A streaming response; typed as HttpResponse for the decorator like every page view.
    return cast(HttpResponse, FileResponse(target, as_attachment=True, filename=name, content_type=XLSX))

