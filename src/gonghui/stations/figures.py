"""The stations module's key figures (see gonghui/stats/registry.py for the contract).

Stations count at the union that runs them; a station in service on a day is one opened by
that day and not closed now (the registry keeps no closing date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import Kind, ServiceRecord, Station, StationReport, StationVisit

STAR_CHOICES = tuple((str(n), _("%(n)d 星") % {"n": n}) for n in range(1, 6))


def _in_service(day: dt.date) -> QuerySet[Station]:
    _start, end = day_bounds(day)
    return Station.objects.filter(created_at__lt=end, status=Station.Status.ACTIVE)


def stations_total(day: dt.date) -> Iterable[Row]:
    return _in_service(day).values_list("union_id", "kind").annotate(n=Count("id")).order_by()


def stations_starred(day: dt.date) -> Iterable[Row]:
    qs = _in_service(day).filter(star_level__gt=0)
    return ((u, str(level), n) for u, level, n in qs.values_list("union_id", "star_level").annotate(n=Count("id")).order_by())


def stations_visits(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = StationVisit.objects.filter(at__gte=start, at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("station__union_id").annotate(n=Count("id")).order_by())


def stations_services(day: dt.date) -> Iterable[Row]:
    qs = ServiceRecord.objects.filter(day=day)
    return qs.values_list("station__union_id", "kind").annotate(n=Sum("count")).order_by()


def stations_reports(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = StationReport.objects.filter(created_at__gte=start, created_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("station__union_id").annotate(n=Count("id")).order_by())


FIGURES = (
    Figure(
        key="stations.total", phrase=_("建有服务站点 {value} 个"), label=_("服务站点"), unit=_("个"), kind="stock", compute=stations_total, headline=True,
        definition=_("当日日终在运行的服务站点个数（工会驿站、户外劳动者服务站点、哺乳室、司机之家等），按类型分类；计入主办工会。"),
        dimension=_("站点类型"), dimension_choices=tuple(Kind.choices), records_url="console:stations:list",
    ),
    Figure(
        key="stations.starred", phrase=_("其中星级站点 {value} 个"), label=_("星级站点"), unit=_("个"), kind="stock", compute=stations_starred,
        definition=_("当日日终在运行、且评定了星级的站点个数，按星级分类。"),
        dimension=_("星级"), dimension_choices=STAR_CHOICES, records_url="console:stations:list",
    ),
    Figure(
        key="stations.visits", phrase=_("职工到访 {value} 人次"), label=_("站点到访"), unit=_("人次"), compute=stations_visits, headline=True,
        definition=_("统计期内职工扫码签到到访站点的人次。"),
    ),
    Figure(
        key="stations.services", phrase=_("提供服务 {value} 人次"), label=_("站点服务"), unit=_("人次"), compute=stations_services,
        definition=_("统计期内站点登记的服务人次（爱心餐、健康体检、维修、法律咨询等），按服务类型分类。"),
        dimension=_("服务类型"), dimension_choices=tuple(ServiceRecord.Kind.choices),
    ),
    Figure(
        key="stations.reports", label=_("站点问题反馈"), unit=_("件"), compute=stations_reports,
        definition=_("统计期内职工对站点提出的问题反馈件数。"), records_url="console:stations:reports",
    ),
)
