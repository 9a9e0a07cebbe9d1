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

from .models import (
    ActivityKind,
    Appointment,
    CultureViewDay,
    CultureWork,
    FuCard,
    Participant,
    Task,
    TaskCompletion,
    Voucher,
    Winner,
    WorkKind,
)


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
    # A 体检 attended counts on its slot's day, in the same way.
    totals: dict[tuple[int, str], int] = {}
    qs = Voucher.objects.filter(day=day, redeemed_at__isnull=False)
    for union_id, kind, n in qs.values_list("activity__union_id", "activity__kind").annotate(n=Count("id")).order_by():
        totals[(union_id, kind)] = totals.get((union_id, kind), 0) + n
    start, end = day_bounds(day)
    attended = Appointment.objects.filter(status=Appointment.Status.ATTENDED, slot__starts_at__gte=start,
                                          slot__starts_at__lt=end)
    for union_id, kind, n in attended.values_list("activity__union_id", "activity__kind").annotate(n=Count("id")).order_by():
        totals[(union_id, kind)] = totals.get((union_id, kind), 0) + n
    return [(u, k, n) for (u, k), n in totals.items()]


def campaigns_culture_works(day: dt.date) -> Iterable[Row]:
    # A work counts on the day it was published (reviewed and passed), at its union, by kind.
    start, end = day_bounds(day)
    qs = CultureWork.objects.filter(status=CultureWork.Status.PUBLISHED, reviewed_at__gte=start, reviewed_at__lt=end)
    return qs.values_list("union_id", "kind").annotate(n=Count("id")).order_by()


def campaigns_culture_views(day: dt.date) -> Iterable[Row]:
    return ((u, "", n) for u, n in CultureViewDay.objects.filter(day=day).values_list("union_id", "views"))


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
        definition=_("统计期内在服务点核销的服务券张数（每张券只计一次）加上体检预约实际到检人数，计入主办工会，按服务类型分类。"),
        dimension=_("服务类型"), dimension_choices=tuple(ActivityKind.choices),
    ),
    Figure(
        key="campaigns.culture_works", label=_("文化作品发布"), unit=_("件"), compute=campaigns_culture_works,
        phrase=_("发布职工文化作品 {value} 件"),
        definition=_("统计期内审核通过、公开发布的职工文化作品件数，计入作品所属工会，按类别分类。"),
        dimension=_("类别"), dimension_choices=tuple(WorkKind.choices),
    ),
    Figure(
        key="campaigns.culture_views", label=_("文化展播浏览"), unit=_("次"), compute=campaigns_culture_views,
        definition=_("统计期内职工浏览文化作品和观看文化活动（直播、回放）的次数，同一次访问只计一次，计入作品或活动所属工会。"),
    ),
)
