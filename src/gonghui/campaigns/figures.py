"""The campaigns module's key figures (see gonghui/stats/registry.py for the contract).

Everything counts at the campaign's organiser union, on the Beijing day it happened, and
rolls up the tree: a city union's figure includes the campaigns of the unions below it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import ActivityKind, FuCard, Participant, Task, TaskCompletion, Voucher, Winner


def campaigns_participants(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Participant.objects.filter(joined_at__gte=start, joined_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("campaign__union_id").annotate(n=Count("id")).order_by())


def campaigns_tasks(day: dt.date) -> Iterable[Row]:
    # A task counts on the day it was done (its `day`), which is the Beijing day.
    qs = TaskCompletion.objects.filter(day=day)
    return qs.values_list("campaign__union_id", "task").annotate(n=Count("id")).order_by()


def campaigns_ultimate(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = FuCard.objects.filter(kind__isnull=True, created_at__gte=start, created_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("campaign__union_id").annotate(n=Count("id")).order_by())


def campaigns_prizes(day: dt.date) -> Iterable[Row]:
    qs = Winner.objects.filter(draw__day=day)
    return ((u, "", n) for u, n in qs.values_list("draw__campaign__union_id").annotate(n=Count("id")).order_by())


def campaigns_service_visits(day: dt.date) -> Iterable[Row]:
    # A redeemed voucher counts on its day (a voucher is only redeemed on its own day, an
    # offline scan uploaded later included), at the activity's union, by service type.
    qs = Voucher.objects.filter(day=day, redeemed_at__isnull=False)
    return qs.values_list("activity__union_id", "activity__kind").annotate(n=Count("id")).order_by()


FIGURES = (
    Figure(
        key="campaigns.participants", label=_("健身活动参加人数"), unit=_("人"), compute=campaigns_participants, headline=True,
        phrase=_("{value} 名职工参加健身集五福"),
        definition=_("统计期内新参加健身活动的职工人数（同一活动每人只计一次），计入主办工会。"),
    ),
    Figure(
        key="campaigns.tasks", label=_("健身任务完成"), unit=_("次"), compute=campaigns_tasks,
        phrase=_("完成健身任务 {value} 次"),
        definition=_("统计期内职工完成的健身任务次数（每人每天每项任务最多计一次），按任务分类。"),
        dimension=_("任务"), dimension_choices=tuple(Task.choices),
    ),
    Figure(
        key="campaigns.ultimate", label=_("五福合成"), unit=_("张"), compute=campaigns_ultimate,
        definition=_("统计期内职工集齐五种福卡合成的五福合成卡张数。"),
    ),
    Figure(
        key="campaigns.prizes", label=_("健身活动中奖"), unit=_("份"), compute=campaigns_prizes,
        phrase=_("每晚开奖送出奖品 {value} 份"),
        definition=_("统计期内每晚开奖抽出的奖品份数（按开奖日期），含之后逾期未领退回的。"),
    ),
    Figure(
        key="campaigns.service_visits", label=_("服务活动人次"), unit=_("人次"), compute=campaigns_service_visits,
        headline=True, phrase=_("爱心餐、送清凉等服务活动服务职工 {value} 人次"),
        definition=_("统计期内在服务点核销的服务券张数（每张券只计一次），计入主办工会，按服务类型分类。"),
        dimension=_("服务类型"), dimension_choices=tuple(ActivityKind.choices),
    ),
)
