"""Forms of the jobs module. Amounts are typed in whole 元 and handed to services in fen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField
from gonghui.orgs.models import Employer, Region, Union

from .models import Contract, EmploymentService, JobFair, PayUnit, PriorityGroup, Retention, Trade


def _region(code: str, message: Any) -> Region:
    region = Region.objects.filter(code=(code or "").strip(), is_active=True).first()
    if region is None or region.level == Region.Level.PROVINCE:
        raise forms.ValidationError(message)
    return region


class PostingForm(forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=40)
    trade = forms.ChoiceField(label=_("工种"), choices=Trade.choices)
    region = forms.CharField(label=_("工作地点"), max_length=6)
    address = forms.CharField(label=_("详细地址"), max_length=120, required=False)
    pay_min = forms.IntegerField(label=_("工资下限（元）"), min_value=1, max_value=10_000_000)
    pay_max = forms.IntegerField(label=_("工资上限（元）"), min_value=1, max_value=10_000_000)
    pay_unit = forms.ChoiceField(label=_("计薪方式"), choices=PayUnit.choices)
    hours = forms.CharField(label=_("工作时间"), max_length=60, initial="每天8小时，周末双休")
    contract = forms.ChoiceField(label=_("用工形式"), choices=Contract.choices)
    skills = forms.CharField(label=_("技能/证书要求（用逗号分开）"), max_length=200, required=False)
    requirements = forms.CharField(label=_("任职要求"), max_length=1000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    openings = forms.IntegerField(label=_("招聘人数"), min_value=1, max_value=10_000, initial=1)
    closes_on = DateField(label=_("截止日期"))

    def __init__(self, *args: Any, employers: Any = None, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if employers is not None:
            self.fields = {"employer": forms.ModelChoiceField(label=_("用人单位"), queryset=employers), **self.fields}
        if unions is not None:
            self.fields = {"union": forms.ModelChoiceField(label=_("发布工会"), queryset=unions), **self.fields}

    def clean_region(self) -> Region:
        return _region(self.cleaned_data["region"], _("请选择工作地点（市或区县）。"))


class SeekerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=30)
    region = forms.CharField(label=_("现居住地"), max_length=6)
    trades = forms.MultipleChoiceField(label=_("想做的工种（最多5个）"), choices=Trade.choices,
                                       widget=forms.CheckboxSelectMultiple)
    place = forms.CharField(label=_("还想在哪里工作（可不填）"), max_length=6, required=False)
    skills = forms.CharField(label=_("技能和证书（用逗号分开，如：电工证、叉车证）"), max_length=200, required=False)
    pay_wanted = forms.IntegerField(label=_("期望月薪（元）"), min_value=0, max_value=200_000, required=False)
    available_from = DateField(label=_("最早可到岗日期"), required=False)
    priority_group = forms.ChoiceField(label=_("重点群体（选填，用于工会优先帮扶）"), choices=PriorityGroup.choices,
                                       required=False)
    open_to_work = forms.BooleanField(label=_("正在找工作"), required=False, initial=True)

    def clean_region(self) -> Region:
        return _region(self.cleaned_data["region"], _("请选择现居住地（市或区县）。"))

    def clean_place(self) -> str:
        code = self.cleaned_data.get("place") or ""
        return _region(code, _("意向工作地无效。")).code if code else ""


class FollowUpForm(forms.Form):
    which = forms.ChoiceField(label=_("回访节点"), choices=(("3m", _("3个月")), ("6m", _("6个月"))))
    status = forms.ChoiceField(label=_("回访结果"), choices=[c for c in Retention.choices if c[0]])
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("服务类型"), choices=[c for c in EmploymentService.Kind.choices
                                                       if c[0] != EmploymentService.Kind.PLACEMENT])
    given_on = DateField(label=_("服务日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class AccountGrantForm(forms.Form):
    union = forms.ModelChoiceField(label=_("核验工会"), queryset=Union.objects.none())
    employer = forms.ModelChoiceField(label=_("用人单位"), queryset=Employer.objects.none())
    phone = forms.CharField(label=_("招聘负责人手机号"), max_length=20)

    def __init__(self, *args: Any, unions: Any = None, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]


class MinimumWageForm(forms.Form):
    region_code = forms.CharField(label=_("区划代码（省、市或县）"), max_length=6, min_length=6)
    effective_from = DateField(label=_("施行日期"))
    monthly = forms.IntegerField(label=_("月最低工资（元）"), min_value=1, max_value=100_000)
    hourly = forms.DecimalField(label=_("小时最低工资（元）"), min_value=0, max_value=1000, decimal_places=1,
                                required=False)
    source = forms.CharField(label=_("依据（文件名称）"), max_length=200, required=False)


class FairForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("招聘会名称"), max_length=60, initial="春风行动专场招聘会")
    kind = forms.ChoiceField(label=_("形式"), choices=JobFair.Kind.choices)
    place = forms.CharField(label=_("地点（网络招聘会可不填）"), max_length=120, required=False)
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"))

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class BoothForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("用人单位"), queryset=Employer.objects.none())
    number = forms.CharField(label=_("展位号"), max_length=10, required=False)

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]


class PostingEditForm(PostingForm):
    """The same fields as a new posting (employer and union do not change)."""


class TrainingOrderForm(forms.Form):
    union = forms.ModelChoiceField(label=_("承办工会"), queryset=Union.objects.none())
    employer = forms.ModelChoiceField(label=_("用工单位（提出订单的单位）"), queryset=Employer.objects.none())
    name = forms.CharField(label=_("班级名称"), max_length=60, initial="保安员订单班")
    trade = forms.ChoiceField(label=_("工种"), choices=Trade.choices)
    demand = forms.IntegerField(label=_("单位需求人数"), min_value=1, max_value=10_000)
    seats = forms.IntegerField(label=_("培训名额"), min_value=1, max_value=1000)
    starts_on = DateField(label=_("开班日期"))
    ends_on = DateField(label=_("结业日期"))
    place = forms.CharField(label=_("培训地点"), max_length=120, required=False)
    teacher = forms.CharField(label=_("授课老师"), max_length=60)
    course = forms.ModelChoiceField(label=_("技能云课程（选填：学员须取得该课程结业证书）"), queryset=Employer.objects.none(),
                                    required=False)
    posting = forms.ModelChoiceField(label=_("对应岗位（选填）"), queryset=Employer.objects.none(), required=False)

    def __init__(self, *args: Any, unions: Any = None, employers: Any = None, courses: Any = None,
                 postings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["posting"].queryset = postings  # type: ignore[attr-defined]


class TrainingEnrolForm(forms.Form):
    seeker = forms.IntegerField(label=_("求职者编号"), min_value=1)


class ServicesExportForm(forms.Form):
    start = DateField(label=_("开始日期"))
    end = DateField(label=_("结束日期"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("结束日期不能早于开始日期。"))
            if (data["end"] - data["start"]).days > 366:
                raise forms.ValidationError(_("统计期间最长一年。"))
        return data
