"""Forms for the case pages. They only parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import ValidationFailed
from gonghui.core.forms import DateField
from gonghui.core.money import yuan_to_fen

from .legal_aid import Document
from .models import (
    CLASSIFIED_CATEGORIES,
    Category,
    DisputeType,
    Hardship,
    Lawyer,
    Mediation,
    Rating,
    Stage,
    SupervisionLetter,
)

# The legal services have their own forms (legal_*.html); the general report form leaves them out.
LEGAL_CATEGORIES = (Category.LEGAL_CONSULTATION, Category.LEGAL_AID, Category.MEDIATION)


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [c for c in Category.choices if c[0] not in LEGAL_CATEGORIES]


class LegalHelpForm(forms.Form):
    """What every legal-help form asks: the matter, and optionally the employer and the place
    (a member who leaves them out is served by their own union). No amount, no headcount."""

    description = forms.CharField(label=_("您遇到的问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    employer_name = forms.CharField(label=_("用人单位（可不填）"), max_length=150, required=False)
    region = forms.CharField(label=_("所在地区（可不填）"), max_length=6, required=False)
    place = forms.CharField(label=_("详细地点（可不填）"), max_length=200, required=False)
    attachments = MultipleFileField(label=_("材料照片或 PDF（可不传，每个不超过 5 MB）"))


class LegalConsultationForm(LegalHelpForm):
    dispute_type = forms.ChoiceField(label=_("咨询什么事"), required=False,
                                     choices=[("", _("请选择（可不选）")), *DisputeType.choices])
    field_order = ["dispute_type", "description"]


YES_NO = [("0", _("没有")), ("1", _("已经委托了"))]


class LegalAidForm(LegalHelpForm):
    dispute_type = forms.ChoiceField(label=_("争议类型"), choices=DisputeType.choices, widget=forms.RadioSelect)
    hardship = forms.ChoiceField(label=_("您的经济状况"), choices=Hardship.choices, widget=forms.RadioSelect)
    household_income = forms.IntegerField(label=_("家庭人均月收入（元，申请经济困难援助时填写）"), required=False,
                                          min_value=0, max_value=1_000_000)
    stage = forms.ChoiceField(label=_("争议现在到了哪一步"), choices=Stage.choices, widget=forms.RadioSelect)
    case_reference = forms.CharField(label=_("仲裁或诉讼案号（已在仲裁或诉讼中时填写）"), max_length=60, required=False)
    has_lawyer = forms.TypedChoiceField(label=_("是否已经委托律师或其他代理人"), choices=YES_NO, coerce=lambda v: v == "1",
                                        widget=forms.RadioSelect)
    documents = forms.MultipleChoiceField(label=_("您能提供哪些材料（可以现在上传，也可以受理后补交）"), required=False,
                                          choices=Document.choices, widget=forms.CheckboxSelectMultiple)
    declared = forms.BooleanField(label=_("我保证以上情况属实，如有虚假，工会可以终止援助。"), required=False)
    field_order = ["dispute_type", "description", "hardship", "household_income", "stage", "case_reference",
                   "has_lawyer", "documents"]


class MediationRequestForm(LegalHelpForm):
    employer_name = forms.CharField(label=_("和哪家单位发生争议"), max_length=150, required=False)
    consent = forms.BooleanField(label=_("我同意工会以我的名义联系单位，安排双方调解。"), required=False)


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
    name = forms.CharField(label=_("姓名或站点名称"), max_length=50)
    kind = forms.ChoiceField(label=_("类型"), choices=Lawyer.Kind.choices)
    firm = forms.CharField(label=_("执业机构"), max_length=120, required=False)
    specialities = forms.CharField(label=_("擅长领域"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话（内部）"), max_length=20, required=False)
    union = forms.IntegerField(label=_("所属工会"))
    is_public = forms.BooleanField(label=_("向职工公开（列入“法律援助站点与律师”）"), required=False)
    service_region = forms.CharField(label=_("服务地区代码（可不填，默认所属工会所在地区）"), max_length=6, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    hours = forms.CharField(label=_("服务时间"), max_length=100, required=False)
    public_phone = forms.CharField(label=_("公开电话"), max_length=30, required=False)


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
