"""Forms for the members pages in the staff console."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import SearchForm

from .models import EmploymentForm, MembershipApplication, MembershipTransfer, NewFormKind


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


class ApplicationFilterForm(SearchForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False,
        choices=[("", _("全部"))] + list(MembershipApplication.Status.choices),
    )


class TransferFilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("方向"), required=False,
        choices=[("in", _("转入本辖区")), ("out", _("转出本辖区")), ("", _("全部"))],
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False,
        choices=[("open", _("办理中")), ("", _("全部"))] + list(MembershipTransfer.Status.choices),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("查看"), choices=[("id_number", _("身份证号")), ("phone", _("手机号"))])
    reason = forms.CharField(label=_("事由"), max_length=300, required=False)


class TransferStartForm(forms.Form):
    to_union = forms.IntegerField(label=_("转入工会编号"), min_value=1)
    to_employer = forms.IntegerField(label=_("新单位编号（可不填）"), min_value=1, required=False)
    reason = forms.CharField(label=_("接转原因"), max_length=300, required=False)


class EmployerPickMixin(forms.Form):
    employer_q = forms.CharField(
        label=_("搜索单位"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("单位名称、拼音首字母或统一社会信用代码"), "autocomplete": "off"}),
    )
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    fed_q = forms.CharField(
        label=_("搜索城市或联合会"), required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("如：深圳"), "autocomplete": "off"}),
    )
    union = forms.IntegerField(required=False, widget=forms.HiddenInput)


class JoinForm(EmployerPickMixin):
    name = forms.CharField(label=_("姓名"), max_length=50, error_messages={"required": _("请输入姓名。")})
    id_number = forms.CharField(
        label=_("身份证号"), max_length=30, error_messages={"required": _("请输入身份证号。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("18位居民身份证号")}),
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}),
                            error_messages={"required": _("请输入手机号。")})
    employment_form = forms.ChoiceField(label=_("用工形式"), choices=EmploymentForm.choices, initial=EmploymentForm.STANDARD)
    new_form_kind = forms.ChoiceField(label=_("新就业形态类别"), choices=NewFormKind.choices, required=False)
    is_migrant_worker = forms.BooleanField(label=_("我是农民工"), required=False)

    field_order = ["name", "id_number", "phone", "employment_form", "new_form_kind", "is_migrant_worker"]


class TransferForm(EmployerPickMixin):
    reason = forms.CharField(label=_("接转原因"), max_length=300, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如：更换工作单位")}))
