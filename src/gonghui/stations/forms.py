"""Forms for the station pages. They only shape input; services validate and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField
from gonghui.orgs.models import Region, Union

from .models import AssessmentSheet, Facility, Kind, ServiceRecord, StationHonour, StationReport


class NearbyForm(forms.Form):
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    region = forms.CharField(required=False, label=_("或选择区县"))
    kind = forms.MultipleChoiceField(label=_("类型"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple)
    facility = forms.MultipleChoiceField(label=_("设施"), choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple)
    open_now = forms.BooleanField(label=_("只看现在开放"), required=False)


class StationForm(forms.Form):
    union = forms.ModelChoiceField(label=_("运营工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    region = forms.ModelChoiceField(
        label=_("所在区县"), queryset=Region.objects.filter(level=Region.Level.COUNTY, is_active=True), required=False,
        to_field_name="code",
    )
    address = forms.CharField(label=_("地址"), max_length=200)
    lat = forms.FloatField(label=_("纬度"), help_text=_("GCJ-02 坐标（高德、腾讯地图拾取的坐标）"))
    lon = forms.FloatField(label=_("经度"))
    facilities = forms.MultipleChoiceField(label=_("设施"), choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple)
    hours_text = forms.CharField(
        label=_("开放时间"), max_length=300, initial="24小时",
        help_text=_("例如：周一至周五 08:00-20:00；周六,周日 09:00-17:00；节假日 休息。跨夜写 22:00-06:00；全天写“24小时”。"),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unions is not None:
            cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class ServiceRecordForm(forms.Form):
    day = DateField(label=_("日期"))
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceRecord.Kind.choices)
    count = forms.IntegerField(label=_("人次"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()


class ImportForm(forms.Form):
    union = forms.ModelChoiceField(label=_("运营工会（新增站点归属）"), queryset=Union.objects.none())
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unions is not None:
            cast(forms.ModelChoiceField, self.fields["union"]).queryset = unions


class StarApplyForm(forms.Form):
    requested_level = forms.TypedChoiceField(
        label=_("申报星级"), coerce=int, choices=[(i, "★" * i) for i in range(1, 6)]
    )
    statement = forms.CharField(label=_("申报说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000)
    is_reassessment = forms.BooleanField(label=_("年度复评"), required=False)


class AssessForm(forms.Form):
    conclusion = forms.CharField(label=_("考评意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=500)
    photo = forms.ImageField(label=_("现场照片"), required=False)

    def __init__(self, *args: Any, sheet: AssessmentSheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(sheet.items.all())
        for item in self.items:
            self.fields[f"score_{item.pk}"] = forms.IntegerField(
                label=f"{item.section} · {item.title}（{item.weight}）", min_value=0, max_value=item.weight
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("扣分说明"), required=False, max_length=200)

    def scores(self) -> dict[int, int]:
        return {item.pk: int(self.cleaned_data[f"score_{item.pk}"]) for item in self.items}

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"note_{item.pk}") or "" for item in self.items}


class HonourForm(forms.Form):
    title = forms.CharField(label=_("荣誉名称"), max_length=100, initial="最美工会驿站")
    level = forms.ChoiceField(label=_("级别"), choices=StationHonour.Level.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    awarded_by = forms.CharField(label=_("授予单位"), max_length=100, required=False)


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类型"), choices=StationReport.Category.choices)
    text = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)


# What each number of stars means, read out with the star (the stars themselves are drawn).
STAR_MEANINGS = {1: _("很不满意"), 2: _("不满意"), 3: _("一般"), 4: _("满意"), 5: _("很满意")}


class RatingForm(forms.Form):
    # Tappable stars (stations/partials/_star_rating.html): five radio buttons, each with a label.
    stars = forms.TypedChoiceField(
        label=_("评分"), coerce=int, widget=forms.RadioSelect,
        choices=[(i, STAR_MEANINGS[i]) for i in range(1, 6)],
        error_messages={"required": _("请选择 1 到 5 星。")},
    )
    comment = forms.CharField(label=_("评价"), max_length=300, required=False)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), max_length=500)
