import datetime as dt

import pytest
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.models import SmsCode, User
from gonghui.core.errors import PermissionDenied, RateLimited, ValidationFailed
from gonghui.core.pii import phone_index

pytestmark = pytest.mark.django_db

PHONE = "13712345678"
SENT: list[tuple[str, str]] = []


class RecordingSmsBackend:
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


@pytest.fixture(autouse=True)
def _recording_backend(settings):
    settings.SMS_BACKEND = "tests.accounts.test_sms_login.RecordingSmsBackend"
    SENT.clear()


def test_code_is_sent_through_configured_backend_and_stored_only_hashed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    assert len(sent.code) == 6 and sent.code.isdigit()
    assert SENT == [(PHONE, SENT[0][1])] and sent.code in SENT[0][1]
    row = SmsCode.objects.get()
    assert row.phone_index == phone_index(PHONE)
    assert sent.code not in row.code_hash and PHONE not in row.phone_index


def test_first_login_creates_worker_user_with_encrypted_phone_and_no_password():
    sent = services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    user = services.sms_code_verify(phone=PHONE, code=sent.code)
    assert user.username.startswith("w_") and PHONE not in user.username
    assert user.phone == PHONE and user.phone_index == phone_index(PHONE)
    assert not user.has_usable_password()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        assert PHONE not in cursor.fetchone()[0]
    # Second sign-in finds the same account.
    again = services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    assert again.pk == user.pk and User.objects.count() == 1


def test_code_works_only_once():
    sent = services.sms_code_send(phone=PHONE)
    services.sms_code_verify(phone=PHONE, code=sent.code)
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_verify(phone=PHONE, code=sent.code)
    assert err.value.code == "sms_code_missing"


def test_wrong_code_counts_attempts_and_locks_after_maximum(settings):
    settings.SMS_CODE_MAX_ATTEMPTS = 3
    sent = services.sms_code_send(phone=PHONE)
    wrong = "000000" if sent.code != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(ValidationFailed) as err:
            services.sms_code_verify(phone=PHONE, code=wrong)
        assert err.value.code == "sms_code_wrong"
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_verify(phone=PHONE, code=wrong)
    assert err.value.code == "sms_code_locked"
    assert SmsCode.objects.get().attempts == 3
    # Even the right code is refused now: the worker must ask for a new one.
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_verify(phone=PHONE, code=sent.code)
    assert err.value.code == "sms_code_locked"


def test_expired_code_is_refused():
    sent = services.sms_code_send(phone=PHONE)
    SmsCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_verify(phone=PHONE, code=sent.code)
    assert err.value.code == "sms_code_expired"


def test_new_code_replaces_the_previous_one():
    first = services.sms_code_send(phone=PHONE)
    second = services.sms_code_send(phone=PHONE)
    if first.code != second.code:
        with pytest.raises(ValidationFailed):
            services.sms_code_verify(phone=PHONE, code=first.code)
    assert services.sms_code_verify(phone=PHONE, code=second.code).phone == PHONE


def test_code_for_one_phone_does_not_work_for_another():
    other = "13712345679"
    sent = services.sms_code_send(phone=PHONE)
    other_sent = services.sms_code_send(phone=other)
    if other_sent.code == sent.code:
        pytest.skip("both random codes happen to be equal")
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_verify(phone=other, code=sent.code)
    assert err.value.code == "sms_code_wrong"


def test_resend_within_interval_is_rate_limited_per_phone(settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    with pytest.raises(RateLimited) as err:
        services.sms_code_send(phone=PHONE, ip="10.0.0.2")
    assert err.value.code == "sms_too_frequent"
    services.sms_code_send(phone="13712345679", ip="10.0.0.1")  # another phone is fine


def test_one_address_cannot_request_codes_for_many_phones():
    for n in range(services.SMS_IP_HOURLY_LIMIT):
        services.sms_code_send(phone=f"136{n:08d}", ip="10.9.9.9")
    with pytest.raises(RateLimited) as err:
        services.sms_code_send(phone="13599999999", ip="10.9.9.9")
    assert err.value.code == "sms_ip_limit"


def test_bad_phone_and_bad_code_format_are_validation_errors():
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_send(phone="12345")
    assert err.value.code == "phone_invalid"
    with pytest.raises(ValidationFailed) as err:
        services.sms_code_verify(phone=PHONE, code="12ab")
    assert err.value.code == "sms_code_format"


def test_inactive_user_cannot_sign_in():
    user = services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
