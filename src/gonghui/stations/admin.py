"""Admin for stations. Edits go through the console (services); the admin is for looking up
records and running the few actions below, which call services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ReadOnlyMixin
from gonghui.core.errors import DomainError

from . import services
from .models import (
    AssessmentItem,
    AssessmentSheet,
    ServiceRecord,
    StarApplication,
    Station,
    StationHonour,
    StationReport,
    StationVisit,
)


@admin.register(Station)
class StationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "union", "region", "status", "star_level", "visit_count", "review_flag")
    list_filter = ("kind", "status", "star_level", "review_flag")
    search_fields = ("code", "name", "address")
    list_select_related = ("union", "region")
    actions = ["suspend", "reactivate", "rotate_qr"]

    def _status(self, request: HttpRequest, queryset: QuerySet[Station], status: str) -> None:
        done = 0
        for station in queryset.select_related("union"):
            try:
                services.station_set_status(actor=request.user, station=station, status=status, reason="admin")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{station}: {exc.message}", messages.ERROR)
        self.message_user(request, _("已处理 %(n)s 个站点。") % {"n": done})

    @admin.action(description=_("暂停服务"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Station]) -> None:
        self._status(request, queryset, Station.Status.SUSPENDED)

    @admin.action(description=_("恢复运营"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Station]) -> None:
        self._status(request, queryset, Station.Status.ACTIVE)

    @admin.action(description=_("重新生成签到二维码"))
    def rotate_qr(self, request: HttpRequest, queryset: QuerySet[Station]) -> None:
        for station in queryset.select_related("union"):
            services.station_qr_rotate(actor=request.user, station=station)


@admin.register(StationVisit)
class StationVisitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("station", "user", "at")
    list_filter = ("at",)
    search_fields = ("station__name", "station__code")
    list_select_related = ("station", "user")
    date_hierarchy = "at"


@admin.register(StationReport)
class StationReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("station", "category", "status", "created_at", "case")
    list_filter = ("category", "status")
    search_fields = ("station__name", "text")
    list_select_related = ("station", "case")


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("station", "day", "kind", "count")
    list_filter = ("kind",)
    search_fields = ("station__name",)
    list_select_related = ("station",)


@admin.register(StarApplication)
class StarApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("station", "requested_level", "status", "total_score", "awarded_level", "valid_until", "created_at")
    list_filter = ("status", "requested_level", "is_reassessment")
    search_fields = ("station__name",)
    list_select_related = ("station",)


@admin.register(StationHonour)
class StationHonourAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("station", "title", "level", "year", "awarded_by")
    list_filter = ("level", "year")
    search_fields = ("station__name", "title")


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 1


@admin.register(AssessmentSheet)
class AssessmentSheetAdmin(admin.ModelAdmin):
    """Scoring sheets are configuration (items and weights), edited here by administrators."""

    list_display = ("name", "is_default", "is_active")
    list_filter = ("is_default", "is_active")
    inlines = [AssessmentItemInline]
