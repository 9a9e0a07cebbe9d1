"""Writes for stations: registry, check-ins, ratings, problem reports, service counts,
star-rating applications and assessments, honours, Excel import.

Each function is one complete change in one transaction, with its audit record; every
change to what the nearby index holds calls `index_invalidate()`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.cases.models import OPEN_STATUSES as CASE_OPEN_STATUSES
from gonghui.cases.models import Category as CaseCategory
from gonghui.cases.models import Channel
from gonghui.cases.services import case_create
from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from gonghui.core.sequences import sequence_reserve
from gonghui.orgs.models import Region, Union

from .hours import hours_parse
from .index import index_invalidate
from .models import (
    AssessmentItem,
    AssessmentScore,
    AssessmentSheet,
    Facility,
    Kind,
    ServiceRecord,
    StarApplication,
    StarApplicationEvent,
    Station,
    StationHonour,
    StationPhoto,
    StationRating,
    StationReport,
    StationVisit,
    facilities_to_mask,
)
from .selectors import parse_coordinates, star_application_can_assess, station_from_checkin_token

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def _require(actor: Any, action: str, union: Union) -> None:
    if not jurisdiction.has_action(actor, action, union.path):
        raise PermissionDenied()


def _clean_text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("此项为必填项。"), code=f"{field}_required", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            _("内容过长（最多 %(n)s 字）。") % {"n": max_length}, code=f"{field}_too_long", field=field
        )
    return value


@dataclass(frozen=True)
class StationData:
    """The editable fields of a station, validated."""

    name: str
    kind: str
    address: str
    lat: float
    lon: float
    facilities: int
    hours_text: str
    hours: dict[str, Any]
    phone: str
    description: str
    region: Region | None


def station_data_validate(
    *,
    name: str,
    kind: str,
    address: str,
    lat: Any,
    lon: Any,
    facilities: list[str],
    hours_text: str,
    phone: str = "",
    description: str = "",
    region: Region | None = None,
) -> StationData:
    """Validate station fields without writing (used by create, update and the importer)."""
    name = _clean_text(name, field="name", max_length=100, required=True)
    address = _clean_text(address, field="address", max_length=200, required=True)
    if kind not in Kind.values:
        raise ValidationFailed(_("站点类型无效。"), code="kind_invalid", field="kind")
    lat_f, lon_f = parse_coordinates(lat, lon)
    unknown = [c for c in facilities if c not in Facility.values]
    if unknown:
        raise ValidationFailed(_("设施类型无效。"), code="facility_invalid", field="facilities")
    hours_text = _clean_text(hours_text, field="hours_text", max_length=300) or "24小时"
    hours = hours_parse(hours_text)
    return StationData(
        name=name, kind=kind, address=address, lat=lat_f, lon=lon_f,
        facilities=facilities_to_mask(facilities), hours_text=hours_text, hours=hours,
        phone=_clean_text(phone, field="phone", max_length=30),
        description=_clean_text(description, field="description", max_length=2000), region=region,
    )


def _station_code(count: int = 1) -> list[str]:
    return [f"ZD{n:07d}" for n in sequence_reserve("stations.station", count)]


def station_create(*, actor: Any, union: Union, data: StationData) -> Station:
    """Register a station run by `union` (the actor needs "change" on that union)."""
    _require(actor, "change", union)
    if union.status != Union.Status.ACTIVE:
        raise Conflict(_("运营工会已撤销。"), code="union_dissolved", field="union")
    with transaction.atomic():
        station = Station(code=_station_code()[0], union=union, **_data_fields(data))
        station.save()
        audit_record(actor=actor, action="station.create", target=station)
        index_invalidate()
    return station


def _data_fields(data: StationData) -> dict[str, Any]:
    return {
        "name": data.name, "kind": data.kind, "address": data.address, "lat": data.lat, "lon": data.lon,
        "facilities": data.facilities, "hours_text": data.hours_text, "hours": data.hours,
        "phone": data.phone, "description": data.description, "region": data.region,
    }


def station_update(*, actor: Any, station: Station, data: StationData) -> Station:
    _require(actor, "change", station.union)
    with transaction.atomic():
        fields = _data_fields(data)
        changed = [name for name, value in fields.items() if getattr(station, name) != value]
        for name, value in fields.items():
            setattr(station, name, value)
        station.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="station.update", target=station, data={"fields": changed})
        index_invalidate()
    return station


def station_set_status(*, actor: Any, station: Station, status: str, reason: str = "") -> Station:
    _require(actor, "change", station.union)
    if status not in Station.Status.values:
        raise ValidationFailed(_("状态无效。"), code="status_invalid", field="status")
    with transaction.atomic():
        previous = station.status
        station.status = status
        station.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="station.status", target=station, reason=reason,
                     data={"from": previous, "to": status})
        index_invalidate()
    return station


def station_qr_rotate(*, actor: Any, station: Station) -> Station:
    """Invalidate the printed QR code (e.g. after it was copied) and issue a new one."""
    _require(actor, "change", station.union)
    with transaction.atomic():
        Station.objects.filter(pk=station.pk).update(qr_nonce=F("qr_nonce") + 1)
        station.refresh_from_db(fields=["qr_nonce"])
        audit_record(actor=actor, action="station.qr_rotate", target=station)
    return station


def station_photo_add(
    *, actor: Any, station: Station, image: UploadedFile, caption: str = "",
    application: StarApplication | None = None,
) -> StationPhoto:
    _require(actor, "change", station.union)
    if image.size is None or image.size > PHOTO_MAX_BYTES:
        raise ValidationFailed(_("照片不能超过 5 MB。"), code="photo_too_large", field="image")
    if (image.content_type or "") not in PHOTO_TYPES:
        raise ValidationFailed(_("请上传 JPG、PNG 或 WebP 格式的照片。"), code="photo_type", field="image")
    with transaction.atomic():
        photo = StationPhoto(
            station=station, application=application, uid=uuid.uuid4().hex, image=image,
            caption=_clean_text(caption, field="caption", max_length=100), uploaded_by=actor,
        )
        try:
            photo.full_clean(exclude=["uploaded_by", "application"])
        except DjangoValidationError as exc:
            raise ValidationFailed(_("无法识别的图片文件。"), code="photo_invalid", field="image") from exc
        photo.save()
        audit_record(actor=actor, action="station.photo_add", target=station)
    return photo


# --- workers: check-in, rating, problem report ------------------------------------------------


def station_checkin(*, user: Any, token: str, at: dt.datetime | None = None) -> tuple[StationVisit, bool]:
    """Count a visit from the station's QR code. Within an hour of the worker's last visit to
    the same station nothing is counted; returns (visit, counted)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"), code="login_required")
    station = station_from_checkin_token(token=token)
    now = at or timezone.now()
    bucket = now.replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        recent = (
            StationVisit.objects.filter(station=station, user=user, at__gt=now - dt.timedelta(hours=1), at__lte=now)
            .order_by("-at").first()
        )
        if recent is not None:
            return recent, False
        try:
            with transaction.atomic():
                visit = StationVisit.objects.create(station=station, user=user, at=now, hour_bucket=bucket)
        except IntegrityError:
            # A concurrent scan in the same clock hour won the race.
            existing = StationVisit.objects.get(station=station, user=user, hour_bucket=bucket)
            return existing, False
        Station.objects.filter(pk=station.pk).update(visit_count=F("visit_count") + 1)
    return visit, True


