"""The accounts module: sign-in pages at /accounts/ (no menu entries of its own)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gonghui.core.modules import Module

MODULE = Module(name="accounts", label=_("账号"), order=1, worker_urls="gonghui.accounts.urls")
