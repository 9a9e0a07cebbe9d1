"""The star-assessment sheet is for assessors only (issue 8, item 7): the union above the
operating union scores; the applying union sees the status and who assesses, never the sheet."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.stations import services
from gonghui.stations.models import StarApplication
from tests.factories import Tree, make_staff

from .helpers import make_station

pytestmark = pytest.mark.django_db


def _page(user, application) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("console:stations:star_assess", args=[application.pk])).content.decode()


@pytest.fixture
def applied():
    tree = Tree()
    grassroots_admin = make_staff(union=tree.grassroots_a, role="admin")
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=grassroots_admin, station=station, requested_level=3)
    return tree, grassroots_admin, application


def test_applying_union_sees_status_and_who_assesses_but_not_the_sheet(applied):
    tree, grassroots_admin, application = applied
    html = _page(grassroots_admin, application)
    assert str(application.get_status_display()) in html
    assert "星级由上级工会考评" in html and tree.county_a.name in html
    assert "提交考评结果" not in html
    assert 'name="conclusion"' not in html and "组织实施" not in html


def test_assessor_of_the_union_above_gets_the_sheet(applied):
    tree, _admin, application = applied
    county_staff = make_staff(union=tree.county_a, role="staff")
    html = _page(county_staff, application)
    assert "组织实施" in html and "提交考评结果" in html and 'name="conclusion"' in html


def test_applying_union_cannot_post_scores(applied):
    tree, grassroots_admin, application = applied
    client = Client()
    client.force_login(grassroots_admin)
    scores = {f"score_{item.pk}": item.weight for item in application.sheet.items.all()}
    response = client.post(reverse("console:stations:star_assess", args=[application.pk]), {**scores, "conclusion": "自评"}, follow=True)
    assert "星级考评由上级工会进行" in response.content.decode()
    application.refresh_from_db()
    assert application.status == StarApplication.Status.SUBMITTED


def test_station_page_says_who_assesses_before_applying(applied):
    tree, grassroots_admin, application = applied
    client = Client()
    client.force_login(grassroots_admin)
    html = client.get(reverse("console:stations:detail", args=[application.station.pk])).content.decode()
    assert f"由上级工会（{tree.county_a.name}）按考评表打分评定" in html


def test_star_history_shows_status_names_not_codes(applied):
    tree, _admin, application = applied
    county_staff = make_staff(union=tree.county_a, role="staff")
    services.star_application_assess(
        actor=county_staff, application=application,
        scores={item.pk: item.weight for item in application.sheet.items.all()},
    )
    html = _page(county_staff, application)
    assert "submitted → assessing" not in html and "assessing" not in html.split("记录")[-1]
