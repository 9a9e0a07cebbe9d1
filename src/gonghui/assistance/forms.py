"""Forms of the fund ledger pages. They shape input; the services validate and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField
from gonghui.core.money import yuan_to_fen
from gonghui.orgs.models import Union

from .models import FundSource

POST_KINDS = (
    ("receipt", _("资金入账")),
    ("allocation", _("下拨给下级工会")),
    ("disbursement", _("帮扶支出")),
)


class YuanField(forms.CharField):
    """An amount typed in 元 (up to two decimals), cleaned to integer fen."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("单位：元，最多两位小数"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int:
        text = super().clean(value)
        fen = yuan_to_fen(text) if text else 0
        if fen <= 0:
            raise forms.ValidationError(_("金额必须大于 0。"))
        if fen > 1_000_000_000_000:
            raise forms.ValidationError(_("金额超出允许范围（单笔不超过 100 亿元）。"))
        return fen


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("业务类型"), choices=POST_KINDS)
    union = forms.ModelChoiceField(label=_("记账工会"), queryset=Union.objects.none())
    to_union = forms.ModelChoiceField(label=_("下拨给（直属下级工会）"), queryset=Union.objects.none(), required=False)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    amount = YuanField(label=_("金额（元）"))
    payee_name = forms.CharField(label=_("收款人（帮扶支出）"), max_length=60, required=False)
    memo = forms.CharField(label=_("摘要"), max_length=200)
    booked_on = DateField(label=_("记账日期"), required=False, help_text=_("不填为今天"))

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]
        cast(forms.ModelChoiceField, self.fields["to_union"]).queryset = unions  # type: ignore[type-arg]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "allocation" and not data.get("to_union"):
            self.add_error("to_union", _("下拨请选择下级工会。"))
        if data.get("kind") == "disbursement" and not data.get("payee_name"):
            self.add_error("payee_name", _("帮扶支出请填写收款人。"))
        return data


class RefundForm(forms.Form):
    amount = YuanField(label=_("退回金额（元）"))
    memo = forms.CharField(label=_("摘要"), max_length=200)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲销原因"), max_length=150)


class PeriodCloseForm(forms.Form):
    union = forms.ModelChoiceField(label=_("工会"), queryset=Union.objects.none())
    month = forms.CharField(label=_("结账至（月份）"), max_length=7, help_text=_("格式 YYYY-MM，例如 2025-03"),
                            widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]


class StatementForm(forms.Form):
    union = forms.ModelChoiceField(label=_("工会"), queryset=Union.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month_from = forms.IntegerField(label=_("起始月份"), min_value=1, max_value=12, initial=1)
    month_to = forms.IntegerField(label=_("截止月份"), min_value=1, max_value=12, initial=12)
    subtree = forms.BooleanField(label=_("含下级工会"), required=False, initial=True)

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("month_from") and data.get("month_to") and data["month_from"] > data["month_to"]:
            self.add_error("month_to", _("截止月份不能早于起始月份。"))
        return data


class PayoutForm(forms.Form):
    union = forms.ModelChoiceField(label=_("发放工会"), queryset=Union.objects.none())
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    amount = YuanField(label=_("金额（元）"))
    payee_name = forms.CharField(label=_("收款人"), max_length=60)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    bank_name = forms.CharField(label=_("开户行"), max_length=60, required=False)
    memo = forms.CharField(label=_("摘要"), max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]


class BatchCreateForm(forms.Form):
    union = forms.ModelChoiceField(label=_("发放工会"), queryset=Union.objects.none())

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]


class ReturnFileForm(forms.Form):
    file = forms.FileField(label=_("银行回盘文件（.xlsx）"))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=500)
