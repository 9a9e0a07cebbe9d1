"""The campaigns figures, rolled up the union tree, on Beijing days — worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.campaigns import services
from gonghui.campaigns.models import Draw, Task
from gonghui.stats.selectors import Period, figure_values
from gonghui.stats.services import snapshot_range
from tests.campaigns.helpers import START, at, give_ultimate, make_campaign
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db

D1, D2 = START, START + dt.timedelta(days=1)
KEYS = ["campaigns.participants", "campaigns.tasks", "campaigns.ultimate", "campaigns.prizes"]


def _done(frozen_clock, campaign, user, task, moment):
    frozen_clock(moment)
    services.task_complete(campaign=campaign, user=user, task=task, value=campaign.goal_for(task), source="timer", now=moment)


def test_campaign_figures_roll_up_the_tree_by_beijing_day(frozen_clock):
    t = Tree()
    at_grassroots = make_campaign(union=t.grassroots_a)
    at_city = make_campaign(union=t.city_a)
    at_city_b = make_campaign(union=t.city_b)
    w1, w2, w3, w4 = (make_worker_user() for _i in range(4))
    # Day 1: w1 steps at 10:00 and rope at 23:30 Beijing (15:30 UTC, still day 1); w3 plank at the city.
    _done(frozen_clock, at_grassroots, w1, Task.STEPS, at(D1, 10))
    _done(frozen_clock, at_grassroots, w1, Task.ROPE, at(D1, 23, 30))
    _done(frozen_clock, at_city, w3, Task.PLANK, at(D1, 11))
    # Day 2: w2 joins with rope at 00:30 Beijing (16:30 UTC of day 1: counts on day 2); w1 steps
    # again; w1 combines an ultimate card; w4 in the other branch.
    _done(frozen_clock, at_grassroots, w2, Task.ROPE, at(D2, 0, 30))
    _done(frozen_clock, at_grassroots, w1, Task.STEPS, at(D2, 9))
    frozen_clock(at(D2, 12))
    give_ultimate(at_grassroots, w1)
    _done(frozen_clock, at_city_b, w4, Task.ROPE, at(D2, 13))
    frozen_clock(at(D2, 22, 1))
    assert len(services.draw_run(draw=Draw.objects.get(campaign=at_grassroots, day=D2))) == 1
    frozen_clock(at(D2 + dt.timedelta(days=1), 3))
    snapshot_range(D1, D2)

    def values(union, start, end):
        got = figure_values(union=union, period=Period(start, end), keys=KEYS)
        return {k.split(".")[1]: got[k].value for k in KEYS}

    assert values(t.grassroots_a, D1, D1) == {"participants": 1, "tasks": 2, "ultimate": 0, "prizes": 0}
    assert values(t.grassroots_a, D2, D2) == {"participants": 1, "tasks": 2, "ultimate": 1, "prizes": 1}
    assert values(t.grassroots_a, D1, D2) == {"participants": 2, "tasks": 4, "ultimate": 1, "prizes": 1}
    assert figure_values(union=t.grassroots_a, period=Period(D1, D2), keys=["campaigns.tasks"])["campaigns.tasks"].dims == {
        "steps": 2, "rope": 2}
    # The city adds its own campaign (w3's plank); the county sits between and adds nothing.
    assert values(t.county_a, D1, D2) == {"participants": 2, "tasks": 4, "ultimate": 1, "prizes": 1}
    assert values(t.city_a, D1, D2) == {"participants": 3, "tasks": 5, "ultimate": 1, "prizes": 1}
    assert values(t.city_b, D1, D2) == {"participants": 1, "tasks": 1, "ultimate": 0, "prizes": 0}
    assert values(t.province, D1, D2) == {"participants": 4, "tasks": 6, "ultimate": 1, "prizes": 1}
