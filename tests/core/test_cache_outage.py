"""Redis away: rate limits and lock-outs fail closed with a clear 503 ("服务繁忙，请稍后再试"),
never a 500 and never a way past the limit; reads that only use the cache go on without it.
The cache is pointed at a port where nothing listens, as when Redis is down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.accounts.models import SmsCode
from gonghui.members import roster
from gonghui.stations import index as stations_index
from tests.factories import Tree
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db

DEAD_REDIS = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}}


@pytest.fixture(autouse=True)
def _fresh_station_index():
    stations_index.index_reset()
    yield
    stations_index.index_reset()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DEAD_REDIS


def test_sms_code_api_answers_503_problem_when_the_cache_is_down(client, settings, redis_down):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    response = client.post("/api/v1/accounts/sms-codes", {"phone": "13512345678"}, content_type="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "service_busy"
    assert response.json()["title"] == "服务繁忙，请稍后再试。"
    assert response["Retry-After"]
    assert not SmsCode.objects.exists()  # fail closed: no code sent past the limits


def test_sms_login_page_says_busy_when_the_cache_is_down(client, redis_down):
    response = client.post(reverse("accounts:worker_login"), {"step": "phone", "phone": "13512345678"})
    assert response.status_code == 200
    assert "服务繁忙，请稍后再试" in response.content.decode()
    assert not SmsCode.objects.exists()


def test_staff_login_fails_closed_when_the_cache_is_down(client, redis_down):
    tree = Tree()
    response = client.post(reverse("accounts:staff_login"), {"username": tree.staff_a.username, "password": "pw-for-tests-123"})
    assert response.status_code == 200
    assert "服务繁忙，请稍后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nearby_search_answers_while_the_cache_is_down(client, settings):
    tree = Tree()
    station = make_station(union=tree.grassroots_a, lat=22.541, lon=113.94)
    assert client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94}).status_code == 200
    settings.CACHES = DEAD_REDIS
    settings.STATIONS_INDEX_RECHECK_SECONDS = 0  # ask the (dead) cache on every search
    stations_index._holder.recheck = 0
    response = client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94})
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [station.pk]


def test_nearby_search_builds_its_index_without_the_cache(client, redis_down):
    tree = Tree()
    station = make_station(union=tree.grassroots_a, lat=22.541, lon=113.94)
    response = client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94})
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [station.pk]


def test_roster_progress_is_only_a_hint_when_the_cache_is_down(redis_down):
    roster.progress_set(1, phase="validate", done=5, total=10)  # does not fail the job
    assert roster.progress_get(1)["percent"] == 0
