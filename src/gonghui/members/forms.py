"""Forms for the members pages in the staff console."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField, SearchForm

from .models import (
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipTransfer,
    NewFormKind,
)
from .selectors import MemberFilter


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


class MemberFilterForm(forms.Form):
    """会员名册 filters; the same form narrows the list and its export."""

    q = forms.CharField(label=_("姓名、拼音、身份证号或手机号"), max_length=50, required=False)
    union = forms.TypedChoiceField(label=_("工会"), required=False, coerce=int, empty_value=None)
    union_name = forms.CharField(label=_("工会名称包含"), max_length=60, required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, initial="live",
        choices=[("live", _("在册（含接转中）")), ("", _("全部"))] + list(Membership.Status.choices),
    )
    new_form = forms.ChoiceField(
        label=_("新就业形态"), required=False,
        choices=[("", _("不限")), ("any", _("全部新就业形态"))] + [c for c in NewFormKind.choices if c[0]],
    )
    joined_from = DateField(label=_("入会日期从"), required=False)
    joined_to = DateField(label=_("入会日期到"), required=False)

    def __init__(self, *args: Any, unions: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unions is None:  # too many to list: the name search stands in for the list
            del self.fields["union"]
        else:
            del self.fields["union_name"]
            union_field = self.fields["union"]
            assert isinstance(union_field, forms.TypedChoiceField)
            union_field.choices = [("", _("全部"))] + [
                (u.pk, f"{'　' * max(u.depth - 1, 0)}{u.name}") for u in unions
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("joined_from"), data.get("joined_to")
        if start and end and start > end:
            self.add_error("joined_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> MemberFilter:
        data = self.cleaned_data if self.is_valid() else {"status": "live"}
        return MemberFilter(
            q=data.get("q") or "", union_id=data.get("union"), union_name=data.get("union_name") or "",
            status=data.get("status", "live") if self.is_bound else "live", new_form=data.get("new_form") or "",
            joined_from=data.get("joined_from"), joined_to=data.get("joined_to"),
        )


class MemberExportForm(forms.Form):
    reveal = forms.BooleanField(label=_("导出完整身份证号和手机号（需授权，将记录在案）"), required=False)
    reason = forms.CharField(label=_("事由"), max_length=300, required=False)
