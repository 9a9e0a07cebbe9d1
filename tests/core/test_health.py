"""Outages answer quickly and say what is down: /healthz names the dependency, /livez needs
nothing, an unreachable database is a 503 (problem JSON on the API, a plain page for people)
and never Django's 500 page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from gonghui.core import health
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


@pytest.fixture
def database_down(monkeypatch):
    """Every statement fails as it does when PostgreSQL is unreachable."""

    def refuse(self, sql, params=None):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: Connection refused')

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(CursorWrapper, "executemany", refuse)


def test_healthz_is_ok_when_every_dependency_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_names_cache_and_broker_when_redis_is_down(client, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["broker", "cache"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error: ConnectionError")


def test_healthz_answers_while_the_database_is_stalled(client, settings, monkeypatch):
    """A frozen database must not hold the probe: its check reports "timeout"."""
    settings.HEALTHZ_TIMEOUT_SECONDS = 0.2
    release = threading.Event()
    monkeypatch.setattr(health, "_check_database", lambda: release.wait(30))
    try:
        response = client.get(reverse("healthz"))
        again = client.get(reverse("healthz"))  # the stuck check is not started twice
    finally:
        release.set()
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "timeout"
    assert again.json()["checks"]["database"] == "timeout"


def test_livez_needs_neither_database_nor_cache(client, settings, database_down, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
    with django_assert_num_queries(0):
        response = client.get(reverse("livez"))
    assert response.status_code == 200 and response.json() == {"status": "alive"}


def test_healthz_says_database_down_when_it_is_unreachable(client, database_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_api_answers_503_problem_when_the_database_is_unreachable(client, database_down):
    client.raise_request_exception = False
    response = client.get("/api/v1/cases/mine", HTTP_AUTHORIZATION="Bearer whatever-token")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["title"] == "服务繁忙，请稍后再试。"
    assert response["Retry-After"]


def test_page_shows_a_friendly_503_when_the_database_is_unreachable(client, monkeypatch):
    client.force_login(make_worker_user())
    monkeypatch.setattr(CursorWrapper, "execute", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down")))
    client.raise_request_exception = False
    response = client.get(reverse("web:home"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "服务繁忙，请稍后再试" in html and "Server Error" not in html
    assert response["Retry-After"]


def test_other_errors_still_answer_500():
    from django.test import RequestFactory

    from gonghui.core.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/api/v1/cases/mine"))
    assert response.status_code == 500


def test_postgres_connections_have_connect_and_statement_timeouts():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": "postgres://u@db.example:5432/gonghui", "PYTHONPATH": str(root / "src")}
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "gonghui.settings"},
                            capture_output=True, text=True, check=True, timeout=60)
    options = json.loads(result.stdout)
    assert options["connect_timeout"] == 5
    assert "statement_timeout=30000" in options["options"] and "lock_timeout=" in options["options"]


def test_postgres_session_runs_with_the_statement_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the CI pass)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_nearby_search_answers_from_memory_while_the_database_is_unreachable(client, settings, monkeypatch):
    """Signed-in staff (production requires TOTP) and workers alike: no session lookup."""
    from gonghui.stations.index import index_reset
    from tests.stations.helpers import make_station

    settings.STAFF_REQUIRE_TOTP = True
    index_reset()
    tree = Tree()
    station = make_station(union=tree.grassroots_a, lat=22.541, lon=113.94)
    client.force_login(tree.staff_a)
    assert client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94}).status_code == 200  # index built

    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94})
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [station.pk]
    index_reset()
