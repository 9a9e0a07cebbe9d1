"""Tasks count once per worker per day, within the campaign's days (Asia/Shanghai); cards are
drawn with the weights; five kinds combine into the ultimate card."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import random

import pytest
from django.core import signing

from gonghui.campaigns import services
from gonghui.campaigns.models import Eligibility, FuCard, Participant, Task, TaskCompletion
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.campaigns.helpers import END, START, at, give_full_set, make_campaign
from tests.factories import Tree, make_member, make_worker_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tree = Tree()
    return tree, make_campaign(union=tree.city_a), make_worker_user(name="王小明")


def test_a_task_retried_many_times_counts_once_and_gives_one_card(world, frozen_clock):
    _tree, campaign, worker = world
    frozen_clock(at(START, 9))
    results = [services.steps_self_report(campaign=campaign, user=worker, steps=6000, now=at(START, 9)) for _ in range(5)]
    assert [r.counted for r in results] == [True, False, False, False, False]
    assert TaskCompletion.objects.filter(user=worker).count() == 1
    assert FuCard.objects.filter(user=worker).count() == 1
    assert {r.card.pk for r in results} == {results[0].card.pk}
    assert Participant.objects.filter(campaign=campaign, user=worker).count() == 1


def test_each_task_counts_once_a_day_and_again_the_next_day(world, frozen_clock):
    _tree, campaign, worker = world
    for day in (START, START + dt.timedelta(days=1)):
        frozen_clock(at(day, 12))
        for task, value in ((Task.STEPS, 5000), (Task.ROPE, 50), (Task.PLANK, 50)):
            services.task_complete(campaign=campaign, user=worker, task=task, value=value, source="timer", now=at(day, 12))
            services.task_complete(campaign=campaign, user=worker, task=task, value=value, source="timer", now=at(day, 12))
    assert TaskCompletion.objects.filter(user=worker).count() == 6
    assert FuCard.objects.filter(user=worker).count() == 6


def test_the_daily_card_limit_gives_cards_for_the_first_tasks_only_and_again_the_next_day(frozen_clock):
    """Limit 2: three tasks a day count, the first two give cards; the returned card is the
    stored one; the next day starts again."""
    campaign = make_campaign(union=Tree().city_a, daily_card_limit=2)
    worker = make_worker_user()
    for day in (START, START + dt.timedelta(days=1)):
        frozen_clock(at(day, 12))
        results = [services.task_complete(campaign=campaign, user=worker, task=task, value=value, source="timer",
                                          now=at(day, 12))
                   for task, value in ((Task.STEPS, 5000), (Task.ROPE, 50), (Task.PLANK, 50))]
        assert [r.counted for r in results] == [True, True, True]
        assert [r.card is not None for r in results] == [True, True, False]
        stored = FuCard.objects.get(pk=results[0].card.pk)
        assert stored.kind_id == results[0].card.kind.pk and stored.completion_id == results[0].completion.pk
        again = services.task_complete(campaign=campaign, user=worker, task=Task.PLANK, value=60, source="timer", now=at(day, 13))
        assert not again.counted and again.card is None and again.completion.pk == results[2].completion.pk
    assert TaskCompletion.objects.filter(user=worker).count() == 6
    assert FuCard.objects.filter(user=worker).count() == 4


def test_below_the_goal_is_refused_in_chinese(world):
    _tree, campaign, worker = world
    with pytest.raises(ValidationFailed, match="目标为 5000"):
        services.task_complete(campaign=campaign, user=worker, task=Task.STEPS, value=4999, source="self", now=at(START))


def test_first_and_last_day_count_and_the_days_outside_do_not(world):
    _tree, campaign, worker = world
    assert services.task_complete(campaign=campaign, user=worker, task=Task.ROPE, value=50, source="timer", now=at(START, 0, 0, 1)).counted
    assert services.task_complete(campaign=campaign, user=worker, task=Task.ROPE, value=50, source="timer", now=at(END, 23, 59, 59)).counted
    with pytest.raises(Conflict, match="开始"):
        services.task_complete(campaign=campaign, user=worker, task=Task.ROPE, value=50, source="timer", now=at(START, 0) - dt.timedelta(seconds=1))
    # 2025-02-05 00:00 Beijing is still 2025-02-04 in UTC: the day is Beijing's.
    with pytest.raises(Conflict, match="结束"):
        services.task_complete(campaign=campaign, user=worker, task=Task.ROPE, value=50, source="timer", now=at(END + dt.timedelta(days=1), 0, 0, 1))


def test_a_retry_crossing_midnight_counts_for_the_day_it_was_done_once(world):
    _tree, campaign, worker = world
    day = START + dt.timedelta(days=2)
    first = services.task_complete(campaign=campaign, user=worker, task=Task.PLANK, value=60, source="timer", day=day, now=at(day, 23, 59, 58))
    retry = services.task_complete(campaign=campaign, user=worker, task=Task.PLANK, value=60, source="timer", day=day,
                                   now=at(day + dt.timedelta(days=1), 0, 0, 5))
    assert first.counted and not retry.counted and retry.completion.day == day
    # Long after midnight, yesterday can no longer be claimed.
    with pytest.raises(ValidationFailed, match="只能记录今天"):
        services.task_complete(campaign=campaign, user=worker, task=Task.ROPE, value=50, source="timer", day=day,
                               now=at(day + dt.timedelta(days=1), 1))


def test_self_reported_steps_must_be_plausible(world):
    _tree, campaign, worker = world
    with pytest.raises(ValidationFailed, match="不合常理"):  # 00:10: at most 11 minutes of running
        services.steps_self_report(campaign=campaign, user=worker, steps=5000, now=at(START, 0, 10))
    with pytest.raises(ValidationFailed, match="不合常理"):
        services.steps_self_report(campaign=campaign, user=worker, steps=100_001, now=at(START, 23))
    assert services.steps_self_report(campaign=campaign, user=worker, steps=8000, now=at(START, 8)).counted


def _signed(campaign, data):
    body = json.dumps(data).encode()
    return body, hmac.new(campaign.partner_key.encode(), body, hashlib.sha256).hexdigest()


def test_a_signed_partner_push_counts_once_and_a_bad_signature_is_refused(world):
    _tree, campaign, worker = world
    now = at(START, 20)
    body, signature = _signed(campaign, {"phone": worker.phone, "steps": 12000, "day": START.isoformat(), "sent_at": now.isoformat()})
    assert services.partner_steps_push(campaign=campaign, body=body, signature=signature, now=now).counted
    assert not services.partner_steps_push(campaign=campaign, body=body, signature=signature, now=now).counted
    with pytest.raises(PermissionDenied, match="签名无效"):
        services.partner_steps_push(campaign=campaign, body=body, signature="0" * 64, now=now)
    stale, stale_sig = _signed(campaign, {"phone": worker.phone, "steps": 9000, "day": START.isoformat(),
                                          "sent_at": (now - dt.timedelta(hours=1)).isoformat()})
    with pytest.raises(ValidationFailed, match="相差过大"):
        services.partner_steps_push(campaign=campaign, body=stale, signature=stale_sig, now=now)
    bad, bad_sig = _signed(campaign, {"phone": worker.phone})
    with pytest.raises(ValidationFailed, match="格式不正确"):
        services.partner_steps_push(campaign=campaign, body=bad, signature=bad_sig, now=now)
    unknown, unknown_sig = _signed(campaign, {"phone": "13700000000", "steps": 9000, "day": START.isoformat(), "sent_at": now.isoformat()})
    with pytest.raises(NotFound):
        services.partner_steps_push(campaign=campaign, body=unknown, signature=unknown_sig, now=now)


def test_the_timer_refuses_results_faster_than_the_time_that_passed(world):
    _tree, campaign, worker = world
    start = at(START, 19)
    ticket = services.timer_start(campaign=campaign, user=worker, task=Task.PLANK, now=start)
    with pytest.raises(ValidationFailed, match="超过了计时"):
        services.timer_finish(campaign=campaign, user=worker, ticket=ticket, value=50, now=start + dt.timedelta(seconds=20))
    result = services.timer_finish(campaign=campaign, user=worker, ticket=ticket, value=51, now=start + dt.timedelta(seconds=52))
    assert result.counted and result.completion.source == "timer"
    rope = services.timer_start(campaign=campaign, user=worker, task=Task.ROPE, now=start)
    with pytest.raises(ValidationFailed, match="超过了计时"):
        services.timer_finish(campaign=campaign, user=worker, ticket=rope, value=50, now=start + dt.timedelta(seconds=5))
    with pytest.raises(ValidationFailed, match="失效"):
        services.timer_finish(campaign=campaign, user=worker, ticket=rope + "x", value=50, now=start + dt.timedelta(seconds=60))
    other = make_worker_user()
    with pytest.raises(ValidationFailed, match="失效"):
        services.timer_finish(campaign=campaign, user=other, ticket=rope, value=50, now=start + dt.timedelta(seconds=60))
    forged = signing.dumps({"c": campaign.pk, "u": worker.pk, "t": "rope", "s": 0}, salt="other")
    with pytest.raises(ValidationFailed):
        services.timer_finish(campaign=campaign, user=worker, ticket=forged, value=50, now=start)


def test_cards_follow_the_weights_chi_square(world):
    """100,000 draws with a fixed seed: observed kinds match the weights (10,10,10,10,2) at p > 0.01."""
    _tree, campaign, _worker = world
    kinds = list(campaign.kinds.all())
    rng = random.Random(20250122)
    counts = {k.pk: 0 for k in kinds}
    n = 100_000
    for _i in range(n):
        counts[services.card_kind_pick(kinds, rng).pk] += 1
    total_weight = sum(k.weight for k in kinds)
    chi2 = sum((counts[k.pk] - n * k.weight / total_weight) ** 2 / (n * k.weight / total_weight) for k in kinds)
    assert chi2 < 13.277  # chi-square critical value, 4 degrees of freedom, p = 0.01
    rare = next(k for k in kinds if k.weight == 2)
    assert 0.044 < counts[rare.pk] / n < 0.051  # the rare kind: 2 / 42 = 4.76 %


def test_combining_takes_one_of_each_kind_and_makes_the_ultimate_card(world):
    _tree, campaign, worker = world
    give_full_set(campaign, worker)
    FuCard.objects.create(campaign=campaign, user=worker, kind=campaign.kinds.first())  # a spare
    services.ultimate_combine(campaign=campaign, user=worker)
    assert FuCard.objects.filter(user=worker, kind__isnull=True).count() == 1
    assert FuCard.objects.filter(user=worker, status="used").count() == 5
    assert FuCard.objects.filter(user=worker, status="held", kind__isnull=False).count() == 1
    with pytest.raises(Conflict, match="还没集齐"):
        services.ultimate_combine(campaign=campaign, user=worker)


def test_only_members_may_join_a_members_campaign():
    tree = Tree()
    campaign = make_campaign(union=tree.city_a, eligibility=Eligibility.BRANCH_MEMBERS)
    outsider = make_worker_user()
    with pytest.raises(PermissionDenied, match="仅限"):
        services.task_complete(campaign=campaign, user=outsider, task=Task.ROPE, value=50, source="timer", now=at(START))
    other_branch = make_member(union=tree.grassroots_b).person.user
    with pytest.raises(PermissionDenied):
        services.participant_join(campaign=campaign, user=other_branch)
    member = make_member(union=tree.grassroots_a).person.user
    assert services.task_complete(campaign=campaign, user=member, task=Task.ROPE, value=50, source="timer", now=at(START)).counted


def test_bad_configuration_is_refused_in_chinese():
    tree = Tree()
    with pytest.raises(ValidationFailed, match="结束日期"):
        make_campaign(union=tree.city_a, starts_on=END, ends_on=START)
    with pytest.raises(ValidationFailed, match="权重"):
        make_campaign(union=tree.city_a, kinds=[services.KindSpec("福", 0), services.KindSpec("禄", 1)])
    draft = make_campaign(union=tree.city_a, published=False)
    with pytest.raises(NotFound):
        services.task_complete(campaign=draft, user=make_worker_user(), task=Task.ROPE, value=50, source="timer", now=at(START))
