"""Admin for the audit log: read-only, append-only (nobody edits or deletes history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from .audit import audit_record
from .holidays import holiday_table_clear
from .models import AuditEvent, HolidayDay, HolidayYear, OutboxMessage


class ReadOnlyMixin:
    """Records written only by services: the admin (or an inline) may look, never add,
    change or delete. The one definition every app's admin uses."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin that only shows."""


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id", "reason", "ip"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["action", "target_type", "target_id", "reason", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    readonly_fields = ["at", "actor", "action", "target_type", "target_id", "reason", "data", "ip"]


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    extra = 3
    fields = ["date", "kind", "name"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """The national administrator enters each year's 放假 and 调休 days from the State
    Council notice (or imports them: `manage.py holidays_import`)."""

    list_display = ["year", "source", "updated_by", "updated_at"]
    search_fields = ["source"]
    fields = ["year", "source", "source_url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [HolidayDayInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        audit_record(actor=request.user, action="holiday.year_edit", target=form.instance, reason=form.instance.source)
        # Deadlines counted in this process use the new days at once; others within minutes.
        transaction.on_commit(holiday_table_clear)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Text messages promised by committed changes; the failed ones are retried by the drain."""

    list_display = ["pk", "task", "created_at", "attempts", "last_error", "done_at"]
    list_filter = ["task", ("done_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    readonly_fields = ["task", "args", "created_at", "available_at", "attempts", "last_error", "done_at"]
