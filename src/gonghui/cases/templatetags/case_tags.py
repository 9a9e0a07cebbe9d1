from typing import Any

from django import template

from gonghui.cases.selectors import holiday_calendar_warning as holiday_calendar_warning_for
from gonghui.core.money import fen_to_yuan

register = template.Library()


@register.inclusion_tag("cases/partials/_holiday_calendar_warning.html", takes_context=True)
def holiday_calendar_warning(context: template.Context) -> dict[str, Any]:
    """The "holidays of 2027 not entered yet" banner for staff pages (console overview)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"warning": None}
    return {"warning": holiday_calendar_warning_for(user=user)}


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen shown as yuan: 1234567 → 12,345.67"""
    return fen_to_yuan(int(fen or 0))


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
