"""Staff pages of the statistics module, under /console/stats/: the dashboard (headline
figures with change, trend chart, subordinate unions ranked with drill-down, every figure
grouped by module), its XLSX export, the figure definitions and the annual report."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.orgs.models import Union

from . import selectors
from .exports import dashboard_xlsx
from .forms import DashboardForm, ReportForm, default_end
from .registry import Figure, figures, grouped
from .report import annual_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _union(request: HttpRequest, union_id: Any) -> Union:
    if union_id:
        return selectors.stats_union_for_user(user=request.user, union_id=union_id)
    return selectors.stats_default_union(user=request.user)


def _records_link(request: HttpRequest, fig: Figure, union: Union) -> str:
    if not fig.records_url or not jurisdiction.has_action(request.user, fig.records_action, union.path):
        return ""
    try:
        url = reverse(fig.records_url)
    except NoReverseMatch:
        return ""
    return f"{url}?{fig.records_query}" if fig.records_query else url


def _query_string(query: dict[str, Any], **changes: Any) -> str:
    params = {
        "union": query["union"].pk, "start": query["period"].start.isoformat(), "end": query["period"].end.isoformat(),
        "granularity": query["granularity"], "figure": query["figure"],
    }
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@console_view
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET or None)
    query = form.query()
    union = _union(request, query["union_id"])
    registry = figures()
    headline = [f for f in registry.values() if f.headline]
    key = query["figure"] if query["figure"] in registry else (headline[0].key if headline else next(iter(registry)))
    query.update(union=union, figure=key)
    period: selectors.Period = query["period"]
    previous = period.previous()
    values = selectors.figure_values(union=union, period=period)
    before = selectors.figure_values(union=union, period=previous)
    cards = [
        {"value": values[f.key], "change": values[f.key].change(before[f.key]), "records": _records_link(request, f, union),
         "link": "?" + _query_string(query, figure=f.key)}
        for f in headline
    ]
    groups = [
        (label, [{"value": values[f.key], "before": before[f.key], "change": values[f.key].change(before[f.key]),
                  "records": _records_link(request, f, union), "link": "?" + _query_string(query, figure=f.key)}
                 for f in figs])
        for label, figs in grouped()
    ]
    series = selectors.figure_series(union=union, period=period, granularity=query["granularity"], keys=[key])
    breakdown = selectors.figure_breakdown(union=union, period=period, key=key)
    total = values[key].number or 0
    fig = registry[key]
    chart = {
        "figure": str(fig.label), "unit": str(fig.unit),
        "labels": [p.start.isoformat() if query["granularity"] == "day" else p.label() for p, _v in series],
        "values": [v[key].number for _p, v in series],
        "breakdown": [{"name": u.name, "value": v.number} for u, v in breakdown[:20]],
    }
    context = {
        "form": form, "union": union, "period": period, "previous": previous, "query": query,
        "granularity": query["granularity"], "figure": fig, "selected": values[key],
        "cards": cards, "groups": groups, "chart": chart, "trend_rows": list(zip(chart["labels"], chart["values"], strict=True)),
        "breakdown": [
            {"union": u, "value": v, "share": (round((v.number or 0) / total * 100, 1) if total and fig.kind != "rate" else None),
             "link": "?" + _query_string(query, union=u.pk)}
            for u, v in breakdown
        ],
        "crumbs": [(u, "?" + _query_string(query, union=u.pk)) for u in selectors.union_ancestors_visible(user=request.user, union=union)],
        "homes": selectors.stats_home_unions(user=request.user),
        "export_query": _query_string(query),
        "as_of": selectors.last_computed_day(),
        "granularities": [("day", _("按日")), ("month", _("按月")), ("year", _("按年"))],
        "figure_choices": [(f.key, f.label) for f in registry.values()],
    }
    return render(request, "stats/console_dashboard.html", context)


@console_view
def export(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET or None)
    query = form.query()
    union = _union(request, query["union_id"])
    registry = figures()
    key = query["figure"] if query["figure"] in registry else next(f.key for f in registry.values())
    content = dashboard_xlsx(union=union, period=query["period"], granularity=query["granularity"], key=key)
    response = HttpResponse(content, content_type=XLSX)
    name = f"stats-{union.pk}-{query['period'].start:%Y%m%d}-{query['period'].end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@console_view
def figure_list(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/console_figures.html", {"groups": grouped(), "as_of": selectors.last_computed_day()})


@console_view
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    union = _union(request, data.get("union"))
    default_year = default_end().year
    year = data.get("year") or default_year
    as_of = selectors.last_computed_day()
    context = {
        "form": form, "union": union, "year": year, "paragraphs": annual_report(union=union, year=year),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "homes": selectors.stats_home_unions(user=request.user),
        "children": selectors.union_children(union=union),
        "incomplete": as_of is None or as_of < dt.date(year, 12, 31),
        "as_of": as_of,
    }
    return render(request, "stats/console_report.html", context)
