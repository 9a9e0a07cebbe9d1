"""The e-member card's dynamic QR actually draws in a browser, as a code a scanner can
see: a square of dark modules on white, and the htmx partial swaps in a fresh one."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from tests.browser_support import browser_login
from tests.factories import Tree, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_card_qr_is_drawn_dark_on_white(browser_page: Any, live_site: str) -> None:
    membership = make_member(union=Tree().grassroots_a)
    browser_login(browser_page, membership.person.user, live_site)
    card_url = reverse("members:card")
    browser_page.goto(f"{live_site}{card_url}")
    qr = browser_page.locator("[data-testid=card-qr] svg")
    qr.wait_for(state="visible")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 100 and abs(box["width"] - box["height"]) < 2
    image = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    pixels = image.tobytes()
    dark = sum(1 for p in pixels if p < 80) / len(pixels)
    light = sum(1 for p in pixels if p > 200) / len(pixels)
    assert 0.25 < dark < 0.75 and light > 0.25  # a QR symbol, not a blank or a black box
    # The refresh: the partial the element asks for replaces it in place (outerHTML).
    with browser_page.expect_response(lambda r: "part=qr" in r.url) as refreshed:
        browser_page.evaluate(
            f"htmx.ajax('GET', '{card_url}?part=qr', {{target: '#card-qr', swap: 'outerHTML'}})"
        )
    assert refreshed.value.status == 200
    browser_page.wait_for_function("document.querySelectorAll('[data-testid=card-qr] svg').length === 1")
    assert browser_page.locator("[data-testid=card-qr]").get_attribute("hx-trigger").startswith("load delay:")