def _review_evaluate(station: Station) -> None:
    """Flag a station for review when its ratings or complaints cross the thresholds."""
    min_ratings = int(getattr(settings, "STATIONS_REVIEW_MIN_RATINGS", 5))
    min_avg = float(getattr(settings, "STATIONS_REVIEW_MIN_AVERAGE", 3.0))
    max_reports = int(getattr(settings, "STATIONS_REVIEW_MAX_OPEN_REPORTS", 3))
    station.refresh_from_db(fields=["rating_sum", "rating_count", "review_flag", "review_reason"])
    reasons = []
    if station.rating_count >= min_ratings and station.rating_sum / station.rating_count < min_avg:
        reasons.append(str(_("平均评分低于 %(avg)s 分") % {"avg": min_avg}))
    since = timezone.now() - dt.timedelta(days=90)
    # Open: not handled at the station, and not yet resolved as a case.
    open_reports = StationReport.objects.filter(station=station, created_at__gte=since).filter(
        Q(status=StationReport.Status.OPEN)
        | Q(status=StationReport.Status.FORWARDED, case__status__in=CASE_OPEN_STATUSES)
    ).count()
    if open_reports >= max_reports:
        reasons.append(str(_("90 天内待处理问题反映达到 %(n)s 条") % {"n": open_reports}))
    if reasons and not station.review_flag:
        station.review_flag = True
        station.review_reason = "；".join(reasons)[:200]
        station.save(update_fields=["review_flag", "review_reason"])
        audit_record(actor=None, action="station.review_flag", target=station, reason=station.review_reason)


