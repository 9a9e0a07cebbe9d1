"""The annual report (年度统计报告): the seed page's kind of paragraph, written from the data
for a union and a year — "2026 年，XX 总工会受理职工诉求 N 件，职工满意度达 X%……" — each
number a link to its figure's definition. Clauses come from the figures' `phrase`, one
paragraph per module, in registry order: a later module's figures join the report by
declaring a phrase."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gonghui.orgs.models import Union

from .registry import figures, grouped
from .selectors import FigureValue, Period, figure_values, zh_amount


@dataclass
class Paragraph:
    module: str
    html: SafeString
    text: str


def _number(value: FigureValue) -> str:
    if value.figure.kind == "rate":
        number = value.number
        return "" if number is None else f"{number:.1f}%"
    if value.value is None:
        return ""
    if value.figure.money:
        return zh_amount(value.value / 100)
    return zh_amount(value.value)


def _dim_number(value: FigureValue, dim: str) -> str:
    raw = value.dims.get(dim, 0)
    return zh_amount(raw / 100) if value.figure.money else zh_amount(raw)


def annual_report(*, union: Union, year: int) -> list[Paragraph]:
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    keys = [f.key for f in figures().values() if f.phrase]
    values = figure_values(union=union, period=period, keys=keys)
    definitions = reverse("console:stats:figures")
    paragraphs: list[Paragraph] = []
    for label, figs in grouped(keys):
        html_parts: list[str] = []
        text_parts: list[str] = []
        for fig in figs:
            value = values[fig.key]
            number = _number(value)
            if not number:
                continue  # a rate with nothing to divide by says nothing
            phrase = str(fig.phrase)
            fields = {"value": number}
            links = {"value": format_html('<a href="{}#{}">{}</a>', definitions, fig.key, number)}
            for choice, _label in fig.dimension_choices:
                if "{" + choice + "}" in phrase:
                    fields[choice] = _dim_number(value, choice)
                    links[choice] = format_html('<a href="{}#{}">{}</a>', definitions, fig.key, fields[choice])
            try:
                text_parts.append(phrase.format(**fields))
                html_parts.append(format_html(phrase, **links))
            except (KeyError, IndexError):
                continue  # a phrase naming an unknown breakdown value is left out, not a 500
        if not text_parts:
            continue
        lead = _("%(year)d 年，%(union)s") % {"year": year, "union": union.name} if not paragraphs else ""
        text = lead + "，".join(text_parts) + "。"
        html = format_html("{}", lead) + mark_safe("，".join(html_parts) + "。")  # noqa: S308 - parts are format_html output
        paragraphs.append(Paragraph(module=label, html=html, text=text))
    return paragraphs
