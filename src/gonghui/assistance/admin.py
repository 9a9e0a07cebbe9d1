"""Admin of the fund ledger: read-only. Money moves only through the services (the console
and the API); a correction is a reversing transaction, never an edit here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AccountMonthTotal, FundAccount, LedgerEntry, LedgerPeriod, LedgerTransaction


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LegInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LedgerEntry
    fields = ("account", "amount", "month")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundAccount)
class FundAccountAdmin(ReadOnlyAdmin):
    list_display = ("union", "source", "kind", "balance", "allow_negative")
    list_filter = ("source", "kind")
    search_fields = ("union__name",)
    list_select_related = ("union",)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "booked_on", "union", "kind", "source", "amount", "memo", "reverses")
    list_filter = ("kind", "source")
    search_fields = ("memo", "payee_name", "union__name")
    list_select_related = ("union", "reverses")
    inlines = [LegInline]


@admin.register(LedgerPeriod)
class LedgerPeriodAdmin(ReadOnlyAdmin):
    list_display = ("union", "month", "closed_at", "closed_by")
    list_select_related = ("union", "closed_by")


@admin.register(AccountMonthTotal)
class AccountMonthTotalAdmin(ReadOnlyAdmin):
    list_display = ("union", "source", "account_kind", "month", "txn_kind", "debit", "credit", "net")
    list_filter = ("source", "account_kind", "txn_kind")
    list_select_related = ("union",)
