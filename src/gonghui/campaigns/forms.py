from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField
from gonghui.orgs.models import Union

from .models import Eligibility
from .services import DEFAULT_KINDS, KindSpec, PrizeSpec


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