def station_rate(*, user: Any, station: Station, stars: int, comment: str = "") -> StationRating:
    """Rate a station the worker checked in at within the last 30 days (re-rating replaces)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"), code="login_required")
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed(_("评分应为 1 到 5 星。"), code="stars_out_of_range", field="stars")
    comment = _clean_text(comment, field="comment", max_length=300)
    since = timezone.now() - dt.timedelta(days=30)
    if not StationVisit.objects.filter(station=station, user=user, at__gte=since).exists():
        raise Conflict(_("请先在站点扫码签到，再进行评价。"), code="visit_required")
    with transaction.atomic():
        rating = StationRating.objects.select_for_update().filter(station=station, user=user).first()
        if rating is None:
            rating = StationRating.objects.create(station=station, user=user, stars=stars, comment=comment)
            Station.objects.filter(pk=station.pk).update(
                rating_sum=F("rating_sum") + stars, rating_count=F("rating_count") + 1
            )
        else:
            delta = stars - rating.stars
            rating.stars, rating.comment = stars, comment
            rating.save(update_fields=["stars", "comment", "updated_at"])
            Station.objects.filter(pk=station.pk).update(rating_sum=F("rating_sum") + delta)
        _review_evaluate(station)
        index_invalidate()
    return rating


def station_report_submit(*, user: Any, station: Station, category: str, text: str) -> StationReport:
    """Store a worker's problem report and file it as a 12351 case (站点服务) for the union
    that operates the station: the worker follows it in 我的诉求, the union handles it in the
    case console with its deadlines, and the case engine notifies the worker."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"), code="login_required")
    if category not in StationReport.Category.values:
        raise ValidationFailed(_("问题类型无效。"), code="category_invalid", field="category")
    text = _clean_text(text, field="text", max_length=1000, required=True)
    label = StationReport.Category(category).label
    description = gettext("【站点问题】%(station)s（%(code)s）· %(category)s：%(text)s") % {
        "station": station.name, "code": station.code, "category": label, "text": text,
    }
    # The operating union takes it; if that union was dissolved, the usual routing by place.
    union = station.union if station.union.status == Union.Status.ACTIVE else None
    with transaction.atomic():
        case = case_create(
            channel=Channel.APP, category=CaseCategory.STATION, description=description, reporter_user=user,
            region=station.region, place=(station.address or station.name)[:200], union=union, created_by=user,
        )
        report = StationReport.objects.create(
            station=station, user=user, category=category, text=text, case=case,
            status=StationReport.Status.FORWARDED,
        )
        audit_record(actor=user, action="station.report", target=station, data={"report": report.pk, "case": case.number})
        _review_evaluate(station)
    return report


