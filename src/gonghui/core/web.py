"""Mapping domain errors onto pages: one place, used by every view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .errors import DomainError


class HtmxHttpRequest(HttpRequest):
    """Type of `request` in views that read `request.htmx` (set by django-htmx's middleware).

    Annotate ``def view(request: HtmxHttpRequest)`` and mypy knows ``request.htmx``.
    """

    htmx: HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx request (works for any HttpRequest, typed or not)."""
    return bool(getattr(request, "htmx", False))


def apply_domain_error(exc: DomainError, *, form: forms.Form | None = None, request: HttpRequest | None = None) -> None:
    """Attach the error to the form field it names (or the form), else to page messages."""
    if form is not None:
        field: Any = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
    elif request is not None:
        messages.error(request, str(exc.message))
