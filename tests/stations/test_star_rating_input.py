"""The station rating is tappable stars, not a dropdown (issue 8, item 8): five radio buttons
drawn as stars, each a ≥44px target with its own label."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from gonghui.stations import selectors, services
from gonghui.stations.models import StationRating
from tests.browser_support import browser_login
from tests.factories import Tree, make_worker_user

from .helpers import make_station


@pytest.mark.django_db
def test_rating_is_five_labelled_radio_stars_not_a_dropdown(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    services.station_checkin(user=worker, token=selectors.station_checkin_token(station=station))
    client.force_login(worker)
    html = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    form = html.split('data-testid="star-rating"')[1].split("</fieldset>")[0]
    assert "<select" not in html
    values = re.findall(r'<input type="radio" name="stars" value="(\d)" id="([^"]+)"', form)
    assert [v for v, _ in values] == ["1", "2", "3", "4", "5"]
    for value, input_id in values:
        assert f'<label for="{input_id}"' in form
        assert f"{value} 星：" in form
    assert "<legend>评分</legend>" in form


@pytest.mark.django_db(transaction=True)
def test_worker_taps_the_fourth_star_and_the_rating_is_saved(browser_page: Any, live_site: str) -> None:
    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="星星驿站")
    worker = make_worker_user()
    services.station_checkin(user=worker, token=selectors.station_checkin_token(station=station))
    page = browser_page
    browser_login(page, worker, live_site)
    page.goto(live_site + reverse("stations:detail", args=[station.pk]))
    four = page.get_by_role("radio", name="4 星：满意")
    for n in range(1, 6):
        box = page.locator(f"label[for=id_stars_{n - 1}]").bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    page.locator("label[for=id_stars_3]").tap()
    assert four.is_checked()
    assert page.get_by_text("满意", exact=True).is_visible()
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").wait_for()
    assert StationRating.objects.get(station=station, user=worker).stars == 4
