"""The jobs module in the shells: search, recommendations, the profile and applications for
workers (and the recruiter pages for employer accounts); postings, review, seekers,
placements with follow-ups, services and minimum wages for staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="jobs",
    label=_("就业帮扶"),
    order=45,
    worker_urls="gonghui.jobs.urls",
    console_urls="gonghui.jobs.console_urls",
    services=(
        Link(_("找工作"), "jobs:index", icon="search", description=_("按工种、地点、工资找岗位，为您推荐合适的工作"),
             keywords=_("找工作 招聘 求职 岗位 就业 打工 上班 推荐")),
        Link(_("求职登记"), "jobs:profile", icon="people", description=_("填写想做的工种、技能、地点和期望工资"),
             keywords=_("求职 简历 登记 技能 证书"), login_required=True),
        Link(_("我的求职"), "jobs:applications", icon="list", description=_("查看投递的岗位和进度"),
             keywords=_("投递 面试 录用 进度"), login_required=True),
        Link(_("招聘会"), "jobs:fairs", icon="flag", description=_("春风行动等现场和网络招聘会，报名、扫码签到、现场投递"),
             keywords=_("招聘会 春风行动 双选会 现场招聘 网络招聘")),
        Link(_("订单式培训"), "jobs:trainings", icon="book", description=_("单位招人、工会先培训，结业后直接上岗"),
             keywords=_("培训 订单班 技能培训 上岗 学技术")),
        Link(_("单位招聘"), "jobs:employer_home", icon="building", description=_("单位招聘账号：发布岗位、处理求职申请"),
             keywords=_("招聘 发布岗位 用人单位 企业 HR"), login_required=True),
    ),
    console=(
        Link(_("招聘岗位"), "console:jobs:postings", icon="list"),
        Link(_("求职者"), "console:jobs:seekers", icon="people"),
        Link(_("就业安置与回访"), "console:jobs:placements", icon="handshake"),
        Link(_("招聘会"), "console:jobs:fairs", icon="flag"),
        Link(_("订单式培训"), "console:jobs:trainings", icon="book"),
        Link(_("单位招聘账号"), "console:jobs:accounts", icon="building", action="change"),
        Link(_("最低工资标准"), "console:jobs:minimum_wages", icon="chart"),
    ),
)
