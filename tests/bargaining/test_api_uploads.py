"""API uploads (multipart) and the employer's own API: the same checked uploads as the web
forms (real first bytes), problem documents for bad files, 404 across branches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.bargaining import services
from gonghui.bargaining.models import BargainingOffer, BargainingRound, SafetyHazard, SafetyPhoto
from tests.bargaining.helpers import at, make_hazard, make_inspection, make_unit
from tests.cases.helpers import PDF, PNG
from tests.factories import Tree, make_member
from tests.jobs.helpers import make_recruiter

D = dt.date
pytestmark = pytest.mark.django_db
API = "/api/v1/bargaining"


@pytest.fixture
def world(frozen_clock):
    frozen_clock(at(D(2025, 6, 2)))
    tree = Tree()
    staff = Client()
    staff.force_login(tree.staff_a)
    other = Client()
    other.force_login(tree.staff_b)
    return tree, staff, other


def _png(name="p.png"):
    return SimpleUploadedFile(name, PNG, "image/png")


def test_a_round_with_its_minutes_by_multipart_and_minutes_added_later(world):
    tree, staff, other = world
    unit = make_unit(tree)
    r = staff.post(f"{API}/units/{unit.pk}/rounds", {"held_on": "2025-06-01", "attendees": "李主席、王总经理",
                                                     "agreed_points": "工资上调 5%", "minutes": SimpleUploadedFile("纪要.pdf", PDF, "application/pdf")})
    assert r.status_code == 201, r.content
    assert r.json()["has_minutes"] and r.json()["number"] == 1
    r2 = staff.post(f"{API}/units/{unit.pk}/rounds", {"held_on": "2025-06-02", "attendees": "李主席"})
    assert r2.status_code == 201 and not r2.json()["has_minutes"]
    rid = r2.json()["id"]
    # A file that only claims to be a PDF is refused in words, nothing stored.
    fake = staff.post(f"{API}/rounds/{rid}/minutes", {"files": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert fake.status_code == 422 and "code" in fake.json()
    assert not BargainingRound.objects.get(pk=rid).minutes
    assert other.post(f"{API}/rounds/{rid}/minutes", {"files": SimpleUploadedFile("m.pdf", PDF, "application/pdf")}).status_code == 404
    ok = staff.post(f"{API}/rounds/{rid}/minutes", {"files": SimpleUploadedFile("m.pdf", PDF, "application/pdf")})
    assert ok.status_code == 201 and ok.json()["has_minutes"]
    again = staff.post(f"{API}/rounds/{rid}/minutes", {"files": SimpleUploadedFile("m2.pdf", PDF, "application/pdf")})
    assert again.status_code == 409


def test_inspection_and_hazard_photos_and_evidence_by_api(world):
    tree, staff, other = world
    inspection = make_inspection(tree)
    hazard = make_hazard(tree, inspection=inspection)
    r = staff.post(f"{API}/safety/inspections/{inspection.pk}/photos", {"files": [_png("a.png"), _png("b.png")]})
    assert r.status_code == 201 and [p["kind"] for p in r.json()] == ["finding", "finding"]
    assert inspection.photos.count() == 2
    too_many = staff.post(f"{API}/safety/inspections/{inspection.pk}/photos", {"files": [_png(f"{i}.png") for i in range(7)]})
    assert too_many.status_code == 422 and inspection.photos.count() == 2
    assert other.post(f"{API}/safety/inspections/{inspection.pk}/photos", {"files": [_png()]}).status_code == 404
    assert staff.post(f"{API}/safety/hazards/{hazard.pk}/photos", {"files": [_png()]}).status_code == 201
    ev = staff.post(f"{API}/safety/hazards/{hazard.pk}/evidence", {"files": [SimpleUploadedFile("e.pdf", PDF, "application/pdf")]})
    assert ev.status_code == 201 and ev.json()[0]["kind"] == "evidence"
    assert other.post(f"{API}/safety/hazards/{hazard.pk}/evidence", {"files": [_png()]}).status_code == 404
    empty = staff.post(f"{API}/safety/hazards/{hazard.pk}/evidence", {})
    assert empty.status_code == 422


def test_a_worker_reports_with_photos_by_api(world):
    tree, staff, other = world
    worker = Client()
    worker.force_login(make_member(union=tree.grassroots_a).person.user)
    r = worker.post(f"{API}/safety/reports/with-photos", {"employer_name": "甲公司", "description": "配电箱门坏了",
                                                          "anonymous": "true", "files": [_png()]})
    assert r.status_code == 201, r.content
    hazard = SafetyHazard.objects.get(pk=r.json()["id"])
    assert hazard.anonymous and hazard.reported_by is None
    assert list(hazard.photos.values_list("kind", flat=True)) == [SafetyPhoto.Kind.REPORT]
    bad = worker.post(f"{API}/safety/reports/with-photos", {"employer_name": "甲公司", "description": "x",
                                                            "files": [SimpleUploadedFile("v.png", b"GIF89a....", "image/png")]})
    assert bad.status_code == 422 and SafetyHazard.objects.count() == 1


def test_the_employer_api_answers_and_rectifies_its_own_only(world):
    tree, staff, other = world
    offer = services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="工资集体协商", body="请回应", sent_on=D(2025, 5, 20))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 5, 30)))
    boss = Client()
    boss.force_login(make_recruiter(tree))
    assert [o["id"] for o in boss.get(f"{API}/employer/offers").json()] == [offer.pk]
    missing = boss.post(f"{API}/employer/offers/{offer.pk}/answer", {"accepted": True, "answered_on": "2025-06-01", "answer": "同意"},
                        content_type="application/json")
    assert missing.status_code == 422 and missing.json()["code"] == "received_on_required"
    ok = boss.post(f"{API}/employer/offers/{offer.pk}/answer", {"received_on": "2025-05-22", "accepted": True,
                                                                 "answered_on": "2025-06-01", "answer": "同意"},
                   content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == BargainingOffer.Status.ACCEPTED
    assert [h["id"] for h in boss.get(f"{API}/employer/hazards").json()] == [hazard.pk]
    r = boss.post(f"{API}/employer/hazards/{hazard.pk}/rectification", {"rectified_on": "2025-06-01", "rectification": "已整改",
                                                                         "files": [_png()]})
    assert r.status_code == 200 and r.json()["status"] == SafetyHazard.Status.RECTIFIED
    # Staff are not employers: the employer API shows them nothing and refuses their writes.
    assert staff.get(f"{API}/employer/offers").json() == []
    assert staff.post(f"{API}/employer/hazards/{hazard.pk}/rectification",
                      {"rectified_on": "2025-06-01", "rectification": "x"}).status_code == 404
    # An employer never reaches the staff API.
    assert boss.get(f"{API}/offers/{offer.pk}").status_code == 404
