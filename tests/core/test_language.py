import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_even_when_the_browser_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "手机号" in response.content.decode()


def test_the_language_switch_turns_english_on(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert "Mobile number" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-bogus"
    assert client.get("/accounts/login/")["Content-Language"] == "zh-hans"


def test_api_clients_get_the_language_they_ask_for(client):
    zh = client.get("/api/v1/members/me")
    en = client.get("/api/v1/members/me", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 401
    assert zh.json()["title"] != en.json()["title"]
    assert zh["Content-Language"] == "zh-hans" and en["Content-Language"] == "en"
