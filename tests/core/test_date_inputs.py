"""Date inputs (issue 8, item 6): every date field on our pages is the browser's date picker
with an ISO value, in Chinese and in English (Django's Chinese format would write 2026/12/01,
which `<input type="date">` rejects and shows as empty)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

DAY = dt.date(2026, 12, 1)


def _date_fields() -> list[tuple[str, str, forms.Field]]:
    """(form, field name, field) for every date field of every form in our apps' forms modules."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                for field_name, field in cls.base_fields.items():
                    if isinstance(field, forms.DateField):
                        found.append((f"{module.__name__}.{name}", field_name, field))
    return found


DATE_FIELDS = _date_fields()


def test_the_date_fields_are_found():
    # Supervision deadline, mediation session, station service day (at least).
    assert len(DATE_FIELDS) >= 3


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("form", "name", "field"), DATE_FIELDS, ids=[f"{f}.{n}" for f, n, _ in DATE_FIELDS])
def test_every_date_field_is_a_date_picker_with_an_iso_value(form, name, field, language):
    with translation.override(language):
        html = field.widget.render(name, DAY, attrs={"id": f"id_{name}"})
        assert re.search(r'type="date"', html), html
        assert 'value="2026-12-01"' in html, html
        # What the picker sends back is read as the same day.
        assert field.clean("2026-12-01") == DAY
