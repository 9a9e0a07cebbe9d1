"""Small forms that every module's pages share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker, `<input type="date">`. Its value must be an ISO date
    (YYYY-MM-DD) whatever the page's language: Django's Chinese formats would write
    "2026/12/01", which the browser rejects and shows as an empty field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """Every date a person enters on our pages: the browser's date picker. Reading accepts the
    ISO date it sends (in every language's input formats) and what a person types by hand."""

    widget = DateInput


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=50, required=False)
