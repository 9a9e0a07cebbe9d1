"""The login code's resend button (issue 8, item 8): a visible countdown, held while the server
would refuse; without JavaScript a plain button, and an early press says how long is left."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import SmsCode
from tests.browser_support import sms_code_for

PHONE = "13612345670"


@pytest.mark.django_db
def test_code_step_shows_the_resend_countdown(client, settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    body = client.post(reverse("accounts:worker_login"), {"step": "phone", "phone": PHONE}).content.decode()
    assert 'data-resend-after="60"' in body
    assert re.search(r"<span data-countdown>60</span> 秒后可重新获取验证码", body)


@pytest.mark.django_db
def test_early_resend_without_javascript_stays_on_the_code_step_and_says_how_long(client, settings, monkeypatch):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    url = reverse("accounts:worker_login")
    client.post(url, {"step": "phone", "phone": PHONE})
    later = timezone.now() + dt.timedelta(seconds=25)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = client.post(url, {"step": "phone", "phone": PHONE, "resend": "1"}).content.decode()
    # Still on the code step (the code already sent works), with the real time left.
    assert 'name="code"' in again
    assert "请35秒后再试" in again
    assert 'data-resend-after="35"' in again
    assert SmsCode.objects.count() == 1, "no second code was sent"


@pytest.mark.django_db(transaction=True)
def test_resend_button_counts_down_and_then_may_be_pressed(browser_page: Any, live_site: str, settings: Any,
                                                          sms_outbox: list[tuple[str, str]]) -> None:
    settings.SMS_SEND_INTERVAL_SECONDS = 3
    page = browser_page
    page.goto(live_site + reverse("accounts:worker_login"))
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    resend = page.get_by_test_id("resend")
    resend.wait_for()
    wait = page.get_by_test_id("resend-wait")
    assert resend.is_disabled()
    assert "秒后可重新获取验证码" in wait.inner_text()
    page.wait_for_function("() => !document.querySelector('[data-testid=resend]').disabled")
    assert not wait.is_visible()
    resend.click()
    page.wait_for_function("() => document.querySelector('[data-testid=resend]')?.disabled === true")
    assert len([1 for to, _ in sms_outbox if to == PHONE]) == 2
    assert sms_code_for(sms_outbox, PHONE)
