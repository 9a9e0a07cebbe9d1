"""Admin for users, role grants, SMS codes (read-only) and partner API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import DomainError
from gonghui.core.pii import phone_index

from . import services
from .models import ApiToken, RoleGrant, SmsCode, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("union", "role", "granted_by", "created_at")
    readonly_fields = ("union", "role", "granted_by", "created_at")
    can_delete = False
    verbose_name = _("角色授权")
    verbose_name_plural = _("角色授权（在“角色授权”中增删）")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "phone_display", "is_active", "is_staff", "is_superuser", "totp_confirmed", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "totp_confirmed")
    search_fields = ("username", "full_name")
    ordering = ("username",)
    readonly_fields = ("phone_display", "totp_confirmed", "last_login", "date_joined")
    inlines = [RoleGrantInline]
    actions = ["reset_totp"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone_display", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "totp_confirmed")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    @admin.display(description=_("手机号"))
    def phone_display(self, obj: User) -> str:
        return obj.phone_masked

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[QuerySet[Any], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) == 11:  # exact phone lookup through the blind index
            results = results | queryset.filter(phone_index=phone_index(digits))
        return results, may_have_duplicates

    @admin.action(description=_("重置动态口令（下次登录重新绑定）"))
    def reset_totp(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.totp_reset(user=user, actor=request.user)
        self.message_user(request, _("已重置 %(count)d 个账号的动态口令。") % {"count": queryset.count()})


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "union", "role", "granted_by", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "union__name")
    raw_id_fields = ("user", "union")
    readonly_fields = ("granted_by", "created_at")
    list_select_related = ("user", "union", "granted_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        grant = services.role_grant_create(user=obj.user, union=obj.union, role=obj.role, granted_by=request.user)
        obj.pk = grant.pk
        obj.granted_by = grant.granted_by
        obj.created_at = grant.created_at

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        services.role_grant_revoke(grant=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        for grant in queryset:
            services.role_grant_revoke(grant=grant, actor=request.user)


@admin.register(SmsCode)
class SmsCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are stored hashed, so there is nothing useful to edit."""

    list_display = ("phone_index_short", "created_at", "expires_at", "attempts", "used_at")
    list_filter = ("used_at",)
    readonly_fields = ("phone_index", "code_hash", "created_at", "expires_at", "attempts", "used_at")
    search_fields = ("phone_index",)
    search_help_text = _("输入完整手机号查找")

    @admin.display(description=_("手机号索引"))
    def phone_index_short(self, obj: SmsCode) -> str:
        return obj.phone_index[:10] + "…"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[QuerySet[Any], bool]:
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) == 11:
            return queryset.filter(phone_index=phone_index(digits)), False
        return queryset, False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name", "expires_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created here; the key is shown once, in the confirmation message."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_select_related = ("user",)
    actions = ["revoke"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ("user", "name", "expires_at")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # nothing on a token is editable
        try:
            token, key = services.api_token_create(
                user=obj.user, name=obj.name, actor=request.user, expires_at=obj.expires_at,
            )
        except DomainError as exc:
            self.message_user(request, str(exc.message), level=messages.ERROR)
            raise
        obj.pk = token.pk
        obj.prefix = token.prefix
        obj.created_at = token.created_at
        self.message_user(
            request,
            _("令牌已创建。请立即复制并安全交给合作方，此后不再显示：%(key)s") % {"key": key},
            level=messages.WARNING,
        )

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, actor=request.user)
            count += 1
        self.message_user(request, _("已吊销 %(count)d 个令牌。") % {"count": count})
