"""The assistance module in the shells: the fund ledger for finance staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="assistance",
    label=_("帮扶资金"),
    order=40,
    console_urls="gonghui.assistance.console_urls",
    console=(
        Link(_("资金账户"), "console:assistance:ledger", icon="building"),
        Link(_("记账凭证"), "console:assistance:transactions", icon="list"),
        Link(_("收支表"), "console:assistance:statement", icon="chart"),
        Link(_("月度结账"), "console:assistance:periods", icon="key"),
        Link(_("代发队列"), "console:assistance:payouts", icon="list", action="approve"),
        Link(_("代发批次"), "console:assistance:batches", icon="list", action="approve"),
    ),
)
