"""Chromium journey: a city union's officer opens the statistics dashboard, sees the trend
chart drawn, drills down into a union below, and exports the view to Excel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from gonghui.stats import services
from tests.browser_support import browser_login
from tests.stats.scenario import Scenario

pytestmark = pytest.mark.django_db(transaction=True)


def _red_share(png: bytes) -> float:
    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = [data[i:i + 3] for i in range(0, len(data), 3)]
    red = sum(1 for r, g, b in pixels if r > 150 and g < 110 and b < 110)
    return red / len(pixels)


def test_staff_opens_the_dashboard_drills_down_and_exports(browser_page_factory: Any, live_site: str) -> None:
    world = Scenario()
    services.snapshot_range(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    t = world.tree
    page = browser_page_factory(desktop=True)
    browser_login(page, t.staff_a, live_site)
    query = "start=2026-03-01&end=2026-03-31&granularity=day&figure=cases.received"
    page.goto(f"{live_site}{reverse('console:stats:dashboard')}?{query}")
    assert page.locator("h1").inner_text().startswith(t.city_a.name)
    # ECharts drew the trend: a canvas with the line in the project's red.
    page.wait_for_selector("#stats-trend[data-drawn='1'] canvas")
    assert _red_share(page.locator("#stats-trend").screenshot()) > 0.002
    page.wait_for_selector("#stats-breakdown[data-drawn='1'] canvas")
    assert _red_share(page.locator("#stats-breakdown").screenshot()) > 0.01
    headline = page.locator(".stats-card.selected strong").inner_text()
    assert headline == "6"
    # Drill down: the county below, ranked first.
    page.get_by_role("link", name=t.county_a.name).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith(t.county_a.name)
    assert page.locator(".stats-card.selected strong").inner_text() == "5"
    # Export what is on the screen.
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = {r[0]: r[2] for r in book["指标"].iter_rows(min_row=3, values_only=True)}
    assert rows["受理职工诉求"] == 5
    ranked = list(book["下级工会"].iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in ranked] == sorted([t.grassroots_a.name, world.grassroots_m.name],
                                            key=lambda n: 0 if n == t.grassroots_a.name else 1)
