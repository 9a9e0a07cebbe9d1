"""The orgs module in the console: the union tree, employers and role grants."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Link, Module

MODULE = Module(
    name="orgs",
    label=_("组织"),
    order=90,
    console_urls="gonghui.orgs.console_urls",
    console=(
        Link(_("组织架构"), "console:orgs:unions", icon="tree"),
        Link(_("用人单位"), "console:orgs:employers", icon="building", roles=frozenset({"admin", "staff", "viewer", "operator", "legal"})),
        Link(_("角色授权"), "console:orgs:grants", icon="key", action="manage_grants"),
    ),
)
