"""The outbox: a text message promised by a committed change is sent even when the process
that committed it dies before sending, the broker loses it or the gateway fails for a while;
it is sent once however many times it is delivered; a rolled-back change promises nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from gonghui.cases.tasks import staff_sms_send
from gonghui.core import outbox
from gonghui.core.models import OutboxMessage
from tests.factories import Tree, make_staff

pytestmark = pytest.mark.django_db

TEXT = "【职工之家】测试提醒"


class FlakyGateway:
    """An SMS gateway that fails while `down` is set."""

    down = False
    refused: set[str] = set()
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        if FlakyGateway.down or phone in FlakyGateway.refused:
            raise ConnectionError("短信网关 503")
        FlakyGateway.sent.append((phone, text))


@pytest.fixture
def gateway(settings):
    settings.SMS_BACKEND = f"{__name__}.FlakyGateway"
    FlakyGateway.down = False
    FlakyGateway.refused = set()
    FlakyGateway.sent = []
    return FlakyGateway


@pytest.fixture
def staff_id():
    staff = make_staff(union=Tree().grassroots_a)
    staff.phone = "13600001111"
    staff.save(update_fields=["phone"])
    return staff.pk


@pytest.fixture
def process_dies_after_commit(monkeypatch):
    """The web process is killed between its commit and the send that should follow."""
    monkeypatch.setattr(outbox, "_dispatch", lambda pk: None)


def later(seconds: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def test_a_committed_message_is_sent_once_right_after_commit(gateway, staff_id, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        msg = outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    assert gateway.sent == [("13600001111", TEXT)]
    msg.refresh_from_db()
    assert msg.done_at is not None and msg.attempts == 1
    assert outbox.outbox_drain(now=later(3600)) == 0
    assert gateway.sent == [("13600001111", TEXT)]


def test_a_rolled_back_change_promises_no_message(gateway, staff_id, django_capture_on_commit_callbacks):
    def failing_change() -> None:
        with transaction.atomic():
            outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_change()
    assert not OutboxMessage.objects.exists()
    assert gateway.sent == []


def test_the_drain_sends_what_a_dead_process_never_sent_after_the_grace_period(
    settings, gateway, staff_id, process_dies_after_commit, django_capture_on_commit_callbacks
):
    settings.OUTBOX_GRACE_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    assert gateway.sent == []
    # Not before the grace period: the sender may only be slow.
    assert outbox.outbox_drain(now=later(250)) == 0
    assert outbox.outbox_drain(now=later(301)) == 1
    assert gateway.sent == [("13600001111", TEXT)]
    assert outbox.outbox_drain(now=later(3600)) == 0
    assert gateway.sent == [("13600001111", TEXT)]


def test_a_case_whose_sender_died_still_texts_its_reporter(
    client, gateway, process_dies_after_commit, django_capture_on_commit_callbacks
):
    from tests.core.test_side_effects_and_retries import CASES, INTAKE, partner_auth

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CASES, INTAKE, content_type="application/json", **partner_auth(Tree()))
    assert response.status_code == 201
    assert gateway.sent == []
    assert OutboxMessage.objects.filter(task="cases.case_sms_send", done_at__isnull=True).count() == 1
    outbox.outbox_drain(now=later(301))
    number = response.json()["number"]
    assert [phone for phone, text in gateway.sent if number in text] == ["13511112222"]


def test_a_message_delivered_twice_is_sent_once(gateway, staff_id, process_dies_after_commit):
    msg = outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    assert outbox.outbox_run(msg.pk) == "done"
    assert outbox.outbox_run(msg.pk) == "skipped"
    assert gateway.sent == [("13600001111", TEXT)]


def test_a_failing_gateway_is_retried_with_growing_waits_then_given_up(
    settings, gateway, staff_id, process_dies_after_commit
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    msg = outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    gateway.down = True
    assert outbox.outbox_run(msg.pk) == "failed"
    msg.refresh_from_db()
    assert msg.attempts == 1 and msg.done_at is None
    assert msg.last_error == "ConnectionError: 短信网关 503"
    first_wait = msg.available_at - timezone.now()
    assert dt.timedelta(seconds=55) < first_wait <= dt.timedelta(seconds=60)

    assert outbox.outbox_run(msg.pk) == "failed"  # the drain's next try
    msg.refresh_from_db()
    second_wait = msg.available_at - timezone.now()
    assert dt.timedelta(seconds=115) < second_wait <= dt.timedelta(seconds=120)

    assert outbox.outbox_run(msg.pk) == "gave_up"
    assert outbox.outbox_drain(now=later(7200)) == 0  # given up: left for a person, in the admin
    assert gateway.sent == []


def test_the_gateway_back_up_sends_the_waiting_message_once(gateway, staff_id, process_dies_after_commit):
    msg = outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    gateway.down = True
    outbox.outbox_run(msg.pk)
    gateway.down = False
    assert outbox.outbox_drain(now=later(30)) == 0  # its wait (60 s) is not over
    assert outbox.outbox_drain(now=later(61)) == 1
    assert gateway.sent == [("13600001111", TEXT)]
    msg.refresh_from_db()
    assert msg.attempts == 2 and msg.done_at is not None and msg.last_error


def test_purge_keeps_undone_messages_and_recent_ones(settings, gateway, staff_id, process_dies_after_commit):
    settings.OUTBOX_KEEP_DAYS = 7
    old_done = outbox.outbox_enqueue(staff_sms_send, [staff_id], "旧")
    outbox.outbox_run(old_done.pk)
    OutboxMessage.objects.filter(pk=old_done.pk).update(done_at=timezone.now() - dt.timedelta(days=8))
    recent_done = outbox.outbox_enqueue(staff_sms_send, [staff_id], "新")
    outbox.outbox_run(recent_done.pk)
    pending = outbox.outbox_enqueue(staff_sms_send, [staff_id], "未发")
    OutboxMessage.objects.filter(pk=pending.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    assert outbox.outbox_purge() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent_done.pk, pending.pk}


def test_every_beat_entry_names_a_registered_task_and_the_drain_runs_every_minute(settings):
    from gonghui.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names <= set(app.tasks), names - set(app.tasks)
    drains = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "core.outbox_drain"]
    assert [e["schedule"] for e in drains] == [60.0]


# --- The flush: one queued task sends a burst of messages in batches -------------------------


@pytest.fixture
def queued(monkeypatch):
    """The queue as the web process sees it: tasks are recorded, not run."""
    from gonghui.core import tasks

    calls: list[str] = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: calls.append(task.name))
    return calls


def staff_with_phone(phone: str) -> int:
    staff = make_staff(union=Tree().grassroots_a)
    staff.phone = phone
    staff.save(update_fields=["phone"])
    return staff.pk


def commit_messages(n: int, staff_id: int, capture) -> None:
    for i in range(n):
        with capture(execute=True):
            outbox.outbox_enqueue(staff_sms_send, [staff_id], f"提醒{i}")


def test_a_burst_of_commits_queues_one_flush_until_it_starts(gateway, staff_id, queued, django_capture_on_commit_callbacks):
    commit_messages(5, staff_id, django_capture_on_commit_callbacks)
    assert queued == ["core.outbox_flush"]
    assert gateway.sent == []

    assert outbox.outbox_flush() == {"done": 5, "failed": 0, "gave_up": 0}
    assert [text for _, text in gateway.sent] == [f"【职工之家】提醒{i}" for i in range(5)]
    # Once a flush has started, the next commit queues the next flush: nothing waits for the drain.
    commit_messages(1, staff_id, django_capture_on_commit_callbacks)
    assert queued == ["core.outbox_flush", "core.outbox_flush"]


def test_a_message_committed_while_a_flush_is_queued_is_sent_by_it(gateway, staff_id, queued, django_capture_on_commit_callbacks):
    commit_messages(1, staff_id, django_capture_on_commit_callbacks)
    commit_messages(1, staff_id, django_capture_on_commit_callbacks)  # finds the flush queued
    assert queued == ["core.outbox_flush"]
    outbox.outbox_flush()
    assert len(gateway.sent) == 2
    assert not OutboxMessage.objects.filter(done_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_flush_marks_a_whole_batch_done_with_one_update(gateway, staff_id, process_dies_after_commit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(6):
        outbox.outbox_enqueue(staff_sms_send, [staff_id], f"提醒{i}")
    with CaptureQueriesContext(connection) as ctx:
        assert outbox.outbox_flush(batch=3)["done"] == 6
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "core_outboxmessage" in q["sql"]]
    assert len(updates) == 2  # two batches of three, one UPDATE each
    assert len(gateway.sent) == 6


def test_a_failing_message_does_not_hold_back_the_rest_of_its_batch(gateway, staff_id, process_dies_after_commit):
    other = staff_with_phone("13700002222")
    ok1 = outbox.outbox_enqueue(staff_sms_send, [staff_id], "一")
    bad = outbox.outbox_enqueue(staff_sms_send, [other], "二")
    ok2 = outbox.outbox_enqueue(staff_sms_send, [staff_id], "三")
    gateway.refused = {"13700002222"}
    assert outbox.outbox_flush() == {"done": 2, "failed": 1, "gave_up": 0}
    assert [text for _, text in gateway.sent] == ["【职工之家】一", "【职工之家】三"]
    for msg in (ok1, ok2):
        msg.refresh_from_db()
        assert msg.done_at is not None and msg.attempts == 1
    bad.refresh_from_db()
    assert bad.done_at is None and bad.attempts == 1 and bad.last_error == "ConnectionError: 短信网关 503"
    # A failed message is the drain's, with its backoff: the next flush leaves it alone.
    assert outbox.outbox_flush() == {"done": 0, "failed": 0, "gave_up": 0}
    gateway.refused = set()
    assert outbox.outbox_drain(now=later(61)) == 1
    assert gateway.sent[-1] == ("13700002222", "【职工之家】二")


def test_a_flush_never_sends_a_message_the_drain_already_sent(gateway, staff_id, process_dies_after_commit):
    msg = outbox.outbox_enqueue(staff_sms_send, [staff_id], "测试提醒")
    assert outbox.outbox_drain(now=later(301)) == 1
    assert outbox.outbox_flush()["done"] == 0
    assert outbox.outbox_run(msg.pk) == "skipped"
    assert gateway.sent == [("13600001111", TEXT)]


def test_without_the_cache_every_commit_queues_its_own_flush(gateway, staff_id, queued, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisConnectionError

    def away(*args, **kwargs):
        raise RedisConnectionError("Redis is away")

    monkeypatch.setattr(cache, "add", away)
    monkeypatch.setattr(cache, "delete", away)
    commit_messages(3, staff_id, django_capture_on_commit_callbacks)
    assert queued == ["core.outbox_flush"] * 3
    assert outbox.outbox_flush()["done"] == 3  # and the flush itself runs without it
