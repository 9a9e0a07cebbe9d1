"""Reads for stations, shared by the worker pages, the staff console and the API."""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import lru_cache
from itertools import chain
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, NamedTuple
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.qr import qr_svg
from gonghui.orgs.models import Region

from .hours import hours_compile, is_open
from .index import (
    ADDRESS,
    CODE,
    HOURS_TEXT,
    ID,
    LAT,
    LON,
    MASK,
    NAME,
    RATING,
    STAR,
    StationIndex,
    index_get,
)
from .models import (
    FACILITY_BITS,
    KIND_CODES,
    AssessmentSheet,
    Facility,
    Kind,
    ServiceRecord,
    StarApplication,
    Station,
    StationReport,
    StationVisit,
    mask_to_facilities,
)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CHECKIN_SALT = "gonghui.stations.checkin"
# Walking estimate: 5 km/h on a street network ~25 % longer than the straight line.
WALK_KMH = 5.0
DETOUR = 1.25
MAX_LIMIT = 50
MAX_RADIUS_KM = 100.0

_KIND_BY_POSITION = {position: code for code, position in KIND_CODES.items()}


class NearbyStation(NamedTuple):
    """One search result (a named tuple: built twenty times per request on the hottest path)."""

    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    address: str
    lat: float
    lon: float
    distance_km: float
    walk_minutes: int
    hours_text: str
    is_open: bool
    facilities: list[str]
    star_level: int
    rating: float | None

    @property
    def distance_label(self) -> str:
        if self.distance_km < 1:
            return f"{round(self.distance_km * 1000)} m"
        return f"{self.distance_km:.1f} km"

    @property
    def directions_url(self) -> str:
        return directions_url(lat=self.lat, lon=self.lon, name=self.name)

    @property
    def facility_labels(self) -> list[str]:
        labels = dict(Facility.choices)
        return [str(labels[c]) for c in self.facilities]


def walk_minutes(distance_km: float) -> int:
    return math.ceil(distance_km * _WALK_MINUTES_PER_KM) or 1


def directions_url(*, lat: float, lon: float, name: str) -> str:
    """A link that opens the phone's map app (AutoNavi URI API; falls back to its web page)."""
    return _directions_url(lat, lon, name)


def _directions_url_text(lat: float, lon: float, name: str) -> str:
    return (
        f"https://uri.amap.com/navigation?to={lon:.6f},{lat:.6f},{quote(name)}"
        "&mode=walk&coordinate=gaode&callnative=1"
    )


_directions_url = lru_cache(maxsize=20_000)(_directions_url_text)


@lru_cache(maxsize=4096)
def _facility_codes(mask: int) -> tuple[str, ...]:
    return tuple(mask_to_facilities(mask))


def _kind_labels() -> dict[str, str]:
    """Kind labels in the active language, resolved once per language."""
    language = get_language() or ""
    labels = _KIND_LABEL_CACHE.get(language)
    if labels is None:
        labels = _KIND_LABEL_CACHE[language] = {code: str(label) for code, label in Kind.choices}
    return labels


_KIND_LABEL_CACHE: dict[str, dict[str, str]] = {}


def parse_coordinates(lat: Any, lon: Any) -> tuple[float, float]:
    """Validate a latitude/longitude pair; raises ValidationFailed (never a 500)."""
    try:
        lat_f = float(lat)
        lon_f = float(lon)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("坐标格式不正确。"), code="coordinates_invalid", field="lat") from exc
    if not math.isfinite(lat_f) or not -90 <= lat_f <= 90:
        raise ValidationFailed(_("纬度应在 -90 到 90 之间。"), code="lat_out_of_range", field="lat")
    if not math.isfinite(lon_f) or not -180 <= lon_f <= 180:
        raise ValidationFailed(_("经度应在 -180 到 180 之间。"), code="lon_out_of_range", field="lon")
    return lat_f, lon_f


def parse_kinds(kinds: list[str] | None) -> int:
    bits = 0
    for code in kinds or []:
        if code not in KIND_CODES:
            raise ValidationFailed(_("站点类型无效。"), code="kind_invalid", field="kind")
        bits |= 1 << KIND_CODES[code]
    return bits


def parse_facilities(facilities: list[str] | None) -> int:
    mask = 0
    for code in facilities or ():
        if code:
            bit = FACILITY_BITS.get(code)
            if bit is None:
                raise ValidationFailed(_("设施类型无效。"), code="facility_invalid", field="facility")
            mask |= bit
    return mask


def local_now() -> dt.datetime:
    return timezone.now().astimezone(LOCAL_TZ)


