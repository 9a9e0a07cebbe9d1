"""Sign-in forms. They only shape input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": _("11位手机号")}),
        error_messages={"required": _("请输入手机号。")},
    )


class SmsCodeForm(forms.Form):
    phone = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("验证码"), max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": _("6位数字")}),
        error_messages={"required": _("请输入验证码。")},
    )


class StaffLoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}),
                               error_messages={"required": _("请输入用户名。")})
    password = forms.CharField(label=_("密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               error_messages={"required": _("请输入密码。")})


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"), max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": _("6位数字")}),
        error_messages={"required": _("请输入动态口令。")},
    )
