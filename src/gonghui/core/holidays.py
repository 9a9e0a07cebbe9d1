"""The holiday table: each year's 放假 and 调休 days as published by the State Council,
entered in the admin or imported (`manage.py holidays_import`).

`core.workdays` asks this table first and the chinese-calendar package second. The table is
read once per year and kept in process memory for `HOLIDAY_TABLE_TTL` seconds; a write in this
process clears it at once, other processes see it when their copy expires.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

HOLIDAY_TABLE_TTL = 300.0


@dataclass(frozen=True)
class YearTable:
    """A year the table knows: its days off and its working weekend days."""

    off: frozenset[dt.date]
    work: frozenset[dt.date]


@dataclass(frozen=True)
class DayIn:
    date: dt.date
    kind: str
    name: str = ""


_lock = threading.Lock()
_loaded_at = 0.0
_years: dict[int, YearTable] = {}


def holiday_table_clear() -> None:
    """Forget the cached table (after a write, and between tests)."""
    global _loaded_at
    with _lock:
        _loaded_at = 0.0
        _years.clear()


def _tables() -> dict[int, YearTable]:
    global _loaded_at
    now = time.monotonic()
    with _lock:
        if _loaded_at and now - _loaded_at < HOLIDAY_TABLE_TTL:
            return _years
    from .models import HolidayDay, HolidayYear

    years: dict[int, tuple[set[dt.date], set[dt.date]]] = {
        y: (set(), set()) for y in HolidayYear.objects.values_list("year", flat=True)
    }
    for year, day, kind in HolidayDay.objects.values_list("calendar__year", "date", "kind"):
        (years[year][0] if kind == HolidayDay.Kind.OFF else years[year][1]).add(day)
    fresh = {y: YearTable(frozenset(off), frozenset(work)) for y, (off, work) in years.items()}
    with _lock:
        _years.clear()
        _years.update(fresh)
        _loaded_at = now
        return _years


def holiday_table_for(year: int) -> YearTable | None:
    """The entered arrangement of `year`, or None when nobody has entered it."""
    return _tables().get(year)


def holiday_table_years() -> set[int]:
    return set(_tables())


def _parse_date(value: Any, *, year: int, row: int) -> dt.date:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(
            _("第 %(row)s 行的日期“%(value)s”无效，应为 YYYY-MM-DD。") % {"row": row, "value": value},
            code="holiday_date_invalid", field="date",
        ) from exc
    if day.year != year:
        raise ValidationFailed(
            _("第 %(row)s 行的日期 %(date)s 不在 %(year)s 年。") % {"row": row, "date": day.isoformat(), "year": year},
            code="holiday_date_year", field="date",
        )
    return day


_KIND_ALIASES = {"off": "off", "放假": "off", "休": "off", "work": "work", "调休上班": "work", "上班": "work", "班": "work"}


def holiday_days_parse(rows: Iterable[Mapping[str, Any]], *, year: int) -> list[DayIn]:
    """Rows of {date, kind, name} (kind: off/放假 or work/调休上班) checked against `year`."""
    days: list[DayIn] = []
    seen: set[dt.date] = set()
    for number, row in enumerate(rows, start=1):
        day = _parse_date(row.get("date", ""), year=year, row=number)
        kind = _KIND_ALIASES.get(str(row.get("kind", "")).strip().lower())
        if kind is None:
            raise ValidationFailed(
                _("第 %(row)s 行的类型“%(value)s”无效：应为 off（放假）或 work（调休上班）。") % {
                    "row": number, "value": row.get("kind", "")},
                code="holiday_kind_invalid", field="kind",
            )
        if day in seen:
            raise ValidationFailed(
                _("日期 %(date)s 出现了两次。") % {"date": day.isoformat()}, code="holiday_date_duplicate", field="date"
            )
        if kind == "work" and day.weekday() < 5:
            raise ValidationFailed(
                _("%(date)s 是工作日，不需要登记为调休上班。") % {"date": day.isoformat()},
                code="holiday_work_on_weekday", field="date",
            )
        seen.add(day)
        days.append(DayIn(date=day, kind=kind, name=str(row.get("name", "") or "").strip()[:30]))
    return days


def holiday_file_parse(content: bytes, *, filename: str) -> dict[str, Any]:
    """A JSON file {"year", "source", "source_url"?, "days": [{date, kind, name}]} or a CSV file
    with columns date,kind,name (year and source then come from the command line)."""
    text = content.decode("utf-8-sig")
    if filename.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(_("文件不是有效的 JSON：%(error)s") % {"error": exc}, code="holiday_file_invalid") from exc
        if not isinstance(data, dict) or not isinstance(data.get("days"), list):
            raise ValidationFailed(_("JSON 文件应包含 year、source 和 days。"), code="holiday_file_invalid")
        return data
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"date", "kind"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationFailed(_("CSV 文件的表头应为 date,kind,name。"), code="holiday_file_invalid")
    return {"days": [{k.strip(): v for k, v in row.items() if k} for row in reader]}


def holiday_year_replace(
    *, year: int, source: str, days: Iterable[Mapping[str, Any]], source_url: str = "", by: Any = None
) -> Any:
    """Store (or replace) the whole arrangement of `year` in one transaction. The source (the
    notice that published it) is required, so every counted holiday can be traced."""
    from .audit import audit_record
    from .models import HolidayDay, HolidayYear

    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed(_("年份无效。"), code="holiday_year_invalid", field="year")
    source = (source or "").strip()
    if not source:
        raise ValidationFailed(
            _("请注明依据（例如国务院办公厅关于节假日安排的通知及文号）。"), code="holiday_source_required", field="source"
        )
    parsed = holiday_days_parse(days, year=year)
    if not any(d.kind == "off" for d in parsed):
        raise ValidationFailed(_("没有任何放假日期，请检查文件。"), code="holiday_days_empty", field="days")
    with transaction.atomic():
        calendar, _created = HolidayYear.objects.update_or_create(
            year=year,
            defaults={"source": source[:300], "source_url": (source_url or "")[:200],
                      "updated_by": by if getattr(by, "is_authenticated", False) else None},
        )
        HolidayDay.objects.filter(calendar=calendar).delete()
        HolidayDay.objects.bulk_create(
            HolidayDay(calendar=calendar, date=d.date, kind=d.kind, name=d.name) for d in parsed
        )
        audit_record(actor=by if getattr(by, "is_authenticated", False) else None, action="holiday.year_replace",
                     target=calendar, reason=source[:500],
                     data={"off": sum(d.kind == "off" for d in parsed), "work": sum(d.kind == "work" for d in parsed)})
        transaction.on_commit(holiday_table_clear)
    holiday_table_clear()
    return calendar


def holiday_year_summary(calendar: Any) -> str:
    off = calendar.days.filter(kind="off").count()
    work = calendar.days.filter(kind="work").count()
    return gettext("%(year)s 年：放假 %(off)s 天，调休上班 %(work)s 天（依据：%(source)s）") % {
        "year": calendar.year, "off": off, "work": work, "source": calendar.source}
