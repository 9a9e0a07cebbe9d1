"""Admin for people, applications, memberships, transfers and cards.

Rows here are written only by the services, so the admin is read-only; decisions on
applications are admin actions that call the same services as the console. Personal data
is shown masked: no ciphertext, no blind index, no plain ID number anywhere.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.admin import ReadOnlyAdmin
from gonghui.core.errors import DomainError

from . import selectors, services
from .models import MemberCard, Membership, MembershipApplication, MembershipTransfer, Person


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Non-superusers see only their subtree, as in the console."""

    scope_path_field = "union__path"

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return jurisdiction.scope(qs, request.user, path_field=self.scope_path_field)


PERSON_FIELDS: tuple[str, ...] = (
    "name", "name_pinyin", "gender", "birth_date", "id_number_display", "phone_display", "employer",
    "employment_form", "new_form_kind", "is_migrant_worker", "has_account", "created_at", "updated_at",
)


@admin.register(Person)
class PersonAdmin(ScopedReadOnlyAdmin):
    list_display = ["name", "gender", "id_number_display", "phone_display", "employer", "employment_form", "is_migrant_worker", "created_at"]
    list_filter = ["gender", "employment_form", "new_form_kind", "is_migrant_worker"]
    search_fields = ["name", "name_pinyin", "name_initials"]
    search_help_text = _("姓名、拼音；输入完整的18位身份证号或11位手机号可精确查找。")
    list_select_related = ["employer"]
    fields = PERSON_FIELDS
    readonly_fields = PERSON_FIELDS

    # The linked account is not shown: its username (random for workers) tells staff nothing.
    @admin.display(description=_("已绑定账号"), boolean=True)
    def has_account(self, obj: Person) -> bool:
        return obj.user_id is not None

    def get_queryset(self, request: HttpRequest) -> Any:
        qs: Any = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.visible_to(request.user)

    @admin.display(description=_("身份证号"))
    def id_number_display(self, obj: Person) -> str:
        return obj.id_number_masked

    @admin.display(description=_("手机号"))
    def phone_display(self, obj: Person) -> str:
        return obj.phone_masked

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        exact = selectors.person_exact_query(search_term)
        if exact is not None:
            return queryset.filter(exact), False
        return super().get_search_results(request, queryset, search_term)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予通过的理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(ScopedReadOnlyAdmin):
    list_display = ["person", "union", "employer", "employment_form", "status", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["status", "employment_form", "new_form_kind", "is_migrant_worker", "submitted_at"]
    search_fields = ["person__name", "person__name_initials", "union__name"]
    list_select_related = ["person", "union", "employer", "decided_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "person", "union", "employer", "employment_form", "new_form_kind", "is_migrant_worker", "status",
        "decision_reason", "decided_by", "decided_at", "submitted_at",
    ]
    actions = ["approve_selected", "reject_selected"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the actions; every field stays read-only.
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    @admin.action(description=_("批准所选入会申请"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[MembershipApplication]) -> None:
        done = 0
        for application in queryset:
            try:
                services.membership_application_approve(application=application, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{application}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("已批准 %(n)d 份申请。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("不予通过所选入会申请（须填理由）"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[MembershipApplication]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for application in queryset:
                try:
                    services.membership_application_reject(
                        application=application, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except DomainError as exc:
                    self.message_user(request, f"{application}: {exc.message}", messages.ERROR)
            if done:
                self.message_user(request, _("已退回 %(n)d 份申请。") % {"n": done}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "console/admin/reject_reason.html", {
            **self.admin_site.each_context(request),
            "title": _("不予通过入会申请"), "form": form, "queryset": queryset,
            "action": "reject_selected", "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })


CARD_FIELDS: tuple[str, ...] = ("serial", "issued_at", "expires_at", "revoked_at", "revoke_reason")


class CardInline(admin.TabularInline):
    model = MemberCard
    fields = CARD_FIELDS
    readonly_fields = CARD_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(ScopedReadOnlyAdmin):
    list_display = ["number", "person", "union", "employer", "status", "joined_on", "ended_on", "source"]
    list_filter = ["status", "source", "joined_on"]
    search_fields = ["number", "person__name", "person__name_initials", "union__name"]
    list_select_related = ["person", "union", "employer"]
    readonly_fields = ["number", "person", "union", "employer", "status", "joined_on", "ended_on", "end_reason", "source", "created_at"]
    inlines = [CardInline]


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(ScopedReadOnlyAdmin):
    scope_path_field = "from_union__path"
    list_display = ["membership", "from_union", "to_union", "status", "requested_at", "released_at", "decided_at"]
    list_filter = ["status", "requested_at"]
    search_fields = ["membership__number", "membership__person__name", "from_union__name", "to_union__name"]
    list_select_related = ["membership__person", "from_union", "to_union"]
    readonly_fields = [
        "membership", "from_union", "to_union", "to_employer", "new_membership", "status", "reason", "note",
        "requested_by", "released_by", "decided_by", "requested_at", "released_at", "decided_at",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        visible = selectors.transfer_list(user=request.user).values("pk")
        return qs.filter(pk__in=visible)


@admin.register(MemberCard)
class MemberCardAdmin(ScopedReadOnlyAdmin):
    scope_path_field = "membership__union__path"
    list_display = ["serial", "membership", "issued_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "issued_at"]
    search_fields = ["serial", "membership__number", "membership__person__name"]
    list_select_related = ["membership__person"]
    readonly_fields = ["serial", "membership", "issued_at", "expires_at", "revoked_at", "revoke_reason"]


from . import admin_roster  # noqa: E402, F401 - roster import admin lives in its own module
