"""Reading figures: every answer comes from the `Rollup` rows of one union (its subtree total),
never from the source tables. A period is split into whole years, whole months and single
days, so a year costs a handful of rows per figure whatever the size of the tree.

Scoping: a staff member reads the unions inside their role grants (`core.jurisdiction`); any
other union is a 404, exactly like any other object of another branch.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from gonghui.core import jurisdiction
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.orgs.models import Union

from .models import Rollup, SnapshotDay
from .registry import Figure, figures
from .services import month_end

GRANULARITIES = ("day", "month", "year")
MAX_DAYS = 366 * 10
MAX_DAY_BUCKETS = 400


# --- unions -----------------------------------------------------------------------------


def stats_unions_for_user(*, user: Any) -> QuerySet[Union]:
    return jurisdiction.scope(Union.objects.all(), user, path_field="path")


def stats_union_for_user(*, user: Any, union_id: Any) -> Union:
    return jurisdiction.get_or_404(stats_unions_for_user(user=user), pk=union_id)


def stats_home_unions(*, user: Any) -> list[Union]:
    """The top unions of the user's grants (the roots of the tree for a superuser)."""
    paths = jurisdiction.union_paths_for(user, "view")
    if paths is None:
        return list(Union.objects.filter(parent__isnull=True).order_by("pk"))
    return list(Union.objects.filter(path__in=paths).order_by("path"))


def stats_default_union(*, user: Any) -> Union:
    unions = stats_home_unions(user=user)
    if not unions:
        raise NotFound()
    return unions[0]


def union_children(*, union: Union) -> list[Union]:
    return list(Union.objects.filter(parent=union).order_by("name"))


def union_ancestors_visible(*, user: Any, union: Union) -> list[Union]:
    """The breadcrumb: the union's ancestors the user may read, top first, then the union."""
    ids = [int(p) for p in union.path.strip("/").split("/") if p]
    visible = {u.pk: u for u in stats_unions_for_user(user=user).filter(pk__in=ids)}
    return [visible[i] for i in ids if i in visible]


# --- periods ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationFailed(_("结束日期不能早于开始日期。"), code="period_invalid", field="end")
        if (self.end - self.start).days > MAX_DAYS:
            raise ValidationFailed(_("统计期最长十年。"), code="period_too_long", field="end")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before, of the same shape: the previous year for a calendar year,
        as many whole months for whole months, otherwise as many days."""
        s, e = self.start, self.end
        if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31:
            years = e.year - s.year + 1
            return Period(s.replace(year=s.year - years), e.replace(year=e.year - years))
        if s.month == 1 and s.day == 1 and e.year == s.year:
            # The year so far: the same dates a year before (同比).
            return Period(s.replace(year=s.year - 1), _same_day_year_before(e))
        if s.day == 1 and e == month_end(e):
            months = (e.year - s.year) * 12 + e.month - s.month + 1
            ps = _add_months(s, -months)
            return Period(ps, s - dt.timedelta(days=1))
        return Period(s - dt.timedelta(days=self.days), s - dt.timedelta(days=1))

    def label(self) -> str:
        s, e = self.start, self.end
        if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31 and s.year == e.year:
            return _("%(y)d 年") % {"y": s.year}
        if s.day == 1 and e == month_end(e) and (s.year, s.month) == (e.year, e.month):
            return _("%(y)d 年 %(m)d 月") % {"y": s.year, "m": s.month}
        return f"{s.isoformat()} — {e.isoformat()}"


def _same_day_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def buckets(period: Period, granularity: str) -> list[Period]:
    """The trend chart's points: days, calendar months or calendar years, clipped to the period."""
    if granularity not in GRANULARITIES:
        raise ValidationFailed(_("统计粒度只能是日、月或年。"), code="granularity_invalid", field="granularity")
    out: list[Period] = []
    cursor = period.start
    while cursor <= period.end:
        if granularity == "day":
            end = cursor
        elif granularity == "month":
            end = month_end(cursor)
        else:
            end = dt.date(cursor.year, 12, 31)
        end = min(end, period.end)
        out.append(Period(cursor, end))
        cursor = end + dt.timedelta(days=1)
    if len(out) > MAX_DAY_BUCKETS:
        raise ValidationFailed(_("按日统计最长 400 天，请改按月或按年。"), code="too_many_points", field="granularity")
    return out


def default_granularity(period: Period) -> str:
    if period.days <= 62:
        return "day"
    if period.days <= 366 * 3:
        return "month"
    return "year"


