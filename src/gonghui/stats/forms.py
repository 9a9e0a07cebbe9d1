"""The dashboard's and the report's query: which union, which period, which figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField

from . import selectors
from .registry import figures

GRANULARITY_CHOICES = [("", _("自动")), ("day", _("按日")), ("month", _("按月")), ("year", _("按年"))]


def default_end() -> dt.date:
    return selectors.last_computed_day() or timezone.localdate() - dt.timedelta(days=1)


class DashboardForm(forms.Form):
    union = forms.IntegerField(label=_("工会"), required=False, min_value=1)
    start = DateField(label=_("开始日期"), required=False)
    end = DateField(label=_("结束日期"), required=False)
    granularity = forms.ChoiceField(label=_("粒度"), choices=GRANULARITY_CHOICES, required=False)
    figure = forms.ChoiceField(label=_("指标"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "")] + [(f.key, f.label) for f in figures().values()]
        self.fields["figure"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or default_end()
        start = data.get("start") or end.replace(month=1, day=1)
        if start > end:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        elif (end - start).days > selectors.MAX_DAYS:
            self.add_error("start", _("统计期最长十年。"))
        elif data.get("granularity") == "day" and (end - start).days >= selectors.MAX_DAY_BUCKETS:
            self.add_error("granularity", _("按日统计最长 400 天，请改按月或按年。"))
        data["start"], data["end"] = start, end
        return data

    def query(self) -> dict[str, Any]:
        """The cleaned query; on invalid input the defaults (the errors are shown on the page)."""
        if self.is_valid():
            data = self.cleaned_data
        else:
            end = default_end()
            data = {"union": None, "start": end.replace(month=1, day=1), "end": end, "granularity": "", "figure": ""}
        period = selectors.Period(data["start"], data["end"])
        return {
            "union_id": data.get("union"),
            "period": period,
            "granularity": data.get("granularity") or selectors.default_granularity(period),
            "figure": data.get("figure") or "",
        }


class ReportForm(forms.Form):
    union = forms.IntegerField(label=_("工会"), required=False, min_value=1)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
