"""The members module in the shells: join, card and transfer for workers; applications, members,
transfers and roster import for staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module, Waiting

from . import selectors

MEMBER_ROLES = frozenset({"admin", "staff", "viewer", "legal"})


def _pending_applications(user: Any) -> QuerySet[Any]:
    return selectors.membership_application_list(user=user, status="submitted")


def _incoming_transfers(user: Any) -> QuerySet[Any]:
    return selectors.transfer_list(user=user, direction="in", status="open")


def _is_member(user: Any) -> bool:
    """Asked by two entries on every 服务 and 首页 render: read once per request's user."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_gonghui_is_member", None)
    if cached is None:
        cached = selectors.membership_live_for_worker(user=user) is not None
        user._gonghui_is_member = cached
    return bool(cached)


def _waiting(user: Any) -> Iterable[Waiting]:
    """A rejected application the worker can correct and send again."""
    latest = selectors.application_list_for_worker(user=user).first()
    if latest is not None and latest.status == "rejected" and selectors.membership_live_for_worker(user=user) is None:
        yield Waiting(
            text=gettext("入会申请被退回：%(reason)s。可修改后重新申请。") % {"reason": latest.decision_reason or "—"},
            url=reverse("members:join"), kind=_("入会"),
        )


MODULE = Module(
    name="members",
    label=_("会员"),
    order=10,
    worker_urls="gonghui.members.urls",
    console_urls="gonghui.members.console_urls",
    services=(
        Link(_("申请入会"), "members:join", icon="join", description=_("加入所在单位或行业的工会"),
             keywords=_("入会 加入工会 会员 新就业形态"), login_required=True,
             offered=lambda user: not _is_member(user)),
        Link(_("电子会员卡"), "members:card", icon="card", description=_("出示会员身份，享受会员服务"),
             keywords=_("会员卡 会员证 二维码"), login_required=True),
        Link(_("会员关系接转"), "members:transfer", icon="transfer", description=_("换了单位，把会员关系转过去"),
             keywords=_("转会 接转 换工作"), login_required=True, offered=_is_member),
    ),
    console=(
        Link(_("入会审核"), "console:members:applications", icon="join", roles=MEMBER_ROLES, badge=_pending_applications),
        Link(_("会员"), "console:members:people", icon="people", roles=MEMBER_ROLES),
        Link(_("会员接转"), "console:members:transfers", icon="transfer", roles=MEMBER_ROLES, badge=_incoming_transfers),
        Link(_("花名册导入"), "console:members:roster", icon="upload", action="import"),
    ),
    waiting=_waiting,
)
