"""Admin: configuration (routing rules, deadlines, lawyers) and read-mostly case views.

Cases are never deleted; changes to a case go through the console, which calls services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gonghui.core import jurisdiction
from gonghui.core.admin import ReadOnlyMixin

from .models import (
    Case,
    CaseEvent,
    CategoryDeadline,
    Lawyer,
    LegalAidApplication,
    Mediation,
    RoutingRule,
    Supervision,
    SupervisionLetter,
)


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("at", "kind", "is_public", "actor_label", "from_status", "to_status", "body")
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "category", "channel", "status", "union", "due_on", "rating", "created_at")
    list_filter = ("status", "channel", "category", "rating")
    search_fields = ("number", "employer_name")
    date_hierarchy = "created_at"
    exclude = ("reporter_phone", "reporter_phone_index")
    inlines = [CaseEventInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Case.objects.visible_to(request.user).select_related("union")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "region", "union", "priority", "is_active")
    list_filter = ("category", "is_active")
    raw_id_fields = ("region", "union")


@admin.register(CategoryDeadline)
class CategoryDeadlineAdmin(admin.ModelAdmin):
    list_display = ("category", "resolve_workdays")


@admin.register(Lawyer)
class LawyerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "firm", "specialities", "union", "service_region", "is_public", "is_active")
    list_filter = ("kind", "is_active", "is_public")
    search_fields = ("name", "firm", "specialities", "address")
    raw_id_fields = ("union", "user", "service_region")


@admin.register(LegalAidApplication)
class LegalAidApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "dispute_type", "hardship", "stage", "has_lawyer", "declared_at")
    list_filter = ("dispute_type", "hardship", "stage")

    def get_queryset(self, request: HttpRequest) -> Any:
        return jurisdiction.scope(LegalAidApplication.objects.select_related("case"), request.user,
                                  path_field="case__union_path")


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "by_union", "due_on", "created_at", "completed_at")


@admin.register(Mediation)
class MediationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "applicant", "respondent", "mediator", "outcome")
    list_filter = ("outcome",)


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "status", "recipient", "union", "issued_at", "response_due")
    list_filter = ("kind", "status")
    search_fields = ("number", "recipient")
