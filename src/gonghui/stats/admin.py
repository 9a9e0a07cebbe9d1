"""Statistics in the admin: read-only. Facts and roll-ups are written only by the snapshot
(`manage.py stats_snapshot`); an operator marks a day for a re-run here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ReadOnlyAdmin

from .models import Fact, Rollup, SnapshotDay


@admin.register(SnapshotDay)
class SnapshotDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "status", "dirty", "facts", "rollups", "seconds", "computed_at"]
    list_filter = ["status", "dirty"]
    date_hierarchy = "day"
    actions = ["mark_dirty"]

    @admin.action(description=_("标记为待重算（今夜重新计算）"))
    def mark_dirty(self, request: HttpRequest, queryset: QuerySet[SnapshotDay]) -> None:
        queryset.update(dirty=True)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The action needs change permission on the list; the form stays read-only.
        return obj is None and bool(request.user.is_superuser)


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ["day", "union", "key", "dim", "value"]
    list_filter = ["key"]
    date_hierarchy = "day"
    list_select_related = ["union"]


@admin.register(Rollup)
class RollupAdmin(ReadOnlyAdmin):
    list_display = ["period", "start", "union", "key", "dim", "value"]
    list_filter = ["period", "key"]
    list_select_related = ["union"]