def station_report_resolve(*, actor: Any, report: StationReport, resolution: str) -> StationReport:
    """Close a report handled at the station (one that has no case: older reports)."""
    _require(actor, "change", report.station.union)
    if report.case is not None:
        raise Conflict(
            _("该问题已转为诉求 %(number)s，请在诉求办理中处理。") % {"number": report.case.number},
            code="report_is_case",
        )
    if report.status == StationReport.Status.RESOLVED:
        raise Conflict(_("该问题已处理。"), code="report_resolved")
    resolution = _clean_text(resolution, field="resolution", max_length=500, required=True)
    with transaction.atomic():
        report.status = StationReport.Status.RESOLVED
        report.resolution = resolution
        report.save(update_fields=["status", "resolution"])
        audit_record(actor=actor, action="station.report_resolve", target=report)
    return report


def station_review_clear(*, actor: Any, station: Station, note: str) -> Station:
    _require(actor, "approve", station.union)
    note = _clean_text(note, field="note", max_length=200, required=True)
    with transaction.atomic():
        station.review_flag = False
        station.review_reason = ""
        station.save(update_fields=["review_flag", "review_reason"])
        audit_record(actor=actor, action="station.review_clear", target=station, reason=note)
    return station


def service_record_add(
    *, actor: Any, station: Station, day: dt.date, kind: str, count: int, note: str = ""
) -> ServiceRecord:
    """Record services given on a day as a count (爱心餐, 体检, 维修…)."""
    _require(actor, "change", station.union)
    if kind not in ServiceRecord.Kind.values:
        raise ValidationFailed(_("服务类型无效。"), code="service_kind_invalid", field="kind")
    if not isinstance(count, int) or not 1 <= count <= 100000:
        raise ValidationFailed(_("人次应为 1 到 100000 之间的整数。"), code="count_invalid", field="count")
    if day > timezone.localdate():
        raise ValidationFailed(_("日期不能晚于今天。"), code="day_in_future", field="day")
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            station=station, day=day, kind=kind, count=count,
            note=_clean_text(note, field="note", max_length=200), recorded_by=actor,
        )
        audit_record(actor=actor, action="station.service_record", target=station, data={"kind": kind, "count": count})
    return record


# --- star rating -----------------------------------------------------------------------------

DEFAULT_SHEET: list[tuple[str, str, int]] = [
    ("组织实施", "有运营工会和负责人，制度上墙，台账齐全", 15),
    ("现场管理", "标识醒目，环境整洁，开放时间与公示一致", 20),
    ("人员配备", "有专（兼）职管理员，服务规范", 15),
    ("安全保障", "消防、用电、食品安全措施到位，药箱物品在有效期内", 15),
    ("服务内容", "饮水、热饭、充电、如厕、休息等基本功能齐全，有特色服务", 20),
    ("群众评价", "职工评分与问题反映处理情况", 15),
]
DEFAULT_THRESHOLDS = [60, 70, 80, 90, 95]


def assessment_sheet_default() -> AssessmentSheet:
    """The default scoring sheet (组织实施, 现场管理, 人员配备, 安全保障, 服务内容, 群众评价)."""
    with transaction.atomic():
        sheet = AssessmentSheet.objects.filter(is_default=True, is_active=True).first()
        if sheet is None:
            sheet = AssessmentSheet.objects.create(
                name=str(_("工会驿站星级考评表（默认）")), is_default=True, thresholds=DEFAULT_THRESHOLDS
            )
            AssessmentItem.objects.bulk_create(
                AssessmentItem(sheet=sheet, section=section, title=title, weight=weight, order=i)
                for i, (section, title, weight) in enumerate(DEFAULT_SHEET)
            )
    return sheet


