"""Forms of the fund ledger pages. They shape input; the services validate and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.cases.forms import MultipleFileField
from gonghui.core.errors import DomainError
from gonghui.core.forms import DateField
from gonghui.core.money import yuan_to_fen
from gonghui.orgs.models import Union

from .models import FundSource, GrantKind, HardshipCause, HardshipGrade, SchoolLevel

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
        if not text and not self.required:
            return 0
        try:
            fen = yuan_to_fen(text) if text else 0
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
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
    file = forms.FileField(label=_("银行回盘文件（.xlsx 或 .csv）"))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=500)


# --- hardship files ---------------------------------------------------------------------------

HOUSEHOLD_ROWS = 5


class YuanOrZeroField(forms.CharField):
    """An amount in 元 that may be 0 (an income)."""

    def clean(self, value: Any) -> int:
        text = (super().clean(value) or "").strip()
        try:
            fen = yuan_to_fen(text) if text else 0
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        if fen < 0 or fen > 100_000_000:
            raise forms.ValidationError(_("金额超出范围。"))
        return fen


class HardshipApplyForm(forms.Form):
    cause = forms.ChoiceField(label=_("致困原因"), choices=[("", _("请选择")), *HardshipCause.choices])
    cause_note = forms.CharField(label=_("家庭困难情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    monthly_income = YuanOrZeroField(label=_("全家每月总收入（元）"), max_length=12,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    attachments = MultipleFileField(label=_("证明材料（图片或 PDF，每个不超过 5 MB）"))

    def __init__(self, *args: Any, document_names: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The documents the region's standard requires: one file field each.
        self.document_names = list(document_names or [])
        for i, name in enumerate(self.document_names):
            self.fields[f"doc_{i}"] = forms.FileField(label=name, required=False,
                                                      help_text=_("图片或 PDF，不超过 5 MB"))
        for i in range(HOUSEHOLD_ROWS):
            self.fields[f"member_{i}_name"] = forms.CharField(label=_("姓名"), max_length=50, required=False)
            self.fields[f"member_{i}_relation"] = forms.CharField(label=_("关系"), max_length=20, required=False)
            self.fields[f"member_{i}_age"] = forms.IntegerField(label=_("年龄"), min_value=0, max_value=120,
                                                                required=False)

    def household(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [{"name": d.get(f"member_{i}_name") or "", "relation": d.get(f"member_{i}_relation") or "",
                 "age": d.get(f"member_{i}_age")} for i in range(HOUSEHOLD_ROWS)]

    def named_documents(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(f"doc_{i}") for i, name in enumerate(self.document_names)}

    def document_fields(self) -> list[Any]:
        return [self[f"doc_{i}"] for i in range(len(self.document_names))]

    def member_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"member_{i}_name"], self[f"member_{i}_relation"], self[f"member_{i}_age"])
                for i in range(HOUSEHOLD_ROWS)]


class HardshipVerifyForm(forms.Form):
    visited_on = DateField(label=_("入户核查日期"))
    findings = forms.CharField(label=_("核查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    monthly_income = YuanOrZeroField(label=_("核实的家庭月收入（元，不改可不填）"), max_length=12, required=False)
    household_size = forms.IntegerField(label=_("核实的家庭人口（不改可不填）"), min_value=1, max_value=13, required=False)
    photos = MultipleFileField(label=_("核查照片"))


class HardshipReviewForm(forms.Form):
    reviewed_on = DateField(label=_("复核日期"))
    findings = forms.CharField(label=_("复核情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    monthly_income = YuanOrZeroField(label=_("家庭月收入（元，不变可不填）"), max_length=12, required=False)
    household_size = forms.IntegerField(label=_("家庭人口（不变可不填）"), min_value=1, max_value=13, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False)


class ObjectionAnswerForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.CharField(label=_("核实答复"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class LookupForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18, min_length=15)


class StandardForm(forms.Form):
    region = forms.CharField(label=_("区划代码（6 位）"), max_length=6, min_length=6)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    low_income_line = YuanField(label=_("城乡低保标准（元/人·月）"))
    hardship_ratio = forms.DecimalField(label=_("困难标准倍数"), min_value=1, max_value=5, decimal_places=2,
                                        initial="1.5")
    required_documents = forms.CharField(label=_("建档所需材料（每行一种，如：收入证明）"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}), max_length=400)

    def document_names(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("required_documents") or "").splitlines()
                if line.strip()]


# --- grants -----------------------------------------------------------------------------------


class GrantApplyForm(forms.Form):
    """An application under one program: its required documents are one file field each
    (`doc_0`, `doc_1`, …); a 金秋助学 program asks for the student instead of an amount."""

    program = forms.TypedChoiceField(label=_("救助项目"), coerce=int)
    amount = YuanField(label=_("申请金额（元）"), required=False)
    student_name = forms.CharField(label=_("学生姓名"), max_length=50, required=False)
    student_id_number = forms.CharField(label=_("学生身份证号"), max_length=18, required=False)
    student_level = forms.ChoiceField(label=_("资助档次"), choices=[("", _("请选择")), *SchoolLevel.choices],
                                      required=False)
    school = forms.CharField(label=_("学校"), max_length=100, required=False)
    reason = forms.CharField(label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    bank_account = forms.CharField(label=_("本人银行卡号"), max_length=40,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    bank_name = forms.CharField(label=_("开户行"), max_length=60, required=False)

    def __init__(self, *args: Any, programs: list[Any], program: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["program"]).choices = [
            (p.pk, f"{p.name}（{p.union.name}）") for p in programs]
        self.program = program
        self.document_names: list[str] = list(program.required_documents) if program is not None else []
        for i, name in enumerate(self.document_names):
            self.fields[f"doc_{i}"] = forms.FileField(label=name, required=False,
                                                      help_text=_("图片或 PDF，不超过 5 MB"))
        self.is_school = program is not None and program.kind == GrantKind.SCHOOL
        if self.is_school:
            self.fields["student_name"].required = True
            self.fields["student_id_number"].required = True
            self.fields["student_level"].required = True
            self.fields["school"].required = True
        elif program is not None:
            self.fields["amount"].required = True

    def clean_amount(self) -> int:
        value = self.cleaned_data.get("amount")
        return value or 0

    def documents(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(f"doc_{i}") for i, name in enumerate(self.document_names)}

    def document_fields(self) -> list[Any]:
        return [self[f"doc_{i}"] for i in range(len(self.document_names))]

    def student(self) -> Any:
        from .grants import Student

        if not self.is_school:
            return None
        d = self.cleaned_data
        return Student(name=d["student_name"], id_number=d["student_id_number"], level=d["student_level"],
                       school=d["school"])


class OnBehalfForm(GrantApplyForm):
    id_number = forms.CharField(label=_("职工身份证号"), max_length=18, min_length=15)

    field_order = ["id_number", "program"]


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(label=_("申请复核的理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("复核结论"), choices=[
        ("upheld", _("维持原决定")), ("overturned", _("撤销原决定，重新办理"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("复核意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class HardshipDocumentForm(forms.Form):
    name = forms.CharField(label=_("材料名称"), max_length=40, required=False,
                           help_text=_("填所需材料的名称（如“诊断证明”）；其他证明留空。"))
    file = forms.FileField(label=_("文件（图片或 PDF）"))


class GrantDocumentForm(forms.Form):
    name = forms.ChoiceField(label=_("材料名称"))
    file = forms.FileField(label=_("文件（图片或 PDF）"))

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["name"]).choices = [(n, n) for n in names]


class EducationTierForm(forms.Form):
    region = forms.CharField(label=_("省级区划代码（6 位）"), max_length=6, min_length=6)
    year = forms.IntegerField(label=_("学年（起始年）"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("档次"), choices=SchoolLevel.choices)
    amount = YuanField(label=_("资助金额（元）"))


class GrantProgramForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("项目名称"), max_length=100)
    kind = forms.ChoiceField(label=_("救助类别"), choices=GrantKind.choices)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    min_amount = YuanField(label=_("每笔最低（元）"))
    max_amount = YuanField(label=_("每笔最高（元）"))
    yearly_cap = YuanField(label=_("每人每年上限（元）"), initial="6000")
    eligible_grades = forms.MultipleChoiceField(label=_("限困难类别（不选则不限）"), choices=HardshipGrade.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    notice_days = forms.IntegerField(label=_("公示工作日"), min_value=1, max_value=30, initial=5)
    approval_threshold = YuanField(label=_("本级审批上限（元），超过由上级工会审批"), initial="3000")
    required_documents = forms.CharField(label=_("所需材料（每行一种，如：录取通知书）"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))

    def documents(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("required_documents") or "").splitlines()
                if line.strip()]

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]


class GrantVerifyForm(forms.Form):
    note = forms.CharField(label=_("核查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class GrantApproveForm(forms.Form):
    decision = forms.CharField(label=_("会议决定（如主席办公会决定）"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = DateField(label=_("决定日期"))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


# --- 送温暖 campaigns -------------------------------------------------------------------------


class ReliefCampaignForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("活动名称"), max_length=100, initial=_("元旦春节送温暖"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    budget = YuanField(label=_("预算（元）"))
    deep = YuanOrZeroField(label=_("深度困难户慰问金不少于（元，0 为不列入）"), max_length=12, initial="1500")
    relative = YuanOrZeroField(label=_("相对困难户慰问金不少于（元，0 为不列入）"), max_length=12, initial="800")
    accident = YuanOrZeroField(label=_("意外致困户慰问金不少于（元，0 为不列入）"), max_length=12, initial="1000")
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"))

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]

    def grade_amounts(self) -> dict[str, int]:
        return {grade: self.cleaned_data.get(grade) or 0 for grade in HardshipGrade.values}


class ReliefAllocateForm(forms.Form):
    to_union = forms.ModelChoiceField(label=_("下拨给（直属下级工会）"), queryset=Union.objects.none())
    amount = YuanField(label=_("金额（元）"))

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_union"]).queryset = unions  # type: ignore[type-arg]


class ReliefPayForm(forms.Form):
    union = forms.ModelChoiceField(label=_("发放工会"), queryset=Union.objects.none())

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions  # type: ignore[type-arg]


class ReliefAddForm(forms.Form):
    hardship_file = forms.TypedChoiceField(label=_("在档困难职工"), coerce=int)

    def __init__(self, *args: Any, files: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["hardship_file"]).choices = [
            (f.pk, f"{f.name}（{f.get_grade_display()}，{f.union.name}）") for f in files]


class ReliefTargetForm(forms.Form):
    amount = YuanOrZeroField(label=_("拟慰问金（元）"), max_length=12)
    goods = forms.CharField(label=_("拟慰问物品"), max_length=200, required=False)
    bank_account = forms.CharField(label=_("收款银行账号（不改可不填）"), max_length=40, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    bank_name = forms.CharField(label=_("开户行"), max_length=60, required=False)


class ReliefVisitForm(forms.Form):
    visited_on = DateField(label=_("慰问日期"))
    visitors = forms.CharField(label=_("慰问人"), max_length=200)
    cash = YuanOrZeroField(label=_("慰问金（元，由银行代发）"), max_length=12)
    goods = forms.CharField(label=_("慰问物品"), max_length=200, required=False)
    photo = forms.FileField(label=_("慰问照片（图片，不超过 5 MB）"), required=False)