def _nearby_from_hits(index: StationIndex, found: tuple[list[float], list[int]], now: dt.datetime) -> list[NearbyStation]:
    labels = _kind_labels()
    rows = index.rows
    out = []
    for distance, position in zip(*found, strict=True):
        row = rows[position]
        kind = _KIND_BY_POSITION[row[4].bit_length() - 1]
        open_now = index.is_open_at(position, now)
        out.append(NearbyStation(
            row[ID], row[CODE], row[NAME], kind, labels[kind], row[ADDRESS], row[LAT], row[LON],
            round(distance, 3), walk_minutes(distance), row[HOURS_TEXT], open_now,
            list(_facility_codes(row[MASK])), row[STAR], row[RATING],
        ))
    return out


def _nearby_search(
    *, lat: Any, lon: Any, kinds: list[str] | None, facilities: list[str] | None, open_now: bool,
    limit: int, radius_km: float, at: dt.datetime | None,
) -> tuple[StationIndex, tuple[list[float], list[int]], dt.datetime]:
    lat_f, lon_f = parse_coordinates(lat, lon)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(_("返回数量应在 1 到 50 之间。"), code="limit_out_of_range", field="limit")
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise ValidationFailed(_("搜索半径应在 0 到 100 公里之间。"), code="radius_out_of_range", field="radius_km")
    now = at.astimezone(LOCAL_TZ) if at is not None else dt.datetime.now(LOCAL_TZ)
    index = index_get()
    found = index.nearest_positions(
        lat=lat_f, lon=lon_f, k=limit, kinds=parse_kinds(kinds), facilities=parse_facilities(facilities),
        open_at=now if open_now else None, radius_km=radius_km,
    )
    return index, found, now


def station_list_nearby(
    *,
    lat: Any,
    lon: Any,
    kinds: list[str] | None = None,
    facilities: list[str] | None = None,
    open_now: bool = False,
    limit: int = 20,
    radius_km: float = MAX_RADIUS_KM,
    at: dt.datetime | None = None,
) -> list[NearbyStation]:
    """The nearest active stations to a point, by great-circle distance, with filters."""
    index, found, now = _nearby_search(
        lat=lat, lon=lon, kinds=kinds, facilities=facilities, open_now=open_now, limit=limit,
        radius_km=radius_km, at=at,
    )
    return _nearby_from_hits(index, found, now)


def station_list_nearby_json(
    *,
    lat: Any,
    lon: Any,
    kinds: list[str] | None = None,
    facilities: list[str] | None = None,
    open_now: bool = False,
    limit: int = 20,
    radius_km: float = MAX_RADIUS_KM,
    at: dt.datetime | None = None,
    language: str | None = None,
) -> bytes:
    """`station_list_nearby` as a UTF-8 JSON array, for the API: the hottest read in the system.

    The fields that do not depend on the query are encoded once per station and language and
    kept with the index (so any change to stations, which rebuilds the index, drops them)."""
    index, (distances, positions), now = _nearby_search(
        lat=lat, lon=lon, kinds=kinds, facilities=facilities, open_now=open_now, limit=limit,
        radius_km=radius_km, at=at,
    )
    count = len(positions)
    if not count:
        return b"[]"
    language = language or get_language() or ""
    fragments = index.fragments.get(language)
    if fragments is None:
        fragments = index.fragments[language] = [None] * index.count
        index.fragments_filled[language] = 0
    # Gathered with itemgetter and interleaved with chain: the work per result runs in C.
    pick = itemgetter(*positions) if count > 1 else lambda items: (items[positions[0]],)
    found_fragments = pick(fragments)
    if None in found_fragments:
        for position in positions:
            if fragments[position] is None:
                fragments[position] = _static_fragment(index.rows[position])
                _fragment_filled(index, language)
        found_fragments = tuple(fragments[position] for position in positions)
    flags = index.open_flags(now)
    opens = [flags[number] for number in pick(index.schedule_of)]
    if None in opens:
        opens = [index.is_open_at(position, now) for position in positions]
    walks = [_ceil(distance * _WALK_MINUTES_PER_KM) or 1 for distance in distances]
    values = tuple(chain.from_iterable(zip(distances, walks, map(_JSON_BOOL.__getitem__, opens), found_fragments, strict=True)))
    return _array_format(count) % values


_ceil = math.ceil
_WALK_MINUTES_PER_KM = DETOUR / WALK_KMH * 60
_JSON_BOOL = {True: b"true", False: b"false"}


@lru_cache(maxsize=MAX_LIMIT + 1)
def _array_format(count: int) -> bytes:
    """A bytes template for a JSON array of `count` results (%.3f rounds as round(x, 3) does)."""
    item = b'{"distance_km":%.3f,"walk_minutes":%d,"is_open":%s,%s}'
    return b"[" + b",".join([item] * count) + b"]"


