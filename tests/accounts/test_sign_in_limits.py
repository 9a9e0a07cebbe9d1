"""The limits that protect sign-in: per phone, per address, per code, per staff username and
per authenticator. Each number below is the documented rule, written out (not read back from
the constant it tests)."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from gonghui.accounts import services
from gonghui.accounts.models import SmsCode, User
from gonghui.accounts.signals import phone_verified
from gonghui.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.core.pii import phone_index
from tests.conftest import SHANGHAI
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

PHONE = "13712345678"
OTHER = "13712345679"
SENT: list[tuple[str, str]] = []


class RecordingSmsBackend:
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


@pytest.fixture(autouse=True)
def _recording_backend(settings):
    settings.SMS_BACKEND = "tests.accounts.test_sign_in_limits.RecordingSmsBackend"
    SENT.clear()


def error_code(call, **kw):
    with pytest.raises((ValidationFailed, RateLimited, PermissionDenied, Conflict)) as info:
        call(**kw)
    return info.value.code


# --- SMS codes ----------------------------------------------------------------------------------


def test_ten_codes_per_phone_per_day():
    for n in range(10):
        services.sms_code_send(phone=PHONE, ip=f"10.0.0.{n}")
    assert error_code(services.sms_code_send, phone=PHONE, ip="10.0.1.1") == "sms_daily_limit"
    services.sms_code_send(phone=OTHER, ip="10.0.1.1")  # another phone still may


def test_thirty_codes_per_address_per_hour_and_none_counted_without_an_address():
    for n in range(30):
        services.sms_code_send(phone=f"136{n:08d}", ip="10.9.9.9")
    assert error_code(services.sms_code_send, phone="13599999999", ip="10.9.9.9") == "sms_ip_limit"
    for n in range(31):
        services.sms_code_send(phone=f"135{n:08d}")  # no address known: only the phone limits


def test_resend_interval_is_reported_with_its_seconds(settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 45
    sent = services.sms_code_send(phone=PHONE)
    assert sent.resend_after == 45
    with pytest.raises(RateLimited) as info:
        services.sms_code_send(phone=PHONE)
    assert info.value.params == {"retry_after": 45} and "45秒" in str(info.value.message)


def test_a_code_lives_five_minutes_and_says_so(frozen_clock, django_capture_on_commit_callbacks):
    sent_at = dt.datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI)
    frozen_clock(sent_at)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.sms_code_send(phone=PHONE)
    assert sent.expires_in == 300
    assert SmsCode.objects.get().expires_at == sent_at + dt.timedelta(minutes=5)
    assert SENT == [(PHONE, f"【职工之家】您的登录验证码是{sent.code}，5分钟内有效。请勿告诉他人。")]
    frozen_clock(sent_at + dt.timedelta(seconds=299))
    assert services.sms_code_verify(phone=PHONE, code=sent.code).phone == PHONE


def test_a_code_is_dead_at_its_expiry_moment(frozen_clock):
    sent_at = dt.datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI)
    frozen_clock(sent_at)
    sent = services.sms_code_send(phone=PHONE)
    frozen_clock(sent_at + dt.timedelta(seconds=300))
    assert error_code(services.sms_code_verify, phone=PHONE, code=sent.code) == "sms_code_expired"


def test_a_short_lifetime_still_says_one_minute(settings, django_capture_on_commit_callbacks):
    settings.SMS_CODE_TTL_SECONDS = 30
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_code_send(phone=PHONE)
    assert "1分钟内有效" in SENT[0][1]


def test_a_code_for_phone_b_leaves_phone_a_code_valid():
    first = services.sms_code_send(phone=PHONE)
    services.sms_code_send(phone=OTHER)
    assert services.sms_code_verify(phone=PHONE, code=first.code).phone == PHONE


def test_the_code_hash_is_bound_to_the_phone():
    services.sms_code_send(phone=PHONE)
    row = SmsCode.objects.get()
    assert row.code_hash not in {services._code_hash(phone_index(OTHER), str(n).zfill(6)) for n in range(0, 10**6, 99991)}
    assert len(row.code_hash) == 64


@pytest.mark.parametrize("code", ["1234567", "12345", "12345a", "", "١٢٣٤٥٦"])
def test_codes_are_six_ascii_digits(code):
    services.sms_code_send(phone=PHONE)
    assert error_code(services.sms_code_verify, phone=PHONE, code=code) == "sms_code_format"
    assert SmsCode.objects.get().attempts == 0


def test_a_code_with_spaces_around_is_accepted():
    sent = services.sms_code_send(phone=PHONE)
    assert services.sms_code_verify(phone=PHONE, code=f" {sent.code} ").phone == PHONE


def test_a_code_typed_in_full_width_digits_is_accepted():
    sent = services.sms_code_send(phone=PHONE)
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in sent.code)  # "１２３４５６"
    assert services.sms_code_verify(phone=PHONE, code=full_width).phone == PHONE


def test_wrong_guesses_say_how_many_are_left(settings):
    settings.SMS_CODE_MAX_ATTEMPTS = 5
    sent = services.sms_code_send(phone=PHONE)
    wrong = "000000" if sent.code != "000000" else "111111"
    with pytest.raises(ValidationFailed) as info:
        services.sms_code_verify(phone=PHONE, code=wrong)
    assert str(info.value.message) == "验证码不正确，还可以再试4次。"


def test_a_failing_listener_never_stops_a_sign_in():
    def broken(**kwargs):
        raise RuntimeError("listener down")

    phone_verified.connect(broken, dispatch_uid="test.broken", weak=False)
    try:
        user = services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    finally:
        phone_verified.disconnect(dispatch_uid="test.broken")
    assert user.phone == PHONE


def test_first_sign_in_is_audited_once():
    services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    assert AuditEvent.objects.filter(action="user.create_by_sms").count() == 1


def test_counter_that_expired_between_add_and_increment_starts_at_one(monkeypatch):
    monkeypatch.setattr(services.cache, "add", lambda *args, **kwargs: False)
    assert services._count("test-counter", 60) == 1
    assert services.cache.get("test-counter") == 1


# --- staff passwords ----------------------------------------------------------------------------


def test_staff_username_locks_after_ten_failures_even_for_the_right_password():
    staff = make_staff(union=None, username="zhangsan")
    for _ in range(10):
        assert error_code(services.staff_authenticate, username="zhangsan", password="wrong") == "credentials_invalid"
    assert error_code(services.staff_authenticate, username="ZhangSan ", password="pw-for-tests-123") == "login_locked"
    assert AuditEvent.objects.filter(action="user.login_failed").count() == 10
    assert staff.is_active


def test_a_successful_sign_in_clears_the_failures():
    make_staff(union=None, username="lisi")
    for _ in range(9):
        error_code(services.staff_authenticate, username="lisi", password="wrong")
    assert services.staff_authenticate(username="lisi", password="pw-for-tests-123").username == "lisi"
    for _ in range(9):
        error_code(services.staff_authenticate, username="lisi", password="wrong")
    assert services.staff_authenticate(username="lisi", password="pw-for-tests-123").username == "lisi"


@pytest.mark.parametrize(("username", "password"), [("", "x"), ("   ", "x"), ("lisi", "")])
def test_username_and_password_are_required(username, password):
    assert error_code(services.staff_authenticate, username=username, password=password) == "credentials_required"


# --- authenticator (TOTP) -----------------------------------------------------------------------


def bound_staff() -> User:
    user = make_staff(union=None)
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed = True
    user.save()
    return user


def test_five_wrong_authenticator_codes_lock_even_the_right_one():
    user = bound_staff()
    for _ in range(5):
        assert error_code(services.totp_verify, user=user, code="000000" if pyotp.TOTP(user.totp_secret).now() != "000000" else "111111") == "totp_wrong"
    assert error_code(services.totp_verify, user=user, code=pyotp.TOTP(user.totp_secret).now()) == "totp_locked"


def test_a_right_authenticator_code_clears_the_failures():
    user = bound_staff()
    totp = pyotp.TOTP(user.totp_secret)
    wrong = "000000" if totp.now() != "000000" else "111111"
    for _ in range(4):
        error_code(services.totp_verify, user=user, code=wrong)
    services.totp_verify(user=user, code=totp.now()[:3] + " " + totp.now()[3:])
    for _ in range(4):
        assert error_code(services.totp_verify, user=user, code=wrong) == "totp_wrong"


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", ""])
def test_authenticator_codes_are_six_digits(code):
    assert error_code(services.totp_verify, user=bound_staff(), code=code) == "totp_format"


def test_an_authenticator_code_works_once():
    user = bound_staff()
    code = pyotp.TOTP(user.totp_secret).now()
    services.totp_verify(user=user, code=code)
    assert error_code(services.totp_verify, user=user, code=code) == "totp_reused"


def test_binding_needs_a_secret_and_happens_once():
    user = make_staff(union=None)
    assert error_code(services.totp_confirm, user=user, code="123456") == "totp_no_secret"
    assert error_code(services.totp_verify, user=user, code="123456") == "totp_not_bound"
    secret = services.totp_secret_ensure(user=user)
    assert services.totp_secret_ensure(user=user) == secret  # kept until confirmed
    services.totp_confirm(user=user, code=pyotp.TOTP(secret).now())
    assert User.objects.get(pk=user.pk).totp_confirmed
    assert AuditEvent.objects.filter(action="user.totp_bind").count() == 1
    assert error_code(services.totp_confirm, user=user, code="123456") == "totp_already_bound"
    assert error_code(services.totp_secret_ensure, user=user) == "totp_already_bound"
    assert "issuer=%E8%81%8C%E5%B7%A5%E4%B9%8B%E5%AE%B6" in services.totp_provisioning_uri(user=user)


def test_reset_clears_the_authenticator_and_is_audited():
    user = bound_staff()
    admin = make_staff(union=None)
    services.totp_reset(user=user, actor=admin)
    fresh = User.objects.get(pk=user.pk)
    assert fresh.totp_secret == "" and not fresh.totp_confirmed
    assert AuditEvent.objects.get(action="user.totp_reset").actor == admin


# --- how long each counter and lock lasts -------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    """The (key prefix, lifetime in seconds) of every counter the services start."""
    seen: list[tuple[str, int]] = []
    real = services._count

    def spy(key, timeout):
        seen.append((key.split(":")[0] + ":" + key.split(":")[1], timeout))
        return real(key, timeout)

    monkeypatch.setattr(services, "_count", spy)
    return seen


def test_sms_counters_last_an_hour_per_address_and_a_day_per_phone(counted):
    services.sms_code_send(phone=PHONE, ip="10.0.0.1")
    assert counted == [("sms:ip", 3600), ("sms:day", 86400)]


def test_a_staff_lock_lasts_fifteen_minutes_and_an_authenticator_lock_five(counted):
    make_staff(union=None, username="wangwu")
    error_code(services.staff_authenticate, username="wangwu", password="wrong")
    user = bound_staff()
    wrong = "000000" if pyotp.TOTP(user.totp_secret).now() != "000000" else "111111"
    error_code(services.totp_verify, user=user, code=wrong)
    assert counted == [("staff-login:" + counted[0][0].split(":")[1], 900), ("totp-fail:" + str(user.pk), 300)]


def test_a_one_second_interval_still_limits_resending(settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 1
    services.sms_code_send(phone=PHONE)
    assert error_code(services.sms_code_send, phone=PHONE) == "sms_too_frequent"


def test_sending_a_new_code_leaves_used_codes_as_they_were():
    first = services.sms_code_send(phone=PHONE)
    services.sms_code_verify(phone=PHONE, code=first.code)
    used_at = SmsCode.objects.get().used_at
    services.sms_code_send(phone=PHONE)
    services.sms_code_send(phone=PHONE)
    assert SmsCode.objects.filter(used_at=used_at).count() == 1
    assert SmsCode.objects.filter(used_at__isnull=True).count() == 1  # only the newest waits


def test_a_failing_listener_is_logged(caplog):
    def broken(**kwargs):
        raise RuntimeError("listener down")

    phone_verified.connect(broken, dispatch_uid="test.broken.log", weak=False)
    try:
        services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    finally:
        phone_verified.disconnect(dispatch_uid="test.broken.log")
    assert any("phone_verified receiver" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


def test_a_first_sign_in_gets_its_own_account_when_others_exist():
    make_staff(union=None)
    services.worker_user_get_or_create(phone=OTHER)
    user = services.sms_code_verify(phone=PHONE, code=services.sms_code_send(phone=PHONE).code)
    assert user.phone == PHONE and user.phone == PHONE


def test_two_first_sign_ins_at_once_end_with_one_account(monkeypatch):
    from tests.factories import make_worker_user

    make_worker_user(phone=OTHER)
    winner = make_worker_user(phone=PHONE)  # the other request committed first …
    monkeypatch.setattr(User.objects, "filter", lambda **kw: User.objects.none())  # … after we looked
    assert services.worker_user_get_or_create(phone=PHONE) == winner


def test_a_disabled_worker_is_told_so():
    user = services.worker_user_get_or_create(phone=PHONE)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert error_code(services.worker_user_get_or_create, phone=PHONE) == "user_inactive"


def test_a_failed_staff_sign_in_is_audited_with_the_name_tried():
    error_code(services.staff_authenticate, username="nobody", password="wrong", ip="10.1.2.3")
    event = AuditEvent.objects.get(action="user.login_failed")
    assert event.data == {"username": "nobody"}


def test_the_previous_authenticator_code_works_but_not_the_one_before(monkeypatch):
    import types

    import pyotp.totp

    now = 1_741_000_005.0  # 15 s into a 30-s window, frozen for pyotp only
    monkeypatch.setattr(pyotp.totp, "time", types.SimpleNamespace(time=lambda: now))
    user = bound_staff()
    totp = pyotp.TOTP(user.totp_secret)
    services.totp_verify(user=user, code=totp.at(now - 30))
    assert error_code(services.totp_verify, user=user, code=totp.at(now - 60)) == "totp_wrong"


def test_confirm_and_reset_return_the_user():
    user = make_staff(union=None)
    secret = services.totp_secret_ensure(user=user)
    assert services.totp_confirm(user=user, code=pyotp.TOTP(secret).now()) == user
    assert services.totp_reset(user=user, actor=None) == user


def test_a_worker_username_is_random_and_carries_no_phone():
    import re

    user = services.worker_user_get_or_create(phone=PHONE)
    assert re.fullmatch(r"w_[0-9a-f]{12}", user.username) and PHONE not in user.username
