"""Opening hours: parse what an operator writes, decide "open now".

Written form (Chinese or English, segments separated by ``;``/``；`` or new lines)::

    24小时
    周一至周五 08:00-20:00; 周六,周日 09:00-12:00,14:00-18:00; 节假日 休息
    mon-fri 22:00-06:00; holiday 10:00-16:00

* a time range may cross midnight (``22:00-06:00``): it belongs to the day it starts on;
* ``节假日`` / ``holiday`` gives the hours on statutory holidays (春节, 国庆… from the official
  calendar, `chinese_calendar`); without it holidays follow the weekly hours;
* a day that is not mentioned is closed.

Normalized form (stored in ``Station.hours``)::

    {"always": false, "week": [[[480, 1200]], ... 7 lists, Monday first], "holiday": null | [[...]]}

Minutes count from the start of the day; an end above 1440 runs into the next day.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import ValidationFailed

Intervals = tuple[tuple[int, int], ...]
# (always_open, 7 weekday interval tuples, holiday intervals or None = same as weekly)
Compiled = tuple[bool, tuple[Intervals, ...], Intervals | None]

_DAY_NAMES: dict[str, int] = {}
for _i, _names in enumerate(
    [
        ("mon", "monday", "周一", "星期一", "一"),
        ("tue", "tuesday", "周二", "星期二", "二"),
        ("wed", "wednesday", "周三", "星期三", "三"),
        ("thu", "thursday", "周四", "星期四", "四"),
        ("fri", "friday", "周五", "星期五", "五"),
        ("sat", "saturday", "周六", "星期六", "六"),
        ("sun", "sunday", "周日", "星期日", "周天", "星期天", "日", "天"),
    ]
):
    for _n in _names:
        _DAY_NAMES[_n] = _i

_ALWAYS = {"24h", "24小时", "24 小时", "全天", "全天开放", "24/7", "全天候"}
_EVERY_DAY = {"每天", "每日", "daily", "everyday", "all", "周一至周日", "周一到周日", "mon-sun"}
_HOLIDAY = {"节假日", "法定节假日", "holiday", "holidays"}
_CLOSED = {"休息", "关闭", "闭馆", "不开放", "closed", "off"}
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–~至到]\s*(\d{1,2})[:：](\d{2})$")
_SEGMENT_SPLIT = re.compile(r"[;；\n]+")
_DAY_SPLIT = re.compile(r"[,，、/]+")
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|~|至|到)\s*")


def _bad(text: str) -> ValidationFailed:
    return ValidationFailed(
        _("开放时间格式不正确：“%(text)s”。示例：周一至周五 08:00-20:00；周六 09:00-17:00；节假日 休息；或“24小时”。")
        % {"text": text[:40]},
        code="hours_invalid",
        field="hours_text",
    )


def _parse_days(text: str) -> list[int] | None:
    """Weekday numbers for a day expression; None for the holiday keyword."""
    key = text.strip().lower()
    if key in _HOLIDAY:
        return None
    if key in _EVERY_DAY:
        return list(range(7))
    days: list[int] = []
    for part in _DAY_SPLIT.split(key):
        part = part.strip()
        if not part:
            continue
        bounds = _RANGE_SPLIT.split(part)
        if len(bounds) == 1:
            if part not in _DAY_NAMES:
                raise _bad(text)
            days.append(_DAY_NAMES[part])
        elif len(bounds) == 2:
            first, last = bounds
            if first not in _DAY_NAMES or last not in _DAY_NAMES:
                raise _bad(text)
            start, end = _DAY_NAMES[first], _DAY_NAMES[last]
            if end < start:
                raise _bad(text)
            days.extend(range(start, end + 1))
        else:
            raise _bad(text)
    if not days:
        raise _bad(text)
    return days


def _parse_intervals(text: str) -> list[list[int]]:
    key = text.strip().lower()
    if key in _CLOSED:
        return []
    if key in _ALWAYS:
        return [[0, 1440]]
    intervals: list[list[int]] = []
    for part in _DAY_SPLIT.split(key):
        part = part.strip()
        match = _TIME.match(part)
        if not match:
            raise _bad(text)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or (h1 == 24 and m1) or (h2 == 24 and m2):
            raise _bad(text)
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            raise _bad(text)
        if end < start:  # crosses midnight
            end += 1440
        intervals.append([start, end])
    return intervals


def hours_parse(text: str) -> dict[str, Any]:
    """Parse the written hours into the normalized form; raises ValidationFailed."""
    text = (text or "").strip()
    if not text:
        raise _bad(text)
    if len(text) > 300:
        raise _bad(text)
    if text.lower() in _ALWAYS:
        return {"always": True, "week": [[[0, 1440]] for _ in range(7)], "holiday": None}
    week: list[list[list[int]]] = [[] for _ in range(7)]
    holiday: list[list[int]] | None = None
    for segment in _SEGMENT_SPLIT.split(text):
        segment = segment.strip()
        if not segment:
            continue
        pieces = segment.split(None, 1)
        if len(pieces) != 2:
            raise _bad(segment)
        days = _parse_days(pieces[0])
        intervals = _parse_intervals(pieces[1])
        if days is None:
            holiday = intervals
        else:
            for day in days:
                week[day] = sorted(week[day] + intervals)
    return {"always": False, "week": week, "holiday": holiday}


def hours_compile(hours: dict[str, Any]) -> Compiled:
    """Immutable, hashable form used by the search index (identical schedules share it)."""
    if not hours:
        return _ALWAYS_COMPILED
    week = tuple(tuple((int(a), int(b)) for a, b in day) for day in hours.get("week", []))
    if len(week) != 7:
        return _ALWAYS_COMPILED
    holiday_raw = hours.get("holiday")
    holiday = None if holiday_raw is None else tuple((int(a), int(b)) for a, b in holiday_raw)
    return (bool(hours.get("always")), week, holiday)


_ALWAYS_COMPILED: Compiled = (True, tuple(((0, 1440),) for _ in range(7)), None)


@lru_cache(maxsize=64)
def is_statutory_holiday(day: dt.date) -> bool:
    """A statutory holiday (春节, 国庆…), not an ordinary weekend."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(holiday and name)


def _day_intervals(compiled: Compiled, day: dt.date) -> Intervals:
    if compiled[2] is not None and is_statutory_holiday(day):
        return compiled[2]
    return compiled[1][day.weekday()]


def is_open(compiled: Compiled, at: dt.datetime) -> bool:
    """Whether a station with these hours is open at local time `at` (naive or aware local)."""
    if compiled[0]:
        return True
    day = at.date()
    minute = at.hour * 60 + at.minute
    for start, end in _day_intervals(compiled, day):
        if start <= minute < end:
            return True
    yesterday = day - dt.timedelta(days=1)
    for _start, end in _day_intervals(compiled, yesterday):
        if end > 1440 and minute < end - 1440:
            return True
    return False


def hours_summary(hours: dict[str, Any]) -> str:
    """A short written form from the normalized hours (used when importing)."""
    compiled = hours_compile(hours)
    if compiled[0]:
        return "24小时"
    names = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    parts = []
    for i, intervals in enumerate(compiled[1]):
        if intervals:
            spans = ",".join(f"{a // 60:02d}:{a % 60:02d}-{(b % 1440) // 60:02d}:{b % 60:02d}" for a, b in intervals)
            parts.append(f"{names[i]} {spans}")
    return "；".join(parts) or "休息"
