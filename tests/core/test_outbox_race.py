"""Many workers handed the same outbox message (the first send and the drain, or a queue
that delivered twice) send it once: the row lock and `done_at` decide."""

from __future__ import annotations

import pytest

from gonghui.cases.tasks import staff_sms_send
from gonghui.core import outbox
from tests.concurrency import THREADS, postgres_only_fixture, race
from tests.core.test_outbox import TEXT, gateway, process_dies_after_commit, staff_id  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
postgres_only = postgres_only_fixture("row locks need PostgreSQL")


def test_twenty_workers_running_one_message_send_it_once(gateway, staff_id, process_dies_after_commit):  # noqa: F811
    msg = outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    results, errors = race(lambda i: outbox.outbox_run(msg.pk))
    assert errors == []
    assert results.count("done") == 1 and results.count("skipped") == THREADS - 1
    assert gateway.sent == [("13600001111", TEXT)]


def test_flushes_running_side_by_side_send_each_message_once(gateway, staff_id, process_dies_after_commit):  # noqa: F811
    for i in range(30):
        outbox.outbox_enqueue(staff_sms_send, [staff_id], f"提醒{i}")
    results, errors = race(lambda i: outbox.outbox_flush(batch=4))
    assert errors == []
    assert sum(r["done"] for r in results) == 30
    assert sorted(text for _, text in gateway.sent) == sorted(f"【职工之家】提醒{i}" for i in range(30))
