"""Admin for roster imports: a read-only status view (imports run from the console)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.admin import ReadOnlyAdmin

from . import roster
from .models import ImportJob, ImportRowError


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "original_name", "union", "status", "total_rows", "valid_rows", "error_rows",
                    "imported_rows", "progress_display", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "file_format", "created_at"]
    search_fields = ["original_name", "union__name", "created_by__username"]
    list_select_related = ["union", "created_by"]
    date_hierarchy = "created_at"
    readonly_fields = ("union", "created_by", "original_name", "file_format", "encoding", "status", "total_rows",
                       "valid_rows", "error_rows", "imported_rows", "progress_display", "message", "created_at",
                       "validated_at", "commit_requested_by", "finished_at", "errors_preview")
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return jurisdiction.scope(qs, request.user, path_field="union__path", action="import")

    @admin.display(description=_("进度"))
    def progress_display(self, obj: ImportJob) -> str:
        if not obj.is_running:
            return "—"
        progress = roster.progress_get(obj.pk)
        return f"{progress['percent']}% ({progress['done']}/{progress['total']})"

    @admin.display(description=_("问题行（前 20 条）"))
    def errors_preview(self, obj: ImportJob) -> str:
        # A file can have a million bad rows: show the first few; the console pages through all.
        rows = ImportRowError.objects.filter(job=obj).order_by("row_number", "pk")[:20]
        return "\n".join(f"{e.row_number} {e.column}: {e.message}" for e in rows) or "—"
