"""Campaign test helpers: a published 健身集五福 campaign in a union, and cards in a book."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from gonghui.campaigns import services
from gonghui.campaigns.models import Campaign, Card
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
    Card.objects.bulk_create(Card(campaign=campaign, user=user, kind=k) for k in campaign.kinds.all())


def give_ultimate(campaign: Campaign, user: Any, n: int = 1) -> None:
    for _i in range(n):
        give_full_set(campaign, user)
        services.ultimate_combine(campaign=campaign, user=user)
