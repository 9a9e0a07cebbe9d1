"""The SMS gateway (or the queue in front of it) fails while a login code is sent: the API
answers a 503 problem, the page a friendly message, no code is stored as sent, the code sent
before still works, and the failed attempt costs the worker none of their rate limits."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import SmsCode
from gonghui.core.errors import ServiceUnavailable

pytestmark = pytest.mark.django_db

PHONE = "13712340001"
MESSAGE = "短信服务暂时不可用，请稍后再试。"
STATE = {"down": False, "sent": []}


class FlakyGateway:
    """Raises like a real gateway client does when the provider is away (the error echoes
    the request, as some clients' do)."""

    def send(self, phone: str, text: str) -> None:
        if STATE["down"]:
            raise ConnectionError(f"gateway refused POST to={phone} text={text}")
        STATE["sent"].append((phone, text))


@pytest.fixture(autouse=True)
def _flaky_gateway(settings):
    settings.SMS_BACKEND = "tests.accounts.test_sms_gateway_down.FlakyGateway"
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    STATE["down"] = False
    STATE["sent"] = []


@pytest.fixture
def codes(monkeypatch):
    values = iter(range(111111, 999999, 111111))
    monkeypatch.setattr(services.secrets, "randbelow", lambda _n: next(values))


def test_gateway_failure_is_a_503_and_stores_no_code():
    STATE["down"] = True
    with pytest.raises(ServiceUnavailable) as err:
        services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    assert err.value.code == "sms_unavailable" and str(err.value.message) == MESSAGE
    assert not SmsCode.objects.exists()


def test_retry_after_a_gateway_failure_is_not_rate_limited_and_its_code_works():
    STATE["down"] = True
    for _ in range(12):  # more than the interval and the daily limit would allow
        with pytest.raises(ServiceUnavailable):
            services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    STATE["down"] = False
    sent = services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    assert len(STATE["sent"]) == 1 and sent.code in STATE["sent"][0][1]
    assert services.sms_code_verify(phone=PHONE, code=sent.code).phone == PHONE


def test_failed_resend_keeps_the_code_already_sent(settings, codes):
    settings.SMS_SEND_INTERVAL_SECONDS = 0
    first = services.sms_code_send(phone=PHONE)
    STATE["down"] = True
    with pytest.raises(ServiceUnavailable):
        services.sms_code_send(phone=PHONE)
    assert SmsCode.objects.count() == 1
    assert services.sms_code_verify(phone=PHONE, code=first.code).phone == PHONE


def test_the_log_names_neither_the_code_nor_the_phone(caplog, codes):
    STATE["down"] = True
    with caplog.at_level(logging.ERROR, logger="gonghui.accounts.services"), pytest.raises(ServiceUnavailable):
        services.sms_code_send(phone=PHONE)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "SMS gateway failed" in logged and "ConnectionError" in logged
    assert "111111" not in logged and PHONE not in logged


def test_api_answers_503_problem_json(client):
    STATE["down"] = True
    response = client.post("/api/v1/accounts/sms-codes", {"phone": PHONE}, content_type="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "sms_unavailable"
    assert response.json()["title"] == MESSAGE
    assert response["Retry-After"]
    STATE["down"] = False
    again = client.post("/api/v1/accounts/sms-codes", {"phone": PHONE}, content_type="application/json")
    assert again.status_code == 202, "the failed attempt does not count against the resend interval"


def test_login_page_says_the_sms_service_is_away(client):
    STATE["down"] = True
    response = client.post(reverse("accounts:worker_login"), {"step": "phone", "phone": PHONE})
    assert response.status_code == 200
    body = response.content.decode()
    assert MESSAGE in body and 'name="code"' not in body  # still on the phone step
    assert not SmsCode.objects.exists()


def test_failed_resend_on_the_page_stays_on_the_code_step(client, settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 0
    url = reverse("accounts:worker_login")
    client.post(url, {"step": "phone", "phone": PHONE})
    STATE["down"] = True
    body = client.post(url, {"step": "phone", "phone": PHONE, "resend": "1"}).content.decode()
    assert 'name="code"' in body and MESSAGE in body
    assert SmsCode.objects.filter(used_at__isnull=True).count() == 1
