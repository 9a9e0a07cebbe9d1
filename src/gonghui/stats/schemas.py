from __future__ import annotations

import datetime as dt

from ninja import Schema


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    kind: str  # flow / stock / rate
    definition: str
    money: bool
    dimension: str
    dimension_choices: dict[str, str]
    numerator: str
    denominator: str


class ValueOut(Schema):
    key: str
    value: float | None  # in display units: 元 for money, percent for a rate; null = no data
    raw: int | None  # stored integer (fen for money); null for a rate
    numerator: int | None = None
    denominator: int | None = None
    dims: dict[str, int] = {}


class UnionRef(Schema):
    id: int
    name: str
    path: str


class ValuesOut(Schema):
    union: UnionRef
    start: dt.date
    end: dt.date
    as_of: dt.date | None
    values: list[ValueOut]


class SeriesPoint(Schema):
    start: dt.date
    end: dt.date
    values: list[ValueOut]


class SeriesOut(Schema):
    union: UnionRef
    granularity: str
    points: list[SeriesPoint]


class BreakdownRow(Schema):
    union: UnionRef
    value: ValueOut


class BreakdownOut(Schema):
    union: UnionRef
    key: str
    start: dt.date
    end: dt.date
    rows: list[BreakdownRow]


class ReportParagraph(Schema):
    module: str
    text: str


class StatsReportOut(Schema):
    union: UnionRef
    year: int
    paragraphs: list[ReportParagraph]
