"""The campaigns module in the shells: 健身集五福 for workers; configuring and monitoring
campaigns for staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="campaigns",
    label=_("健身活动"),
    order=60,
    worker_urls="gonghui.campaigns.urls",
    console_urls="gonghui.campaigns.console_urls",
    services=(
        Link(_("健身集五福"), "campaigns:index", icon="star",
             description=_("每天走步、跳绳、平板支撑，集福卡，五福合成参加每晚开奖"),
             keywords=_("健身 运动 步数 跳绳 平板支撑 集福 五福 抽奖 奖品")),
        Link(_("服务活动"), "campaigns:activities", icon="gift",
             description=_("爱心餐、送清凉、暖途等服务，领券到服务点使用"),
             keywords=_("爱心餐 吃饭 午餐 送清凉 暖途 快递员 外卖 骑手 体检 服务券 领券")),
        Link(_("文化展播"), "campaigns:culture", icon="star",
             description=_("职工歌曲、视频、摄影、文学作品，每日展播，联谊会直播回放"),
             keywords=_("文化 作品 歌曲 视频 摄影 文学 联谊会 春晚 直播 回放 投稿 艺术团")),
    ),
    home_cards=("campaigns/partials/_home_showcase.html",),
    console=(
        Link(_("健身活动"), "console:campaigns:list", icon="star"),
        Link(_("服务活动"), "console:campaigns:activities", icon="gift"),
        Link(_("文化展播"), "console:campaigns:culture", icon="star"),
    ),
)
