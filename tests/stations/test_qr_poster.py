"""The station check-in QR code draws in an `<img>` and prints on an A4 poster (issue 8, item 1)."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from tests.browser_support import ARTIFACTS, browser_login
from tests.factories import Tree

from .helpers import make_station

SVG_NS = "http://www.w3.org/2000/svg"


@pytest.mark.django_db
def test_checkin_qr_is_a_standalone_svg_document_with_the_svg_namespace(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    response = client.get(reverse("console:stations:qr", args=[station.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    # Without the namespace the root parses as plain "svg" and an <img> draws nothing.
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root.get("viewBox"), "a viewBox lets the code scale to the poster's size"
    assert int(root.get("width")) > 0
    assert int(root.get("height")) > 0
    assert root.findall(f".//{{{SVG_NS}}}path[@class='qrline']"), "the code's modules are drawn"


@pytest.mark.django_db
def test_qr_poster_shows_station_address_hours_union_and_how_to_check_in(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="海报驿站", address="南山区科技路8号",
                           hours_text="周一至周五 08:00-20:00", phone="0755-12345678")
    client.force_login(tree.staff_a)
    detail = client.get(reverse("console:stations:detail", args=[station.pk])).content.decode()
    poster_url = reverse("console:stations:qr_poster", args=[station.pk])
    assert poster_url in detail
    html = client.get(poster_url).content.decode()
    for text in ("海报驿站", "南山区科技路8号", "周一至周五 08:00-20:00", "0755-12345678",
                 tree.grassroots_a.name, "扫码签到", "扫一扫"):
        assert text in html
    assert reverse("console:stations:qr", args=[station.pk]) in html
    assert "size: A4" in html
    # The other branch's staff cannot print this station's poster.
    client.force_login(tree.staff_b)
    assert client.get(poster_url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_qr_draws_on_the_station_console_page_and_the_poster(browser_page_factory: Any, live_site: str) -> None:
    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="扫码驿站", address="南山区科技园1号")
    page = browser_page_factory(desktop=True)
    browser_login(page, tree.staff_a, live_site)

    page.goto(live_site + reverse("console:stations:detail", args=[station.pk]))
    qr = page.get_by_role("img", name="签到二维码")
    qr.wait_for()
    page.wait_for_function("img => img.complete", arg=qr.element_handle())
    assert qr.evaluate("img => img.naturalWidth") > 0

    page.get_by_test_id("qr-poster-link").click()
    poster = page.get_by_test_id("qr-poster")
    poster.wait_for()
    poster_qr = poster.get_by_role("img", name="签到二维码")
    page.wait_for_function("img => img.complete", arg=poster_qr.element_handle())
    assert poster_qr.evaluate("img => img.naturalWidth") > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "station-qr-poster-screen.png"))
    # Printed on A4 the code is large: at least 8 cm wide (96 CSS px per inch).
    page.emulate_media(media="print")
    assert poster_qr.bounding_box()["width"] >= 80 / 25.4 * 96
    assert "扫码驿站" in poster.inner_text()
    # On paper there is no console bar or menu, only the poster.
    assert not page.locator(".sidenav").is_visible()
    page.screenshot(path=str(ARTIFACTS / "station-qr-poster-print.png"), full_page=True)
    # The poster fits one A4 sheet.
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
