"""Worker-facing forms. They shape input; membership rules live in members.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.members.models import EmploymentForm, NewFormKind


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
