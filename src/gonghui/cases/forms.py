"""Forms for the case pages. They only parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import ValidationFailed
from gonghui.core.forms import DateField
from gonghui.core.money import yuan_to_fen

from .models import CLASSIFIED_CATEGORIES, Category, Lawyer, Mediation, Rating, SupervisionLetter


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _parse_amount(value: str, field: str) -> int:
    if not (value or "").strip():
        return 0
    try:
        return yuan_to_fen(value)
    except ValidationFailed as exc:
        raise forms.ValidationError(str(exc.message)) from exc


class CaseFactsForm(forms.Form):
    """What happened: shared by the worker's report form and the operator's quick entry."""

    category = forms.ChoiceField(label=_("问题类别"), choices=Category.choices)
    description = forms.CharField(
        label=_("事情经过"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("什么时间、什么单位、发生了什么、您希望怎么解决")})
    )
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    employer_name = forms.CharField(label=_("用人单位"), max_length=150, required=False)
    region = forms.CharField(label=_("发生地区"), max_length=6, required=False)
    place = forms.CharField(label=_("详细地点"), max_length=200, required=False)
    amount = forms.CharField(label=_("拖欠金额（元）"), max_length=20, required=False)
    people_count = forms.IntegerField(label=_("涉及人数"), min_value=1, max_value=100000, initial=1)
    is_new_form = forms.BooleanField(label=_("我是外卖骑手、快递员、网约车司机等新就业形态劳动者"), required=False)
    employer_may_know_name = forms.BooleanField(label=_("同意工会向用人单位透露我的姓名"), required=False)

    def clean_amount(self) -> int:
        return _parse_amount(self.cleaned_data.get("amount", ""), "amount")


class CaseReportForm(CaseFactsForm):
    attachments = MultipleFileField(label=_("附件（图片或 PDF，每个不超过 5 MB）"))


class HotlineIntakeForm(CaseFactsForm):
    reporter_phone = forms.CharField(label=_("来电号码"), max_length=20)
    reporter_name = forms.CharField(label=_("来电人姓名"), max_length=50, required=False)
    union = forms.IntegerField(label=_("直接转办至工会（编号，可选）"), required=False)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("留言"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("附件"))


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("您对办理结果的评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见（可选）"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    body = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("对职工公开"), required=False)


class TransferForm(forms.Form):
    to_union = forms.IntegerField(label=_("转至工会（编号）"))
    reason = forms.CharField(label=_("转办理由"), max_length=500)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(label=_("承办人"))


class ResolveForm(forms.Form):
    outcome = forms.CharField(label=_("办理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    recovered = forms.CharField(label=_("追回金额（元）"), max_length=20, required=False)
    people_paid = forms.IntegerField(label=_("已兑付人数"), min_value=0, required=False)

    def clean_recovered(self) -> int:
        return _parse_amount(self.cleaned_data.get("recovered", ""), "recovered")


class SuperviseForm(forms.Form):
    note = forms.CharField(label=_("督办意见"), max_length=500)
    due_on = DateField(label=_("督办期限"))


class FollowUpRateForm(RateForm):
    pass


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SupervisionLetter.Kind.choices)
    recipient = forms.CharField(label=_("送达对象"), max_length=150)
    subject = forms.CharField(label=_("事由"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}))
    response_days = forms.IntegerField(label=_("回复期限（工作日）"), min_value=1, max_value=60, initial=10)


CLASSIFIED_CHOICES = [(c.value, c.label) for c in CLASSIFIED_CATEGORIES]


class LawyerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    kind = forms.ChoiceField(label=_("类型"), choices=Lawyer.Kind.choices)
    firm = forms.CharField(label=_("执业机构"), max_length=120, required=False)
    specialities = forms.CharField(label=_("擅长领域"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    union = forms.IntegerField(label=_("所属工会"))


class LawyerAssignForm(forms.Form):
    lawyer = forms.IntegerField(label=_("律师/志愿者"))


class AidDecisionForm(forms.Form):
    eligible = forms.TypedChoiceField(label=_("审查结论"), choices=[("1", _("符合条件")), ("0", _("不符合条件"))],
                                      coerce=lambda v: v == "1")
    reason = forms.CharField(label=_("理由"), max_length=500)
    lawyer = forms.IntegerField(label=_("指派律师"), required=False)


class MediationOpenForm(forms.Form):
    applicant = forms.CharField(label=_("申请方"), max_length=120)
    respondent = forms.CharField(label=_("被申请方"), max_length=150)
    mediator = forms.IntegerField(label=_("调解员"), required=False)
    claim = forms.CharField(label=_("请求金额（元）"), max_length=20, required=False)

    def clean_claim(self) -> int:
        return _parse_amount(self.cleaned_data.get("claim", ""), "claim")


class MediationSessionForm(forms.Form):
    held_on = DateField(label=_("日期"))
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    notes = forms.CharField(label=_("记录"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MediationConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), choices=[c for c in Mediation.Outcome.choices if c[0]])
    agreement = forms.CharField(label=_("协议内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreed = forms.CharField(label=_("协议金额（元）"), max_length=20, required=False)
    arbitration_ref = forms.CharField(label=_("劳动仲裁案号"), max_length=60, required=False)

    def clean_agreed(self) -> int:
        return _parse_amount(self.cleaned_data.get("agreed", ""), "agreed")


class LetterActionForm(forms.Form):
    text = forms.CharField(label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
