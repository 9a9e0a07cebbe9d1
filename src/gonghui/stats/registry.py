"""The registry of key figures (统计指标). Each module declares its figures once, in its own
`figures.py`, as `FIGURES = (Figure(...), ...)`; the nightly snapshot, the dashboard, the
annual report, the exports and the API read only this registry.

A figure is one of three kinds:

- **flow** (流量): things that happened on a day — cases received, members joined, visits.
  A period's value is the sum of its days; a union's value is the sum of its subtree.
- **stock** (存量): how many there are at the end of a day — members on the roll, stations.
  A period's value is the value on its last snapshotted day; a union's value sums its subtree.
- **rate** (比率): a ratio of two figures (satisfaction = satisfied / rated). It is never
  stored and never averaged: it is recomputed from its two parts for every union and period.

`compute(day)` of a flow or stock returns ``(union_id, dimension, value)`` rows for that day,
each union's **own** records only (the snapshot rolls them up the tree), in one grouped query
— never one query per union. `dimension` is "" for a figure without a breakdown; with a
`dimension` (e.g. channel), rows carry the choice's value and the total is their sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Literal

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

Text = str | Promise
Kind = Literal["flow", "stock", "rate"]
Row = tuple[int, str, int]


@dataclass(frozen=True)
class Figure:
    key: str  # "<module>.<name>", stable: facts, URLs and the API use it
    label: Text  # 受理诉求
    unit: Text  # 件 / 人 / 元 / %
    definition: Text  # plain Chinese: what is counted, on which day, for which union
    kind: Kind = "flow"
    compute: Callable[[dt.date], Iterable[Row]] | None = None
    # A rate: keys of the numerator and denominator figures (both flows or both stocks).
    numerator: str = ""
    denominator: str = ""
    # Amounts are stored in integer fen and shown in 元.
    money: bool = False
    # The breakdown this figure carries (e.g. "渠道"), with labels for its values.
    dimension: Text = ""
    dimension_choices: tuple[tuple[str, Text], ...] = ()
    # Shown on the dashboard's headline cards (others are in the full table).
    headline: bool = False
    # Where the records behind the figure are listed in the console: a URL name and a query
    # string template with {start} and {end}; shown only to staff who may open that page.
    records_url: str = ""
    records_query: str = ""
    # Role actions (core.jurisdiction) needed to follow `records_url`.
    records_action: str = "view"
    # Its clause in the annual report ("受理职工诉求 {value} 件"); `{value}` is the figure, and
    # `{<choice>}` a value of its breakdown ("其中 12351 热线 {hotline} 件"). Empty: not in it.
    phrase: Text = ""
    module: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.kind == "rate":
            if not (self.numerator and self.denominator) or self.compute is not None:
                raise ImproperlyConfigured(f"rate figure {self.key} needs numerator and denominator, no compute")
        elif self.compute is None:
            raise ImproperlyConfigured(f"{self.kind} figure {self.key} needs compute")

    @property
    def stored(self) -> bool:
        return self.kind != "rate"

    def dimension_label(self, value: str) -> str:
        for choice, label in self.dimension_choices:
            if choice == value:
                return str(label)
        return value or "—"


@cache
def figures() -> dict[str, Figure]:
    """Every registered figure by key, in module order then declaration order."""
    found: dict[str, Figure] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui."):
            continue
        try:
            mod = import_module(f"{config.name}.figures")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.figures":
                raise
            continue
        module_label = config.name.rsplit(".", 1)[-1]
        for figure in getattr(mod, "FIGURES", ()):
            if figure.key in found:
                raise ImproperlyConfigured(f"figure {figure.key} registered twice")
            if not figure.key.startswith(f"{module_label}."):
                raise ImproperlyConfigured(f"figure {figure.key} must start with '{module_label}.'")
            object.__setattr__(figure, "module", module_label)
            found[figure.key] = figure
    for figure in found.values():
        if figure.kind == "rate":
            for part in (figure.numerator, figure.denominator):
                if part not in found or found[part].kind == "rate":
                    raise ImproperlyConfigured(f"rate {figure.key}: {part} is not a stored figure")
            if found[figure.numerator].kind != found[figure.denominator].kind:
                raise ImproperlyConfigured(f"rate {figure.key}: numerator and denominator differ in kind")
    return found


def figure(key: str) -> Figure | None:
    return figures().get(key)


def stored_figures() -> list[Figure]:
    return [f for f in figures().values() if f.stored]


def module_labels() -> dict[str, str]:
    """Module name → its label in the shells (for grouping figures on the dashboard)."""
    from gonghui.core.modules import modules

    labels: dict[str, str] = {}
    for module in modules():
        labels[module.name] = str(module.label)
    return labels


def grouped(keys: Iterable[str] | None = None) -> list[tuple[str, list[Figure]]]:
    """Figures grouped by module, in registry order."""
    wanted = set(keys) if keys is not None else None
    groups: dict[str, list[Figure]] = {}
    for fig in figures().values():
        if wanted is None or fig.key in wanted:
            groups.setdefault(fig.module, []).append(fig)
    labels = module_labels()
    return [(labels.get(name, name), figs) for name, figs in groups.items()]