def segments(period: Period) -> list[tuple[str, dt.date, dt.date]]:
    """Split into whole calendar years, whole months and runs of single days."""
    out: list[tuple[str, dt.date, dt.date]] = []
    cursor = period.start
    while cursor <= period.end:
        year_end = dt.date(cursor.year, 12, 31)
        if cursor.month == 1 and cursor.day == 1 and year_end <= period.end:
            out.append(("year", cursor, year_end))
            cursor = year_end + dt.timedelta(days=1)
            continue
        m_end = month_end(cursor)
        if cursor.day == 1 and m_end <= period.end:
            out.append(("month", cursor, m_end))
            cursor = m_end + dt.timedelta(days=1)
            continue
        run_end = min(m_end, period.end)
        out.append(("day", cursor, run_end))
        cursor = run_end + dt.timedelta(days=1)
    return out


# --- values -----------------------------------------------------------------------------


@dataclass
class FigureValue:
    figure: Figure
    value: int | None = 0  # a rate: None when its denominator is 0
    dims: dict[str, int] = field(default_factory=dict)
    numerator: int = 0
    denominator: int = 0

    @property
    def ratio(self) -> float | None:
        if self.figure.kind != "rate":
            return None
        return self.numerator / self.denominator if self.denominator else None

    @property
    def number(self) -> float | None:
        """The value in display units: 元 for money, percent for a rate."""
        if self.figure.kind == "rate":
            ratio = self.ratio
            return None if ratio is None else round(ratio * 100, 1)
        if self.value is None:
            return None
        return self.value / 100 if self.figure.money else self.value

    @property
    def display(self) -> str:
        number = self.number
        if number is None:
            return "—"
        if self.figure.kind == "rate":
            return f"{number:.1f}%"
        if self.figure.money:
            return f"{number:,.2f}"
        return f"{int(number):,}"

    def change(self, previous: FigureValue) -> float | None:
        """Change against `previous`: percentage points for a rate, percent otherwise."""
        now, before = self.number, previous.number
        if now is None or before is None:
            return None
        if self.figure.kind == "rate":
            return round(now - before, 1)
        if before == 0:
            return None
        return round((now - before) / before * 100, 1)


Values = dict[str, dict[str, int]]  # key → dim → value


def last_computed_day(*, on_or_before: dt.date | None = None) -> dt.date | None:
    qs = SnapshotDay.objects.filter(status=SnapshotDay.Status.DONE)
    if on_or_before:
        qs = qs.filter(day__lte=on_or_before)
    return qs.aggregate(d=Max("day"))["d"]


def computed_days(periods: Sequence[Period]) -> list[dt.date]:
    if not periods:
        return []
    return sorted(
        SnapshotDay.objects.filter(
            status=SnapshotDay.Status.DONE, day__gte=min(p.start for p in periods), day__lte=max(p.end for p in periods)
        ).values_list("day", flat=True)
    )


def covered(periods: Sequence[Period], days: Sequence[dt.date]) -> list[bool]:
    """Whether each period holds at least one computed day (else it has no data, not zeros)."""
    out = []
    for period in periods:
        i = bisect.bisect_left(days, period.start)
        out.append(i < len(days) and days[i] <= period.end)
    return out


def _collect(union_ids: Sequence[int], periods: Sequence[Period], keys: Iterable[str],
             days: Sequence[dt.date] | None = None) -> dict[tuple[int, int], Values]:
    """Stored values of `keys` for every (union, period index), in two queries."""
    registry = figures()
    wanted = [registry[k] for k in keys if k in registry and registry[k].stored]
    flows = [f.key for f in wanted if f.kind == "flow"]
    stocks = [f.key for f in wanted if f.kind == "stock"]
    out: dict[tuple[int, int], Values] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    if not union_ids or not periods:
        return out
    base = Rollup.objects.filter(union_id__in=list(union_ids))
    if flows:
        whole: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
        single: dict[dt.date, list[int]] = defaultdict(list)
        for index, period in enumerate(periods):
            for kind, start, end in segments(period):
                if kind == "day":
                    day = start
                    while day <= end:
                        single[day].append(index)
                        day += dt.timedelta(days=1)
                else:
                    whole[(kind, start)].append(index)
        # One query per period kind, each a plain lookup on the unique index (union, period,
        # start, key): OR-ed conditions made PostgreSQL scan every union's rows of a month.
        lookups: list[tuple[str, list[dt.date]]] = [
            (kind, sorted({start for k, start in whole if k == kind})) for kind in ("year", "month")
        ]
        lookups.append(("day", sorted(single)))
        for kind, starts in lookups:
            if not starts:
                continue
            rows = base.filter(period=kind, start__in=starts, key__in=flows).values_list(
                "union_id", "start", "key", "dim", "value"
            )
            for union_id, start, key, dim, value in rows:
                targets = single.get(start, []) if kind == "day" else whole.get((kind, start), [])
                for index in targets:
                    out[(union_id, index)][key][dim] += value
    if stocks:
        if days is None:
            days = computed_days(periods)
        last_for: dict[dt.date, list[int]] = defaultdict(list)
        for index, period in enumerate(periods):
            i = bisect.bisect_right(days, period.end) - 1
            if i >= 0 and days[i] >= period.start:
                last_for[days[i]].append(index)
        if last_for:
            stock_rows = base.filter(period="day", start__in=list(last_for), key__in=stocks).values_list(
                "union_id", "start", "key", "dim", "value"
            )
            for union_id, start, key, dim, value in stock_rows:
                for index in last_for[start]:
                    out[(union_id, index)][key][dim] += value
    return out


