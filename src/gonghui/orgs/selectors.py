"""Reads for regions, unions and employers, shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.errors import ValidationFailed
from gonghui.core.jurisdiction import get_or_404

from .models import INITIALS_KEY_LENGTH, Employer, EmployerInitialsKey, Region, Union, region_prefix


def region_list(*, parent_code: str | None = None, level: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(is_active=True)
    if parent_code:
        qs = qs.filter(parent_id=parent_code)
    elif level:
        qs = qs.filter(level=level)
    else:
        qs = qs.filter(level=Region.Level.PROVINCE)
    return qs.order_by("code")


# Index hits read for typed initials before ranking: a query that matches nearly every
# employer ("gs", from 公司) stays a short index range scan instead of reading them all.
INITIALS_CANDIDATES = 200


def _uscc_typed(q: str) -> str:
    """What was typed, as a USCC to compare (spaces and case ignored), or "" if it cannot be one."""
    code = q.replace(" ", "").upper()
    if len(code) == 18 and code.isalnum() and code.isascii() and not code.isalpha():
        return code
    return ""


def employer_search(*, q: str, limit: int = 20) -> QuerySet[Employer]:
    """Public employer lookup for the join and case forms: by name, by pinyin initials anywhere
    in the name ("pc" finds 深圳鹏城科技, initials "szpckj"; names starting with them come
    first), or by 统一社会信用代码. Initials go through `EmployerInitialsKey` (indexed prefix
    lookups on the suffixes of every employer's initials), bounded by INITIALS_CANDIDATES."""
    q = (q or "").strip()
    if len(q) < 2:
        return Employer.objects.none()
    qs = Employer.objects.select_related("union", "region")
    code = _uscc_typed(q)
    if code:
        return qs.filter(uscc=code)[:limit]
    if q.isascii() and q.isalpha():
        initials = q.lower()
        keys = EmployerInitialsKey.objects.filter(key__startswith=initials[:INITIALS_KEY_LENGTH]).order_by("key")
        at_start = keys.filter(position=0).values("employer_id")[:limit]
        anywhere = keys.values("employer_id")[:INITIALS_CANDIDATES]
        qs = qs.filter(Q(pk__in=at_start) | Q(pk__in=anywhere))
        if len(initials) > INITIALS_KEY_LENGTH:
            qs = qs.filter(name_initials__contains=initials)
        rank = Case(When(name_initials__startswith=initials, then=Value(0)), default=Value(1))
        return qs.order_by(rank, "name")[:limit]
    return qs.filter(name__contains=q).order_by("name")[:limit]


def employer_for_uscc_typed(*, q: str) -> Employer | None:
    """The employer whose 统一社会信用代码 is exactly what the worker typed, if any: the pickers
    select it for them instead of leaving the choice open."""
    code = _uscc_typed((q or "").strip())
    if not code:
        return None
    return Employer.objects.select_related("union", "region").filter(uscc=code).first()


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


# --- staff reads (console and staff API) ------------------------------------------------


def union_roots_for_user(*, user: Any) -> QuerySet[Union]:
    """The unions the user's grants name (the tops of their subtrees)."""
    paths = jurisdiction.union_paths_for(user, "view")
    qs = Union.objects.select_related("region", "parent")
    if paths is None:
        return qs.filter(parent__isnull=True)
    return qs.filter(path__in=paths)


def union_children_for_user(*, user: Any, union: Union) -> QuerySet[Union]:
    """Direct children of a union the user may see, with their own child counts."""
    return (
        Union.objects.visible_to(user)
        .filter(parent=union)
        .select_related("region", "employer")
        .annotate(child_count=Count("children"))
        .order_by("name")
    )


def employer_list_for_user(
    *, user: Any, q: str = "", has_union: bool | None = None, region_code: str = ""
) -> QuerySet[Employer]:
    """Employers in the user's jurisdiction; `q` is a name, pinyin initials or a USCC."""
    qs = Employer.objects.visible_to(user).select_related("region", "union")
    q = (q or "").strip()[:100]
    if q:
        if len(q) == 18 and q.isalnum():
            qs = qs.filter(uscc=q.upper())
        elif q.isascii() and q.isalpha():
            qs = qs.filter(name_initials__startswith=q.lower())
        else:
            qs = qs.filter(name__contains=q)
    if has_union is not None:
        qs = qs.filter(union__isnull=not has_union)
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix_checked(region_code))
    return qs.order_by("name", "pk")


