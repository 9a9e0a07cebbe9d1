"""The dashboard's view as XLSX, through the project's one safe writer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.core.xlsx import XlsxWriter
from gonghui.orgs.models import Union

from .registry import figures
from .selectors import FigureValue, Period, figure_breakdown, figure_series, figure_values


def _cell(value: FigureValue) -> float | int | None:
    return value.number


def dashboard_xlsx(*, union: Union, period: Period, granularity: str, key: str) -> bytes:
    previous = period.previous()
    now_values = figure_values(union=union, period=period)
    before = figure_values(union=union, period=previous)
    writer = XlsxWriter()
    sheet = writer.sheet(_("指标"), widths=[28, 10, 16, 16, 12, 60])
    sheet.append([_("%(union)s 统计（%(period)s）") % {"union": union.name, "period": period.label()}])
    sheet.header([_("指标"), _("单位"), period.label(), previous.label(), _("变化"), _("口径")])
    for fig_key, value in now_values.items():
        fig = value.figure
        change = value.change(before[fig_key])
        change_text = "" if change is None else (f"{change:+.1f}" + (_("个百分点") if fig.kind == "rate" else "%"))
        sheet.append([str(fig.label), str(fig.unit), _cell(value), _cell(before[fig_key]), change_text, str(fig.definition)])
        for dim, raw in value.dims.items():
            sheet.append(["    " + fig.dimension_label(dim), str(fig.unit), raw / 100 if fig.money else raw, None, "", ""])
    fig = figures()[key]
    rows = figure_breakdown(union=union, period=period, key=key)
    sub = writer.sheet(_("下级工会"), widths=[8, 36, 16])
    sub.append([_("%(figure)s：按下级工会（%(period)s）") % {"figure": fig.label, "period": period.label()}])
    sub.header([_("排名"), _("工会"), f"{fig.label}（{fig.unit}）"])
    for rank, (child, value) in enumerate(rows, start=1):
        sub.append([rank, child.name, _cell(value)])
    trend = writer.sheet(_("趋势"), widths=[24, 16])
    trend.header([_("时间"), f"{fig.label}（{fig.unit}）"])
    for point, values in figure_series(union=union, period=period, granularity=granularity, keys=[key]):
        trend.append([point.label() if granularity != "day" else point.start, _cell(values[key])])
    return writer.to_bytes()
