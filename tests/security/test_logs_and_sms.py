"""Logs mask phones and ID numbers everywhere; a live SMS code is logged only in demo mode;
production refuses the console SMS backend unless allowed on purpose."""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

import pytest

from gonghui.accounts import services as accounts
from tests.test_project import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


@contextmanager
def _configured_log_output():
    """What the handlers settings.LOGGING installs actually write."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
                and h.filters]
    assert handlers, "settings.LOGGING installs no filtering stream handler"
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


def test_every_logger_masks_phone_and_id_numbers_in_messages_and_tracebacks():
    with _configured_log_output() as output:
        logging.getLogger("gonghui.anything").warning("caller %s, id %s", PHONE, ID_NUMBER)
        logging.getLogger("django.request").error(f"Bad Request: /cases/?q={PHONE}")
        logging.getLogger("some.library").info("+86 138 1234 5678 called")
        try:
            raise ValueError(f"duplicate person {ID_NUMBER}")
        except ValueError:
            logging.getLogger("gonghui.x").exception("import failed for %s", PHONE)
    text = output.getvalue()
    assert "138****5678" in text and "110***********002X" in text
    assert "duplicate person" in text  # the traceback is there, masked
    assert PHONE not in text and "1234 5678" not in text and ID_NUMBER not in text


@pytest.mark.parametrize("demo", [False, True])
def test_sms_sign_in_logs_masked_phone_and_a_code_only_in_demo_mode(settings, demo, django_capture_on_commit_callbacks):
    settings.DEMO_MODE = demo
    settings.SMS_BACKEND = "gonghui.accounts.sms.ConsoleSmsBackend"
    with _configured_log_output() as output, django_capture_on_commit_callbacks(execute=True):
        sent = accounts.sms_code_send(phone=PHONE, ip="10.0.0.1")
    text = output.getvalue()
    assert "138****5678" in text and PHONE not in text
    assert (sent.code in text) is demo


def test_console_sms_backend_prints_nothing_outside_logging(settings, capsys):
    from gonghui.accounts.sms import ConsoleSmsBackend

    settings.DEMO_MODE = False
    ConsoleSmsBackend().send(PHONE, "【职工之家】您的登录验证码是123456")
    captured = capsys.readouterr()
    assert PHONE not in captured.out + captured.err and "123456" not in captured.out + captured.err


def test_production_refuses_the_console_sms_backend_unless_allowed():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in {"SMS_BACKEND", "SMS_CONSOLE_ALLOWED"}}
    refused = _manage("check", **env)
    assert refused.returncode != 0 and "SMS_CONSOLE_ALLOWED" in refused.stderr
    allowed = _manage("check", **{**env, "SMS_CONSOLE_ALLOWED": "1"})
    assert allowed.returncode == 0, allowed.stderr


def test_production_requires_a_shared_cache_for_limits_and_codes():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in {"REDIS_URL", "CACHE_DATABASE"}}
    refused = _manage("check", **env)
    assert refused.returncode != 0
    assert "REDIS_URL" in refused.stderr and "CACHE_DATABASE" in refused.stderr
    with_redis = _manage("check", **{**env, "REDIS_URL": "redis://127.0.0.1:6379/9"})
    assert with_redis.returncode == 0, with_redis.stderr
    database = _manage("shell", "-c", "from django.core.cache import caches; print(type(caches['default']).__name__)",
                       **{**env, "CACHE_DATABASE": "1"})
    assert database.returncode == 0, database.stderr
    assert database.stdout.strip().endswith("DatabaseCache")
