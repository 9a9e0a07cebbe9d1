"""Punctuation that follows the page's language: a label's colon is full-width in Chinese
("设施：") and ASCII in English ("Facilities: "). Loaded as a builtin (settings.TEMPLATES)."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def colon() -> str:
    return "：" if (get_language() or "zh-hans").startswith("zh") else ": "
