"""Safety supervision: inspections with checked photos, hazards and their rectification
deadline (calendar days, moved past rest days), rectification, re-inspection, overdue flags,
escalation to a case and a 提示函, workers' (anonymous) reports, counts by union."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.bargaining import safety, selectors
from gonghui.bargaining.models import SafetyHazard, SafetyPhoto
from gonghui.cases.models import Case, Category, SupervisionLetter
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.notices.models import Notice
from tests.bargaining.helpers import at, make_hazard, make_inspection
from tests.cases.helpers import PNG, png
from tests.factories import Tree, make_member, make_worker_user

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def test_hazard_deadline_counts_calendar_days_from_the_inspection(tree, frozen_clock):
    frozen_clock(at(D(2025, 9, 22)))
    inspection = make_inspection(tree, on=D(2025, 9, 22))
    # Mon 9-22 + 10 = Thu 10-2 (国庆) → Thu 10-9.
    assert make_hazard(tree, inspection=inspection, days=10).rectify_due == D(2025, 10, 9)
    # Mon 9-22 + 5 = Sat 9-27, an ordinary Saturday → Sun 9-28 is a 调休 working day.
    assert make_hazard(tree, inspection=inspection, days=5).rectify_due == D(2025, 9, 28)


def test_photos_are_checked_uploads(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 3)))
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationFailed):
        safety.inspection_record(actor=tree.staff_a, union=tree.grassroots_a, employer=tree.grassroots_a.employer,
                                 inspected_on=D(2025, 3, 3), inspectors="陈师傅", photos=[fake])
    assert not SafetyPhoto.objects.exists()
    inspection = safety.inspection_record(actor=tree.staff_a, union=tree.grassroots_a, employer=tree.grassroots_a.employer,
                                          inspected_on=D(2025, 3, 3), inspectors="陈师傅", photos=[png()])
    photo = inspection.photos.get()
    assert photo.file.name.startswith("bargaining/safety/") and photo.content_type == "image/png"
    from gonghui.core.files import file_grant_for_user

    assert file_grant_for_user(user=tree.staff_a, name=photo.file.name).file.name == photo.file.name
    with pytest.raises(NotFound):
        file_grant_for_user(user=tree.staff_b, name=photo.file.name)


def test_rectification_reinspection_and_the_on_time_count(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 3)))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=10)
    assert hazard.rectify_due == D(2025, 3, 13)  # Mon 3-3 + 10 = Thu 3-13
    frozen_clock(at(D(2025, 3, 14)))
    with pytest.raises(Conflict):  # not rectified yet: no re-inspection
        safety.hazard_reinspect(actor=tree.staff_a, hazard=hazard, reinspected_on=D(2025, 3, 14), passed=True, note="好")
    safety.hazard_rectification_record(actor=tree.staff_a, hazard=hazard, rectified_on=D(2025, 3, 13),
                                       rectification="纸箱已清走，通道画线", evidence=[png("after.png")])
    hazard.refresh_from_db()
    assert hazard.status == SafetyHazard.Status.RECTIFIED and hazard.rectified_on_time
    assert hazard.photos.filter(kind=SafetyPhoto.Kind.EVIDENCE).count() == 1
    safety.hazard_reinspect(actor=tree.staff_a, hazard=hazard, reinspected_on=D(2025, 3, 14), passed=True, note="复查合格")
    hazard.refresh_from_db()
    assert hazard.status == SafetyHazard.Status.CLOSED
    counts = selectors.safety_counts(user=tree.staff_a, on=D(2025, 3, 14))
    assert (counts.inspections, counts.hazards, counts.rectified_on_time, counts.overdue) == (1, 1, 1, 0)
    assert selectors.safety_counts(user=tree.staff_b).hazards == 0


def test_a_failed_reinspection_reopens_with_a_new_deadline(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 10)))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=10)
    safety.hazard_rectification_record(actor=tree.staff_a, hazard=hazard, rectified_on=D(2025, 3, 7), rectification="已整改")
    with pytest.raises(ValidationFailed):  # a reopened hazard needs a new deadline
        safety.hazard_reinspect(actor=tree.staff_a, hazard=hazard, reinspected_on=D(2025, 3, 10), passed=False, note="仍堵塞")
    safety.hazard_reinspect(actor=tree.staff_a, hazard=hazard, reinspected_on=D(2025, 3, 10), passed=False, note="仍堵塞",
                            rectify_days=5)
    hazard.refresh_from_db()
    # Mon 3-10 + 5 = Sat 3-15 → Mon 3-17.
    assert (hazard.status, hazard.rectify_due, hazard.rectified_on) == (SafetyHazard.Status.OPEN, D(2025, 3, 17), None)


def test_overdue_is_flagged_once_and_escalates_to_a_case_and_a_notice_letter(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 13)))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=10)  # due 3-13
    with pytest.raises(Conflict):  # the last day is still in time
        safety.hazard_escalate(actor=tree.staff_a, hazard=hazard)
    assert safety.hazards_overdue_run(on=D(2025, 3, 13)) == 0
    assert safety.hazards_overdue_run(on=D(2025, 3, 14)) == 1
    assert safety.hazards_overdue_run(on=D(2025, 3, 15)) == 0
    assert Notice.objects.filter(module="bargaining", object_id=hazard.pk, user=tree.staff_a).exists()
    assert selectors.safety_counts(user=tree.staff_a, on=D(2025, 3, 14)).overdue == 1
    frozen_clock(at(D(2025, 3, 14)))
    letter = safety.hazard_escalate(actor=tree.staff_a, hazard=hazard)
    assert letter.kind == SupervisionLetter.Kind.NOTICE and letter.pdf.read(5) == b"%PDF-"
    case = Case.objects.get()
    assert (case.category, case.union) == (Category.SAFETY, tree.grassroots_a)
    with pytest.raises(Conflict):
        safety.hazard_escalate(actor=tree.staff_a, hazard=hazard)
    with pytest.raises(NotFound):
        safety.hazard_escalate(actor=tree.staff_b, hazard=hazard)


def test_a_worker_reports_anonymously_and_the_union_verifies(tree, frozen_clock):
    frozen_clock(at(D(2025, 7, 14)))
    member = make_member(union=tree.grassroots_a)
    hazard = safety.hazard_report_by_worker(user=member.person.user, description="车间温度超过40度没有防暑降温措施",
                                            employer_name="甲公司", anonymous=True, photos=[png()])
    assert (hazard.union, hazard.reported_by, hazard.status) == (tree.grassroots_a, None, SafetyHazard.Status.REPORTED)
    assert selectors.hazards_reported_by(user=member.person.user).count() == 0
    named = safety.hazard_report_by_worker(user=member.person.user, description="配电箱门敞开", employer_name="甲公司")
    assert named.reported_by == member.person.user
    safety.hazard_verify(actor=tree.staff_a, hazard=hazard, confirmed=True, severity=SafetyHazard.Severity.MAJOR, rectify_days=3)
    hazard.refresh_from_db()
    # Mon 7-14 + 3 = Thu 7-17.
    assert (hazard.status, hazard.rectify_due) == (SafetyHazard.Status.OPEN, D(2025, 7, 17))
    safety.hazard_verify(actor=tree.staff_a, hazard=named, confirmed=False, note="现场核实已关闭")
    named.refresh_from_db()
    assert named.status == SafetyHazard.Status.DISMISSED


def test_reports_need_a_signed_in_worker_and_a_description(tree):
    from django.contrib.auth.models import AnonymousUser

    from gonghui.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        safety.hazard_report_by_worker(user=AnonymousUser(), description="安全出口堵塞", employer_name="甲公司")
    with pytest.raises(ValidationFailed):
        safety.hazard_report_by_worker(user=make_worker_user(), description="  ", employer_name="甲公司")
    assert not SafetyHazard.objects.exists()


@pytest.mark.parametrize("days", [0, 181])
def test_rectification_days_are_bounded(tree, frozen_clock, days):
    frozen_clock(at(D(2025, 3, 3)))
    with pytest.raises(ValidationFailed):
        make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=days)


def test_bad_photo_in_a_worker_report_writes_nothing(tree):
    with pytest.raises(ValidationFailed):
        safety.hazard_report_by_worker(user=make_worker_user(), description="安全出口堵塞", employer_name="甲公司",
                                       photos=[SimpleUploadedFile("a.png", b"GIF89a" + PNG, content_type="image/png")])
    assert not SafetyHazard.objects.exists()


def test_the_daily_run_opens_the_case_of_an_overdue_hazard_once_and_staff_add_the_letter(tree, frozen_clock):
    from gonghui.bargaining.tasks import bargaining_clocks_task

    frozen_clock(at(D(2025, 3, 13)))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=10)  # due Thu 3-13
    assert safety.hazards_escalate_run(on=D(2025, 3, 13)) == 0  # the last day is still in time
    assert not Case.objects.exists()
    frozen_clock(at(D(2025, 3, 14)))
    assert bargaining_clocks_task()["hazard_cases_opened"] == 1
    assert safety.hazards_escalate_run(on=D(2025, 3, 14)) == 0  # idempotent: the same day again
    assert safety.hazards_escalate_run(on=D(2025, 3, 15)) == 0  # and the next day
    hazard.refresh_from_db()
    case = Case.objects.get()
    assert (hazard.escalation_case, case.category, case.union, case.created_by) == (case, Category.SAFETY, tree.grassroots_a, None)
    assert "安全出口堵塞" in case.description
    # The 提示函 is issued on that same case by staff (a letter has a signer).
    letter = safety.hazard_escalate(actor=tree.staff_a, hazard=hazard)
    assert letter.case == case and Case.objects.count() == 1


def test_the_daily_run_leaves_rectified_and_in_time_hazards_alone(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 10)))
    fixed = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=3)  # due 3-6
    safety.hazard_rectification_record(actor=tree.staff_a, hazard=fixed, rectified_on=D(2025, 3, 9), rectification="已清理")
    make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 10)), days=30)
    assert safety.hazards_escalate_run(on=D(2025, 3, 10)) == 0
    assert not Case.objects.exists()
