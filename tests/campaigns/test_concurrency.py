"""On PostgreSQL, twenty simultaneous sends of the same task count it once and give one
card; twenty simultaneous taps on 合成 combine one set once."""

from __future__ import annotations

import pytest

from gonghui.campaigns import services
from gonghui.campaigns.models import FuCard, Task, TaskCompletion
from gonghui.core.errors import Conflict
from tests.campaigns.helpers import START, at, give_full_set, make_campaign
from tests.concurrency import THREADS, postgres_only_fixture, race
from tests.factories import Tree, make_worker_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
_postgres_only = postgres_only_fixture("concurrent transactions need PostgreSQL")


def test_twenty_simultaneous_retries_of_one_task_count_once():
    campaign = make_campaign(union=Tree().city_a)
    worker = make_worker_user()
    results, errors = race(lambda i: services.task_complete(
        campaign=campaign, user=worker, task=Task.ROPE, value=60, source="timer", now=at(START, 9)))
    assert errors == []
    assert sum(1 for r in results if r.counted) == 1
    assert TaskCompletion.objects.filter(user=worker).count() == 1
    assert FuCard.objects.filter(user=worker).count() == 1
    assert {r.completion.pk for r in results} == {TaskCompletion.objects.get(user=worker).pk}


def test_twenty_simultaneous_combines_of_one_set_combine_once():
    campaign = make_campaign(union=Tree().city_a)
    worker = make_worker_user()
    give_full_set(campaign, worker)
    results, errors = race(lambda i: services.ultimate_combine(campaign=campaign, user=worker).pk)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, Conflict) for e in errors), errors
    assert FuCard.objects.filter(user=worker, kind__isnull=True).count() == 1
    assert FuCard.objects.filter(user=worker, status="used").count() == 5


def test_twenty_simultaneous_taps_on_take_give_one_voucher():
    from tests.campaigns.test_activities import DAY, make_activity

    activity = make_activity(Tree(), quota=3)
    worker = make_worker_user()
    results, errors = race(lambda i: services.voucher_take(activity=activity, user=worker, now=at(DAY, 11)).pk)
    assert errors == []
    assert len(set(results)) == 1  # all got the one unused voucher; the quota of 3 is not spent by double taps


def test_twenty_point_phones_redeeming_one_voucher_redeem_it_once():
    from gonghui.campaigns.models import Voucher
    from tests.campaigns.test_activities import DAY, make_activity

    tree = Tree()
    activity = make_activity(tree)
    voucher = services.voucher_take(activity=activity, user=make_worker_user(), now=at(DAY, 11))
    point = activity.points.first()
    results, errors = race(lambda i: services.voucher_redeem(
        actor=tree.staff_a, code=voucher.code, point=point, now=at(DAY, 12)).status)
    assert errors == []
    assert sorted(results) == ["already"] * (THREADS - 1) + ["redeemed"]
    assert Voucher.objects.filter(redeemed_at__isnull=False).count() == 1
