"""Admin of the fund ledger: read-only. Money moves only through the services (the console
and the API); a correction is a reversing transaction, never an edit here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gonghui.core.admin import ReadOnlyAdmin

from .models import (
    AccountMonthTotal,
    EducationTier,
    FundAccount,
    Grant,
    GrantDocument,
    GrantObjection,
    GrantProgram,
    HardshipFile,
    HardshipFileEvent,
    HardshipObjection,
    HardshipStandard,
    LedgerEntry,
    LedgerPeriod,
    LedgerTransaction,
    PaymentBatch,
    PaymentLine,
    PaymentReturn,
    Payout,
    ReliefAllocation,
    ReliefCampaign,
    ReliefTarget,
)


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


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    # The account number is shown masked only: a full number is revealed in the console, audited.
    list_display = ("pk", "union", "payee_name", "bank_account_masked", "amount", "status", "failures")
    list_filter = ("status", "source")
    search_fields = ("payee_name", "union__name")
    list_select_related = ("union",)
    exclude = ("bank_account",)
    readonly_fields = ("bank_account_masked",)


class PaymentLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PaymentLine
    fields = ("seq", "payout", "amount", "result", "bank_reason", "payout_txn", "settle_txn")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ("number", "union", "count", "total", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "union__name")
    list_select_related = ("union",)
    inlines = [PaymentLineInline]


@admin.register(PaymentReturn)
class PaymentReturnAdmin(ReadOnlyAdmin):
    list_display = ("batch", "file_name", "paid", "failed", "unchanged", "imported_at", "imported_by")
    list_select_related = ("batch", "imported_by")


@admin.register(HardshipStandard)
class HardshipStandardAdmin(ReadOnlyAdmin):
    list_display = ("region", "year", "low_income_line", "hardship_permille", "set_by", "updated_at")
    list_filter = ("year",)
    search_fields = ("region",)


class HardshipEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HardshipFileEvent
    fields = ("at", "status", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HardshipObjectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HardshipObjection
    fields = ("at", "text", "by", "answer", "answered_by", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyAdmin):
    # The ID number is shown masked only; the console reveals it, audited.
    list_display = ("pk", "name", "union", "status", "grade", "notice_until", "review_due")
    list_filter = ("status", "grade", "cause")
    search_fields = ("name", "union__name")
    list_select_related = ("union",)
    exclude = ("id_number", "id_number_index")
    readonly_fields = ("id_number_masked",)
    inlines = [HardshipEventInline, HardshipObjectionInline]


@admin.register(GrantProgram)
class GrantProgramAdmin(ReadOnlyAdmin):
    list_display = ("name", "union", "kind", "min_amount", "max_amount", "yearly_cap", "notice_days", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "union__name")
    list_select_related = ("union",)


class GrantObjectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = GrantObjection
    fields = ("at", "text", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GrantDocumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = GrantDocument
    fields = ("at", "name", "original_name", "content_type", "size", "uploaded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ("pk", "name", "program", "amount", "status", "union", "approving_union", "notice_until")
    list_filter = ("status",)
    search_fields = ("name", "program__name", "union__name")
    list_select_related = ("program", "union", "approving_union")
    exclude = ("bank_account", "id_number_index", "student_id_index")
    inlines = [GrantObjectionInline, GrantDocumentInline]


class ReliefAllocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ReliefAllocation
    fields = ("at", "from_union", "to_union", "amount", "txn")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReliefCampaign)
class ReliefCampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "union", "year", "source", "budget", "starts_on", "ends_on", "status")
    list_filter = ("status", "year")
    search_fields = ("name", "union__name")
    list_select_related = ("union",)
    inlines = [ReliefAllocationInline]


@admin.register(ReliefTarget)
class ReliefTargetAdmin(ReadOnlyAdmin):
    # The bank account is shown masked only.
    list_display = ("pk", "name", "campaign", "union", "grade", "amount", "status", "visited_on", "cash_given")
    list_filter = ("status", "grade")
    search_fields = ("name", "campaign__name", "union__name")
    list_select_related = ("campaign", "union")
    exclude = ("bank_account",)
    readonly_fields = ("bank_account_masked",)




@admin.register(EducationTier)
class EducationTierAdmin(ReadOnlyAdmin):
    list_display = ("region", "year", "level", "amount", "set_by", "updated_at")
    list_filter = ("year", "level")
