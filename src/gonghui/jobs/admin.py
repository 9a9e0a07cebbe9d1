"""Admin for jobs: read-only look-ups (writes go through the console and services); the
minimum-wage table is kept on its console page by the province."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ReadOnlyMixin

from .models import (
    EmployerAccount,
    EmploymentService,
    JobApplication,
    JobFair,
    MinimumWage,
    Placement,
    Posting,
    Seeker,
    TrainingEnrolment,
    TrainingOrder,
)


@admin.register(Posting)
class PostingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "employer", "union", "trade", "region", "pay_min", "pay_max", "status", "closes_on")
    list_filter = ("status", "trade", "contract")
    search_fields = ("title", "employer__name", "employer__uscc")


@admin.register(Seeker)
class SeekerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "union", "region", "priority_group", "is_member", "open_to_work", "created_at")
    list_filter = ("priority_group", "is_member", "open_to_work")
    exclude = ("name", "phone")


@admin.register(JobApplication)
class ApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("posting", "seeker", "stage", "created_at", "stage_changed_at")
    list_filter = ("stage",)


@admin.register(Placement)
class PlacementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("seeker", "employer", "union", "started_on", "status_3m", "status_6m")
    list_filter = ("status_3m", "status_6m")


@admin.register(EmploymentService)
class EmploymentServiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("kind", "given_on", "union", "seeker")
    list_filter = ("kind",)


@admin.register(EmployerAccount)
class EmployerAccountAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("employer", "user", "union", "created_at", "revoked_at")


@admin.register(MinimumWage)
class MinimumWageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("region_name", "region_code", "effective_from", "monthly", "hourly", "checked", "source")

    @admin.display(boolean=True, description=_("已核实依据"))
    def checked(self, obj: MinimumWage) -> bool:
        # False for the 2025 rows seeded from memory (source 待核实…) and for rows with no source.
        return not obj.needs_check


@admin.register(JobFair)
class JobFairAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "union", "starts_on", "ends_on")
    list_filter = ("kind",)


@admin.register(TrainingOrder)
class TrainingOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "employer", "union", "trade", "seats", "starts_on", "ends_on", "status")
    list_filter = ("status", "trade")
    search_fields = ("name", "employer__name")


@admin.register(TrainingEnrolment)
class TrainingEnrolmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("order", "seeker", "status", "completed_on")
    list_filter = ("status",)
