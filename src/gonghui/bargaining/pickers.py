"""Searchable, paged pickers for the staff forms: a city union's subtree has thousands of
unions and employers, so a select lists only the chosen ones and the first PAGE of the
subtree; typing in the search box above it asks the server (htmx) for up to PAGE matches by
name (or 统一社会信用代码), keeping the chosen ones. Validation still uses the whole scoped
queryset, so any employer of the branch can be chosen and none outside it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

PAGE = 30


def _ids(values: Any) -> list[int]:
    out = []
    for v in values if isinstance(values, list | tuple) else [values]:
        try:
            out.append(int(str(getattr(v, "pk", v))))
        except (TypeError, ValueError):
            continue
    return out


def search(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    q = (q or "").strip()[:60]
    if not q:
        return queryset
    model_fields = {f.name for f in queryset.model._meta.get_fields()}
    condition = Q(name__contains=q)
    if "uscc" in model_fields:
        condition |= Q(uscc=q.upper())
    if "name_initials" in model_fields and q.isascii() and q.isalpha():
        condition |= Q(name_initials__contains=q.lower())
    return queryset.filter(condition)


def options(queryset: QuerySet[Any], *, selected: list[int], q: str = "", blank: bool = True) -> list[tuple[Any, str, bool]]:
    """(value, label, selected) rows: the chosen ones first, then up to PAGE matches."""
    rows: list[tuple[Any, str, bool]] = [("", "—", not selected)] if blank else []
    chosen = list(queryset.filter(pk__in=selected)) if selected else []
    rows += [(o.pk, str(o), True) for o in chosen]
    rows += [(o.pk, str(o), False) for o in search(queryset, q).exclude(pk__in=selected)[:PAGE]]
    return rows


class PickerMixin:
    kind = ""

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        select = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        target = (attrs or {}).get("id") or f"id_{name}"
        search_box = format_html(
            '<input type="search" name="pick_q" class="picker-search" maxlength="60" autocomplete="off" aria-label="{}" '
            'placeholder="{}" hx-get="{}?field={}" hx-trigger="input changed delay:300ms, search" hx-target="#{}" '
            'hx-include="#{}" hx-swap="innerHTML">',
            _("查找"), _("输入名称查找"), reverse("console:bargaining:pick", args=[self.kind]), name, target, target)
        hint = format_html('<small class="muted">{}</small>', _("只列出前 %(n)s 个，输入名称或统一社会信用代码查找更多。") % {"n": PAGE})
        return format_html("{}{}{}", search_box, select, hint)


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


def limit(form: forms.Form, name: str, kind: str) -> None:
    """Make `form.fields[name]` (a model choice field whose queryset is set) a picker: the
    widget lists only the chosen values and the first PAGE of the queryset."""
    field = form.fields[name]
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget_class = PickerSelectMultiple if multiple else PickerSelect
    field.widget = widget_class(kind=kind, attrs={"size": 8} if multiple else {})
    if form.is_bound:
        raw: Any = form.data.getlist(form.add_prefix(name)) if multiple and hasattr(form.data, "getlist") \
            else form.data.get(form.add_prefix(name))
    else:
        raw = form.initial.get(name, field.initial)
    selected = _ids(raw) if raw not in (None, "") else []
    queryset = field.queryset  # type: ignore[attr-defined]
    field.widget.choices = [(v, label) for v, label, _sel in options(queryset, selected=selected, blank=not multiple)]
