"""The mutual aid module in the shells: my cover and claims for workers; plans, enrolment,
the claims queue and the loss-ratio report for staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="mutualaid",
    label=_("医疗互助"),
    order=55,
    worker_urls="gonghui.mutualaid.urls",
    console_urls="gonghui.mutualaid.console_urls",
    services=(
        Link(_("医疗互助保障"), "mutualaid:index", icon="card",
             description=_("查看我的保障和等待期，住院、大病申请互助金，看每一笔怎么算的"),
             keywords=_("互助 医疗 住院 津贴 大病 报销 理赔 保障 互助金"), login_required=True),
    ),
    console=(
        Link(_("互助保障计划"), "console:mutualaid:plans", icon="card"),
        Link(_("互助金审核"), "console:mutualaid:queue", icon="inbox", action="approve"),
        Link(_("自行参保确认"), "console:mutualaid:self_enrolments", icon="card", action="change"),
    ),
)
