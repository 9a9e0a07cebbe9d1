"""Worker pages (nearby list, details, QR check-in, rating, report) and the staff console."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from gonghui.orgs.models import Region
from gonghui.stations import selectors, services
from gonghui.stations.models import (
    ServiceRecord,
    StarApplication,
    Station,
    StationPhoto,
    StationReport,
)
from tests.factories import Tree, make_worker_user

from .helpers import make_station

pytestmark = pytest.mark.django_db


def test_nearby_page_renders_map_settings_and_district_choice(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    tree = Tree()
    make_station(union=tree.grassroots_a, region=Region.objects.get(code="440305"))
    response = client.get(reverse("stations:nearby"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tiles.example" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "深圳市南山区" in html


def test_nearby_htmx_partial_lists_stations_with_directions(client):
    tree = Tree()
    make_station(union=tree.grassroots_a, name="科技园驿站", lat=22.541, lon=113.94)
    response = client.get(reverse("stations:nearby"), {"lat": 22.54, "lon": 113.94}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "科技园驿站" in html
    assert "111 m" in html
    assert "uri.amap.com/navigation" in html


def test_nearby_page_works_from_a_district_without_location(client):
    tree = Tree()
    make_station(union=tree.grassroots_a, name="区里的驿站", region=Region.objects.get(code="440305"))
    html = client.get(reverse("stations:nearby"), {"region": "440305"}).content.decode()
    assert "区里的驿站" in html


def test_nearby_page_shows_error_for_out_of_range_coordinates(client):
    response = client.get(reverse("stations:nearby"), {"lat": 95, "lon": 113.9})
    assert response.status_code == 200
    assert "纬度应在" in response.content.decode()


def test_detail_page_and_missing_station(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="详情驿站")
    assert "详情驿站" in client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert client.get(reverse("stations:detail", args=[999999])).status_code == 404


def test_checkin_page_requires_login_then_counts_visit(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    url = reverse("stations:checkin", args=[selectors.station_checkin_token(station=station)])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:worker_login") in response["Location"]
    client.force_login(make_worker_user())
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert "签到成功" in response.content.decode()
    response = client.post(url, follow=True)
    assert "一小时内已在本站签到" in response.content.decode()
    station.refresh_from_db()
    assert station.visit_count == 1
    assert client.get(reverse("stations:checkin", args=["forged"])).status_code == 404


def test_rating_and_report_pages(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    client.force_login(worker)
    response = client.post(reverse("stations:rate", args=[station.pk]), {"stars": 5}, follow=True)
    assert "请先在站点扫码签到" in response.content.decode()
    services.station_checkin(user=worker, token=selectors.station_checkin_token(station=station))
    client.post(reverse("stations:rate", args=[station.pk]), {"stars": 5})
    station.refresh_from_db()
    assert station.rating_count == 1
    response = client.post(reverse("stations:report", args=[station.pk]), {"category": "broken", "text": "饮水机坏了"})
    assert response.status_code == 302
    assert StationReport.objects.get().text == "饮水机坏了"
    response = client.post(reverse("stations:report", args=[station.pk]), {"category": "nope", "text": ""})
    assert response.status_code == 200


def test_console_create_edit_and_detail(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    form = {"union": tree.grassroots_a.pk, "name": "页面驿站", "kind": "outdoor", "region": "440305", "address": "南山区",
            "lat": "22.53", "lon": "113.93", "facilities": ["water", "toilet"], "hours_text": "周一至周五 07:00-19:00"}
    response = client.post(reverse("console:stations:create"), {**form, "hours_text": "工作日"})
    assert response.status_code == 200
    assert "开放时间格式不正确" in response.content.decode()
    response = client.post(reverse("console:stations:create"), form)
    station = Station.objects.get(name="页面驿站")
    assert response["Location"] == reverse("console:stations:detail", args=[station.pk])
    response = client.post(reverse("console:stations:edit", args=[station.pk]), {**form, "name": "改名驿站", "status": "suspended"})
    assert response.status_code == 302
    station.refresh_from_db()
    assert (station.name, station.status) == ("改名驿站", "suspended")
    html = client.get(reverse("console:stations:detail", args=[station.pk])).content.decode()
    assert "签到二维码" in html
    assert client.get(reverse("console:stations:qr", args=[station.pk]))["Content-Type"] == "image/svg+xml"
    listing = client.get(reverse("console:stations:list"), {"q": "改名"}, HTTP_HX_REQUEST="true").content.decode()
    assert "改名驿站" in listing and "<html" not in listing
    # The other branch's staff cannot register under branch A's union.
    client.force_login(tree.staff_b)
    response = client.post(reverse("console:stations:create"), {**form, "name": "越权驿站"})
    assert response.status_code == 200
    assert not Station.objects.filter(name="越权驿站").exists()


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def test_console_services_photos_honours_and_star(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    client.post(reverse("console:stations:service_add", args=[station.pk]), {"day": "2025-01-02", "kind": "checkup", "count": 12})
    assert ServiceRecord.objects.get().count == 12
    client.post(reverse("console:stations:photo_add", args=[station.pk]), {"image": _png(), "caption": "门口"})
    assert StationPhoto.objects.get().caption == "门口"
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    client.post(reverse("console:stations:photo_add", args=[station.pk]), {"image": bad})
    assert StationPhoto.objects.count() == 1
    client.post(reverse("console:stations:honour_add", args=[station.pk]), {"title": "最美工会驿站", "level": "national", "year": 2024})
    assert station.honours.get().level == "national"
    client.post(reverse("console:stations:star_apply", args=[station.pk]), {"requested_level": 2, "statement": "申请"})
    application = StarApplication.objects.get()
    page = client.get(reverse("console:stations:star_assess", args=[application.pk]))
    assert "组织实施" in page.content.decode()
    form = {f"score_{item.pk}": item.weight for item in application.sheet.items.all()}
    response = client.post(reverse("console:stations:star_assess", args=[application.pk]), {**form, "conclusion": "好", "photo": _png()})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.awarded_level == 2
    assert application.photos.count() == 1
    assert "星级评定" in client.get(reverse("console:stations:star_list")).content.decode()


def test_console_import_reports_row_errors_and_export_downloads(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "类型", "地址", "纬度", "经度", "开放时间"])
    ws.append(["好站", "工会驿站", "地址", 22.5, 113.9, "24小时"])
    ws.append(["坏站", "工会驿站", "地址", 22.5, 999, "24小时"])
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("s.xlsx", out.getvalue())
    response = client.post(reverse("console:stations:import"), {"union": tree.grassroots_a.pk, "file": upload})
    assert response.status_code == 200
    assert "经度应在" in response.content.decode()
    assert not Station.objects.exists()
    garbage = SimpleUploadedFile("s.xlsx", b"garbage")
    response = client.post(reverse("console:stations:import"), {"union": tree.grassroots_a.pk, "file": garbage})
    assert "无法读取文件" in response.content.decode()
    response = client.get(reverse("console:stations:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_console_reports_link_cases_and_resolve_older_reports(client):
    from gonghui.stations.models import StationReport

    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    report = services.station_report_submit(user=make_worker_user(), station=station, category="dirty", text="脏")
    old = StationReport.objects.create(station=station, category="broken", text="旧的反映")
    client.force_login(tree.staff_a)
    html = client.get(reverse("console:stations:reports")).content.decode()
    assert "脏" in html and report.case.number in html
    assert reverse("console:cases:detail", args=[report.case_id]) in html
    client.post(reverse("console:stations:report_resolve", args=[old.pk]), {"resolution": "已修好"})
    old.refresh_from_db()
    assert old.status == "resolved"
    response = client.post(reverse("console:stations:report_resolve", args=[report.pk]), {"resolution": "x"}, follow=True)
    assert "请在诉求办理中处理" in response.content.decode()
    client.force_login(tree.staff_b)
    assert client.post(reverse("console:stations:report_resolve", args=[old.pk]), {"resolution": "x"}).status_code == 404


def test_worker_report_page_files_a_case_and_shows_it(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    client.force_login(worker)
    response = client.post(reverse("stations:report", args=[station.pk]), {"category": "broken", "text": "充电口坏了"}, follow=True)
    html = response.content.decode()
    assert "12351-" in html and "我的诉求" in html
    assert response.redirect_chain[-1][0].startswith("/cases/")


def test_demo_loader_is_idempotent():
    from gonghui.core.demo import demo_load
    from gonghui.stations.demo import stations_demo_load

    demo_load()
    logins = stations_demo_load()
    count = Station.objects.count()
    assert count == 18
    assert stations_demo_load() == logins
    assert Station.objects.count() == count
    assert Station.objects.get(name="粤海街道科技园工会驿站").star_level == 5
    found = selectors.station_list_nearby(lat=30.6548, lon=104.0822, limit=3)
    assert found[0].name == "春熙路工会驿站"


def test_starred_station_shows_its_stars_in_list_and_details(client):
    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="三星驿站")
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)
    services.star_application_assess(
        actor=tree.staff_a, application=application,
        scores={item.pk: item.weight for item in application.sheet.items.all()},
    )
    assert "★★★" in client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    listing = client.get(reverse("stations:nearby"), {"lat": 22.54, "lon": 113.94}, HTTP_HX_REQUEST="true").content.decode()
    assert "★★★" in listing
    assert "★★★★" not in listing
