"""Station registry, check-in, ratings, problem reports, service counts, Excel import/export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.stations import selectors, services
from gonghui.stations.excel import stations_read_xlsx, stations_write_xlsx
from gonghui.stations.models import Station, StationReport, StationVisit
from tests.conftest import SHANGHAI
from tests.factories import Tree, make_staff, make_worker_user

from .helpers import make_station

pytestmark = pytest.mark.django_db


def test_station_create_records_audit_and_a_code():
    tree = Tree()
    station = make_station(union=tree.grassroots_a, actor=tree.staff_a)
    assert station.code.startswith("ZD")
    assert station.hours == {"always": True, "week": [[[0, 1440]]] * 7, "holiday": None}
    assert AuditEvent.objects.filter(action="station.create", target_id=str(station.pk)).exists()


def test_staff_of_another_branch_cannot_register_a_station_there():
    tree = Tree()
    with pytest.raises(PermissionDenied):
        make_station(union=tree.grassroots_a, actor=tree.staff_b)


def test_viewer_cannot_edit_station():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    viewer = make_staff(union=tree.city_a, role="viewer")
    data = services.station_data_validate(name="新名", kind="yizhan", address="地址", lat=22.5, lon=113.9, facilities=[], hours_text="24小时")
    with pytest.raises(PermissionDenied):
        services.station_update(actor=viewer, station=station, data=data)


@pytest.mark.parametrize(("field", "value", "code"), [
    ("lat", 123.0, "lat_out_of_range"), ("lon", -200, "lon_out_of_range"), ("name", "  ", "name_required"),
    ("kind", "castle", "kind_invalid"), ("hours_text", "周一 早上", "hours_invalid"), ("facilities", ["sauna"], "facility_invalid"),
])
def test_station_data_rejects_bad_input(field, value, code):
    values = {"name": "驿站", "kind": "yizhan", "address": "地址", "lat": 22.5, "lon": 113.9, "facilities": [], "hours_text": "24小时"}
    values[field] = value
    with pytest.raises(ValidationFailed) as info:
        services.station_data_validate(**values)
    assert info.value.code == code


def test_checkin_counts_once_per_worker_per_station_per_hour():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    token = selectors.station_checkin_token(station=station)
    t0 = timezone.now().replace(minute=10)
    _visit, counted = services.station_checkin(user=worker, token=token, at=t0)
    assert counted
    _again, counted = services.station_checkin(user=worker, token=token, at=t0 + dt.timedelta(minutes=59))
    assert not counted
    _later, counted = services.station_checkin(user=worker, token=token, at=t0 + dt.timedelta(minutes=61))
    assert counted
    other = make_worker_user()
    assert services.station_checkin(user=other, token=token, at=t0)[1]
    station.refresh_from_db()
    assert station.visit_count == 3
    assert StationVisit.objects.filter(station=station).count() == 3


def test_checkin_rejects_forged_rotated_and_closed_tokens():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    with pytest.raises(NotFound):
        services.station_checkin(user=worker, token="not-a-token")
    old = selectors.station_checkin_token(station=station)
    services.station_qr_rotate(actor=tree.staff_a, station=station)
    with pytest.raises(NotFound):
        services.station_checkin(user=worker, token=old)
    fresh = selectors.station_checkin_token(station=station)
    services.station_set_status(actor=tree.staff_a, station=station, status="suspended")
    with pytest.raises(NotFound):
        services.station_checkin(user=worker, token=fresh)


def test_rating_requires_a_visit_and_rerating_replaces():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    with pytest.raises(Conflict) as info:
        services.station_rate(user=worker, station=station, stars=5)
    assert info.value.code == "visit_required"
    services.station_checkin(user=worker, token=selectors.station_checkin_token(station=station))
    services.station_rate(user=worker, station=station, stars=5)
    services.station_rate(user=worker, station=station, stars=3, comment="热水不够")
    station.refresh_from_db()
    assert (station.rating_count, station.rating_sum, station.rating_avg) == (1, 3, 3.0)
    with pytest.raises(ValidationFailed):
        services.station_rate(user=worker, station=station, stars=6)


def test_low_ratings_flag_station_for_review(settings):
    settings.STATIONS_REVIEW_MIN_RATINGS = 3
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    token = selectors.station_checkin_token(station=station)
    for stars in (2, 1, 2):
        worker = make_worker_user()
        services.station_checkin(user=worker, token=token)
        services.station_rate(user=worker, station=station, stars=stars)
    station.refresh_from_db()
    assert station.review_flag
    assert "评分" in station.review_reason
    services.station_review_clear(actor=tree.staff_a, station=station, note="已整改")
    station.refresh_from_db()
    assert not station.review_flag


def test_a_problem_report_becomes_a_case_for_the_operating_union():
    from gonghui.notices.models import Notice

    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="科技园驿站")
    worker = make_worker_user()
    report = services.station_report_submit(user=worker, station=station, category="broken", text="饮水机坏了")
    case = report.case
    assert report.status == "forwarded"
    assert case.category == "station" and case.channel == "app"
    assert case.union_id == tree.grassroots_a.pk
    assert case.reporter_user_id == worker.pk
    assert "科技园驿站" in case.description and "饮水机坏了" in case.description and station.code in case.description
    assert case.place == station.address
    # The worker is told the number; the case has its acceptance deadline like any other.
    assert Notice.objects.filter(user=worker, object_id=case.pk).exists()
    assert case.accept_due is not None


def test_a_report_on_a_dissolved_unions_station_is_routed_by_place():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    tree.grassroots_a.status = "dissolved"
    tree.grassroots_a.save(update_fields=["status"])
    report = services.station_report_submit(user=make_worker_user(), station=station, category="closed", text="白天也关门")
    assert report.case.union_id != tree.grassroots_a.pk
    assert report.case.union.status == "active"


def test_open_problem_reports_flag_station_for_review_until_their_cases_are_resolved():
    from gonghui.cases import services as case_services

    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    quiet = make_station(union=tree.grassroots_a, name="安静驿站", lat=22.6)
    for _ in range(3):
        services.station_report_submit(user=make_worker_user(), station=station, category="dirty", text="地面很脏")
    station.refresh_from_db()
    assert station.review_flag
    # Reports whose cases were resolved no longer count towards the threshold.
    for _ in range(2):
        report = services.station_report_submit(user=make_worker_user(), station=quiet, category="dirty", text="地面很脏")
        case_services.case_accept(case=report.case, by=tree.staff_a)
        case_services.case_resolve(case=report.case, by=tree.staff_a, outcome="已安排保洁")
    services.station_report_submit(user=make_worker_user(), station=quiet, category="dirty", text="地面很脏")
    quiet.refresh_from_db()
    assert not quiet.review_flag


def test_a_report_filed_as_a_case_is_handled_in_the_case_console_and_old_ones_here():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    report = services.station_report_submit(user=make_worker_user(), station=station, category="dirty", text="地面很脏")
    with pytest.raises(Conflict) as info:
        services.station_report_resolve(actor=tree.staff_a, report=report, resolution="已安排保洁")
    assert info.value.code == "report_is_case"
    old = StationReport.objects.create(station=station, category="dirty", text="旧的反映")
    services.station_report_resolve(actor=tree.staff_a, report=old, resolution="已安排保洁")
    old.refresh_from_db()
    assert old.status == "resolved"
    with pytest.raises(PermissionDenied):
        services.station_report_resolve(actor=tree.staff_b, report=old, resolution="x")


def test_problem_report_rejects_bad_category_and_empty_text():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    worker = make_worker_user()
    with pytest.raises(ValidationFailed):
        services.station_report_submit(user=worker, station=station, category="ufo", text="x")
    with pytest.raises(ValidationFailed):
        services.station_report_submit(user=worker, station=station, category="dirty", text="   ")


def test_service_records_and_visit_statistics(frozen_clock):
    frozen_clock(dt.datetime(2025, 6, 1, 23, 59, 59, tzinfo=SHANGHAI))  # "today" must not turn over
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    today = timezone.localdate()
    services.service_record_add(actor=tree.staff_a, station=station, day=today, kind="meal", count=40)
    services.service_record_add(actor=tree.staff_a, station=station, day=today, kind="meal", count=2)
    with pytest.raises(ValidationFailed):
        services.service_record_add(actor=tree.staff_a, station=station, day=today, kind="meal", count=0)
    with pytest.raises(ValidationFailed):
        services.service_record_add(actor=tree.staff_a, station=station, day=today + dt.timedelta(days=2), kind="meal", count=1)
    assert selectors.station_service_totals(station=station) == [("爱心餐", 42)]
    worker = make_worker_user()
    services.station_checkin(user=worker, token=selectors.station_checkin_token(station=station))
    by_hour = selectors.station_visits_by_hour(station=station)
    assert sum(by_hour) == 1
    assert by_hour[timezone.localtime().hour] == 1
    assert selectors.station_visits_by_day(station=station) == [(today, 1)]


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["站点编码", "名称", "类型", "地址", "纬度", "经度", "设施", "开放时间", "联系电话", "区划代码"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_import_creates_and_updates_stations():
    tree = Tree()
    existing = make_station(union=tree.grassroots_a, name="旧名")
    rows = stations_read_xlsx(_xlsx([
        [None, "新驿站", "工会驿站", "南山区A路", 22.51, 113.93, "饮水、充电", "周一至周五 08:00-20:00", "0755-1", "440305"],
        [existing.code, "新名", "yizhan", "南山区B路", 22.52, 113.92, "如厕", "24小时", "", ""],
    ]))
    result = services.station_import(actor=tree.staff_a, union=tree.grassroots_a, rows=rows)
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    created = Station.objects.get(name="新驿站")
    assert created.facility_codes == ["water", "charging"]
    assert created.region_id == "440305"
    existing.refresh_from_db()
    assert existing.name == "新名"


def test_import_with_broken_rows_writes_nothing_and_names_each_row():
    tree = Tree()
    rows = stations_read_xlsx(_xlsx([
        [None, "好的驿站", "工会驿站", "地址", 22.51, 113.93, "", "24小时", "", ""],
        [None, "纬度错", "工会驿站", "地址", 222.5, 113.93, "", "24小时", "", ""],
        [None, "时间错", "工会驿站", "地址", 22.5, 113.93, "", "全天候开放吧", "", ""],
        [None, "类型错", "游泳馆", "地址", 22.5, 113.93, "", "", "", ""],
        ["ZD9999999", "编码错", "工会驿站", "地址", 22.5, 113.93, "", "", "", ""],
        [None, "区划错", "工会驿站", "地址", 22.5, 113.93, "", "", "", "999999"],
        [None, "坐标不是数", "工会驿站", "地址", "北纬22度", 113.93, "", "", "", ""],
    ]))
    result = services.station_import(actor=tree.staff_a, union=tree.grassroots_a, rows=rows)
    assert [row for row, _msg in result.errors] == [3, 4, 5, 6, 7, 8]
    assert not Station.objects.exists()


def test_import_cannot_update_another_branchs_station():
    tree = Tree()
    theirs = make_station(union=tree.grassroots_b, name="乙方站点")
    rows = stations_read_xlsx(_xlsx([[theirs.code, "改名", "工会驿站", "地址", 22.5, 113.9, "", "", "", ""]]))
    result = services.station_import(actor=tree.staff_a, union=tree.grassroots_a, rows=rows)
    assert result.errors and result.errors[0][0] == 2
    theirs.refresh_from_db()
    assert theirs.name == "乙方站点"


def test_reading_a_file_that_is_not_a_workbook_is_a_validation_error():
    with pytest.raises(ValidationFailed) as info:
        stations_read_xlsx(io.BytesIO(b"PK\x03\x04 definitely not xlsx"))
    assert info.value.code == "xlsx_invalid"
    wb = Workbook()
    wb.active.append(["名称", "随便"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(ValidationFailed) as info:
        stations_read_xlsx(out)
    assert info.value.code == "xlsx_header"


def test_export_round_trips_through_import():
    tree = Tree()
    make_station(union=tree.grassroots_a, name="导出驿站", facilities=["water", "wifi"], hours_text="每天 08:00-20:00")
    content = stations_write_xlsx(selectors.station_list_for_export(user=tree.staff_a))
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["站点编码", "名称", "类型", "地址"]
    rows = stations_read_xlsx(io.BytesIO(content))
    result = services.station_import(actor=tree.staff_a, union=tree.grassroots_a, rows=rows)
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert selectors.station_list_for_export(user=tree.staff_b).count() == 0
