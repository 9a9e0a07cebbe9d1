"""`{{ fen|yuan }}`: integer fen shown as 元 with two decimals (1,234.50)."""

from __future__ import annotations

from typing import Any

from django import template

from gonghui.core.money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return ""
    return fen_to_yuan(int(value))
