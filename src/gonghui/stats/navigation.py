"""The statistics module in the console: the dashboard, the annual report and the figures'
definitions (staff only; workers have no statistics pages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="stats",
    label=_("统计"),
    order=90,
    console_urls="gonghui.stats.console_urls",
    console=(
        Link(_("统计"), "console:stats:dashboard", icon="chart"),
        Link(_("年度报告"), "console:stats:report", icon="letter"),
        Link(_("指标口径"), "console:stats:figures", icon="list"),
    ),
)