def _as_values(stored: Values, keys: Iterable[str], has_data: bool = True) -> dict[str, FigureValue]:
    """FigureValues from stored values; a period without any computed day has no value ("—")."""
    registry = figures()
    result: dict[str, FigureValue] = {}
    for key in keys:
        fig = registry.get(key)
        if fig is None:
            continue
        if fig.kind == "rate":
            num = stored.get(fig.numerator, {}).get("", 0)
            den = stored.get(fig.denominator, {}).get("", 0)
            result[key] = FigureValue(fig, value=None, numerator=num, denominator=den)
        else:
            dims = dict(stored.get(key, {}))
            total = dims.pop("", 0)
            result[key] = FigureValue(fig, value=total if has_data else None,
                                      dims=dict(sorted(dims.items(), key=lambda kv: -kv[1])))
    return result


def _with_parts(keys: Iterable[str]) -> list[str]:
    registry = figures()
    out: list[str] = []
    for key in keys:
        fig = registry.get(key)
        if fig is None:
            continue
        out.append(key)
        if fig.kind == "rate":
            out += [fig.numerator, fig.denominator]
    return list(dict.fromkeys(out))


def figure_values(*, union: Union, period: Period, keys: Iterable[str] | None = None) -> dict[str, FigureValue]:
    keys = list(keys) if keys is not None else list(figures())
    days = computed_days([period])
    stored = _collect([union.pk], [period], _with_parts(keys), days)
    return _as_values(stored.get((union.pk, 0), {}), keys, has_data=bool(covered([period], days)[0]))


def figure_series(*, union: Union, period: Period, granularity: str, keys: Iterable[str]) -> list[tuple[Period, dict[str, FigureValue]]]:
    keys = list(keys)
    points = buckets(period, granularity)
    days = computed_days(points)
    stored = _collect([union.pk], points, _with_parts(keys), days)
    has = covered(points, days)
    return [(p, _as_values(stored.get((union.pk, i), {}), keys, has[i])) for i, p in enumerate(points)]


def figure_breakdown(*, union: Union, period: Period, key: str) -> list[tuple[Union, FigureValue]]:
    """The union's direct subordinate unions, ranked by the figure (largest first; a rate with
    no denominator last)."""
    children = union_children(union=union)
    days = computed_days([period])
    stored = _collect([c.pk for c in children], [period], _with_parts([key]), days)
    has = covered([period], days)[0]
    rows = [(child, _as_values(stored.get((child.pk, 0), {}), [key], has)[key]) for child in children]

    def rank(item: tuple[Union, FigureValue]) -> tuple[int, float]:
        number = item[1].number
        return (0, -number) if number is not None else (1, 0.0)

    return sorted(rows, key=rank)


def figure_detail_keys() -> list[str]:
    return list(figures())


def zh_amount(value: float, unit: str = "") -> str:
    """A number the way the annual report writes it: 149 万, 9.55 亿, 98.8%."""
    if abs(value) >= 100_000_000 or round(abs(value) / 10_000, 2) >= 10_000:  # 9999.999 万 is 1 亿
        text = f"{value / 100_000_000:.2f}".rstrip("0").rstrip(".") + " 亿"
    elif abs(value) >= 10_000:
        text = f"{value / 10_000:.2f}".rstrip("0").rstrip(".") + " 万"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}"
    return f"{text}{unit}" if unit else text


@dataclass
class Headline:
    union: Union
    period: Period
    values: list[FigureValue]


def headline_for_user(*, user: Any) -> Headline | None:
    """The year so far of the user's top union, headline figures only (the console overview)."""
    unions = stats_home_unions(user=user)
    last = last_computed_day()
    if not unions or last is None:
        return None
    period = Period(last.replace(month=1, day=1), last)
    keys = [f.key for f in figures().values() if f.headline]
    values = figure_values(union=unions[0], period=period, keys=keys)
    return Headline(union=unions[0], period=period, values=[values[k] for k in keys])
