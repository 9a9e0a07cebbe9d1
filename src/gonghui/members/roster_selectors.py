"""Reads for roster imports, shared by the console pages and the API."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.jurisdiction import get_or_404
from gonghui.core.pii import decrypt, mask_id_number
from gonghui.orgs.models import Employer, Union

from .models import ImportJob, ImportRowError
from .roster import STAGE_FIELDS


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


@dataclass(frozen=True)
class PreviewRow:
    """One row a validated import is about to write, as the preview shows it."""

    row_number: int
    name: str
    id_masked: str
    union: str
    employer: str
    known_person: bool


_COL = {name: i for i, name in enumerate(STAGE_FIELDS)}


class StagedRows:
    """The rows a validated (not yet committed) import will write, read page by page from its
    staged file for a Paginator: only the rows of the page shown are decrypted (ID numbers,
    then masked) and their unions and employers looked up, so a 1,000,000-row file costs one
    file scan up to the page and two small queries."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.path = Path(job.staged_path) if job.staged_path else None

    def available(self) -> bool:
        return self.job.status == ImportJob.Status.VALIDATED and self.path is not None and self.path.exists()

    def count(self) -> int:
        return self.job.valid_rows if self.available() else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> list[PreviewRow]:
        if not isinstance(index, slice):
            raise TypeError("StagedRows supports page slices only")
        if not self.available() or self.path is None:
            return []
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        with self.path.open(encoding="utf-8", newline="") as handle:
            rows = list(islice(csv.reader(handle), start, stop))
        unions = dict(Union.objects.filter(pk__in={int(r[_COL["union_id"]]) for r in rows}).values_list("pk", "name"))
        employers = dict(
            Employer.objects.filter(pk__in={int(r[_COL["employer_id"]]) for r in rows}).values_list("pk", "name")
        )
        return [
            PreviewRow(
                row_number=int(r[_COL["row"]]),
                name=r[_COL["name"]],
                id_masked=mask_id_number(decrypt(r[_COL["id_cipher"]])),
                union=unions.get(int(r[_COL["union_id"]]), ""),
                employer=employers.get(int(r[_COL["employer_id"]]), ""),
                known_person=bool(r[_COL["person_id"]]),
            )
            for r in rows
        ]


def import_preview_rows(*, job: ImportJob) -> StagedRows:
    """What a validated import is about to write (for a Paginator); empty once committed."""
    return StagedRows(job)


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
