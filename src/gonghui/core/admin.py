"""Admin for the audit log: read-only, append-only (nobody edits or deletes history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services: the admin may look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id", "reason", "ip"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["action", "target_type", "target_id", "reason", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    readonly_fields = ["at", "actor", "action", "target_type", "target_id", "reason", "data", "ip"]
