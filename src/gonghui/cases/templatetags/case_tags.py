from django import template

from gonghui.core.money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen shown as yuan: 1234567 → 12,345.67"""
    return fen_to_yuan(int(fen or 0))


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
