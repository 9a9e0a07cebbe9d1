"""Admin for regions, unions and employers. Creation goes through the services, so the
materialized path, pinyin and audit record are always right; existing rows are read-only
here (staff change them in the console)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.core.errors import DomainError
from gonghui.core.validators import parse_uscc

from . import services
from .models import Employer, Region, Union

UNION_FIELDS: tuple[str, ...] = (
    "name", "kind", "parent", "region", "employer", "status", "printed_cards_allowed", "path", "depth", "created_at",
)
EMPLOYER_FIELDS: tuple[str, ...] = (
    "uscc", "name", "region", "ownership", "industry", "address", "headcount", "is_platform",
    "headquarters", "created_at",
)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


class ScopedAdmin(admin.ModelAdmin):
    """Non-superusers see only their subtree, as in the console. `add_form` validates a new
    row the way the service will, so a bad value is a form error, not a 500."""

    add_form: type[forms.ModelForm] | None = None

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None and self.add_form is not None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        scoped: Any = qs
        return scoped.visible_to(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnionAddForm(forms.ModelForm):
    class Meta:
        model = Union
        fields = ["name", "kind", "parent", "region", "employer"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent = data.get("parent")
        if parent is None and data.get("kind") != Union.Kind.NATIONAL:
            self.add_error("parent", _("只有全国总工会可以没有上级工会。"))
        elif parent is not None and parent.status != Union.Status.ACTIVE:
            self.add_error("parent", _("上级工会已撤销。"))
        employer = data.get("employer")
        if employer is not None and employer.has_union:
            self.add_error("employer", _("该单位已建立工会。"))
        return data


class EmployerAddForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = ["uscc", "name", "region", "ownership", "industry", "address", "headcount", "is_platform", "headquarters"]

    def clean_uscc(self) -> str:
        try:
            return parse_uscc(self.cleaned_data.get("uscc", ""))
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc


@admin.register(Union)
class UnionAdmin(ScopedAdmin):
    add_form = UnionAddForm
    list_display = ["name", "kind", "parent", "region", "status", "depth", "path"]
    list_filter = ["kind", "status", "depth"]
    search_fields = ["name", "name_initials", "path"]
    autocomplete_fields = ["parent", "region", "employer"]
    list_select_related = ["parent", "region"]
    fields = UNION_FIELDS
    actions = ["allow_printed_cards", "stop_printed_cards"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["status", "printed_cards_allowed", "path", "depth", "created_at"]
        return list(UNION_FIELDS)

    def _printed_cards(self, request: HttpRequest, queryset: Any, allowed: bool) -> None:
        changed = 0
        for union in queryset:
            try:
                services.union_printed_cards_set(union=union, allowed=allowed, actor=request.user)
                changed += 1
            except DomainError as exc:
                self.message_user(request, f"{union}: {exc.message}", level="error")
        self.message_user(request, _("已更新 %(count)d 个工会。") % {"count": changed})

    @admin.action(description=_("允许印制会员卡（固定二维码可核验）"))
    def allow_printed_cards(self, request: HttpRequest, queryset: Any) -> None:
        self._printed_cards(request, queryset, True)

    @admin.action(description=_("停止印制会员卡（只认动态二维码）"))
    def stop_printed_cards(self, request: HttpRequest, queryset: Any) -> None:
        self._printed_cards(request, queryset, False)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        created = services.union_create(
            name=obj.name, kind=obj.kind, parent=obj.parent, region=obj.region, employer=obj.employer,
            actor=request.user,
        )
        obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth


@admin.register(Employer)
class EmployerAdmin(ScopedAdmin):
    add_form = EmployerAddForm
    list_display = ["name", "uscc", "region", "ownership", "headcount", "is_platform", "has_union_display"]
    list_filter = ["ownership", "is_platform", ("union", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_initials", "uscc"]
    autocomplete_fields = ["region", "headquarters"]
    list_select_related = ["region", "union"]
    fields = EMPLOYER_FIELDS

    @admin.display(description=_("已建会"), boolean=True)
    def has_union_display(self, obj: Employer) -> bool:
        return obj.has_union

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["created_at"]
        return list(EMPLOYER_FIELDS)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        created = services.employer_create(
            uscc=obj.uscc, name=obj.name, region=obj.region, ownership=obj.ownership, industry=obj.industry,
            address=obj.address, headcount=obj.headcount, is_platform=obj.is_platform,
            headquarters=obj.headquarters, actor=request.user,
        )
        obj.pk = created.pk
