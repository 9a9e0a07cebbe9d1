"""The stations API: public nearby search and details, worker actions, staff registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.auth import api_token_create
from gonghui.stations import selectors
from tests.conftest import SHANGHAI
from tests.factories import Tree, make_staff, make_worker_user

from .helpers import make_station

pytestmark = pytest.mark.django_db


def test_nearby_is_public_and_ordered_by_distance(client):
    tree = Tree()
    far = make_station(union=tree.grassroots_a, name="远", lat=22.60, lon=113.94)
    near = make_station(union=tree.grassroots_a, name="近", lat=22.541, lon=113.94)
    response = client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94})
    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body] == [near.pk, far.pk]
    first = body[0]
    assert first["distance_km"] == pytest.approx(0.111, abs=0.001)
    assert first["walk_minutes"] == 2
    assert first["is_open"] is True
    assert first["facilities"] == ["water", "charging"]
    assert first["directions_url"].startswith("https://uri.amap.com/navigation?to=113.940000,22.541000,")


def test_nearby_serves_from_memory_without_queries(client):
    tree = Tree()
    make_station(union=tree.grassroots_a)
    client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94})  # builds the index
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94}).status_code == 200
    assert len(queries) == 0


def test_nearby_filters(client, frozen_clock):
    frozen_clock(dt.datetime(2025, 3, 4, 10, 0, tzinfo=SHANGHAI))  # a Tuesday morning
    tree = Tree()
    make_station(union=tree.grassroots_a, name="驿站", kind="yizhan", facilities=["water"])
    make_station(union=tree.grassroots_a, name="哺乳室", kind="nursing", facilities=["mother_baby"], hours_text="周一 00:00-00:01")
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&kind=nursing&kind=drivers").json()
    assert [s["name"] for s in body] == ["哺乳室"]
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&facility=water").json()
    assert [s["name"] for s in body] == ["驿站"]
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&open_now=true").json()
    assert [s["name"] for s in body] == ["驿站"]


def test_nearby_open_now_follows_the_clock_in_shanghai(client, frozen_clock):
    tree = Tree()
    make_station(union=tree.grassroots_a, name="驿站", kind="yizhan")
    make_station(union=tree.grassroots_a, name="哺乳室", kind="nursing", hours_text="周一 00:00-00:01")
    # Monday 00:00:30 in Shanghai is Sunday 16:00:30 UTC: the one-minute room is open.
    frozen_clock(dt.datetime(2025, 3, 2, 16, 0, 30, tzinfo=dt.UTC))
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&open_now=true").json()
    assert sorted(s["name"] for s in body) == ["哺乳室", "驿站"]
    frozen_clock(dt.datetime(2025, 3, 3, 0, 1, 30, tzinfo=SHANGHAI))
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&open_now=true").json()
    assert [s["name"] for s in body] == ["驿站"]


@pytest.mark.parametrize(("query", "code"), [
    ("lat=91&lon=113", "lat_out_of_range"),
    ("lat=22&lon=-181", "lon_out_of_range"),
    ("lat=abc&lon=113", "coordinates_invalid"),
    ("lat=22&lon=113&limit=x", "validation_failed"),
    ("lat=22&lon=113&radius_km=1e999", "radius_out_of_range"),
    ("lon=113", "validation_failed"),
    ("lat=22&lon=113&kind=castle", "kind_invalid"),
    ("lat=22&lon=113&limit=500", "limit_out_of_range"),
    ("lat=22&lon=113&radius_km=0", "radius_out_of_range"),
])
def test_nearby_bad_input_is_a_problem_document(client, query, code):
    response = client.get(f"/api/v1/stations/nearby?{query}")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_station_detail_is_public_but_hides_inactive(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a, hours_text="周一至周五 08:00-20:00")
    body = client.get(f"/api/v1/stations/{station.pk}").json()
    assert body["name"] == station.name
    assert body["union_name"] == tree.grassroots_a.name
    from gonghui.stations import services

    services.station_set_status(actor=tree.staff_a, station=station, status="closed")
    assert client.get(f"/api/v1/stations/{station.pk}").status_code == 404


def test_partner_checkin_rating_and_report_with_token(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    _token, key = api_token_create(user=worker, name="骑手App")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    qr = selectors.station_checkin_token(station=station)
    response = client.post("/api/v1/stations/checkin", {"token": qr}, content_type="application/json", **auth)
    assert response.status_code == 200
    assert response.json()["counted"] is True
    response = client.post("/api/v1/stations/checkin", {"token": qr}, content_type="application/json", **auth)
    assert response.json()["counted"] is False
    response = client.post(f"/api/v1/stations/{station.pk}/ratings", {"stars": 4}, content_type="application/json", **auth)
    assert response.json() == {"station_id": station.pk, "stars": 4, "rating": 4.0, "rating_count": 1}
    response = client.post(f"/api/v1/stations/{station.pk}/reports", {"category": "broken", "text": "充电柜坏了"}, content_type="application/json", **auth)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "forwarded"
    assert body["case_number"].startswith("12351-")
    assert client.get(f"/api/v1/cases/mine/{body['case_id']}", **auth).json()["case"]["number"] == body["case_number"]


def test_checkin_needs_authentication(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    qr = selectors.station_checkin_token(station=station)
    assert client.post("/api/v1/stations/checkin", {"token": qr}, content_type="application/json").status_code == 401
    client.force_login(make_worker_user())
    response = client.post("/api/v1/stations/checkin", {"token": "forged"}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "checkin_token_invalid"


def test_staff_registers_and_edits_through_api(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    payload = {"union_id": tree.grassroots_a.pk, "name": "API驿站", "kind": "drivers", "address": "南山区", "lat": 22.5,
               "lon": 113.9, "facilities": ["parking"], "hours_text": "每天 22:00-06:00", "region_code": "440305"}
    response = client.post("/api/v1/stations/manage", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.put(f"/api/v1/stations/manage/{pk}", {**payload, "hours_text": "周八"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "hours_text"
    response = client.put(f"/api/v1/stations/manage/{pk}", {**payload, "lat": 95}, content_type="application/json")
    assert response.json()["code"] == "lat_out_of_range"
    response = client.put(f"/api/v1/stations/manage/{pk}", {**payload, "region_code": "000000"}, content_type="application/json")
    assert response.status_code == 404
    listed = client.get("/api/v1/stations/manage").json()
    assert [s["name"] for s in listed] == ["API驿站"]
    visits = client.get(f"/api/v1/stations/manage/{pk}/visits").json()
    assert visits["by_hour"] == [0] * 24


def test_star_workflow_through_api(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    response = client.post(f"/api/v1/stations/manage/{station.pk}/star-applications", {"requested_level": 3}, content_type="application/json")
    assert response.status_code == 201
    app_id = response.json()["id"]
    from gonghui.stations.models import StarApplication

    items = StarApplication.objects.get(pk=app_id).sheet.items.all()
    scores = {str(i.pk): i.weight for i in items}
    response = client.post(f"/api/v1/stations/star-applications/{app_id}/assess", {"scores": scores}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["awarded_level"] == 3
    client.force_login(tree.staff_b)
    response = client.post(f"/api/v1/stations/star-applications/{app_id}/assess", {"scores": scores}, content_type="application/json")
    assert response.status_code == 404


def test_regions_lists_district_centres(client):
    tree = Tree()
    from gonghui.orgs.models import Region

    region = Region.objects.get(code="440305")
    make_station(union=tree.grassroots_a, lat=22.50, lon=113.90, region=region)
    make_station(union=tree.grassroots_a, lat=22.60, lon=114.00, region=region)
    body = client.get("/api/v1/stations/regions").json()
    assert body == [{"code": "440305", "name": "深圳市南山区", "lat": 22.55, "lon": 113.95, "stations": 2}]


def test_nearby_json_matches_the_documented_schema_and_the_page_selector(client):
    from gonghui.stations.schemas import NearbyOut

    tree = Tree()
    make_station(union=tree.grassroots_a, name="甲", hours_text="周一 00:00-00:01", facilities=["wifi"])
    make_station(union=tree.grassroots_a, name="乙", lat=22.55)
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94").json()
    expected = selectors.station_list_nearby(lat=22.54, lon=113.94)
    assert len(body) == 2
    for item, station in zip(body, expected, strict=True):
        NearbyOut.model_validate(item)
        assert item == {**station._asdict(), "directions_url": station.directions_url}


def test_nearby_kind_labels_follow_the_language(client):
    tree = Tree()
    make_station(union=tree.grassroots_a)
    zh = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94").json()[0]["kind_label"]
    en = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94", HTTP_ACCEPT_LANGUAGE="en").json()[0]["kind_label"]
    assert zh == "工会驿站"
    assert en != zh


def test_nearby_parameters_are_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/stations/nearby"]["get"]
    names = [p["name"] for p in operation["parameters"]]
    assert names == ["lat", "lon", "kind", "facility", "open_now", "limit", "radius_km"]
    assert "NearbyOut" in str(operation["responses"]["200"])


def test_nearby_is_served_by_the_plain_view_before_ninja():
    from django.urls import resolve

    from gonghui.stations.api import station_nearby_view

    assert resolve("/api/v1/stations/nearby").func is station_nearby_view


def test_nearby_ninja_operation_gives_the_same_answer(rf, client):
    from gonghui.stations.api import station_nearby

    tree = Tree()
    make_station(union=tree.grassroots_a, name="甲")
    make_station(union=tree.grassroots_a, name="乙", lat=22.55)
    fast = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&kind=yizhan").content
    request = rf.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&kind=yizhan")
    request.LANGUAGE_CODE = "zh-hans"
    assert station_nearby(request).content == fast


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_nearby_refuses_other_methods_with_a_problem_document(client, method):
    response = getattr(client, method)("/api/v1/stations/nearby?lat=22.54&lon=113.94")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "method_not_allowed"


def test_nearby_query_string_decoding(client):
    tree = Tree()
    make_station(union=tree.grassroots_a, name="驿站", kind="yizhan", facilities=["water", "meal"])
    make_station(union=tree.grassroots_a, name="司机之家", kind="drivers", facilities=["water"], lat=22.541)
    # Percent-encoded names and values, unknown and blank parameters are all fine.
    body = client.get("/api/v1/stations/nearby?l%61t=22.54&lon=%31%313.94&kind=yizhan&kind=drivers&x=&facility=").json()
    assert [s["name"] for s in body] == ["驿站", "司机之家"]
    body = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&facility=water&facility=meal&open_now=TRUE").json()
    assert [s["name"] for s in body] == ["驿站"]
    response = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94&kind=%E9%A9%BF%E7%AB%99")
    assert response.status_code == 422
    assert response.json()["code"] == "kind_invalid"


def test_nearby_json_stays_right_when_the_encoded_cache_starts_over(client, monkeypatch):
    tree = Tree()
    for i in range(5):
        make_station(union=tree.grassroots_a, name=f"站{i}", lat=22.54 + i / 1000)
    first = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94").json()
    monkeypatch.setattr(selectors, "FRAGMENT_CACHE_SIZE", 2)
    selectors.index_get().fragments.clear()
    again = client.get("/api/v1/stations/nearby?lat=22.54&lon=113.94").json()
    assert again == first
    assert [s["name"] for s in again] == [f"站{i}" for i in range(5)]
    assert sum(f is not None for f in selectors.index_get().fragments["zh-hans"]) < 5


def test_staff_record_services_given_at_a_station_through_the_api(client):
    from gonghui.stations.models import ServiceRecord

    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    url = f"/api/v1/stations/manage/{station.pk}/services"
    response = client.post(url, {"day": "2025-03-03", "kind": "meal", "count": 40, "note": "午餐"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {"id": 0, "day": "2025-03-03", "kind": "meal", "count": 40}
    record = ServiceRecord.objects.get(pk=response.json()["id"])
    assert record.station == station and record.recorded_by == tree.staff_a
    bad = client.post(url, {"day": "2025-03-03", "kind": "meal", "count": 0}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "count_invalid"
    # A viewer may look but not record.
    client.force_login(make_staff(union=tree.grassroots_a, role="viewer"))
    refused = client.post(url, {"day": "2025-03-03", "kind": "meal", "count": 1}, content_type="application/json")
    assert refused.status_code in (403, 404)
    assert ServiceRecord.objects.filter(station=station).count() == 1


def test_station_detail_says_closed_as_false_not_unknown(client, frozen_clock):
    frozen_clock(dt.datetime(2025, 3, 4, 10, 0, tzinfo=SHANGHAI))  # Tuesday morning
    tree = Tree()
    closed = make_station(union=tree.grassroots_a, hours_text="周一 08:00-09:00")
    body = client.get(f"/api/v1/stations/{closed.pk}").json()
    assert body["is_open"] is False
    opened = make_station(union=tree.grassroots_a, hours_text="周二 08:00-12:00")
    assert client.get(f"/api/v1/stations/{opened.pk}").json()["is_open"] is True
