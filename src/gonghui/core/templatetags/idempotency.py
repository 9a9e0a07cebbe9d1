"""`{% idempotency_key_field %}`: the hidden one-time key of a form that creates something
(see `gonghui.core.idempotency.idempotent_form`): `{% load idempotency %}`."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from gonghui.core.idempotency import FORM_FIELD, idempotency_key_new

register = template.Library()


@register.simple_tag
def idempotency_key_field() -> SafeString:
    """A new key each time the form is rendered: one key, one submission."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, idempotency_key_new())
