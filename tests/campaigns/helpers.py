"""Campaign test helpers: a published 健身集五福 campaign in a union, and cards in a book."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from gonghui.campaigns import services
from gonghui.campaigns.models import Campaign, FuCard
from gonghui.campaigns.services import PrizeSpec
from gonghui.orgs.models import Union

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2025, 1, 22), dt.date(2025, 2, 4)


def at(day: dt.date, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=SHANGHAI)


def make_campaign(*, union: Union, published: bool = True, prizes: tuple[PrizeSpec, ...] = (PrizeSpec("运动手环", 2, 10),),
                  starts_on: dt.date = START, ends_on: dt.date = END, **kw: Any) -> Campaign:
    campaign = services.campaign_create(actor=None, union=union, name="健身集五福", starts_on=starts_on, ends_on=ends_on,
                                        prizes=prizes, **kw)
    if published:
        # Published the evening before the first day: every night's commitment precedes it.
        services.campaign_publish(actor=None, campaign=campaign, now=at(starts_on - dt.timedelta(days=1), 20))
        campaign.refresh_from_db()
    return campaign


def give_full_set(campaign: Campaign, user: Any) -> None:
    """One held card of every kind (as if drawn from tasks)."""
    FuCard.objects.bulk_create(FuCard(campaign=campaign, user=user, kind=k) for k in campaign.kinds.all())


def give_ultimate(campaign: Campaign, user: Any, n: int = 1) -> None:
    for _i in range(n):
        give_full_set(campaign, user)
        services.ultimate_combine(campaign=campaign, user=user)


def campaign_winner_for(*, union: Union, user: Any) -> Any:
    """A drawn night with `user` its only entrant (so the winner): a campaign running from
    yesterday, drawn tomorrow at 22:00 (Beijing)."""
    from django.utils import timezone

    from gonghui.campaigns.models import Draw

    today = timezone.now().astimezone(SHANGHAI).date()
    campaign = make_campaign(union=union, starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=5))
    give_ultimate(campaign, user)
    tomorrow = today + dt.timedelta(days=1)
    draw = Draw.objects.get(campaign=campaign, day=tomorrow)
    return services.draw_run(draw=draw, now=at(tomorrow, 22, 1))[0]
