"""Admin for bargaining and safety: read-only look-ups (every write goes through the
services, from the console or the API); one action runs the daily clocks now."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ReadOnlyAdmin

from .models import (
    BargainingOffer,
    BargainingRound,
    BargainingUnit,
    CollectiveContract,
    CongressVote,
    ContractVersion,
    OfferCampaign,
    SafetyChecklist,
    SafetyHazard,
    SafetyInspection,
    SafetyPhoto,
)


class VersionInline(admin.StackedInline):  # type: ignore[type-arg]
    model = ContractVersion
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BargainingUnit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "union", "workers_covered", "members_covered")
    list_filter = ("kind",)
    search_fields = ("name", "employer_party")


@admin.register(BargainingOffer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("number", "unit", "status", "sent_on", "received_on", "answer_due")
    list_filter = ("status",)
    search_fields = ("number",)


@admin.register(CollectiveContract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "status", "starts_on", "ends_on", "signed_on", "filed_on", "in_force_on")
    list_filter = ("status", "kind")
    inlines = [VersionInline]
    actions = ["run_clocks"]

    @admin.action(description=_("立即运行期限检查（要约、报送、审查、续订、隐患）"))
    def run_clocks(self, request: HttpRequest, queryset: QuerySet[CollectiveContract]) -> None:
        from .tasks import bargaining_clocks_task

        messages.info(request, str(bargaining_clocks_task()))


for model in (BargainingRound, CongressVote, OfferCampaign, SafetyChecklist, SafetyInspection, SafetyPhoto):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(SafetyHazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ("description", "employer_name", "severity", "status", "rectify_due", "rectified_on")
    list_filter = ("status", "severity", "source")