def star_application_submit(
    *, actor: Any, station: Station, requested_level: int, statement: str = "", is_reassessment: bool = False
) -> StarApplication:
    """申报评定: the operator applies; the next union up will assess."""
    _require(actor, "change", station.union)
    if not isinstance(requested_level, int) or not 1 <= requested_level <= 5:
        raise ValidationFailed(_("申报星级应为 1 到 5 星。"), code="level_out_of_range", field="requested_level")
    if station.status != Station.Status.ACTIVE:
        raise Conflict(_("站点未在运营，不能申报星级。"), code="station_not_active")
    if station.union.parent_id is None:
        raise Conflict(_("该站点的运营工会没有上级工会，无法考评。"), code="no_assessing_union")
    statement = _clean_text(statement, field="statement", max_length=2000)
    with transaction.atomic():
        if StarApplication.objects.filter(station=station, status__in=["submitted", "assessing"]).exists():
            raise Conflict(_("该站点已有进行中的星级申报。"), code="application_open")
        application = StarApplication.objects.create(
            station=station, requested_level=requested_level, statement=statement, applicant=actor,
            is_reassessment=is_reassessment, sheet=assessment_sheet_default(),
        )
        StarApplicationEvent.objects.create(application=application, to_status=application.status, by=actor)
        audit_record(actor=actor, action="star_application.submit", target=application)
    return application


def _require_assessor(actor: Any, application: StarApplication) -> None:
    """Only the union above the operating union (or further up) assesses."""
    if not star_application_can_assess(user=actor, application=application):
        raise PermissionDenied(_("星级考评由上级工会进行。"), code="assessor_required")


def star_application_transition(
    *, application: StarApplication, to: str, by: Any, note: str = ""
) -> StarApplication:
    """The one place a star application changes status: checks the edge, writes the timeline."""
    if to not in StarApplication.Status.values:
        raise ValidationFailed(_("状态无效。"), code="status_invalid")
    if to not in StarApplication.EDGES[application.status]:
        raise Conflict(code="transition_not_allowed")
    if to == StarApplication.Status.WITHDRAWN:
        _require(by, "change", application.station.union)
    else:
        _require_assessor(by, application)
    with transaction.atomic():
        locked = StarApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status != application.status:
            raise Conflict(code="transition_not_allowed")
        StarApplicationEvent.objects.create(
            application=application, from_status=application.status, to_status=to, by=by, note=note[:500]
        )
        application.status = to
        fields = ["status"]
        if to in (StarApplication.Status.RATED, StarApplication.Status.REJECTED):
            application.decided_at = timezone.now()
            fields.append("decided_at")
        if to == StarApplication.Status.ASSESSING:
            application.assessor = by
            fields.append("assessor")
        application.save(update_fields=fields)
        audit_record(actor=by, action=f"star_application.{to}", target=application, reason=note)
    return application


def star_level_for(score: int, thresholds: list[int]) -> int:
    level = 0
    for i, minimum in enumerate(thresholds[:5], start=1):
        if score >= minimum:
            level = i
    return level


