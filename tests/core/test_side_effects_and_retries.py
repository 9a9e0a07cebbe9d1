"""A request that has committed is never answered with an error because a side effect
(the SMS queued on the broker) failed; a client that retries a POST with the same
`Idempotency-Key` gets the first answer, never a second case or visit."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.app.task import Task
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from gonghui.accounts.auth import api_token_create
from gonghui.cases.models import Case
from gonghui.core.models import IdempotencyKey
from gonghui.core.tasks import enqueue
from gonghui.stations import selectors as station_selectors
from gonghui.stations.models import StationVisit
from tests.factories import Tree, make_staff, make_worker_user
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
INTAKE = {
    "category": "wage_arrears", "description": "来电人反映单位拖欠工资两个月。", "reporter_name": "周女士",
    "reporter_phone": "13511112222", "amount_fen": 500000, "people_count": 2, "employer_name": "某某公司",
}


def partner_auth(tree) -> dict[str, str]:
    account = make_staff(union=tree.province, role="operator")
    _, key = api_token_create(user=account, name="12351 呼叫中心")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def broker_down(settings, monkeypatch):
    """A broker is configured but refuses connections (Redis stopped)."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    def refuse(self, *args, **kwargs):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(Task, "delay", refuse)


def test_committed_intake_answers_201_and_still_texts_the_reporter_when_the_broker_is_down(
    client, broker_down, sms_outbox, django_capture_on_commit_callbacks
):
    tree = Tree()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CASES, INTAKE, content_type="application/json", **partner_auth(tree))
    assert response.status_code == 201
    number = response.json()["number"]
    assert Case.objects.filter(number=number).exists()
    assert [phone for phone, text in sms_outbox if number in text] == ["13511112222"]


def test_enqueue_runs_the_task_in_process_when_publishing_fails(broker_down, sms_outbox):
    from gonghui.cases.tasks import staff_sms_send

    staff = make_staff(union=Tree().grassroots_a)
    staff.phone = "13600001111"
    staff.save(update_fields=["phone"])
    enqueue(staff_sms_send, [staff.pk], "测试提醒")
    assert sms_outbox == [("13600001111", "【职工之家】测试提醒")]


def test_retried_intake_with_the_same_idempotency_key_returns_the_first_case(client):
    tree = Tree()
    auth = partner_auth(tree)
    first = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="call-8812", **auth)
    again = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="call-8812", **auth)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    other = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="call-8813", **auth)
    assert other.json()["number"] != first.json()["number"]  # a new key is a new case
    assert Case.objects.count() == 2


def test_intake_without_a_key_is_not_deduplicated(client):
    tree = Tree()
    auth = partner_auth(tree)
    client.post(CASES, INTAKE, content_type="application/json", **auth)
    client.post(CASES, INTAKE, content_type="application/json", **auth)
    assert Case.objects.count() == 2


def test_a_key_reused_for_a_different_request_is_refused(client):
    tree = Tree()
    auth = partner_auth(tree)
    client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **auth)
    changed = client.post(CASES, {**INTAKE, "people_count": 3}, content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="k1", **auth)
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_a_refused_request_can_be_corrected_and_sent_with_the_same_key(client):
    tree = Tree()
    auth = partner_auth(tree)
    bad = client.post(CASES, {**INTAKE, "description": "短"}, content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY="k2", **auth)
    assert bad.status_code == 422
    good = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2", **auth)
    assert good.status_code == 201


def test_keys_are_scoped_to_the_caller(client):
    tree = Tree()
    first = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k3", **partner_auth(tree))
    second = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k3", **partner_auth(tree))
    assert first.json()["number"] != second.json()["number"]


def test_retried_checkin_with_the_same_key_returns_the_first_answer(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    _token, key = api_token_create(user=make_worker_user(), name="骑手App")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {"token": station_selectors.station_checkin_token(station=station)}
    first = client.post("/api/v1/stations/checkin", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="scan-1", **auth)
    again = client.post("/api/v1/stations/checkin", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="scan-1", **auth)
    assert first.json()["counted"] is True
    assert again.json() == first.json()  # the retry is told the visit counted, as it did
    assert StationVisit.objects.count() == 1


def test_old_idempotency_keys_are_purged(client, settings):
    tree = Tree()
    client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="old", **partner_auth(tree))
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1))
    call_command("idempotency_purge")
    assert not IdempotencyKey.objects.exists()
