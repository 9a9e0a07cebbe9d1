"""The smallest browser test: copy its shape for new journeys.

`live_site` starts the live server (and reloads regions); `browser_page` is a phone-sized
chromium page. Tests that use `browser_page` are marked `browser` automatically.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_in_chinese_on_a_phone(browser_page: Any, live_site: str) -> None:
    response = browser_page.goto(live_site + "/")
    assert response is not None
    assert response.status == 200
    assert browser_page.locator("html").get_attribute("lang") == "zh-hans"
    assert "职工之家" in browser_page.title()
    assert browser_page.viewport_size == {"width": 390, "height": 844}
    # The page fits the phone: nothing forces sideways scrolling.
    overflow = browser_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_language_switch_shows_english(browser_page: Any, live_site: str) -> None:
    browser_page.goto(live_site + "/")
    browser_page.get_by_role("button", name="EN").click()
    browser_page.wait_for_load_state()
    assert browser_page.locator("html").get_attribute("lang") == "en"
    browser_page.get_by_role("button", name="中文").click()
    browser_page.wait_for_load_state()
    assert browser_page.locator("html").get_attribute("lang") == "zh-hans"
