"""The outdoor worker's journey in a real browser: find the nearest station → open its
details → scan its QR code and check in. Uses the shared harness in tests/browser_support.py
(phone-sized chromium, screenshot to test-artifacts/ on failure)."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.stations import selectors
from gonghui.stations.index import index_reset
from gonghui.stations.models import StationVisit
from tests.browser_support import browser_login
from tests.factories import Tree, make_worker_user

from .helpers import make_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_finds_nearest_station_opens_it_and_checks_in(browser_page: Any, live_site: str, settings: Any) -> None:
    # No network in tests: a tile URL that cannot load exercises the "plain list" fallback.
    settings.MAP_TILE_URL = live_site + "/no-tiles/{z}/{x}/{y}.png"
    index_reset()
    tree = Tree()
    nearest = make_station(union=tree.grassroots_a, name="科技园工会驿站", lat=22.5486, lon=113.9437)
    make_station(union=tree.grassroots_a, name="深圳湾户外劳动者服务站", kind="outdoor", lat=22.5176, lon=113.9462)
    make_station(union=tree.grassroots_a, name="前海司机之家", kind="drivers", lat=22.5319, lon=113.8954)
    worker = make_worker_user(name="赵小龙")
    page = browser_page
    # The phone reports a GPS (WGS-84) position next to the first station; the page converts it.
    page.context.grant_permissions(["geolocation"], origin=live_site)
    page.context.set_geolocation({"latitude": 22.5515, "longitude": 113.9388})

    page.goto(live_site + "/stations/")
    page.get_by_test_id("locate").click()
    results = page.get_by_test_id("results")
    results.wait_for()
    items = results.locator("li.station-item")
    assert items.first.locator(".station-name").inner_text() == "科技园工会驿站"
    assert items.count() == 3
    assert "步行约" in items.first.inner_text()
    directions = items.first.get_by_role("link", name="导航")
    assert directions.get_attribute("href").startswith("https://uri.amap.com/navigation?to=113.943700,22.548600")

    # Filter by kind: only the drivers' home remains.
    page.get_by_label("司机之家").check()
    page.wait_for_function("document.querySelectorAll('#results li.station-item').length === 1")
    assert "前海司机之家" in results.inner_text()
    page.get_by_label("司机之家").uncheck()
    page.wait_for_function("document.querySelectorAll('#results li.station-item').length === 3")

    page.locator("#results li.station-item").first.locator(".station-name").click()
    page.get_by_test_id("station-detail").wait_for()
    assert "科技园工会驿站" in page.get_by_test_id("station-detail").inner_text()

    # Scanning the QR code opens the check-in page; the worker is signed in by phone already.
    browser_login(page, worker, live_site)
    token = selectors.station_checkin_token(station=nearest)
    page.goto(f"{live_site}/stations/checkin/{token}/")
    page.get_by_test_id("checkin").click()
    page.get_by_test_id("visited").wait_for()
    assert "签到成功" in page.content()
    assert StationVisit.objects.filter(station=nearest, user=worker).count() == 1

    # The map could not load its tiles: the list stays, and the page says so.
    page.goto(live_site + "/stations/")
    page.wait_for_selector("#map-fallback:not([hidden])")
