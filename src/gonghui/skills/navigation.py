"""The skills module in the shells: 技能云 learning and 合理化建议 for workers; course review,
工匠学院, authors and the proposal queue for staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="skills",
    label=_("建功立业"),
    order=70,
    worker_urls="gonghui.skills.urls",
    console_urls="gonghui.skills.console_urls",
    services=(
        Link(_("技能云课堂"), "skills:index", icon="book",
             description=_("劳模工匠讲技能：学课程、考结业、拿学时和证书"),
             keywords=_("学习 课程 培训 技能 工匠学院 学时 证书 考试 视频")),
        Link(_("我的学习"), "skills:mine", icon="book", login_required=True,
             description=_("接着上次学，查看学时和结业证书"), keywords=_("学时 证书 进度")),
        Link(_("合理化建议"), "skills:proposals", icon="bulb", login_required=True,
             description=_("提出改进生产和管理的建议，跟进答复、实施和奖励"),
             keywords=_("合理化建议 建议 创新 改进 附议 奖励")),
        Link(_("创新工作室"), "skills:studios", icon="bulb",
             description=_("劳模工匠创新工作室和技术革新、发明创造成果"),
             keywords=_("创新工作室 劳模 工匠 技术革新 发明创造 专利 成果")),
        Link(_("技能竞赛"), "skills:competitions", icon="star",
             description=_("劳动和技能竞赛：报名参赛、评委打分、查看名次和奖励"),
             keywords=_("竞赛 比赛 技能竞赛 劳动竞赛 技术能手 报名 评委 名次")),
        Link(_("劳模工匠"), "skills:laureates", icon="star",
             description=_("劳模工匠名录，评选公示和异议"),
             keywords=_("劳模 劳动模范 工匠 评选 表彰 公示 异议 先进 宣讲")),
    ),
    console=(
        Link(_("技能课程"), "console:skills:courses", icon="book"),
        Link(_("工匠学院"), "console:skills:academies", icon="book"),
        Link(_("课程作者"), "console:skills:authors", icon="book"),
        Link(_("合理化建议"), "console:skills:proposals", icon="bulb"),
        Link(_("技能竞赛"), "console:skills:competitions", icon="star"),
        Link(_("创新工作室"), "console:skills:studios", icon="bulb"),
        Link(_("劳模工匠评选"), "console:skills:selections", icon="star"),
        Link(_("劳模工匠名录"), "console:skills:laureates", icon="star"),
    ),
)
