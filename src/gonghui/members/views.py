"""Staff console pages for the members app: roster import (花名册导入)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import staff_required
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.web import apply_domain_error

from . import roster, roster_selectors, services
from .forms import RosterUploadForm
from .models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_required
@require_http_methods(["GET", "POST"])
def roster_index(request: HttpRequest) -> HttpResponse:
    """Upload a roster, and the list of recent imports in the staff user's subtree."""
    limit = roster_selectors.UNION_PICKER_LIMIT
    unions = list(roster_selectors.import_target_unions_for_user(user=request.user, limit=limit + 1))
    searching = len(unions) > limit  # too many for a list: the form offers a search box
    form = RosterUploadForm(request.POST or None, request.FILES or None, unions=[] if searching else unions)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.roster_import_create(
                actor=request.user, union_id=form.cleaned_data["union"], upload=form.cleaned_data["file"]
            )
        except NotFound as exc:
            raise Http404() from exc
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            return HttpResponseRedirect(reverse("roster:detail", args=[job.pk]))
    jobs = roster_selectors.import_job_list_for_user(user=request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "members/pages/roster_index.html", {"form": form, "jobs": jobs, "searching": searching}, status=status
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
    """The preview (totals + bad rows, paginated) and, while a task runs, its progress bar.

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
    context = {"job": job, "progress": progress, "page": page, "errors": page.object_list, "querystring": ""}
    return render(request, "members/pages/roster_detail.html", context)


@staff_required
@require_POST
def roster_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        services.roster_import_commit_request(job=job, actor=request.user)
    except NotFound as exc:
        raise Http404() from exc
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return HttpResponseRedirect(reverse("roster:detail", args=[job.pk]))


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

