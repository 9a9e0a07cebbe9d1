"""A demo 健身集五福 campaign of 深圳市总工会 running around today, with cards in the demo
members' books and last night's draw run (called from `gonghui.core.demo`). Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from . import services
from .models import ActivityKind, Campaign, Draw, FuCard, ServiceActivity
from .services import PointSpec, PrizeSpec, local_day

DEMO_NAME = "深圳职工健身集五福"


@transaction.atomic
def campaigns_demo_load(*, union: Any, workers: list[Any]) -> Campaign:
    existing = Campaign.objects.filter(union=union, name=DEMO_NAME).first()
    if existing is not None:
        return existing
    today = local_day()
    start = today - dt.timedelta(days=3)
    campaign = services.campaign_create(
        actor=None, union=union, name=DEMO_NAME, starts_on=start, ends_on=today + dt.timedelta(days=10),
        description="每天完成健步走、跳绳或平板支撑，集齐五福合成，每晚 22:00 开奖。",
        prizes=(PrizeSpec("运动手环", 2, 30), PrizeSpec("职工健身卡", 3, 60)),
    )
    day_before = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(20), tzinfo=services.TZ)
    services.campaign_publish(actor=None, campaign=campaign, now=day_before)
    kinds = list(campaign.kinds.all())
    two_days_ago = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(12), tzinfo=services.TZ)
    for i, user in enumerate(workers):
        services.participant_join(campaign=campaign, user=user)
        FuCard.objects.bulk_create(FuCard(campaign=campaign, user=user, kind=k) for k in kinds)
        services.ultimate_combine(campaign=campaign, user=user, now=two_days_ago)
        FuCard.objects.bulk_create(FuCard(campaign=campaign, user=user, kind=k) for k in kinds[: 2 + i % 3])
    yesterday = today - dt.timedelta(days=1)
    draw = Draw.objects.get(campaign=campaign, day=yesterday)
    services.draw_run(draw=draw, now=services.draw_instant(campaign, yesterday) + dt.timedelta(minutes=1))
    return campaign


ACTIVITY_NAME = "深圳冬季爱心餐"


@transaction.atomic
def activities_demo_load(*, union: Any, staff: Any, workers: list[Any]) -> ServiceActivity:
    """A 爱心餐 drive at two of the union's stations (or two places): yesterday's vouchers
    redeemed, today's taken and waiting at the first worker's phone."""
    from gonghui.stations.models import Station

    existing = ServiceActivity.objects.filter(union=union, name=ACTIVITY_NAME).first()
    if existing is not None:
        return existing
    today = local_day()
    stations = list(Station.objects.filter(union__path__startswith=union.path).order_by("pk")[:2])
    points = [PointSpec(s.name[:60], s.address[:120], s.pk) for s in stations] or [
        PointSpec("南山区职工食堂", "南山区科技园"), PointSpec("福田区快递员之家", "福田区华强北"),
    ]
    activity = services.activity_create(
        actor=staff, union=union, kind=ActivityKind.MEAL, name=ACTIVITY_NAME, starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=60), points=points,
        description="快递员、外卖骑手等新就业形态劳动者和一线职工，每天可领一份免费午餐。",
    )
    activity = services.activity_publish(actor=staff, activity=activity)
    point = activity.points.order_by("pk")[0]
    yesterday_noon = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(12), tzinfo=services.TZ)
    for user in workers:
        voucher = services.voucher_take(activity=activity, user=user, now=yesterday_noon)
        services.voucher_redeem(actor=staff, code=voucher.code, point=point, scanned_at=yesterday_noon,
                                now=yesterday_noon + dt.timedelta(minutes=5))
    if workers:
        services.voucher_take(activity=activity, user=workers[0])
    return activity


CHECKUP_NAME = "工会体检行·流动体检车进园区"


@transaction.atomic
def checkup_demo_load(*, union: Any, staff: Any, workers: list[Any]) -> ServiceActivity:
    """A 体检 drive with morning slots for the coming week; the first worker has booked one."""
    existing = ServiceActivity.objects.filter(union=union, name=CHECKUP_NAME).first()
    if existing is not None:
        return existing
    today = local_day()
    activity = services.activity_create(
        actor=staff, union=union, kind=ActivityKind.CHECKUP, name=CHECKUP_NAME, starts_on=today,
        ends_on=today + dt.timedelta(days=30), points=[PointSpec("流动体检车（科技园广场）", "南山区科技园中区广场")],
        description="新就业形态劳动者免费体检：血常规、心电图、B 超。请预约时段，带身份证，空腹前往。",
    )
    activity = services.activity_publish(actor=staff, activity=activity)
    point = activity.points.get()
    slots = []
    for offset in range(1, 8):
        slots += services.slots_add(actor=staff, activity=activity, point=point, day=today + dt.timedelta(days=offset),
                                    start=dt.time(8, 30), end=dt.time(11, 30), minutes=30, capacity=20)
    if workers and slots:
        services.appointment_book(slot=slots[0], user=workers[0])
    return activity


@transaction.atomic
def culture_demo_load(*, union: Any, staff: Any) -> None:
    """Published works on today's showcase, one waiting for review, and the 新春联谊会 with a replay."""
    from . import culture
    from .models import CultureEvent, CultureWork

    if CultureWork.objects.filter(union=union).exists():
        return
    made = []
    for title, kind, author, link in (
        ("《劳动者之歌》合唱", "song", "深圳市职工艺术团", "https://www.acftu.org/"),
        ("车间里的春天", "photo", "王建华", "https://www.acftu.org/"),
        ("快递小哥的一天", "video", "李明", "https://www.acftu.org/"),
    ):
        work = culture.work_submit(user=staff, union=union, title=title, kind=kind, author=author, link=link)
        made.append(culture.work_review(actor=staff, work=work, approve=True))
    culture.work_submit(user=staff, union=union, title="夜班诗抄", kind="writing", author="陈晓", link="https://www.acftu.org/")
    culture.showcase_set(actor=staff, union=union, day=local_day(), works=made[:2])
    if not CultureEvent.objects.filter(union=union).exists():
        last_week = dt.datetime.combine(local_day() - dt.timedelta(days=7), dt.time(19, 30), tzinfo=services.TZ)
        culture.event_create(actor=staff, union=union, title="深圳职工新春联谊会", starts_at=last_week,
                             live_url="https://www.acftu.org/", replay_url="https://www.acftu.org/",
                             description="职工自编自演的歌舞、小品、相声，在职工之家直播。")
