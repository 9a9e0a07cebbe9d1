"""Forms for the members pages in the staff console."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class RosterUploadForm(forms.Form):
    """Target union + file. The union is checked by the service (jurisdiction, 404)."""

    union = forms.IntegerField(label=_("导入到工会"), widget=forms.Select)
    file = forms.FileField(
        label=_("花名册文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("请选择要上传的文件。"), "empty": _("文件是空的。")},
    )

    def __init__(self, *args: Any, unions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].widget.choices = [(u.pk, f"{'　' * max(u.depth - 1, 0)}{u.name}") for u in unions]
