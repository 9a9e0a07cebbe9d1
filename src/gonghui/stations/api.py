"""Stations API: public nearby search and station details (partners' rider apps use these),
worker check-in / rating / problem report, and the operators' registry."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import DomainError, ValidationFailed, problem_response
from gonghui.core.paging import Limit500, Offset
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import Region

from . import selectors, services
from .models import StarApplication, Station
from .schemas import (
    CheckinIn,
    CheckinOut,
    NearbyOut,
    RatingIn,
    RatingOut,
    RegionCentreOut,
    ReportIn,
    ReportOut,
    ServiceRecordIn,
    ServiceRecordOut,
    StaffStationOut,
    StarApplicationIn,
    StarApplicationOut,
    StarAssessIn,
    StationIn,
    StationOut,
    VisitStatsOut,
)

router = Router()


def _param(name: str, kind: str, description: str, *, required: bool = False, array: bool = False, default: Any = None,
           bounds: tuple[float, float] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    if bounds is not None:
        schema["minimum"], schema["maximum"] = bounds
    if array:
        schema = {"type": "array", "items": {"type": kind}}
    if default is not None:
        schema["default"] = default
    return {"in": "query", "name": name, "required": required, "schema": schema, "description": description,
            **({"style": "form", "explode": True} if array else {})}


NEARBY_PARAMETERS = [
    _param("lat", "number", "纬度（GCJ-02），-90 到 90", required=True),
    _param("lon", "number", "经度（GCJ-02），-180 到 180", required=True),
    _param("kind", "string", "站点类型，可重复：yizhan, outdoor, nursing, drivers, palace, bookhouse", array=True),
    _param("facility", "string", "须具备的设施，可重复：water, meal, charging, toilet, rest, climate, first_aid, wifi, mother_baby, reading, repair, parking", array=True),
    _param("open_now", "boolean", "只返回现在开放的站点（北京时间，含法定节假日安排）", default=False),
    _param("limit", "integer", "返回数量，1 到 50", default=20, bounds=(1, 50)),
    _param("radius_km", "number", "搜索半径（公里），最大 100", default=100),
]
_TRUE = {"1", "true", "yes", "on"}


def _nearby_body(request: HttpRequest) -> bytes:
    # The query string is read in one pass (a QueryDict costs more than the search).
    single: dict[str, str] = {}
    kinds: list[str] = []
    facilities: list[str] = []
    for part in request.META.get("QUERY_STRING", "").split("&"):
        name, _sep, value = part.partition("=")
        if "%" in part or "+" in part:
            name, value = unquote_plus(name), unquote_plus(value)
        if name == "kind":
            kinds.append(value)
        elif name == "facility":
            facilities.append(value)
        else:
            single[name] = value
    if "lat" not in single or "lon" not in single:
        raise ValidationFailed(_("请提供经纬度 lat 和 lon。"), code="validation_failed", field="lat")
    try:
        limit = int(single.get("limit", "20"))
    except ValueError as exc:
        raise ValidationFailed(_("返回数量应为整数。"), code="validation_failed", field="limit") from exc
    try:
        radius_km = float(single.get("radius_km", "100"))
    except ValueError as exc:
        raise ValidationFailed(_("搜索半径应为数字。"), code="validation_failed", field="radius_km") from exc
    return selectors.station_list_nearby_json(
        lat=single["lat"], lon=single["lon"], kinds=kinds, facilities=facilities,
        open_now=single.get("open_now", "").lower() in _TRUE, limit=limit, radius_km=radius_km,
        language=getattr(request, "LANGUAGE_CODE", None),
    )


def station_nearby_view(request: HttpRequest) -> HttpResponse:
    """GET /api/v1/stations/nearby, served by a plain Django view.

    This is the hottest read in the system (docs/stations.md): it is routed before the rest
    of the API so it skips Django Ninja's dispatch. The answer is the one documented by the
    Ninja operation below (same parameters, NearbyOut items, problem documents on bad
    input); tests hold the two to the same schema."""
    if request.method not in ("GET", "HEAD"):
        response = problem_response(405, "method_not_allowed", str(_("不支持该请求方法。")))
        response["Allow"] = "GET, HEAD"
        return response
    try:
        body = _nearby_body(request)
    except DomainError as exc:
        return exc.as_response()
    return HttpResponse(body, content_type="application/json")


@router.get(
    "/nearby", response=list[NearbyOut], auth=None, summary="附近的站点",
    openapi_extra={"parameters": NEARBY_PARAMETERS},
)
def station_nearby(request: HttpRequest) -> HttpResponse:
    """The nearest active stations by great-circle distance (GCJ-02 coordinates), filtered by
    kind, facilities (all must be present) and "open now" (Asia/Shanghai time, statutory
    holidays from the official calendar). Public: station locations are public information."""
    # Requests are answered by `station_nearby_view` (routed first, see gonghui/urls.py);
    # this operation documents the endpoint in OpenAPI and gives the same answer if reached.
    return HttpResponse(_nearby_body(request), content_type="application/json")


@router.get("/regions", response=list[RegionCentreOut], auth=None, summary="有站点的区县")
def station_regions(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.region_centres()


def station_out(station: Station, *, staff: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": station.pk, "code": station.code, "name": station.name, "kind": station.kind,
        "kind_label": str(station.get_kind_display()), "union_name": station.union.name,
        "address": station.address, "region_code": station.region_id, "lat": station.lat, "lon": station.lon,
        "facilities": station.facility_codes, "hours_text": station.hours_text,
        "is_open": selectors.station_is_open(station=station), "phone": station.phone,
        "description": station.description, "star_level": station.star_level,
        "star_valid_until": station.star_valid_until, "rating": station.rating_avg,
        "rating_count": station.rating_count,
        "directions_url": selectors.directions_url(lat=station.lat, lon=station.lon, name=station.name),
        "photos": [p.image.url for p in station.photos.all() if p.application_id is None],
    }
    if staff:
        data.update(
            status=station.status, union_id=station.union_id, visit_count=station.visit_count,
            review_flag=station.review_flag, review_reason=station.review_reason,
        )
    return data


# --- workers -------------------------------------------------------------------------------


@router.post("/checkin", response=CheckinOut, auth=session_or_token, summary="扫码签到")
def station_checkin(request: HttpRequest, payload: CheckinIn) -> dict[str, Any]:
    visit, counted = services.station_checkin(user=request.auth, token=payload.token)  # type: ignore[attr-defined]
    return {"counted": counted, "station_id": visit.station_id, "station_name": visit.station.name, "visited_at": visit.at}


@router.post("/{int:station_id}/ratings", response=RatingOut, auth=session_or_token, summary="评价站点")
def station_rate(request: HttpRequest, station_id: int, payload: RatingIn) -> dict[str, Any]:
    station = selectors.station_get_public(station_id=station_id)
    rating = services.station_rate(user=request.auth, station=station, stars=payload.stars, comment=payload.comment)  # type: ignore[attr-defined]
    station.refresh_from_db(fields=["rating_sum", "rating_count"])
    return {"station_id": station.pk, "stars": rating.stars, "rating": station.rating_avg, "rating_count": station.rating_count}


@router.post("/{int:station_id}/reports", response={201: ReportOut}, auth=session_or_token, summary="反映问题")
def station_report(request: HttpRequest, station_id: int, payload: ReportIn) -> Status:
    station = selectors.station_get_public(station_id=station_id)
    report = services.station_report_submit(user=request.auth, station=station, category=payload.category, text=payload.text)  # type: ignore[attr-defined]
    return Status(201, report)


# --- operators and union staff --------------------------------------------------------------


@router.get("/manage", response=list[StaffStationOut], auth=session_or_token, summary="管辖范围内的站点")
def station_manage_list(request: HttpRequest, q: str = "", kind: str = "", status: str = "", limit: Limit500 = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    limit = max(1, min(limit, 500))
    qs = selectors.station_list_for_user(user=request.auth, q=q, kind=kind, status=status).prefetch_related("photos")  # type: ignore[attr-defined]
    return [station_out(s, staff=True) for s in qs[max(offset, 0): max(offset, 0) + limit]]


def _region(code: str | None) -> Region | None:
    return selectors.region_get(code=code) if code else None


def _data(payload: StationIn) -> services.StationData:
    return services.station_data_validate(
        name=payload.name, kind=payload.kind, address=payload.address, lat=payload.lat, lon=payload.lon,
        facilities=payload.facilities, hours_text=payload.hours_text, phone=payload.phone,
        description=payload.description, region=_region(payload.region_code),
    )


@router.post("/manage", response={201: StaffStationOut}, auth=session_or_token, summary="登记站点")
def station_manage_create(request: HttpRequest, payload: StationIn) -> Status:
    union = org_selectors.union_get_for_user(user=request.auth, union_id=payload.union_id, action="change")  # type: ignore[attr-defined]
    station = services.station_create(actor=request.auth, union=union, data=_data(payload))  # type: ignore[attr-defined]
    return Status(201, station_out(station, staff=True))


@router.get("/manage/{int:station_id}", response=StaffStationOut, auth=session_or_token, summary="站点详情（管理）")
def station_manage_get(request: HttpRequest, station_id: int) -> dict[str, Any]:
    return station_out(selectors.station_get_for_user(user=request.auth, station_id=station_id), staff=True)  # type: ignore[attr-defined]


@router.put("/manage/{int:station_id}", response=StaffStationOut, auth=session_or_token, summary="修改站点")
def station_manage_update(request: HttpRequest, station_id: int, payload: StationIn) -> dict[str, Any]:
    station = selectors.station_get_for_user(user=request.auth, station_id=station_id, action="change")  # type: ignore[attr-defined]
    station = services.station_update(actor=request.auth, station=station, data=_data(payload))  # type: ignore[attr-defined]
    return station_out(station, staff=True)


@router.get("/manage/{int:station_id}/visits", response=VisitStatsOut, auth=session_or_token, summary="到访统计")
def station_manage_visits(request: HttpRequest, station_id: int, days: int = 30) -> dict[str, Any]:
    station = selectors.station_get_for_user(user=request.auth, station_id=station_id)  # type: ignore[attr-defined]
    days = max(1, min(days, 366))
    return {
        "station_id": station.pk,
        "by_day": selectors.station_visits_by_day(station=station, days=days),
        "by_hour": selectors.station_visits_by_hour(station=station, days=days),
    }


@router.post("/manage/{int:station_id}/services", response={201: ServiceRecordOut}, auth=session_or_token, summary="登记服务人次")
def station_manage_service(request: HttpRequest, station_id: int, payload: ServiceRecordIn) -> Status:
    station = selectors.station_get_for_user(user=request.auth, station_id=station_id, action="change")  # type: ignore[attr-defined]
    record = services.service_record_add(actor=request.auth, station=station, day=payload.day, kind=payload.kind, count=payload.count, note=payload.note)  # type: ignore[attr-defined]
    return Status(201, record)


@router.post("/manage/{int:station_id}/star-applications", response={201: StarApplicationOut}, auth=session_or_token, summary="申报星级")
def star_application_submit(request: HttpRequest, station_id: int, payload: StarApplicationIn) -> Status:
    station = selectors.station_get_for_user(user=request.auth, station_id=station_id, action="change")  # type: ignore[attr-defined]
    application = services.star_application_submit(
        actor=request.auth, station=station, requested_level=payload.requested_level, statement=payload.statement  # type: ignore[attr-defined]
    )
    return Status(201, application)


@router.get("/star-applications/{int:application_id}", response=StarApplicationOut, auth=session_or_token, summary="星级申报详情")
def star_application_get(request: HttpRequest, application_id: int) -> StarApplication:
    """An application with its status, score and the level awarded (staff of the station's
    union or above; another branch's application is a 404)."""
    return selectors.star_application_get_for_user(user=request.auth, application_id=application_id)  # type: ignore[attr-defined]


@router.post("/star-applications/{int:application_id}/assess", response=StarApplicationOut, auth=session_or_token, summary="星级考评")
def star_application_assess(request: HttpRequest, application_id: int, payload: StarAssessIn) -> StarApplication:
    application = selectors.star_application_get_for_user(user=request.auth, application_id=application_id)  # type: ignore[attr-defined]
    return services.star_application_assess(
        actor=request.auth, application=application, scores=payload.scores, notes=payload.notes,  # type: ignore[attr-defined]
        conclusion=payload.conclusion,
    )


@router.get("/{int:station_id}", response=StationOut, auth=None, summary="站点详情")
def station_detail(request: HttpRequest, station_id: int) -> dict[str, Any]:
    station = selectors.station_get_public(station_id=station_id)
    return station_out(station)
