"""Admin for campaigns: read-only look-ups. Configuration and draws go through the console
(services); the one action below runs due draws through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import DomainError

from . import services
from .models import (
    Campaign,
    CardKind,
    Draw,
    FuCard,
    Participant,
    Prize,
    ServiceActivity,
    ServicePoint,
    TaskCompletion,
    Voucher,
    Winner,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CardKindInline(ReadOnlyMixin, admin.TabularInline):
    model = CardKind
    fields = ("name", "weight", "order")


class PrizeInline(ReadOnlyMixin, admin.TabularInline):
    model = Prize
    fields = ("name", "per_night", "stock")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "union", "starts_on", "ends_on", "status", "eligibility")
    list_filter = ("status", "eligibility")
    search_fields = ("name",)
    exclude = ("partner_key",)
    inlines = (CardKindInline, PrizeInline)


@admin.register(Draw)
class DrawAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("campaign", "day", "status", "entrants_count", "commitment")
    list_filter = ("status",)
    exclude = ("seed", "entrants")
    actions = ("run_due",)

    @admin.action(description=_("开奖（仅限已到开奖时间的）"))
    def run_due(self, request: HttpRequest, queryset: QuerySet[Draw]) -> None:
        done = 0
        for draw in queryset.filter(status=Draw.Status.COMMITTED):
            try:
                services.draw_run(draw=draw)
                done += 1
            except DomainError as exc:
                messages.warning(request, f"{draw}: {exc.message}")
        messages.info(request, _("已开奖 %(n)d 期。") % {"n": done})


@admin.register(Winner)
class WinnerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("draw", "slot", "prize", "token", "status", "claim_by")
    list_filter = ("status",)
    exclude = ("address",)


@admin.register(TaskCompletion)
class TaskCompletionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("campaign", "user", "day", "task", "value", "source")
    list_filter = ("task", "source")


admin.site.register(FuCard, type("CardAdmin", (ReadOnlyMixin, admin.ModelAdmin), {"list_display": ("campaign", "user", "kind", "status")}))
admin.site.register(Participant, type("ParticipantAdmin", (ReadOnlyMixin, admin.ModelAdmin), {"list_display": ("campaign", "user", "joined_at")}))


class ServicePointInline(ReadOnlyMixin, admin.TabularInline):
    model = ServicePoint
    fields = ("name", "address", "station")


@admin.register(ServiceActivity)
class ServiceActivityAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "union", "starts_on", "ends_on", "status", "daily_quota")
    list_filter = ("kind", "status")
    search_fields = ("name",)
    inlines = (ServicePointInline,)


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Vouchers are redeemed by scanning at the point (console), never edited here."""

    list_display = ("activity", "day", "seq", "issued_at", "scanned_at", "point")
    list_filter = ("activity__kind", ("redeemed_at", admin.EmptyFieldListFilter))
    exclude = ("code",)
    date_hierarchy = "day"
