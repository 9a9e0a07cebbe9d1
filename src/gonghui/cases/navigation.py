"""The cases module in the shells: reporting a problem (12351), legal help and 我的诉求 for
workers; the queues, the hotline desk, legal services and statistics for staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module, Waiting

from . import selectors
from .models import Status

CASE_ROLES = frozenset({"admin", "staff", "operator", "legal", "viewer"})


def _new_cases(user: Any) -> QuerySet[Any]:
    return selectors.case_queue(user=user, queue="new")


def _waiting(user: Any) -> Iterable[Waiting]:
    for case in selectors.case_waiting_for_worker(user=user):
        if case.status == Status.AWAITING_INFO:
            text = gettext("工会请您补充材料：诉求 %(number)s") % {"number": case.number}
        else:
            text = gettext("诉求 %(number)s 已办结，请评价办理结果") % {"number": case.number}
        yield Waiting(text=text, url=reverse("cases:detail", args=[case.pk]), kind=_("诉求"))


MODULE = Module(
    name="cases",
    label=_("维权服务"),
    order=20,
    worker_urls="gonghui.cases.urls",
    console_urls="gonghui.cases.console_urls",
    services=(
        Link(_("我要反映（12351）"), "cases:report", icon="phone", description=_("欠薪、劳动合同、工伤等问题，工会帮您办"),
             keywords=_("12351 投诉 求助 欠薪 讨薪 工资 劳动合同 辞退 社保 工伤 加班"), login_required=True),
        Link(_("法律咨询"), "cases:legal_consultation", icon="law",
             description=_("工会律师解答劳动法律问题"), keywords=_("律师 法律 咨询"), login_required=True),
        Link(_("法律援助"), "cases:legal_aid", icon="law",
             description=_("请工会律师代理劳动争议"), keywords=_("律师 援助 仲裁 诉讼"), login_required=True),
        Link(_("劳动争议调解"), "cases:legal_mediation", icon="handshake",
             description=_("工会调解员帮您和单位协商"), keywords=_("调解 争议 协商"), login_required=True),
        Link(_("法律援助站点与律师"), "cases:legal_directory", icon="pin",
             description=_("附近的职工法律援助站、工会律师的电话和地址"), keywords=_("律师 援助站 法律援助中心 电话 地址")),
        Link(_("我的诉求"), "cases:my_cases", icon="list", description=_("查看办理进度、补充材料、评价"),
             keywords=_("进度 工单 回访 评价"), login_required=True),
    ),
    console=(
        Link(_("诉求办理"), "console:cases:queue", icon="inbox", roles=CASE_ROLES, badge=_new_cases),
        Link(_("12351 热线"), "console:cases:hotline", icon="phone", roles=frozenset({"admin", "staff", "operator"})),
        Link(_("律师名册"), "console:cases:lawyers", icon="law", roles=frozenset({"admin", "staff", "legal"})),
        Link(_("一函两书"), "console:cases:letters", icon="letter", roles=frozenset({"admin", "staff", "legal"})),
    ),
    waiting=_waiting,
)
