"""Dashboard figures: by channel/category/status/union kind, on-time and satisfaction rates."""

from __future__ import annotations

import pytest

from gonghui.cases.models import Category, Channel, Rating
from gonghui.cases.selectors import case_stats
from gonghui.cases.services import case_accept, case_create, case_rate, case_resolve
from tests.factories import Tree, make_worker_user

from .helpers import app_case

pytestmark = pytest.mark.django_db


def resolved(tree, user, rating, recovered=0):
    case = case_resolve(case=case_accept(case=app_case(tree, user=user), by=tree.staff_a), by=tree.staff_a,
                        outcome="已经办结", recovered_fen=recovered, people_paid=1)
    case_rate(case=case, by=user, rating=rating)
    return case


def test_satisfaction_rate_counts_satisfied_and_basically_satisfied_over_rated():
    tree = Tree()
    user = make_worker_user()
    resolved(tree, user, Rating.SATISFIED, recovered=100)
    resolved(tree, user, Rating.BASICALLY, recovered=200)
    resolved(tree, user, Rating.DISSATISFIED)
    app_case(tree)  # unrated, still open
    case_create(channel=Channel.HOTLINE, category=Category.OTHER, description="来电咨询政策问题。",
                reporter_phone="13700000000", region=tree.county_a.region)
    stats = case_stats(user=tree.staff_a)
    assert stats.total == 5
    assert stats.rated == 3 and stats.satisfied == 2 and stats.satisfaction_rate == round(2 / 3, 4)
    assert stats.decided == 3 and stats.on_time == 3 and stats.on_time_rate == 1.0
    assert stats.by_channel == {"app": 4, "hotline": 1}
    assert stats.by_category["wage_arrears"] == 4
    assert stats.by_status["resolved"] == 1 and stats.by_status["closed"] == 2  # 满意 / 基本满意 close the case
    assert stats.by_union_kind == {"grassroots": 4, "county": 1}
    assert stats.recovered_fen == 300
    assert case_stats(user=tree.staff_b).total == 0
