"""Cross-branch access to every station object type is a 404 (pages and API)."""

from __future__ import annotations

import pytest

from gonghui.core.errors import NotFound
from gonghui.stations import selectors, services
from gonghui.stations.models import Station
from tests.factories import Tree, make_worker_user
from tests.jurisdiction import CrossBranchAccess

from .helpers import make_station

pytestmark = pytest.mark.django_db


class TestStationAccess(CrossBranchAccess):
    page_url_name = "console:stations:detail"
    api_path = "/api/v1/stations/manage/{pk}"

    def make_object(self, tree):
        return make_station(union=tree.grassroots_a)


class TestStationEditAccess(CrossBranchAccess):
    page_url_name = "console:stations:edit"
    api_path = "/api/v1/stations/manage/{pk}"
    api_method = "put"

    def make_object(self, tree):
        return make_station(union=tree.grassroots_a)

    def api_payload(self, tree, obj):
        return {"union_id": tree.grassroots_a.pk, "name": "改名的驿站", "kind": "yizhan", "address": "新地址",
                "lat": 22.55, "lon": 113.95}


class TestStationVisitsAccess(CrossBranchAccess):
    page_url_name = "console:stations:qr"
    api_path = "/api/v1/stations/manage/{pk}/visits"
    api_id_key = "station_id"

    def make_object(self, tree):
        return make_station(union=tree.grassroots_a)


class TestStarApplicationAccess(CrossBranchAccess):
    page_url_name = "console:stations:star_assess"
    api_path = "/api/v1/stations/star-applications/{pk}"

    def make_object(self, tree):
        station = make_station(union=tree.grassroots_a)
        return services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)


def test_reports_and_applications_of_another_branch_are_hidden():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    report = services.station_report_submit(user=make_worker_user(), station=station, category="dirty", text="脏")
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)
    assert list(selectors.station_report_list_for_user(user=tree.staff_b)) == []
    assert list(selectors.star_application_list_for_user(user=tree.staff_b)) == []
    with pytest.raises(NotFound):
        selectors.station_report_get_for_user(user=tree.staff_b, report_id=report.pk)
    with pytest.raises(NotFound):
        selectors.star_application_get_for_user(user=tree.staff_b, application_id=application.pk)
    assert selectors.station_report_get_for_user(user=tree.staff_a, report_id=report.pk) == report


def test_staff_of_other_branch_cannot_post_to_a_station(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    client.force_login(tree.staff_b)
    for name in ("service_add", "photo_add", "honour_add", "star_apply", "qr_rotate"):
        from django.urls import reverse

        assert client.post(reverse(f"console:stations:{name}", args=[station.pk]), {}).status_code == 404, name
    station.refresh_from_db()
    assert station.qr_nonce == 1


def test_api_update_of_other_branch_station_is_404(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    client.force_login(tree.staff_b)
    payload = {"union_id": tree.grassroots_b.pk, "name": "x", "kind": "yizhan", "address": "x", "lat": 22.5, "lon": 113.9}
    before = Station.objects.values().get(pk=station.pk)
    response = client.put(f"/api/v1/stations/manage/{station.pk}", payload, content_type="application/json")
    assert response.status_code == 404
    response = client.post("/api/v1/stations/manage", {**payload, "union_id": tree.grassroots_a.pk}, content_type="application/json")
    assert response.status_code == 404
    # The refused update changed nothing, and the refused create made nothing.
    assert Station.objects.values().get(pk=station.pk) == before
    assert Station.objects.count() == 1


def test_staff_list_shows_only_own_branch():
    tree = Tree()
    mine = make_station(union=tree.grassroots_a)
    make_station(union=tree.grassroots_b)
    assert list(selectors.station_list_for_user(user=tree.staff_a)) == [mine]