def _fragment_filled(index: StationIndex, language: str) -> None:
    filled = index.fragments_filled[language] = index.fragments_filled.get(language, 0) + 1
    if filled >= FRAGMENT_CACHE_SIZE:
        # Past the budget, start again (the next searches fill what they need).
        index.fragments[language] = [None] * index.count
        index.fragments_filled[language] = 0


# Encoded stations kept per language (about half a kilobyte each); past this many, the cache
# starts again. The default holds every station of a national deployment (docs/stations.md).
FRAGMENT_CACHE_SIZE = int(getattr(settings, "STATIONS_FRAGMENT_CACHE_SIZE", 250_000))


def _static_fragment(row: tuple[Any, ...]) -> bytes:
    """The fields of a result that don't depend on the query, as UTF-8 JSON object members.

    Written out by hand (strings escaped by the json module's encoder): about three times
    faster than json.dumps of a dict, which matters when a search meets new stations."""
    kind = _KIND_BY_POSITION[row[4].bit_length() - 1]
    rating = row[RATING]
    lat, lon, name = row[LAT], row[LON], row[NAME]
    return (
        f'"id":{row[ID]},"code":{_json_str(row[CODE])},"name":{_json_str(name)},"kind":"{kind}",'
        f'"kind_label":{_json_str(_kind_labels()[kind])},"address":{_json_str(row[ADDRESS])},'
        f'"lat":{float(lat)!r},"lon":{float(lon)!r},"hours_text":{_json_str(row[HOURS_TEXT])},'
        f'"facilities":{_facility_json(row[MASK])},"star_level":{int(row[STAR])},'
        f'"rating":{"null" if rating is None else repr(float(rating))},'
        f'"directions_url":{_json_str(_directions_url_text(lat, lon, name))}'
    ).encode()


_json_str = encode_basestring


@lru_cache(maxsize=4096)
def _facility_json(mask: int) -> str:
    return json.dumps(list(_facility_codes(mask)), separators=(",", ":"))


# --- one station -----------------------------------------------------------------------


