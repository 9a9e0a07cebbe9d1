"""The assistance module in the shells: hardship files and 我的帮扶 for workers; the hardship
register, the fund ledger and payouts for staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="assistance",
    label=_("职工帮扶"),
    order=40,
    worker_urls="gonghui.assistance.urls",
    console_urls="gonghui.assistance.console_urls",
    services=(
        Link(_("困难职工建档"), "assistance:hardship_apply", icon="people",
             description=_("家庭困难，申请工会帮扶建档"), keywords=_("困难 帮扶 建档 救助 低保 生病 失业"),
             login_required=True),
        Link(_("申请救助"), "assistance:grant_apply", icon="handshake",
             description=_("生活、医疗、助学、临时救助"), keywords=_("救助 补助 医疗 助学 临时救助 困难"),
             login_required=True),
        Link(_("救助公示"), "assistance:notices", icon="flag", description=_("正在公示的救助，可提出异议"),
             keywords=_("公示 异议")),
        Link(_("我的帮扶"), "assistance:mine", icon="list", description=_("我的帮扶申请和收到的款项"),
             keywords=_("帮扶 救助 补助 到账"), login_required=True),
    ),
    console=(
        Link(_("困难职工档案"), "console:assistance:hardship_list", icon="people"),
        Link(_("救助申请"), "console:assistance:grants", icon="inbox"),
        Link(_("送温暖"), "console:assistance:relief_list", icon="flag"),
        Link(_("资金账户"), "console:assistance:ledger", icon="building"),
        Link(_("记账凭证"), "console:assistance:transactions", icon="list"),
        Link(_("收支表"), "console:assistance:statement", icon="chart"),
        Link(_("月度结账"), "console:assistance:periods", icon="key"),
        Link(_("代发队列"), "console:assistance:payouts", icon="list", action="finance"),
        Link(_("代发批次"), "console:assistance:batches", icon="list", action="finance"),
    ),
)
