"""Request and response shapes for the stations API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class NearbyOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    address: str
    lat: float
    lon: float
    distance_km: float = Field(description="大圆（球面直线）距离，公里")
    walk_minutes: int = Field(description="估算步行时间：直线距离 × 1.25 ÷ 5 km/h")
    hours_text: str
    is_open: bool
    facilities: list[str]
    star_level: int
    rating: float | None
    directions_url: str = Field(description="在手机地图 App 中打开步行导航")


class RegionCentreOut(Schema):
    code: str
    name: str
    lat: float
    lon: float
    stations: int


class StationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    union_name: str
    address: str
    region_code: str | None
    lat: float
    lon: float
    facilities: list[str]
    hours_text: str
    is_open: bool
    phone: str
    description: str
    star_level: int
    star_valid_until: dt.date | None
    rating: float | None
    rating_count: int
    directions_url: str
    photos: list[str]


class StaffStationOut(StationOut):
    status: str
    union_id: int
    visit_count: int
    review_flag: bool
    review_reason: str


class StationIn(Schema):
    union_id: int
    name: str = Field(max_length=100)
    kind: str = Field(max_length=12)
    address: str = Field(max_length=200)
    lat: float
    lon: float
    facilities: list[str] = Field(default_factory=list, max_length=20)
    hours_text: str = Field(default="24小时", max_length=300)
    phone: str = Field(default="", max_length=30)
    description: str = Field(default="", max_length=2000)
    region_code: str | None = Field(default=None, max_length=6)


class CheckinIn(Schema):
    token: str = Field(max_length=500)


class CheckinOut(Schema):
    counted: bool
    station_id: int
    station_name: str
    visited_at: dt.datetime


class RatingIn(Schema):
    stars: int
    comment: str = Field(default="", max_length=300)


class RatingOut(Schema):
    station_id: int
    stars: int
    rating: float | None
    rating_count: int


class ReportIn(Schema):
    category: str = Field(max_length=10)
    text: str = Field(max_length=1000)


class ReportOut(Schema):
    id: int
    station_id: int
    category: str
    status: str
    created_at: dt.datetime
    case_id: int | None = Field(None, description="登记的诉求（12351）id，职工本人可在 /api/v1/cases/mine/{case_id} 查看")
    case_number: str | None = Field(None, description="诉求编号")

    @staticmethod
    def resolve_case_number(obj: Any) -> str | None:
        return obj.case.number if obj.case_id else None


class VisitStatsOut(Schema):
    station_id: int
    by_day: list[tuple[dt.date, int]]
    by_hour: list[int]


class ServiceRecordIn(Schema):
    day: dt.date
    kind: str = Field(max_length=10)
    count: int
    note: str = Field(default="", max_length=200)


class ServiceRecordOut(Schema):
    id: int
    day: dt.date
    kind: str
    count: int


class StarApplicationIn(Schema):
    requested_level: int
    statement: str = Field(default="", max_length=2000)


class StarAssessIn(Schema):
    scores: dict[int, int]
    notes: dict[int, str] = Field(default_factory=dict)
    conclusion: str = Field(default="", max_length=500)


class StarApplicationOut(Schema):
    id: int
    station_id: int
    requested_level: int
    status: str
    total_score: int | None
    awarded_level: int | None
    valid_until: dt.date | None
