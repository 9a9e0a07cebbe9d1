"""`{% showcase_today_works as works %}`: today's showcase for the home page card (one query)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def showcase_today_works() -> list[Any]:
    from gonghui.campaigns.selectors import showcase_today

    return showcase_today(limit=3)
