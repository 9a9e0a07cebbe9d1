"""On PostgreSQL, twenty simultaneous sends of the same task count it once and give one
card; twenty simultaneous taps on 合成 combine one set once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from gonghui.campaigns import services
from gonghui.campaigns.models import FuCard, Task, TaskCompletion
from gonghui.core.errors import Conflict
from tests.campaigns.helpers import START, at, give_full_set, make_campaign
from tests.factories import Tree, make_worker_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
THREADS = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    from gonghui.orgs.models import Region
    from tests.browser_support import regions_bulk_load

    if not Region.objects.exists():  # a transactional test before this one flushed them
        regions_bulk_load()


def _race(call: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    start = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            start.wait()
            value = call(i)
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 (collected and asserted on below)
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_twenty_simultaneous_retries_of_one_task_count_once():
    campaign = make_campaign(union=Tree().city_a)
    worker = make_worker_user()
    results, errors = _race(lambda i: services.task_complete(
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
    results, errors = _race(lambda i: services.ultimate_combine(campaign=campaign, user=worker).pk)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, Conflict) for e in errors), errors
    assert FuCard.objects.filter(user=worker, kind__isnull=True).count() == 1
    assert FuCard.objects.filter(user=worker, status="used").count() == 5