def station_get_public(*, station_id: Any) -> Station:
    """An active station, for anyone (worker pages, partner API)."""
    try:
        return Station.objects.public().select_related("union", "region").get(pk=int(station_id))
    except (Station.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def station_is_open(*, station: Station, at: dt.datetime | None = None) -> bool:
    return is_open(hours_compile(station.hours), (at or timezone.now()).astimezone(LOCAL_TZ))


def station_get_for_user(*, user: Any, station_id: Any, action: str = "view") -> Station:
    return jurisdiction.get_or_404(
        Station.objects.visible_to(user, action).select_related("union", "region"), pk=station_id
    )


def station_list_for_user(
    *, user: Any, q: str = "", kind: str = "", status: str = "", review: bool = False
) -> QuerySet[Station]:
    qs = Station.objects.visible_to(user).select_related("union", "region")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q) | Q(code=q.strip().upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if review:
        qs = qs.filter(review_flag=True)
    return qs.order_by("code")


def station_checkin_token(*, station: Station) -> str:
    """The signed token printed in the station's QR code (revoked by bumping `qr_nonce`)."""
    return signing.dumps({"s": station.pk, "n": station.qr_nonce}, salt=CHECKIN_SALT, compress=True)


def station_checkin_qr_svg(*, url: str, scale: int = 8) -> str:
    """The check-in QR code for `url` as a standalone SVG document (core.qr: namespace,
    viewBox, intrinsic size, white background and quiet zone), for an `<img>` and posters."""
    return qr_svg(url, scale=scale, dark="#000", title=str(_("签到二维码")))


def station_from_checkin_token(*, token: str) -> Station:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
        station = Station.objects.public().get(pk=int(data["s"]), qr_nonce=int(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Station.DoesNotExist) as exc:
        raise NotFound(_("二维码无效或已过期，请扫描站点现场张贴的最新二维码。"), code="checkin_token_invalid") from exc
    return station


def station_visits_by_day(*, station: Station, days: int = 30) -> list[tuple[dt.date, int]]:
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        StationVisit.objects.filter(station=station, at__gte=since)
        .annotate(day=TruncDate("at", tzinfo=LOCAL_TZ)).values("day").annotate(n=Count("id")).order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def station_visits_by_hour(*, station: Station, days: int = 30) -> list[int]:
    """Visits in each local hour of the day (24 counts) over the last `days` days."""
    since = timezone.now() - dt.timedelta(days=days)
    counts = [0] * 24
    rows = (
        StationVisit.objects.filter(station=station, at__gte=since)
        .annotate(hour=ExtractHour("at", tzinfo=LOCAL_TZ)).values("hour").annotate(n=Count("id"))
    )
    for row in rows:
        counts[int(row["hour"])] = row["n"]
    return counts


def station_service_totals(*, station: Station, days: int = 365) -> list[tuple[str, int]]:
    since = timezone.localdate() - dt.timedelta(days=days)
    labels = dict(ServiceRecord.Kind.choices)
    rows = (
        ServiceRecord.objects.filter(station=station, day__gte=since)
        .values("kind").annotate(total=Sum("count")).order_by("kind")
    )
    return [(str(labels[row["kind"]]), int(row["total"] or 0)) for row in rows]


def region_centres() -> list[dict[str, Any]]:
    """Districts that have active stations, with the centre of their stations: the fallback
    location when a worker refuses to share theirs. Kept with the nearby index, so it is
    computed once per change of stations, not on every page view."""
    derived = index_get().derived
    centres = derived.get("region_centres")
    if centres is None:
        centres = derived["region_centres"] = _region_centres()
    return list(centres)


def _region_centres() -> list[dict[str, Any]]:
    rows = (
        Station.objects.public().exclude(region=None).values("region_id")
        .annotate(lat=Avg("lat"), lon=Avg("lon"), n=Count("id")).order_by("region_id")
    )
    names = dict(
        Region.objects.filter(code__in=[r["region_id"] for r in rows]).values_list("code", "name")
    )
    parents = dict(Region.objects.filter(
            code__in={r["region_id"][:4] + "00" for r in rows}
        ).values_list("code", "name"))
    return [
        {
            "code": r["region_id"], "name": f"{parents.get(r['region_id'][:4] + '00', '')}{names.get(r['region_id'], '')}",
            "lat": round(r["lat"], 6), "lon": round(r["lon"], 6), "stations": r["n"],
        }
        for r in rows
    ]


# --- console lists -------------------------------------------------------------------------


def station_report_list_for_user(*, user: Any, status: str = "") -> QuerySet[StationReport]:
    qs = StationReport.objects.visible_to(user).select_related("station", "case")
    if status:
        qs = qs.filter(status=status)
    return qs


def station_report_get_for_user(*, user: Any, report_id: Any, action: str = "view") -> StationReport:
    return jurisdiction.get_or_404(StationReport.objects.visible_to(user, action).select_related("station__union"), pk=report_id)


def star_application_list_for_user(*, user: Any, status: str = "") -> QuerySet[StarApplication]:
    qs = StarApplication.objects.visible_to(user).select_related("station__union")
    if status:
        qs = qs.filter(status=status)
    return qs


def star_application_get_for_user(*, user: Any, application_id: Any, action: str = "view") -> StarApplication:
    return jurisdiction.get_or_404(
        StarApplication.objects.visible_to(user, action).select_related("station__union__parent", "sheet"),
        pk=application_id,
    )


def station_list_reassessment_due(*, user: Any, within_days: int = 30) -> QuerySet[Station]:
    """Starred stations whose rating expires within `within_days`: the re-assessment reminders."""
    limit = timezone.localdate() + dt.timedelta(days=within_days)
    return (
        Station.objects.visible_to(user).filter(star_level__gt=0, star_valid_until__lte=limit)
        .select_related("union").order_by("star_valid_until")
    )


def star_application_assessor_union(*, application: StarApplication) -> Any:
    """The union that assesses: the one above the station's operating union (None at the top)."""
    return application.station.union.parent


def star_application_can_assess(*, user: Any, application: StarApplication) -> bool:
    """Whether `user` is an assessor of this application: staff with `approve` on the union
    above the operating union (or further up). The applying union itself never assesses."""
    parent = star_application_assessor_union(application=application)
    return parent is not None and jurisdiction.has_action(user, "approve", parent.path)


def assessment_sheet_for(*, application: StarApplication) -> AssessmentSheet | None:
    return application.sheet or AssessmentSheet.objects.filter(is_default=True, is_active=True).first()


def union_choices_for_user(*, user: Any, action: str = "change") -> QuerySet[Any]:
    """Active unions the user may register stations under."""
    from gonghui.orgs.models import Union

    return Union.objects.visible_to(user, action).active().order_by("path")


def station_list_for_export(*, user: Any) -> QuerySet[Station]:
    return Station.objects.visible_to(user).order_by("code")


def station_photos(*, station: Station) -> QuerySet[Any]:
    return station.photos.filter(application=None)


def station_my_recent_visit(*, station: Station, user: Any, days: int = 30) -> StationVisit | None:
    if not getattr(user, "is_authenticated", False):
        return None
    since = timezone.now() - dt.timedelta(days=days)
    return StationVisit.objects.filter(station=station, user=user, at__gte=since).order_by("-at").first()


def region_get(*, code: str) -> Region:
    region = Region.objects.filter(pk=code, is_active=True).first()
    if region is None:
        raise NotFound(_("区划代码无效。"), code="region_not_found", field="region_code")
    return region
