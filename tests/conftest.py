"""Suite-wide fixtures. PostgreSQL and Redis are used when DATABASE_URL / REDIS_URL are set;
with GONGHUI_REQUIRE_SERVICES=1 (CI) an unreachable service fails the run at once."""

from __future__ import annotations

import os

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("GONGHUI_REQUIRE_SERVICES") == "1":
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            raise pytest.UsageError("CI run needs DATABASE_URL pointing at PostgreSQL")
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).ping()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):  # noqa: PT004
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASK_RUNNER_FALLBACK = "sync"
    settings.STAFF_REQUIRE_TOTP = False
    settings.SMS_SEND_INTERVAL_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: PT004
    """Regions are reference data: load them once for the whole session."""
    from gonghui.orgs.services import regions_load

    with django_db_blocker.unblock():
        from gonghui.orgs.models import Region

        if not Region.objects.exists():
            regions_load()
    yield


__all__ = ["settings"]
