"""The bargaining module in the shells: 我的集体合同 and 报告安全隐患 for workers; units,
offers, contracts and safety supervision for staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="bargaining",
    label=_("集体协商与安全监督"),
    order=55,
    worker_urls="gonghui.bargaining.urls",
    console_urls="gonghui.bargaining.console_urls",
    services=(
        Link(_("我的集体合同"), "bargaining:my_contracts", icon="handshake", login_required=True,
             description=_("查看覆盖本人的集体合同：工资、工时、休假、安全等条款"),
             keywords=_("集体合同 工资 最低工资 工时 休假 协商 平台 算法")),
        Link(_("报告安全隐患"), "bargaining:hazard_report", icon="flag", login_required=True,
             description=_("发现工作场所的安全隐患，可以匿名报告给工会"),
             keywords=_("安全 隐患 消防 安全出口 防护 高温 粉尘 举报")),
        Link(_("单位：要约与隐患整改"), "bargaining:employer_home", icon="building", login_required=True,
             description=_("单位账号：回应工会的集体协商要约，报告安全隐患整改情况"),
             keywords=_("要约 回应 集体协商 整改 隐患 用人单位 企业")),
    ),
    console=(
        Link(_("集体协商"), "console:bargaining:index", icon="handshake"),
        Link(_("安全监督检查"), "console:bargaining:safety", icon="flag"),
    ),
)