def star_application_assess(
    *, actor: Any, application: StarApplication, scores: dict[int, int], notes: dict[int, str] | None = None,
    conclusion: str = "", on: dt.date | None = None,
) -> StarApplication:
    """考评考核: score every item of the sheet; the total gives the level (capped at the level
    applied for). Below one star the application is rejected. The level is valid for
    `STATIONS_STAR_VALIDITY_DAYS` (a year): then it needs re-assessment."""
    _require_assessor(actor, application)
    if application.status == StarApplication.Status.SUBMITTED:
        star_application_transition(application=application, to=StarApplication.Status.ASSESSING, by=actor)
    if application.status != StarApplication.Status.ASSESSING:
        raise Conflict(code="transition_not_allowed")
    sheet = application.sheet or assessment_sheet_default()
    items = list(sheet.items.all())
    notes = notes or {}
    missing = [item for item in items if item.pk not in scores]
    if missing:
        raise ValidationFailed(
            _("请为每一项打分：%(item)s") % {"item": missing[0].title}, code="score_missing", field=f"score_{missing[0].pk}"
        )
    extra = set(scores) - {item.pk for item in items}
    if extra:
        raise ValidationFailed(_("存在不属于考评表的评分项。"), code="score_item_invalid")
    for item in items:
        value = scores[item.pk]
        if not isinstance(value, int) or not 0 <= value <= item.weight:
            raise ValidationFailed(
                _("“%(item)s”得分应在 0 到 %(max)s 之间。") % {"item": item.title, "max": item.weight},
                code="score_out_of_range", field=f"score_{item.pk}",
            )
    raw_total = sum(scores[item.pk] for item in items)
    max_total = sum(item.weight for item in items) or 100
    total = round(raw_total * 100 / max_total)
    level = min(star_level_for(total, list(sheet.thresholds or DEFAULT_THRESHOLDS)), application.requested_level)
    today = on or timezone.localdate()
    validity = int(getattr(settings, "STATIONS_STAR_VALIDITY_DAYS", 365))
    with transaction.atomic():
        AssessmentScore.objects.filter(application=application).delete()
        AssessmentScore.objects.bulk_create(
            AssessmentScore(application=application, item=item, score=scores[item.pk], note=notes.get(item.pk, "")[:200])
            for item in items
        )
        application.total_score = total
        application.conclusion = _clean_text(conclusion, field="conclusion", max_length=500)
        if level >= 1:
            application.awarded_level = level
            application.valid_until = today + dt.timedelta(days=validity)
        application.save(update_fields=["total_score", "conclusion", "awarded_level", "valid_until"])
        to = StarApplication.Status.RATED if level >= 1 else StarApplication.Status.REJECTED
        star_application_transition(application=application, to=to, by=actor, note=application.conclusion)
        station = application.station
        if level >= 1:
            station.star_level = level
            station.star_valid_until = application.valid_until
            station.save(update_fields=["star_level", "star_valid_until", "updated_at"])
        audit_record(actor=actor, action="station.star_level", target=station,
                     data={"level": level, "total": total, "application": application.pk})
        index_invalidate()
    return application


def star_validity_sweep(*, today: dt.date | None = None) -> int:
    """Drop star levels whose validity has passed (run daily); returns how many expired."""
    today = today or timezone.localdate()
    with transaction.atomic():
        expired = list(Station.objects.select_for_update().filter(star_level__gt=0, star_valid_until__lt=today))
        for station in expired:
            audit_record(actor=None, action="station.star_expired", target=station,
                         data={"level": station.star_level, "valid_until": str(station.star_valid_until)})
            station.star_level = 0
            station.save(update_fields=["star_level", "updated_at"])
        if expired:
            index_invalidate()
    return len(expired)


def star_reassessment_remind(*, today: dt.date | None = None) -> int:
    """Remind staff to re-assess starred stations whose level expires within
    `STATIONS_REASSESS_REMIND_DAYS` (30) days (run daily). The operating union's staff (to
    apply) and the assessing union's staff (the parent, who rates) each get one reminder per
    rating in 我的提醒. Returns how many stations were reminded about."""
    from django.urls import reverse

    from gonghui.accounts.models import RoleGrant
    from gonghui.cases.services import staff_reminder_send

    today = today or timezone.localdate()
    limit = today + dt.timedelta(days=int(getattr(settings, "STATIONS_REASSESS_REMIND_DAYS", 30)))
    staff_roles = [RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF]
    operator_roles = [*staff_roles, RoleGrant.Role.STATION]
    reminded = 0
    with transaction.atomic():
        due = (
            Station.objects.select_for_update().filter(
                status=Station.Status.ACTIVE, star_level__gt=0, star_valid_until__gte=today, star_valid_until__lte=limit
            ).exclude(star_reminded_for=F("star_valid_until"))
            .select_related("union")
        )
        for station in due:
            assert station.star_valid_until is not None
            grants = Q(union_id=station.union_id, role__in=operator_roles)
            if station.union.parent_id:
                grants |= Q(union_id=station.union.parent_id, role__in=staff_roles)
            user_ids = RoleGrant.objects.filter(grants).values_list("user_id", flat=True)
            text = gettext("%(station)s 的 %(level)s 星级将于 %(date)s 到期，请及时申请复评。") % {
                "station": station.name, "level": station.star_level, "date": station.star_valid_until.isoformat(),
            }
            staff_reminder_send(
                user_ids=user_ids, text=text, link=reverse("console:stations:detail", args=[station.pk])
            )
            station.star_reminded_for = station.star_valid_until
            station.save(update_fields=["star_reminded_for"])
            audit_record(actor=None, action="station.star_reassess_reminded", target=station,
                         data={"valid_until": str(station.star_valid_until)})
            reminded += 1
    return reminded


