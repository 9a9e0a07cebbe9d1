"""Mapping domain errors onto pages: one place, used by every view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError


def apply_domain_error(exc: DomainError, *, form: forms.Form | None = None, request: HttpRequest | None = None) -> None:
    """Attach the error to the form field it names (or the form), else to page messages."""
    if form is not None:
        field: Any = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
    elif request is not None:
        messages.error(request, str(exc.message))
