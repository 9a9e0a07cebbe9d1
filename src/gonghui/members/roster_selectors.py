"""Reads for roster imports, shared by the console pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.jurisdiction import get_or_404
from gonghui.orgs.models import Union

from .models import ImportJob, ImportRowError


def import_job_list_for_user(*, user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(user, "import").select_related("union", "created_by").order_by("-created_at", "-pk")


def import_job_get_for_user(*, user: Any, job_id: int) -> ImportJob:
    """One import job in the user's subtree (with the import right); anything else is 404."""
    return get_or_404(ImportJob.objects.visible_to(user, "import").select_related("union"), pk=job_id)


def import_row_errors(*, job: ImportJob) -> QuerySet[ImportRowError]:
    return ImportRowError.objects.filter(job=job).order_by("row_number", "pk")


def import_bad_row_reasons(*, job: ImportJob) -> dict[int, list[str]]:
    """Row number -> its reasons ("列：原因"), for the bad-rows download."""
    reasons: dict[int, list[str]] = {}
    for row, column, message in import_row_errors(job=job).values_list("row_number", "column", "message").iterator(chunk_size=5000):
        reasons.setdefault(row, []).append(f"{column}：{message}" if column else message)
    return reasons


# Up to this many target unions the upload form offers a list; past it, a search box.
UNION_PICKER_LIMIT = 500


def import_target_unions_for_user(*, user: Any, limit: int = UNION_PICKER_LIMIT) -> QuerySet[Union]:
    """Unions the user may import into (their subtree, active), for the upload form."""
    return Union.objects.visible_to(user, "import").active().order_by("path")[:limit]


def import_target_unions_search(*, user: Any, q: str, limit: int = 20) -> QuerySet[Union]:
    """The upload form's search box: target unions whose name contains `q`, or whose pinyin
    initials start with it (a province admin's subtree has thousands)."""
    q = (q or "").strip()[:50]
    if len(q) < 2:
        return Union.objects.none()
    return (
        Union.objects.visible_to(user, "import").active()
        .filter(Q(name__contains=q) | Q(name_initials__startswith=q.lower()))
        .order_by("depth", "path")[:limit]
    )
