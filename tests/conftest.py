"""Suite-wide fixtures. PostgreSQL and Redis are used when DATABASE_URL / REDIS_URL are set;
with GONGHUI_REQUIRE_SERVICES=1 (CI) an unreachable service fails the run at once."""

from __future__ import annotations

import datetime as dt
import os
import sys
import types
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytest_plugins = ["tests.browser_support"]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("GONGHUI_REQUIRE_SERVICES") == "1":
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            raise pytest.UsageError("CI run needs DATABASE_URL pointing at PostgreSQL")
        if not os.environ.get("REDIS_URL"):
            raise pytest.UsageError("CI run needs REDIS_URL")
        import redis

        try:
            redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
        except redis.RedisError as exc:
            raise pytest.UsageError(f"Redis at REDIS_URL is not answering: {exc}") from exc


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, monkeypatch):
    # pytest runs with DEBUG off; tests that load the demo load it as a demo installation
    # (tests/core/test_demo.py checks the refusal without it).
    monkeypatch.setenv("DEMO_INSTALL", "1")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIONS_INDEX_SNAPSHOT = str(tmp_path / "stations-index.json.gz")
    settings.TASK_RUNNER_FALLBACK = "sync"
    # No Celery worker runs under pytest: even when REDIS_URL (CI) would make Redis the
    # broker, background tasks run inline so tests see their effects.
    settings.CELERY_BROKER_URL = ""
    settings.STAFF_REQUIRE_TOTP = False
    settings.SMS_SEND_INTERVAL_SECONDS = 0
    # PBKDF2 at production strength costs ~0.3 s per staff user created or logged in; tests
    # check who may log in, not how hard the hash is to crack.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    from gonghui.core.holidays import holiday_table_clear

    cache.clear()
    # The holiday table is cached per process; a rolled-back test must not leave its year.
    holiday_table_clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Regions are reference data: load them once for the whole session."""
    from tests.browser_support import regions_bulk_load

    with django_db_blocker.unblock():
        from gonghui.orgs.models import Region

        if not Region.objects.exists():
            regions_bulk_load()


class _PassesForReal(type):
    """`isinstance(x, FrozenDateTime)` stays true for every real datetime (and date)."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.__mro__[1])


class _ClockShim(types.SimpleNamespace):
    """The datetime module as a frozen module sees it."""


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Freeze "now" for the code under test: ``frozen_clock(dt.datetime(2025, 3, 4, 10, tzinfo=SHANGHAI))``.

    Covers `timezone.now()` / `localtime()` / `localdate()` and, in every `gonghui` module that
    imports the datetime module as ``dt``, `dt.datetime.now()` and `dt.date.today()`. A test
    that checks what is open, due or expired *now* uses it, so it cannot fail at some hour.
    """
    from django.utils import timezone

    def freeze(moment: dt.datetime) -> None:
        assert moment.tzinfo is not None, "freeze an aware moment"

        class FrozenDateTime(dt.datetime, metaclass=_PassesForReal):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
                return moment.astimezone(tz) if tz else moment.astimezone(SHANGHAI).replace(tzinfo=None)

        class FrozenDate(dt.date, metaclass=_PassesForReal):
            @classmethod
            def today(cls) -> dt.date:  # type: ignore[override]
                return moment.astimezone(SHANGHAI).date()

        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
        shim = _ClockShim(**{**vars(dt), "datetime": FrozenDateTime, "date": FrozenDate})
        for name, module in list(sys.modules.items()):
            if name.startswith("gonghui.") and (getattr(module, "dt", None) is dt or isinstance(getattr(module, "dt", None), _ClockShim)):
                monkeypatch.setattr(module, "dt", shim)

    return freeze


__all__ = ["settings"]
