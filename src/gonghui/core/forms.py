"""Small forms that every module's pages share."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=50, required=False)
