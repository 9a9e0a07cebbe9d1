from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField
from gonghui.orgs.models import Union

from .models import ActivityKind, CultureWork, Eligibility, ServicePoint, WorkKind
from .services import DEFAULT_KINDS, KindSpec, PointSpec, PrizeSpec


def _lines(text: str, parts: int, error: Any) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        bits = line.split()
        if len(bits) != parts or not all(b.isdigit() for b in bits[1:]):
            raise forms.ValidationError(error)
        rows.append(bits)
    return rows


class CampaignForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("活动名称"), max_length=60, initial="健身集五福")
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"))
    eligibility = forms.ChoiceField(label=_("参加对象"), choices=Eligibility.choices)
    steps_goal = forms.IntegerField(label=_("步数目标"), min_value=1, max_value=100000, initial=5000)
    rope_goal = forms.IntegerField(label=_("跳绳目标（个）"), min_value=1, max_value=100000, initial=50)
    plank_goal = forms.IntegerField(label=_("平板支撑目标（秒）"), min_value=1, max_value=100000, initial=50)
    draw_time = forms.TimeField(label=_("开奖时间（北京时间）"), initial=dt.time(22, 0), widget=forms.TimeInput(attrs={"type": "time"}))
    kinds = forms.CharField(
        label=_("福卡种类与权重（每行：名称 权重）"), widget=forms.Textarea(attrs={"rows": 5}),
        initial="\n".join(f"{k.name} {k.weight}" for k in DEFAULT_KINDS),
    )
    prizes = forms.CharField(
        label=_("奖品（每行：名称 每晚份数 库存）"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        initial="运动手环 2 20\n健身卡 5 50",
    )

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]

    def clean_kinds(self) -> list[KindSpec]:
        rows = _lines(self.cleaned_data["kinds"], 2, _("福卡每行写“名称 权重”，权重为正整数。"))
        return [KindSpec(name, int(weight)) for name, weight in rows]

    def clean_prizes(self) -> list[PrizeSpec]:
        rows = _lines(self.cleaned_data["prizes"], 3, _("奖品每行写“名称 每晚份数 库存”，数字为整数。"))
        return [PrizeSpec(name, int(per_night), int(stock)) for name, per_night, stock in rows]


class ActivityForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    kind = forms.ChoiceField(label=_("服务类型"), choices=ActivityKind.choices)
    name = forms.CharField(label=_("活动名称"), max_length=60, initial="2026 年冬季爱心餐")
    description = forms.CharField(label=_("活动说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"))
    eligibility = forms.ChoiceField(label=_("服务对象"), choices=Eligibility.choices)
    daily_quota = forms.IntegerField(label=_("每人每天限领（张）"), min_value=1, max_value=10, initial=1)
    points = forms.CharField(
        label=_("服务点（每行一个：名称 地址；在驿站的写“驿站编号 名称”，如 #12 南山驿站）"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]

    def clean_points(self) -> list[PointSpec]:
        points = []
        for line in self.cleaned_data["points"].splitlines():
            line = line.strip()
            if not line:
                continue
            station_id = None
            if line.startswith("#"):
                head, _sep, line = line[1:].partition(" ")
                if not head.isdigit():
                    raise forms.ValidationError(_("驿站编号写成“#数字”，例如 #12 南山驿站。"))
                station_id = int(head)
                line = line.strip()
            name, _sep, address = line.partition(" ")
            if not name:
                raise forms.ValidationError(_("每个服务点都要有名称。"))
            points.append(PointSpec(name=name, address=address.strip(), station_id=station_id))
        if not points:
            raise forms.ValidationError(_("至少填写一个服务点。"))
        return points


class SlotsForm(forms.Form):
    """体检时段: one day at one point, cut into slots of equal length."""

    point = forms.ModelChoiceField(label=_("体检点"), queryset=ServicePoint.objects.none())
    day = DateField(label=_("日期"))
    start = forms.TimeField(label=_("开始时间"), initial=dt.time(8, 30), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束时间"), initial=dt.time(11, 30), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("每个时段（分钟）"), initial=30, min_value=10, max_value=240)
    capacity = forms.IntegerField(label=_("每个时段名额"), initial=20, min_value=1, max_value=500)

    def __init__(self, *args: Any, activity: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = activity.points.all()  # type: ignore[attr-defined]


class WorkForm(forms.Form):
    """A culture work: worker submission (no union) or staff (union chosen)."""

    union = forms.ModelChoiceField(label=_("所属工会"), queryset=Union.objects.none(), required=False)
    title = forms.CharField(label=_("作品名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=WorkKind.choices)
    author = forms.CharField(label=_("作者或团体"), max_length=40, help_text=_("署名，如“张师傅”或“市总工会职工艺术团”。"))
    link = forms.CharField(label=_("作品链接"), max_length=300, help_text=_("视频、音频、图片或文章的网址（http:// 或 https:// 开头）。"))
    description = forms.CharField(label=_("简介"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unions is None:
            del self.fields["union"]
        else:
            self.fields["union"].queryset = unions  # type: ignore[attr-defined]
            self.fields["union"].required = True


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("通过并发布")), ("reject", _("不通过 / 下架"))])
    note = forms.CharField(label=_("意见"), required=False, max_length=200)


class ShowcaseForm(forms.Form):
    union = forms.ModelChoiceField(label=_("安排工会"), queryset=Union.objects.none())
    day = DateField(label=_("展播日期"))
    works = forms.ModelMultipleChoiceField(label=_("展播作品（最多 6 个）"), queryset=CultureWork.objects.none(),
                                           widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, unions: Any, works: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["works"].queryset = works  # type: ignore[attr-defined]


class EventForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    title = forms.CharField(label=_("活动名称"), max_length=60, initial="新春联谊会")
    starts_at = forms.DateTimeField(label=_("开始时间（北京时间）"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    live_url = forms.CharField(label=_("直播链接"), required=False, max_length=300)
    replay_url = forms.CharField(label=_("回放链接"), required=False, max_length=300)
    description = forms.CharField(label=_("活动介绍"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class ReplayForm(forms.Form):
    replay_url = forms.CharField(label=_("回放链接"), max_length=300)