def region_prefix_checked(code: str) -> str:
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationFailed(_("请选择有效的行政区划。"), code="region_invalid", field="region")
    return region_prefix(code)


def region_get(*, code: str) -> Region:
    found = Region.objects.filter(code=(code or "").strip(), is_active=True).first()
    if found is None:
        raise ValidationFailed(_("请选择有效的行政区划。"), code="region_invalid", field="region")
    return found


def org_counts_for_user(*, user: Any) -> dict[str, int]:
    """Dashboard figures for the user's subtree: unions, employers with and without a union."""
    unions = Union.objects.visible_to(user).active().count()
    employers = Employer.objects.visible_to(user).aggregate(
        with_union=Count("pk", filter=Q(union__isnull=False)),
        without_union=Count("pk", filter=Q(union__isnull=True)),
    )
    return {
        "unions": unions,
        "employers_with_union": employers["with_union"] or 0,
        "employers_without_union": employers["without_union"] or 0,
    }


def role_grant_list_for_user(*, user: Any, union: Union | None = None) -> QuerySet[Any]:
    """Grants the user may manage: on unions in the subtrees where they hold "manage_grants"."""
    from gonghui.accounts.models import RoleGrant

    qs = jurisdiction.scope(
        RoleGrant.objects.select_related("user", "union", "granted_by"), user,
        path_field="union__path", action="manage_grants",
    )
    if union is not None:
        qs = qs.filter(union=union)
    return qs.order_by("union__path", "user__username", "role")


def role_grant_get_for_user(*, user: Any, grant_id: int) -> Any:
    return get_or_404(role_grant_list_for_user(user=user), pk=grant_id)


def user_get_by_username(*, username: str) -> Any:
    """The account a grant is for; None when there is no active account of that name."""
    from django.contrib.auth import get_user_model

    username = (username or "").strip()
    if not username:
        return None
    return get_user_model().objects.filter(username=username, is_active=True).first()


def union_for_transfer(*, union_id: int) -> Union:
    """A transfer may go to any active union in the country, not only the user's subtree."""
    found = Union.objects.active().filter(pk=union_id).first()
    if found is None:
        raise ValidationFailed(_("未找到转入的工会。"), code="union_not_found", field="to_union")
    return found


def employer_for_transfer(*, employer_id: int | None) -> Employer | None:
    if not employer_id:
        return None
    found = Employer.objects.filter(pk=employer_id).first()
    if found is None:
        raise ValidationFailed(_("未找到该单位。"), code="employer_not_found", field="to_employer")
    return found


def union_search_for_transfer(*, q: str, limit: int = 20) -> QuerySet[Union]:
    """Unions a member can be transferred to (any branch): active, taking members, by name,
    pinyin initials or id."""
    q = (q or "").strip()[:50]
    if not q:
        return Union.objects.none()
    qs = Union.objects.active().filter(kind__in=Union.MEMBER_KINDS).select_related("region")
    if q.isdigit():
        qs = qs.filter(pk=int(q))
    elif q.isascii() and q.isalpha():
        qs = qs.filter(name_initials__startswith=q.lower())
    else:
        qs = qs.filter(name__contains=q)
    return qs.order_by("name")[:limit]


def union_allows_printed_cards(*, union: Union) -> bool:
    """Whether `union` or one of its ancestors accepts the fixed QR of printed member cards."""
    ancestor_ids = [int(part) for part in union.path.strip("/").split("/") if part.isdigit()] or [union.pk]
    return Union.objects.filter(pk__in=ancestor_ids, printed_cards_allowed=True).exists()
