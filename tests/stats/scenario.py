"""A small tree with records on known days, and the figures worked out by hand.

    national ─ province ─ city_a ─ county_a ─ grassroots_a
                       │                    └ grassroots_m   (moved to city_b on 2026-03-11)
                       └ city_b ─ grassroots_b
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from gonghui.cases.models import Case, CaseRating, Channel, Rating
from gonghui.members.models import Membership
from gonghui.orgs.models import Union
from tests.cases.helpers import app_case
from tests.factories import Tree, make_grassroots, make_member

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


D1, D2, D3, D4 = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 20), dt.date(2026, 4, 1)


def case_at(tree: Tree, union: Union, day: dt.date, *, channel: str = Channel.APP, hour: int = 12, **kw: Any) -> Case:
    case = app_case(tree, **kw)
    Case.objects.filter(pk=case.pk).update(union=union, union_path=union.path, created_at=at(day, hour), channel=channel)
    case.refresh_from_db()
    return case


def rate(case: Case, rating: str, day: dt.date) -> CaseRating:
    row = CaseRating.objects.create(case=case, rating=rating)
    CaseRating.objects.filter(pk=row.pk).update(at=at(day))
    return row


class Scenario:
    def __init__(self) -> None:
        self.tree = t = Tree()
        self.grassroots_m = make_grassroots(parent=t.county_a)
        # Cases received (4 in branch A, 3 hotline cases in branch B).
        self.a1 = case_at(t, t.grassroots_a, D1)
        self.a2 = case_at(t, t.grassroots_a, D1, hour=23)  # 23:00 Beijing is still D1
        self.a3 = case_at(t, t.grassroots_a, D3)
        self.c1 = case_at(t, t.city_a, D2)
        self.b = [case_at(t, t.grassroots_b, D1, channel=Channel.HOTLINE) for _ in range(3)]
        # Ratings: branch A 1 of 1 satisfied; branch B 1 of 3 (基本满意 counts as satisfied).
        rate(self.a1, Rating.SATISFIED, D2)
        rate(self.b[0], Rating.BASICALLY, D2)
        rate(self.b[1], Rating.DISSATISFIED, D2)
        rate(self.b[2], Rating.DISSATISFIED, D3)
        # A member of grassroots A since 10 January, transferred to grassroots B on 10 March.
        old = make_member(union=t.grassroots_a)
        Membership.objects.filter(pk=old.pk).update(
            joined_on=dt.date(2026, 1, 10), ended_on=dt.date(2026, 3, 10), status=Membership.Status.TRANSFERRED_OUT
        )
        Membership.objects.create(person=old.person, union=t.grassroots_b, number=f"T{old.pk:010d}",
                                  joined_on=dt.date(2026, 3, 10), source="transfer")
        # The union that moves: one case before the move, one after.
        self.m_before = case_at(t, self.grassroots_m, D1)
        self.m_after = case_at(t, self.grassroots_m, D3)
