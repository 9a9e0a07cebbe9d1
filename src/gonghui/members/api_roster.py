"""Roster import API, mounted at /api/v1/members/imports (see gonghui.api)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from gonghui.accounts.auth import session_or_token
from gonghui.core.paging import Limit1000, Offset

from . import roster, roster_selectors, services
from .models import ImportJob

router = Router()


class ImportRowErrorOut(Schema):
    row_number: int
    column: str
    code: str
    message: str


class ImportProgressOut(Schema):
    phase: str = ""
    done: int = 0
    total: int = 0
    percent: int = 0


class ImportJobOut(Schema):
    id: int
    status: str
    status_label: str
    union_id: int
    union_name: str
    original_name: str
    file_format: str
    total_rows: int
    valid_rows: int
    error_rows: int
    imported_rows: int
    message: str = ""
    created_at: dt.datetime
    validated_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    progress: ImportProgressOut
    errors: list[ImportRowErrorOut] = Field(default_factory=list)
    errors_total: int = 0


def job_out(job: ImportJob, *, errors_offset: int = 0, errors_limit: int = 0) -> ImportJobOut:
    progress = roster.progress_get(job.pk)
    rows = roster_selectors.import_row_errors(job=job)
    errors = [
        ImportRowErrorOut(row_number=e.row_number, column=e.column, code=e.code, message=e.message)
        for e in rows[errors_offset: errors_offset + errors_limit]
    ] if errors_limit else []
    return ImportJobOut(
        id=job.pk, status=job.status, status_label=str(job.get_status_display()), union_id=job.union_id,
        union_name=job.union.name, original_name=job.original_name, file_format=job.file_format,
        total_rows=job.total_rows, valid_rows=job.valid_rows, error_rows=job.error_rows,
        imported_rows=job.imported_rows, message=job.message, created_at=job.created_at,
        validated_at=job.validated_at, finished_at=job.finished_at,
        progress=ImportProgressOut(phase=progress["phase"], done=progress["done"], total=progress["total"], percent=progress["percent"]),
        errors=errors, errors_total=rows.count() if errors_limit else 0,
    )


@router.post("", response={202: ImportJobOut}, auth=session_or_token, summary="上传花名册（xlsx / csv），后台逐行校验")
def import_create(request: HttpRequest, union_id: Form[int], file: File[UploadedFile]) -> Status[ImportJobOut]:
    job = services.roster_import_create(actor=request.user, union_id=union_id, upload=file)
    job = roster_selectors.import_job_get_for_user(user=request.user, job_id=job.pk)
    return Status(202, job_out(job))


@router.get("/{job_id}", response=ImportJobOut, auth=session_or_token, summary="导入状态、进度与问题行")
def import_get(request: HttpRequest, job_id: int, errors_offset: Offset = 0, errors_limit: Limit1000 = 100) -> ImportJobOut:
    job = roster_selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    return job_out(job, errors_offset=max(errors_offset, 0), errors_limit=min(max(errors_limit, 0), 1000))


@router.post("/{job_id}/commit", response={202: ImportJobOut}, auth=session_or_token, summary="确认导入有效行（后台、全有或全无）")
def import_commit(request: HttpRequest, job_id: int) -> Status[ImportJobOut]:
    job = roster_selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    services.roster_import_commit_request(job=job, actor=request.user)
    job = roster_selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    return Status(202, job_out(job))