def station_honour_record(
    *, actor: Any, station: Station, title: str, level: str, year: int, awarded_by: str = ""
) -> StationHonour:
    """Record an honour (最美驿站 …); city honours by the station's own union or above,
    provincial and national ones by staff with "approve"."""
    _require(actor, "approve" if level != StationHonour.Level.CITY else "change", station.union)
    title = _clean_text(title, field="title", max_length=100, required=True)
    if level not in StationHonour.Level.values:
        raise ValidationFailed(_("荣誉级别无效。"), code="honour_level_invalid", field="level")
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year:
        raise ValidationFailed(_("年度无效。"), code="year_invalid", field="year")
    with transaction.atomic():
        if StationHonour.objects.filter(station=station, title=title, year=year).exists():
            raise Conflict(_("该荣誉已登记。"), code="honour_exists")
        honour = StationHonour.objects.create(
            station=station, title=title, level=level, year=year,
            awarded_by=_clean_text(awarded_by, field="awarded_by", max_length=100), recorded_by=actor,
        )
        audit_record(actor=actor, action="station.honour", target=station, data={"title": title, "year": year})
    return honour


# --- Excel import ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def station_import(*, actor: Any, union: Union, rows: list[dict[str, Any]]) -> ImportResult:
    """Import stations parsed from a sheet (see `stations.excel`). All or nothing: if any row
    is invalid nothing is written and every bad row is reported with its number."""
    _require(actor, "change", union)
    result = ImportResult()
    prepared: list[tuple[Station | None, StationData]] = []
    codes = [str(r.get("code") or "").strip().upper() for r in rows]
    existing = {
        s.code: s
        for s in Station.objects.visible_to(actor, "change").filter(code__in=[c for c in codes if c])
    }
    regions = dict(Region.objects.filter(code__in={str(r.get("region") or "") for r in rows}).values_list("code", "pk"))
    for number, (row, code) in enumerate(zip(rows, codes, strict=True), start=2):
        try:
            if code and code not in existing:
                raise ValidationFailed(_("站点编码 %(code)s 不存在或不在您的管辖范围内。") % {"code": code}, code="code_unknown")
            region_code = str(row.get("region") or "").strip()
            if region_code and region_code not in regions:
                raise ValidationFailed(_("区划代码 %(code)s 无效。") % {"code": region_code}, code="region_invalid")
            data = station_data_validate(
                name=str(row.get("name") or ""), kind=str(row.get("kind") or ""),
                address=str(row.get("address") or ""), lat=row.get("lat"), lon=row.get("lon"),
                facilities=list(row.get("facilities") or []), hours_text=str(row.get("hours_text") or ""),
                phone=str(row.get("phone") or ""),
                region=Region.objects.get(pk=region_code) if region_code else None,
            )
            prepared.append((existing.get(code) if code else None, data))
        except DomainError as exc:
            result.errors.append((number, str(exc.message)))
    if result.errors:
        return result
    if not prepared:
        raise ValidationFailed(_("表格中没有站点数据。"), code="import_empty")
    with transaction.atomic():
        new_codes = iter(_station_code(sum(1 for s, _d in prepared if s is None)))
        for station, data in prepared:
            if station is None:
                Station(code=next(new_codes), union=union, **_data_fields(data)).save()
                result.created += 1
            else:
                for name, value in _data_fields(data).items():
                    setattr(station, name, value)
                station.save()
                result.updated += 1
        audit_record(actor=actor, action="station.import", target=union,
                     data={"created": result.created, "updated": result.updated})
        index_invalidate()
    return result
