"""Admin for campaigns: read-only look-ups. Configuration and draws go through the console
(services); the one action below runs due draws through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.core.errors import DomainError

from . import services
from .models import (
    Appointment,
    Campaign,
    CardKind,
    CheckupSlot,
    CultureEvent,
    CultureWork,
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


class _ShownInline(admin.TabularInline):
    """An inline shown on a read-only parent: no blank rows, nothing to add or delete (the
    parent's `ReadOnlyAdmin` already refuses every save)."""

    extra = 0
    max_num = 0
    can_delete = False


class CardKindInline(_ShownInline):
    model = CardKind
    fields = readonly_fields = ("name", "weight", "order")


class PrizeInline(_ShownInline):
    model = Prize
    fields = readonly_fields = ("name", "per_night", "stock")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "union", "starts_on", "ends_on", "status", "eligibility")
    list_filter = ("status", "eligibility")
    search_fields = ("name",)
    exclude = ("partner_key",)
    inlines = (CardKindInline, PrizeInline)


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
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
class WinnerAdmin(ReadOnlyAdmin):
    list_display = ("draw", "slot", "prize", "token", "status", "claim_by")
    list_filter = ("status",)
    exclude = ("address",)


@admin.register(TaskCompletion)
class TaskCompletionAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "user", "day", "task", "value", "source")
    list_filter = ("task", "source")


admin.site.register(FuCard, type("CardAdmin", (ReadOnlyAdmin,), {"list_display": ("campaign", "user", "kind", "status")}))
admin.site.register(Participant, type("ParticipantAdmin", (ReadOnlyAdmin,), {"list_display": ("campaign", "user", "joined_at")}))


class ServicePointInline(_ShownInline):
    model = ServicePoint
    fields = readonly_fields = ("name", "address", "station")


@admin.register(ServiceActivity)
class ServiceActivityAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "union", "starts_on", "ends_on", "status", "daily_quota")
    list_filter = ("kind", "status")
    search_fields = ("name",)
    inlines = (ServicePointInline,)


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    """Vouchers are redeemed by scanning at the point (console), never edited here."""

    list_display = ("activity", "day", "seq", "issued_at", "scanned_at", "point")
    list_filter = ("activity__kind", ("redeemed_at", admin.EmptyFieldListFilter))
    exclude = ("code",)
    date_hierarchy = "day"


@admin.register(CheckupSlot)
class CheckupSlotAdmin(ReadOnlyAdmin):
    list_display = ("activity", "point", "starts_at", "ends_at", "capacity", "booked")
    list_filter = ("activity",)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Booked and cancelled by workers, attended by the point's staff (console), never edited here."""

    list_display = ("activity", "slot", "status", "booked_at", "reminded_at", "attended_at")
    list_filter = ("status",)


@admin.register(CultureWork)
class CultureWorkAdmin(ReadOnlyAdmin):
    """Works are reviewed in the console (文化展播), where the review is audited."""

    list_display = ("title", "kind", "author", "union", "status", "views", "likes", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "author")


@admin.register(CultureEvent)
class CultureEventAdmin(ReadOnlyAdmin):
    list_display = ("title", "union", "starts_at", "views")
