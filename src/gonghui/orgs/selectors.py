"""Reads for regions, unions and employers, shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.jurisdiction import get_or_404

from .models import Employer, Region, Union


def region_list(*, parent_code: str | None = None, level: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(is_active=True)
    if parent_code:
        qs = qs.filter(parent_id=parent_code)
    elif level:
        qs = qs.filter(level=level)
    else:
        qs = qs.filter(level=Region.Level.PROVINCE)
    return qs.order_by("code")


def employer_search(*, q: str, limit: int = 20) -> QuerySet[Employer]:
    """Public employer lookup for the join form: by name, pinyin initials or USCC."""
    q = (q or "").strip()
    if len(q) < 2:
        return Employer.objects.none()
    qs = Employer.objects.select_related("union", "region")
    if len(q) == 18 and q.isalnum():
        qs = qs.filter(uscc=q.upper())
    elif q.isascii() and q.isalpha():
        qs = qs.filter(name_initials__startswith=q.lower())
    else:
        qs = qs.filter(name__contains=q)
    return qs.order_by("name")[:limit]


def new_form_federations_for_region(*, region_code: str) -> QuerySet[Union]:
    """New-form federations in the worker's city (or county, or province)."""
    codes = {region_code, region_code[:4] + "00", region_code[:2] + "0000"}
    return Union.objects.active().filter(kind=Union.Kind.FEDERATION_NEW_FORM, region_id__in=codes).order_by("-region_id")


def new_form_federation_list(*, q: str = "", limit: int = 50) -> QuerySet[Union]:
    qs = Union.objects.active().filter(kind=Union.Kind.FEDERATION_NEW_FORM).select_related("region")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(region__name__contains=q))
    return qs.order_by("name")[:limit]


def union_list_for_user(*, user: Any, q: str = "") -> QuerySet[Union]:
    qs = Union.objects.visible_to(user).select_related("parent", "region")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(name_initials__startswith=q.lower()))
    return qs


def union_get_for_user(*, user: Any, union_id: int, action: str = "view") -> Union:
    return get_or_404(Union.objects.visible_to(user, action), pk=union_id)


def employer_get_for_user(*, user: Any, employer_id: int, action: str = "view") -> Employer:
    return get_or_404(Employer.objects.visible_to(user, action), pk=employer_id)
