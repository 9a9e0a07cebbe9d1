"""申报评定 and 考评考核: apply, assess by the higher union, level and validity, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.stations import selectors, services
from gonghui.stations.models import AssessmentItem, StarApplication
from tests.factories import Tree, make_staff

from .helpers import make_station

pytestmark = pytest.mark.django_db


def full_marks(application, minus: int = 0) -> dict[int, int]:
    return {item.pk: max(0, item.weight - minus) for item in application.sheet.items.all()}


def test_default_sheet_covers_the_six_areas():
    sheet = services.assessment_sheet_default()
    sections = list(sheet.items.values_list("section", flat=True))
    assert sections == ["组织实施", "现场管理", "人员配备", "安全保障", "服务内容", "群众评价"]
    assert sheet.max_total == 100
    assert services.assessment_sheet_default().pk == sheet.pk


def test_operator_applies_and_higher_union_rates():
    tree = Tree()
    operator = make_staff(union=tree.grassroots_a, role="station")
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=operator, station=station, requested_level=4, statement="设施齐全")
    with pytest.raises(Conflict):
        services.star_application_submit(actor=operator, station=station, requested_level=3)
    # The operating union cannot rate itself.
    with pytest.raises(PermissionDenied):
        services.star_application_assess(actor=operator, application=application, scores=full_marks(application))
    county_staff = make_staff(union=tree.county_a, role="staff")
    services.star_application_assess(actor=county_staff, application=application, scores=full_marks(application), conclusion="合格")
    application.refresh_from_db()
    station.refresh_from_db()
    assert application.status == StarApplication.Status.RATED
    assert application.total_score == 100
    assert application.awarded_level == 4  # capped at the level applied for
    assert station.star_level == 4
    assert station.star_valid_until == timezone.localdate() + dt.timedelta(days=365)
    assert [e.to_status for e in application.events.all()] == ["submitted", "assessing", "rated"]


def test_score_sets_the_level_from_the_thresholds():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=5)
    items = list(application.sheet.items.all())
    scores = {item.pk: item.weight for item in items}
    scores[items[0].pk] = items[0].weight - 12  # total 88 → 3 stars (80 ≤ 88 < 90)
    services.star_application_assess(actor=tree.staff_a, application=application, scores=scores)
    application.refresh_from_db()
    assert (application.total_score, application.awarded_level) == (88, 3)


def test_score_below_one_star_rejects_and_keeps_the_old_level():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=2)
    services.star_application_assess(actor=tree.staff_a, application=application, scores=full_marks(application, minus=12))
    application.refresh_from_db()
    station.refresh_from_db()
    assert application.status == StarApplication.Status.REJECTED
    assert station.star_level == 0


def test_scores_are_validated_against_the_sheet():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)
    scores = full_marks(application)
    first = next(iter(scores))
    with pytest.raises(ValidationFailed) as info:
        services.star_application_assess(actor=tree.staff_a, application=application, scores={**scores, first: 999})
    assert info.value.code == "score_out_of_range"
    del scores[first]
    with pytest.raises(ValidationFailed) as info:
        services.star_application_assess(actor=tree.staff_a, application=application, scores=scores)
    assert info.value.code == "score_missing"


def test_sheet_items_and_weights_are_configurable():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    sheet = services.assessment_sheet_default()
    AssessmentItem.objects.create(sheet=sheet, section="特色服务", title="爱心餐", weight=100, order=9)
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=5)
    scores = full_marks(application)
    scores[max(scores)] = 0  # the heavy item: half the total
    services.star_application_assess(actor=tree.staff_a, application=application, scores=scores)
    application.refresh_from_db()
    assert application.total_score == 50
    assert application.status == StarApplication.Status.REJECTED


def test_withdrawn_application_cannot_be_assessed():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)
    services.star_application_transition(application=application, to="withdrawn", by=tree.staff_a)
    with pytest.raises(Conflict):
        services.star_application_assess(actor=tree.staff_a, application=application, scores=full_marks(application))


def test_expired_levels_are_swept_and_due_stations_listed():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)
    past = timezone.localdate() - dt.timedelta(days=350)
    services.star_application_assess(actor=tree.staff_a, application=application, scores=full_marks(application), on=past)
    assert list(selectors.station_list_reassessment_due(user=tree.staff_a)) == [station]
    assert list(selectors.station_list_reassessment_due(user=tree.staff_b)) == []
    assert services.star_validity_sweep(today=timezone.localdate() + dt.timedelta(days=30)) == 1
    station.refresh_from_db()
    assert station.star_level == 0
    assert services.star_validity_sweep(today=timezone.localdate() + dt.timedelta(days=30)) == 0


def test_staff_are_reminded_once_to_reassess_before_the_level_expires(client):
    from gonghui.notices.models import Notice

    tree = Tree()
    station = make_station(union=tree.grassroots_a, name="提醒驿站")
    operator = make_staff(union=tree.grassroots_a, role="station")
    assessor = make_staff(union=tree.county_a, role="staff")
    elsewhere = make_staff(union=tree.city_b, role="admin")
    application = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=3)
    services.star_application_assess(actor=tree.staff_a, application=application, scores=full_marks(application))
    station.refresh_from_db()
    valid_until = station.star_valid_until
    # Not yet within the 30 days.
    assert services.star_reassessment_remind(today=valid_until - dt.timedelta(days=31)) == 0
    assert services.star_reassessment_remind(today=valid_until - dt.timedelta(days=30)) == 1
    notices = Notice.objects.filter(object_id__isnull=True)
    assert set(notices.values_list("user_id", flat=True)) == {operator.pk, assessor.pk}
    assert not notices.filter(user=elsewhere).exists()
    notice = notices.get(user=operator)
    assert "提醒驿站" in notice.text and valid_until.isoformat() in notice.text
    # Once per rating: the next days send nothing more.
    assert services.star_reassessment_remind(today=valid_until - dt.timedelta(days=10)) == 0
    # The reminder shows in 我的提醒 and leads to the station.
    client.force_login(operator)
    html = client.get("/console/notices/").content.decode()
    assert "提醒驿站" in html and f"/console/stations/{station.pk}/" in html
    body = client.get("/api/v1/cases/notifications").json()
    assert body["items"][0]["case_id"] is None and body["items"][0]["link"] == f"/console/stations/{station.pk}/"
    # A new rating (re-assessed) gets its own reminder later.
    again = services.star_application_submit(actor=tree.staff_a, station=station, requested_level=4)
    services.star_application_assess(
        actor=tree.staff_a, application=again, scores=full_marks(again), on=valid_until - dt.timedelta(days=5)
    )
    station.refresh_from_db()
    assert station.star_valid_until > valid_until
    assert services.star_reassessment_remind(today=station.star_valid_until - dt.timedelta(days=1)) == 1


def test_honours_need_approve_rights_above_city_level():
    tree = Tree()
    station = make_station(union=tree.grassroots_a)
    operator = make_staff(union=tree.grassroots_a, role="station")
    with pytest.raises(PermissionDenied):
        services.station_honour_record(actor=operator, station=station, title="最美驿站", level="national", year=2024)
    honour = services.station_honour_record(actor=tree.staff_a, station=station, title="最美驿站", level="provincial", year=2024)
    assert honour.level == "provincial"
    with pytest.raises(Conflict):
        services.station_honour_record(actor=tree.staff_a, station=station, title="最美驿站", level="provincial", year=2024)


def test_star_history_shows_status_labels_not_stored_codes(client):
    """The assessment page's history reads 已申报 → 考评中, never "submitted → assessing"."""
    from gonghui.stations.models import StarApplicationEvent

    event = StarApplicationEvent(from_status="submitted", to_status="assessing")
    assert (event.from_label, event.to_label) == ("已申报", "考评中")
    assert str(event) == "已申报 → 考评中"
    assert StarApplicationEvent(from_status="", to_status="rated").from_label == ""
