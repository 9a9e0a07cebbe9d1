"""Admin for medical mutual aid: read-only look-ups. Plans, enrolment and claim decisions go
through the console (services), so the ledger and the caps are never bypassed."""

from __future__ import annotations

from django.contrib import admin

from gonghui.core.admin import ReadOnlyMixin

from .models import Claim, ClaimLine, Coverage, Enrolment, Plan, PlanVersion, SelfEnrolment


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanVersion
    fields = ("number", "effective_from", "price", "union_share", "min_participation", "second_approval_above",
              "self_enrol", "self_union_share")


class LineInline(ReadOnlyMixin, admin.TabularInline):
    model = ClaimLine
    fields = ("benefit", "key", "proposed", "amount", "approved")


@admin.register(Plan)
class PlanAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "union", "starts_on", "ends_on", "source")
    search_fields = ("name",)
    inlines = [VersionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("plan", "union", "mode", "count", "premium", "created_at")
    list_select_related = ("plan", "union")


@admin.register(Coverage)
class CoverageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("serial", "plan", "union", "starts_on", "waiting_until", "ends_on", "renewal")
    list_select_related = ("plan", "union")
    search_fields = ("serial",)
    exclude = ("person",)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "status", "event_on", "proposed", "amount")
    list_filter = ("status", "kind")
    search_fields = ("number",)
    # Medical and bank data stay out of the admin: they are revealed, audited, in the console.
    exclude = ("diagnosis", "invoices", "bank_account", "user")
    inlines = [LineInline]


@admin.register(SelfEnrolment)
class SelfEnrolmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("plan", "union", "status", "premium", "member_part", "channel", "created_at")
    list_filter = ("status", "channel")
    list_select_related = ("plan", "union")
    exclude = ("person", "user")
