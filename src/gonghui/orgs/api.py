from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from gonghui.accounts.auth import session_or_token
from gonghui.core.paging import Limit200, Offset

from . import selectors, services
from .models import Employer, Union
from .schemas import (
    EmployerIn,
    EmployerOut,
    EmployerPublicOut,
    FederationPublicOut,
    RegionOut,
    UnionChildIn,
    UnionOut,
)

router = Router()


# --- public lookups (the join form; no sign-in needed) -----------------------------------


def _employer_public(employer: Employer) -> EmployerPublicOut:
    union: Union | None = getattr(employer, "union", None)
    if union is not None and union.status != Union.Status.ACTIVE:
        union = None
    return EmployerPublicOut(
        id=employer.pk, name=employer.name, uscc=employer.uscc,
        region_name=employer.region.name if employer.region_id else "",
        has_union=union is not None, union_id=union.pk if union else None,
        union_name=union.name if union else "",
    )


@router.get("/employers", response=list[EmployerPublicOut], auth=None, summary="搜索用人单位（名称、拼音首字母或统一社会信用代码）")
def employer_search(request: HttpRequest, q: str = "") -> list[EmployerPublicOut]:
    return [_employer_public(e) for e in selectors.employer_search(q=q[:100])]


@router.get("/regions", response=list[RegionOut], auth=None, summary="行政区划（省级，或某地区的下级）")
def region_list(request: HttpRequest, parent: str = "") -> list[RegionOut]:
    return [RegionOut(code=r.code, name=r.name, level=r.level) for r in selectors.region_list(parent_code=parent[:6] or None)]


@router.get("/new-form-federations", response=list[FederationPublicOut], auth=None, summary="新业态工会联合会")
def new_form_federation_list(request: HttpRequest, region: str = "", q: str = "") -> list[FederationPublicOut]:
    region = region.strip()[:6]
    if region.isdigit() and len(region) == 6:
        unions = selectors.new_form_federations_for_region(region_code=region).select_related("region")
    else:
        unions = selectors.new_form_federation_list(q=q[:50])
    return [
        FederationPublicOut(
            id=u.pk, name=u.name, region_code=u.region_id, region_name=u.region.name if u.region else ""
        )
        for u in unions
    ]


# --- staff: unions and employers of the user's subtree (another branch's object is a 404) ---


def union_out(u: Union) -> UnionOut:
    return UnionOut(
        id=u.pk, name=u.name, kind=u.kind, kind_label=str(u.get_kind_display()), status=u.status,
        parent_id=u.parent_id, region_code=u.region_id, region_name=u.region.name if u.region else "",
        employer_id=u.employer_id, path=u.path, depth=u.depth,
    )


def employer_out(e: Employer) -> EmployerOut:
    union = getattr(e, "union", None)
    return EmployerOut(
        id=e.pk, uscc=e.uscc, name=e.name, ownership=e.ownership, industry=e.industry,
        region_code=e.region_id, region_name=e.region.name, address=e.address, headcount=e.headcount,
        is_platform=e.is_platform, union_id=union.pk if union else None, union_name=union.name if union else "",
    )


@router.get("/unions", response=list[UnionOut], auth=session_or_token, summary="本辖区工会（默认为授权的顶层工会）")
def staff_union_list(request: HttpRequest, q: str = "", limit: Limit200 = 50, offset: Offset = 0) -> list[UnionOut]:
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    if q.strip():
        unions = selectors.union_list_for_user(user=request.user, q=q.strip()[:50]).order_by("path")
    else:
        unions = selectors.union_roots_for_user(user=request.user)
    return [union_out(u) for u in unions[offset:offset + limit]]


@router.get("/unions/{union_id}", response=UnionOut, auth=session_or_token, summary="工会详情")
def staff_union_detail(request: HttpRequest, union_id: int) -> UnionOut:
    return union_out(selectors.union_get_for_user(user=request.user, union_id=union_id))


@router.get("/unions/{union_id}/children", response=list[UnionOut], auth=session_or_token, summary="下级工会")
def staff_union_children(request: HttpRequest, union_id: int) -> list[UnionOut]:
    union = selectors.union_get_for_user(user=request.user, union_id=union_id)
    return [union_out(u) for u in selectors.union_children_for_user(user=request.user, union=union)[:500]]


@router.post("/unions/{union_id}/children", response={201: UnionOut}, auth=session_or_token, summary="建立下级工会")
def staff_union_create_child(request: HttpRequest, union_id: int, payload: UnionChildIn) -> Status[UnionOut]:
    parent = selectors.union_get_for_user(user=request.user, union_id=union_id)
    region = selectors.region_get(code=payload.region_code) if payload.region_code else None
    employer = (
        selectors.employer_get_for_user(user=request.user, employer_id=payload.employer_id)
        if payload.employer_id else None
    )
    union = services.union_create_child(
        actor=request.user, parent=parent, name=payload.name, kind=payload.kind, region=region, employer=employer
    )
    return Status(201, union_out(selectors.union_get_for_user(user=request.user, union_id=union.pk)))


@router.get("/staff/employers", response=list[EmployerOut], auth=session_or_token, summary="本辖区用人单位（可按是否建会筛选）")
def staff_employer_list(
    request: HttpRequest, q: str = "", has_union: bool | None = None, region: str = "",
    limit: Limit200 = 50, offset: Offset = 0,
) -> list[EmployerOut]:
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    qs = selectors.employer_list_for_user(user=request.user, q=q, has_union=has_union, region_code=region)
    return [employer_out(e) for e in qs[offset:offset + limit]]


@router.get("/employers/{employer_id}", response=EmployerOut, auth=session_or_token, summary="用人单位详情")
def staff_employer_detail(request: HttpRequest, employer_id: int) -> EmployerOut:
    return employer_out(selectors.employer_get_for_user(user=request.user, employer_id=employer_id))


@router.post("/employers", response={201: EmployerOut}, auth=session_or_token, summary="登记用人单位（校验统一社会信用代码）")
def staff_employer_create(request: HttpRequest, payload: EmployerIn) -> Status[EmployerOut]:
    employer = services.employer_register(
        actor=request.user, uscc=payload.uscc, name=payload.name,
        region=selectors.region_get(code=payload.region_code), ownership=payload.ownership,
        industry=payload.industry, address=payload.address, headcount=payload.headcount,
        is_platform=payload.is_platform,
    )
    return Status(201, employer_out(selectors.employer_get_for_user(user=request.user, employer_id=employer.pk)))
