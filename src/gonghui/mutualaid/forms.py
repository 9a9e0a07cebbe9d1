"""Forms of the mutual aid pages. Amounts are typed in 元 and cleaned to fen; ratios in %."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import FundSource
from gonghui.cases.forms import MultipleFileField
from gonghui.core.errors import DomainError
from gonghui.core.forms import DateField
from gonghui.core.money import yuan_to_fen
from gonghui.orgs.models import Union

from . import engine
from .models import Benefit, EventKind, HospitalLevel, SelfEnrolment
from .services import ClaimInput, Terms


class YuanField(forms.CharField):
    """An amount in 元 (up to two decimals, 0 allowed), cleaned to integer fen."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return 0
        try:
            fen = yuan_to_fen(text)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        if fen < 0 or fen > 1_000_000_000:
            raise forms.ValidationError(_("金额应在 0 到 1,000 万元之间。"))
        return fen


class PercentField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class TermsForm(forms.Form):
    price = YuanField(label=_("每人每年保费（元）"), required=True)
    union_share = forms.IntegerField(label=_("工会承担比例（%）"), min_value=0, max_value=100, initial=100)
    min_participation = forms.IntegerField(label=_("单位最低参保比例（%）"), min_value=0, max_value=100, initial=0)
    second_approval_above = YuanField(label=_("单笔赔付超过多少元须复核"), initial="10000")
    self_enrol = forms.BooleanField(label=_("新就业形态劳动者可自行参保缴费"), required=False)
    self_union_share = forms.IntegerField(label=_("自行参保的工会补贴比例（%）"), min_value=0, max_value=100, initial=0,
                                          required=False)
    waiting_days = forms.IntegerField(label=_("新参保等待期（天，续保无等待期）"), min_value=0, max_value=365, initial=90)
    allowance_after_days = forms.IntegerField(label=_("住院超过几天起付津贴"), min_value=0, max_value=365, initial=0)
    allowance_per_day = YuanField(label=_("住院津贴每天（元）"))
    allowance_stay_cap = YuanField(label=_("住院津贴每次封顶（元，0 为不限）"))
    allowance_year_cap = YuanField(label=_("住院津贴年度封顶（元）"))
    deductible = YuanField(label=_("医疗费用每次起付线（元）"))
    ratio_1 = PercentField(label=_("一级医院报销比例（%）"))
    ratio_2 = PercentField(label=_("二级医院报销比例（%）"))
    ratio_3 = PercentField(label=_("三级医院报销比例（%）"))
    reimburse_year_cap = YuanField(label=_("医疗费用年度封顶（元）"))
    disease_amount = YuanField(label=_("重大疾病一次性赔付（元）"))
    diseases = forms.CharField(label=_("所列重大疾病（每行一种）"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    accident_amount = YuanField(label=_("意外身故、伤残保额（元）"))
    illness_death_amount = YuanField(label=_("疾病身故金（元）"))

    def terms(self) -> Terms:
        d = self.cleaned_data
        ratios = {}
        for level in ("1", "2", "3"):
            value = d.get(f"ratio_{level}")
            if value:
                ratios[level] = int(Decimal(value) * 10)
        rules = {
            "waiting_days": d["waiting_days"], "allowance_after_days": d["allowance_after_days"],
            "allowance_per_day": d["allowance_per_day"], "allowance_stay_cap": d["allowance_stay_cap"],
            "allowance_year_cap": d["allowance_year_cap"], "deductible": d["deductible"], "reimburse_ratio": ratios,
            "reimburse_year_cap": d["reimburse_year_cap"], "disease_amount": d["disease_amount"],
            "diseases": [line.strip() for line in (d.get("diseases") or "").replace("，", "\n").splitlines()
                         if line.strip()],
            "accident_amount": d["accident_amount"], "illness_death_amount": d["illness_death_amount"],
        }
        return Terms(price=d["price"], union_share=d["union_share"], min_participation=d["min_participation"],
                     second_approval_above=d["second_approval_above"], rules=rules,
                     self_enrol=bool(d.get("self_enrol")), self_union_share=d.get("self_union_share") or 0)


class PlanForm(TermsForm):
    union: forms.ModelChoiceField[Union] = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("计划名称"), max_length=100)
    starts_on = DateField(label=_("保障期开始"))
    ends_on = DateField(label=_("保障期结束"))
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    field_order = ["union", "name", "starts_on", "ends_on", "source"]

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class VersionForm(TermsForm):
    effective_from = DateField(label=_("生效日期"))
    note = forms.CharField(label=_("修订说明"), max_length=200)
    field_order = ["effective_from", "note"]


def version_initial(version: Any) -> dict[str, Any]:
    r = version.engine_rules

    def y(fen: int) -> str:
        return f"{fen / 100:.2f}".rstrip("0").rstrip(".")

    return {
        "price": y(version.price), "union_share": version.union_share, "min_participation": version.min_participation,
        "second_approval_above": y(version.second_approval_above), "waiting_days": r.waiting_days,
        "self_enrol": version.self_enrol, "self_union_share": version.self_union_share,
        "allowance_after_days": r.allowance_after_days, "allowance_per_day": y(r.allowance_per_day),
        "allowance_stay_cap": y(r.allowance_stay_cap), "allowance_year_cap": y(r.allowance_year_cap),
        "deductible": y(r.deductible), "reimburse_year_cap": y(r.reimburse_year_cap),
        **{f"ratio_{k}": Decimal(v) / 10 for k, v in r.reimburse_ratio.items()},
        "disease_amount": y(r.disease_amount), "diseases": "\n".join(r.diseases),
        "accident_amount": y(r.accident_amount), "illness_death_amount": y(r.illness_death_amount),
    }


class EnrolForm(forms.Form):
    union: forms.ModelChoiceField[Union] = forms.ModelChoiceField(label=_("参保工会"), queryset=Union.objects.none())
    mode = forms.ChoiceField(label=_("参保方式"), choices=[("whole", _("整体参保（全部在册会员）")),
                                                      ("picked", _("选择参保（勾选的会员）")),
                                                      ("joiners", _("期中新增（勾选的会员，有等待期）"))])
    person_ids = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("事故类型"), choices=EventKind.choices)
    event_on = DateField(label=_("入院日期（或确诊、事故日期）"))
    discharged_on = DateField(label=_("出院日期"), required=False)
    hospital = forms.CharField(label=_("医院名称"), max_length=100, required=False)
    hospital_level = forms.ChoiceField(label=_("医院级别"), choices=[("", "—"), *HospitalLevel.choices], required=False)
    diagnosis = forms.CharField(label=_("诊断（或事故经过）"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    disease = forms.CharField(label=_("所患重大疾病"), max_length=60, required=False)
    disability_grade = forms.IntegerField(label=_("伤残等级（1–10 级）"), min_value=1, max_value=10, required=False)
    cost = YuanField(label=_("医疗费用总额（元）"))
    insurance_paid = YuanField(label=_("基本医保已报销（元）"))
    invoices = forms.CharField(label=_("发票号（多张用逗号或换行分隔）"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    invoice_photos = MultipleFileField(label=_("发票照片"), required=False)
    discharge_photos = MultipleFileField(label=_("出院小结照片"), required=False)
    payee_name = forms.CharField(label=_("收款人姓名"), max_length=60)
    bank_account = forms.CharField(label=_("收款银行卡号"), max_length=40)

    def __init__(self, *args: Any, diseases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if diseases:
            self.fields["disease"] = forms.ChoiceField(label=_("所患重大疾病"), required=False,
                                                       choices=[("", "—"), *[(d, d) for d in diseases]])

    def claim_input(self) -> ClaimInput:
        d = self.cleaned_data
        numbers = [n for n in (d.get("invoices") or "").replace("，", ",").replace("\n", ",").split(",") if n.strip()]
        return ClaimInput(
            kind=d["kind"], event_on=d["event_on"], discharged_on=d.get("discharged_on"),
            hospital_level=d.get("hospital_level") or "", hospital=d.get("hospital") or "", diagnosis=d["diagnosis"],
            disease=d.get("disease") or "", disability_grade=d.get("disability_grade") or 0, cost=d["cost"],
            insurance_paid=d["insurance_paid"], invoices=tuple(numbers), payee_name=d["payee_name"],
            bank_account=d["bank_account"],
        )

    def documents(self) -> list[tuple[str, Any]]:
        d = self.cleaned_data
        return ([("invoice", f) for f in d.get("invoice_photos") or []]
                + [("discharge", f) for f in d.get("discharge_photos") or []])


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("核准")), ("reject", _("不予赔付")), ("confirm", _("复核通过")),
                                          ("appeal", _("复查决定"))])
    reason = forms.CharField(label=_("原因（调整金额或不予赔付时必填）"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, benefits: list[str] | None = None, appeal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Benefit.choices)
        if appeal:
            self.fields["reason"].label = _("复查意见（必填）")
        for benefit in benefits or []:
            self.fields[f"amount_{benefit}"] = YuanField(label=labels.get(benefit, benefit))

    def amounts(self) -> dict[str, int]:
        return {name[7:]: value for name, value in self.cleaned_data.items()
                if name.startswith("amount_") and self.data.get(name, "") != ""}


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=300)


def percent_of(permille: int) -> str:
    return engine.permille(permille)



class SelfEnrolForm(forms.Form):
    channel = forms.ChoiceField(label=_("缴费方式"), choices=SelfEnrolment.Channel.choices)
    payment_ref = forms.CharField(label=_("缴费流水号（付款记录里的交易单号）"), max_length=40)


class SelfDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("确认到账，参保")), ("reject", _("未通过"))])
    reason = forms.CharField(label=_("未通过原因"), max_length=300, required=False)
