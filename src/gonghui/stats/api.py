"""Statistics API: the registered figures and their values for any union the caller may
read (a province's system pulls its cities' figures with a token). Values come from the
nightly roll-ups, like the dashboard's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.core.jurisdiction import is_staff_user
from gonghui.orgs.models import Union

from . import selectors
from .forms import default_end
from .registry import figures
from .report import annual_report
from .schemas import (
    BreakdownOut,
    BreakdownRow,
    FigureOut,
    ReportParagraph,
    SeriesOut,
    SeriesPoint,
    StatsReportOut,
    UnionRef,
    ValueOut,
    ValuesOut,
)

router = Router(auth=session_or_token)


def _staff(request: HttpRequest) -> Any:
    if not is_staff_user(request.user):
        raise PermissionDenied()
    return request.user


def _union(request: HttpRequest, union_id: int | None) -> Union:
    user = _staff(request)
    if union_id is None:
        return selectors.stats_default_union(user=user)
    return selectors.stats_union_for_user(user=user, union_id=union_id)


def _period(start: dt.date | None, end: dt.date | None) -> selectors.Period:
    end = end or default_end()
    start = start or end.replace(month=1, day=1)
    return selectors.Period(start, end)


def _keys(keys: list[str] | None) -> list[str]:
    registry = figures()
    if not keys:
        return list(registry)
    unknown = [k for k in keys if k not in registry]
    if unknown:
        raise ValidationFailed(_("没有这个指标：%(keys)s") % {"keys": "、".join(unknown[:5])}, code="figure_unknown",
                               field="keys")
    return list(dict.fromkeys(keys))


def _ref(union: Union) -> UnionRef:
    return UnionRef(id=union.pk, name=union.name, path=union.path)


def _value(value: selectors.FigureValue) -> ValueOut:
    rate = value.figure.kind == "rate"
    return ValueOut(
        key=value.figure.key, value=value.number, raw=None if rate else value.value,
        numerator=value.numerator if rate else None, denominator=value.denominator if rate else None,
        dims=value.dims,
    )


@router.get("/figures", response=list[FigureOut], summary="指标口径")
def figure_list(request: HttpRequest) -> list[FigureOut]:
    _staff(request)
    return [
        FigureOut(key=f.key, label=str(f.label), unit=str(f.unit), kind=f.kind, definition=str(f.definition),
                  money=f.money, dimension=str(f.dimension),
                  dimension_choices={k: str(v) for k, v in f.dimension_choices},
                  numerator=f.numerator, denominator=f.denominator)
        for f in figures().values()
    ]


class ValuesQuery(Schema):
    union_id: int | None = Field(None, description="工会；不填为本人管辖的最高一级工会")
    start: dt.date | None = Field(None, description="开始日期；不填为结束日期所在年的 1 月 1 日")
    end: dt.date | None = Field(None, description="结束日期；不填为最近一次计算的日期")
    keys: list[str] = Field(default_factory=list, description="指标，可重复；不填为全部")


class SeriesQuery(ValuesQuery):
    granularity: str = Field("month", description="粒度：day、month 或 year")


@router.get("/values", response=ValuesOut, summary="统计期内的指标值")
def values(request: HttpRequest, q: Query[ValuesQuery]) -> ValuesOut:
    union = _union(request, q.union_id)
    period = _period(q.start, q.end)
    found = selectors.figure_values(union=union, period=period, keys=_keys(q.keys))
    return ValuesOut(union=_ref(union), start=period.start, end=period.end, as_of=selectors.last_computed_day(),
                     values=[_value(v) for v in found.values()])


@router.get("/series", response=SeriesOut, summary="趋势（按日、月、年）")
def series(request: HttpRequest, q: Query[SeriesQuery]) -> SeriesOut:
    union = _union(request, q.union_id)
    period = _period(q.start, q.end)
    points = selectors.figure_series(union=union, period=period, granularity=q.granularity, keys=_keys(q.keys))
    return SeriesOut(union=_ref(union), granularity=q.granularity, points=[
        SeriesPoint(start=p.start, end=p.end, values=[_value(v) for v in vals.values()]) for p, vals in points
    ])


@router.get("/breakdown", response=BreakdownOut, summary="按下级工会")
def breakdown(
    request: HttpRequest,
    key: str,
    union_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> BreakdownOut:
    union = _union(request, union_id)
    period = _period(start, end)
    key = _keys([key])[0]
    rows = selectors.figure_breakdown(union=union, period=period, key=key)
    return BreakdownOut(union=_ref(union), key=key, start=period.start, end=period.end,
                        rows=[BreakdownRow(union=_ref(u), value=_value(v)) for u, v in rows])


@router.get("/report", response=StatsReportOut, summary="年度统计报告")
def report(request: HttpRequest, year: int, union_id: int | None = None) -> StatsReportOut:
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("年度无效。"), code="year_invalid", field="year")
    union = _union(request, union_id)
    return StatsReportOut(union=_ref(union), year=year, paragraphs=[
        ReportParagraph(module=p.module, text=p.text) for p in annual_report(union=union, year=year)
    ])
