"""Forms of the bargaining pages. They only parse input; the services validate the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.cases.forms import MultipleFileField
from gonghui.core.forms import DateField
from gonghui.orgs.models import Employer, Union

from . import currencies, pickers
from .models import (
    CongressVote,
    ContractKind,
    PayPeriod,
    SafetyHazard,
    Sector,
    Side,
    Trade,
    UnitKind,
)
from .services import TermsIn


def _text(label: Any, rows: int = 3, required: bool = False, max_length: int = 5000) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}))


class UnitForm(forms.Form):
    union = forms.ModelChoiceField(label=_("职工方工会"), queryset=Union.objects.none())
    kind = forms.ChoiceField(label=_("协商类型"), choices=UnitKind.choices)
    name = forms.CharField(label=_("名称"), max_length=120)
    employer = forms.ModelChoiceField(label=_("用人单位（平台总部）"), queryset=Employer.objects.none(), required=False)
    employers = forms.ModelMultipleChoiceField(label=_("覆盖单位（行业性、区域性；平台的分支机构）"), queryset=Employer.objects.none(), required=False)
    sector_code = forms.ChoiceField(label=_("行业门类"), choices=[("", "—"), *Sector.choices], required=False)
    sector = forms.CharField(label=_("行业（细分，如：远洋海运、外卖配送）"), max_length=60, required=False)
    employer_party = forms.CharField(label=_("企业方"), max_length=150)
    union_chief = forms.CharField(label=_("职工方首席代表"), max_length=50)
    union_representatives = _text(_("职工方协商代表（每行一人）"), max_length=2000)
    employer_chief = forms.CharField(label=_("企业方首席代表"), max_length=50)
    employer_representatives = _text(_("企业方协商代表（每行一人）"), max_length=2000)
    workers_covered = forms.IntegerField(label=_("覆盖职工人数"), min_value=1, max_value=10_000_000)
    members_covered = forms.IntegerField(label=_("其中工会会员"), min_value=0, max_value=10_000_000)

    def __init__(self, *args: Any, unions: Any = None, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.fields["employers"].queryset = employers  # type: ignore[attr-defined]
        pickers.limit(self, "union", "union")
        pickers.limit(self, "employer", "employer")
        pickers.limit(self, "employers", "employer")


class UnitEditForm(forms.Form):
    """Complete or correct a unit: representatives (a campaign's start as 待定), coverage, sector."""

    union_chief = forms.CharField(label=_("职工方首席代表"), max_length=50)
    union_representatives = _text(_("职工方协商代表（每行一人）"), max_length=2000)
    employer_chief = forms.CharField(label=_("企业方首席代表"), max_length=50)
    employer_representatives = _text(_("企业方协商代表（每行一人）"), max_length=2000)
    employer_party = forms.CharField(label=_("企业方"), max_length=150)
    sector_code = forms.ChoiceField(label=_("行业门类"), choices=[("", "—"), *Sector.choices], required=False)
    sector = forms.CharField(label=_("行业（细分）"), max_length=60, required=False)
    workers_covered = forms.IntegerField(label=_("覆盖职工人数"), min_value=1, max_value=10_000_000)
    members_covered = forms.IntegerField(label=_("其中工会会员"), min_value=0, max_value=10_000_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        from .models import PENDING

        for name in ("union_chief", "employer_chief"):
            if (data.get(name) or "").strip() == PENDING:
                self.add_error(name, _("请填写首席代表的姓名（不能是“待定”）。"))
        return data


class PlanForm(forms.Form):
    union = forms.ModelChoiceField(label=_("检查工会"), queryset=Union.objects.none())
    employer = forms.ModelChoiceField(label=_("被检查单位"), queryset=Employer.objects.none())
    checklist = forms.ModelChoiceField(label=_("检查表"), queryset=Union.objects.none(), required=False)
    planned_on = DateField(label=_("计划检查日期"))
    inspectors = forms.CharField(label=_("劳动保护监督检查员"), max_length=200)
    topic = forms.CharField(label=_("检查重点（如：高温防暑、消防通道）"), max_length=120, required=False)

    def __init__(self, *args: Any, unions: Any = None, employers: Any = None, checklists: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = checklists  # type: ignore[attr-defined]
        pickers.limit(self, "union", "union")
        pickers.limit(self, "employer", "employer")


class OfferForm(forms.Form):
    from_side = forms.ChoiceField(label=_("提出方"), choices=Side.choices, initial=Side.UNION)
    recipient = forms.CharField(label=_("送达对象（留空为对方）"), max_length=150, required=False)
    topics = forms.CharField(label=_("协商议题"), max_length=200, initial="工资集体协商")
    body = _text(_("要约内容"), rows=4, required=True)
    sent_on = DateField(label=_("发出日期"))


class ReceiptForm(forms.Form):
    received_on = DateField(label=_("对方收到日期"))


class AnswerForm(forms.Form):
    accepted = forms.TypedChoiceField(label=_("回应"), choices=[("1", _("同意协商")), ("0", _("拒绝协商"))], coerce=lambda v: v == "1")
    answered_on = DateField(label=_("回应日期"))
    answer = _text(_("回应内容"), required=True)


class RoundForm(forms.Form):
    held_on = DateField(label=_("协商日期"))
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    attendees = _text(_("出席人员"), rows=2, required=True, max_length=2000)
    union_position = _text(_("职工方意见"))
    employer_position = _text(_("企业方意见"))
    agreed_points = _text(_("达成一致的事项"))
    minutes = forms.FileField(label=_("会议纪要（PDF 或图片）"), required=False)


class TermsForm(forms.Form):
    wage_adjustment_pct = forms.CharField(label=_("工资调整幅度（%）"), max_length=12, required=False)
    min_pay_amount = forms.CharField(label=_("最低工资标准（金额）"), max_length=20, required=False)
    min_pay_currency = forms.CharField(label=_("币种（ISO 4217，如 CNY、USD）"), max_length=8, required=False, initial="CNY",
                                       widget=forms.TextInput(attrs={"list": "currency-codes", "autocapitalize": "characters"}))
    min_pay_period = forms.ChoiceField(label=_("计酬周期"), choices=[("", "—"), *PayPeriod.choices], required=False, initial=PayPeriod.MONTH)
    weekly_hours = forms.IntegerField(label=_("每周工作时间（小时）"), min_value=1, max_value=84, required=False)
    hours_and_rest = _text(_("工作时间与休息"))
    leave = _text(_("休假"))
    safety = _text(_("劳动安全卫生"))
    women_protection = _text(_("女职工特殊保护"))
    training = _text(_("职业技能培训"))
    algo_dispatch = _text(_("派单规则（平台）"))
    algo_pay_rules = _text(_("计件单价与抽成规则（平台）"))
    algo_penalties = _text(_("奖惩规则（平台）"))
    algo_rest_reminders = _text(_("休息提醒与连续在线时长（平台）"))
    other_terms = _text(_("其他条款"))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def terms(self) -> TermsIn:
        d = self.cleaned_data
        values: dict[str, Any] = {name: d.get(name) if name == "weekly_hours" else (d.get(name) or "")
                                  for name in TermsIn.__dataclass_fields__}
        return TermsIn(**values)

    currency_codes = tuple(currencies.ISO_4217)


class ContractForm(TermsForm):
    kind = forms.ChoiceField(label=_("合同类型"), choices=ContractKind.choices)
    title = forms.CharField(label=_("合同名称"), max_length=120)
    starts_on = DateField(label=_("期限开始"))
    ends_on = DateField(label=_("期限结束"))
    field_order = ["kind", "title", "starts_on", "ends_on"]


class VoteForm(forms.Form):
    body = forms.ChoiceField(label=_("表决机构"), choices=CongressVote.Body.choices)
    held_on = DateField(label=_("会议日期"))
    total = forms.IntegerField(label=_("应到代表（职工）人数"), min_value=1, max_value=1_000_000)
    present = forms.IntegerField(label=_("实到人数"), min_value=0, max_value=1_000_000)
    in_favour = forms.IntegerField(label=_("赞成"), min_value=0, max_value=1_000_000)
    against = forms.IntegerField(label=_("反对"), min_value=0, max_value=1_000_000)
    abstained = forms.IntegerField(label=_("弃权"), min_value=0, max_value=1_000_000)


class SignForm(forms.Form):
    signed_on = DateField(label=_("签订日期"))


class FileForm(forms.Form):
    filed_on = DateField(label=_("报送日期"))
    labour_department = forms.CharField(label=_("审查部门"), max_length=120, initial="人力资源和社会保障局")


class ObjectionForm(forms.Form):
    objection = _text(_("审查意见（异议）"), required=True)


class CampaignForm(forms.Form):
    union = forms.ModelChoiceField(label=_("发起工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("行动名称"), max_length=80)
    topics = forms.CharField(label=_("协商议题"), max_length=200, initial="工资集体协商")
    body = _text(_("要约内容"), rows=4, required=True)
    all_in_subtree = forms.BooleanField(label=_("发往发起工会所辖全部已建会单位（最多 500 家）"), required=False)
    employers = forms.ModelMultipleChoiceField(label=_("或逐一选择发往单位"), queryset=Employer.objects.none(), required=False)

    def __init__(self, *args: Any, unions: Any = None, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["employers"].queryset = employers  # type: ignore[attr-defined]
        pickers.limit(self, "union", "union")
        pickers.limit(self, "employers", "employer")


class ChecklistForm(forms.Form):
    union = forms.ModelChoiceField(label=_("制定工会"), queryset=Union.objects.none())
    trade = forms.ChoiceField(label=_("行业"), choices=Trade.choices)
    name = forms.CharField(label=_("名称"), max_length=80)
    items = _text(_("检查项目（每行一项）"), rows=6, required=True, max_length=4000)
    shared = forms.BooleanField(label=_("作为模板供下级工会使用"), required=False)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        pickers.limit(self, "union", "union")


class InspectionForm(forms.Form):
    union = forms.ModelChoiceField(label=_("检查工会"), queryset=Union.objects.none())
    employer = forms.ModelChoiceField(label=_("被检查单位"), queryset=Employer.objects.none())
    checklist = forms.ModelChoiceField(label=_("检查表"), queryset=Union.objects.none(), required=False)
    inspected_on = DateField(label=_("检查日期"))
    inspectors = forms.CharField(label=_("劳动保护监督检查员"), max_length=200)
    findings = _text(_("检查情况"))
    photos = forms.FileField(label=_("照片"), required=False)

    def __init__(self, *args: Any, unions: Any = None, employers: Any = None, checklists: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = checklists  # type: ignore[attr-defined]
        pickers.limit(self, "union", "union")
        pickers.limit(self, "employer", "employer")


class HazardForm(forms.Form):
    description = _text(_("隐患描述"), rows=3, required=True, max_length=2000)
    location = forms.CharField(label=_("位置"), max_length=120, required=False)
    severity = forms.ChoiceField(label=_("等级"), choices=SafetyHazard.Severity.choices)
    rectify_days = forms.IntegerField(label=_("整改期限（天）"), min_value=1, max_value=180, initial=15)
    photos = forms.FileField(label=_("照片"), required=False)


class VerifyForm(forms.Form):
    confirmed = forms.TypedChoiceField(label=_("核实结果"), choices=[("1", _("属实，需整改")), ("0", _("不属实"))], coerce=lambda v: v == "1")
    severity = forms.ChoiceField(label=_("等级"), choices=SafetyHazard.Severity.choices)
    rectify_days = forms.IntegerField(label=_("整改期限（天）"), min_value=1, max_value=180, initial=15, required=False)
    note = forms.CharField(label=_("核实情况"), max_length=2000, required=False)


class RectifyForm(forms.Form):
    rectified_on = DateField(label=_("整改完成日期"))
    rectification = _text(_("整改情况"), required=True, max_length=2000)
    evidence = forms.FileField(label=_("整改证明（照片或 PDF）"), required=False)


class ReinspectForm(forms.Form):
    reinspected_on = DateField(label=_("复查日期"))
    passed = forms.TypedChoiceField(label=_("复查结果"), choices=[("1", _("合格")), ("0", _("不合格，重新整改"))], coerce=lambda v: v == "1")
    note = _text(_("复查意见"), required=True, max_length=2000)
    rectify_days = forms.IntegerField(label=_("重新整改期限（天）"), min_value=1, max_value=180, required=False)


class WorkerHazardForm(forms.Form):
    employer_name = forms.CharField(label=_("单位名称"), max_length=150)
    location = forms.CharField(label=_("具体位置"), max_length=120, required=False)
    description = _text(_("发现了什么问题"), rows=4, required=True, max_length=2000)
    photo = forms.FileField(label=_("照片（可选）"), required=False)
    anonymous = forms.BooleanField(label=_("匿名报告（工会看不到我的姓名和电话）"), required=False)


class EmployerAnswerForm(forms.Form):
    """The employer's own answer to an offer; the day it received the offer when the union
    has not recorded it yet (the 20-day clock starts on that day)."""

    received_on = DateField(label=_("本单位收到要约的日期"), required=False)
    accepted = forms.TypedChoiceField(label=_("书面回应"), choices=[("1", _("同意协商")), ("0", _("拒绝协商"))],
                                      coerce=lambda v: v == "1", widget=forms.RadioSelect)
    answered_on = DateField(label=_("回应日期"))
    answer = _text(_("回应内容（如：同意于某日开始协商，协商代表为……；拒绝的理由）"), rows=4, required=True, max_length=5000)


class EmployerRectifyForm(forms.Form):
    rectified_on = DateField(label=_("整改完成日期"))
    rectification = _text(_("整改情况"), rows=4, required=True, max_length=2000)
    evidence = MultipleFileField(label=_("整改证明（照片或 PDF，最多 6 个）"), required=False)
