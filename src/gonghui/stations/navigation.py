"""The stations module in the shells: the nearest station for workers (and a 首页 card); the
registry, star rating and problem reports for staff."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

from . import selectors


def _open_reports(user: Any) -> QuerySet[Any]:
    return selectors.station_report_list_for_user(user=user, status="open")


MODULE = Module(
    name="stations",
    label=_("驿站"),
    order=30,
    worker_urls="gonghui.stations.urls",
    console_urls="gonghui.stations.console_urls",
    services=(
        Link(_("附近驿站"), "stations:nearby", icon="pin",
             description=_("歇脚、喝水、充电、热饭，找最近的工会驿站"),
             keywords=_("驿站 户外劳动者 哺乳室 司机之家 休息 饮水 充电 厕所 地图")),
    ),
    console=(
        Link(_("服务站点"), "console:stations:list", icon="pin"),
        Link(_("星级评定"), "console:stations:star_list", icon="star"),
        Link(_("问题反馈"), "console:stations:reports", icon="flag", badge=_open_reports),
    ),
    home_cards=("stations/partials/_home_nearest.html",),
)
