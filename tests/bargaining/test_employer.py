"""The employer answers for itself: an employer account (jobs.EmployerAccount, granted and
revoked by union staff) answers the offers sent to its own bargaining units and reports the
rectification of its own hazards — never another employer's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.bargaining import employer, safety, services
from gonghui.bargaining.models import BargainingOffer, SafetyHazard, SafetyPhoto
from gonghui.core.errors import NotFound
from gonghui.jobs import services as jobs_services
from gonghui.notices.models import Notice
from tests.bargaining.helpers import at, make_hazard, make_inspection, make_unit
from tests.cases.helpers import PNG
from tests.factories import Tree, make_worker_user
from tests.jobs.helpers import make_recruiter

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def _offer(tree, sent_on=None):
    return services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="工资集体协商", body="请于20日内书面回应。",
                               sent_on=sent_on or D(2025, 9, 10))


def test_the_employer_records_receipt_and_answers_its_own_offer(tree, frozen_clock):
    frozen_clock(at(D(2025, 9, 20)))
    offer = _offer(tree)
    boss = make_recruiter(tree)  # an account for grassroots_a's employer
    assert list(employer.offers_for_employer(user=boss)) == [offer]
    services.offer_receipt_record(actor=boss, offer=offer, received_on=D(2025, 9, 12), as_employer=True)
    offer.refresh_from_db()
    assert offer.answer_due == D(2025, 10, 9)  # the same 20-day clock as staff entry: 9-12 → 10-2 (国庆) → 10-9
    services.offer_answer_record(actor=boss, offer=offer, accepted=True, answered_on=D(2025, 9, 20), answer="同意，10月8日开始协商。",
                                 as_employer=True)
    offer.refresh_from_db()
    assert offer.status == BargainingOffer.Status.ACCEPTED
    assert Notice.objects.filter(module="bargaining", object_id=offer.pk, user=tree.staff_a).exists()


def test_another_employers_account_and_a_revoked_one_cannot_answer(tree, frozen_clock):
    frozen_clock(at(D(2025, 9, 20)))
    offer = _offer(tree)
    # An account for branch B's employer (granted by B's staff).
    other = make_worker_user(name="乙单位")
    jobs_services.employer_account_grant(actor=tree.staff_b, employer=tree.grassroots_b.employer, user=other, union=tree.grassroots_b)
    assert not employer.offers_for_employer(user=other).exists()
    with pytest.raises(NotFound):
        services.offer_receipt_record(actor=other, offer=offer, received_on=D(2025, 9, 12), as_employer=True)
    with pytest.raises(NotFound):  # a worker with no account at all
        services.offer_answer_record(actor=make_worker_user(), offer=offer, accepted=False, answered_on=D(2025, 9, 20),
                                     answer="不同意", as_employer=True)
    boss = make_recruiter(tree)
    jobs_services.employer_account_revoke(actor=tree.staff_a, account=boss.employer_accounts.get())
    boss = type(boss).objects.get(pk=boss.pk)  # a new request
    with pytest.raises(NotFound):
        services.offer_receipt_record(actor=boss, offer=offer, received_on=D(2025, 9, 12), as_employer=True)
    offer.refresh_from_db()
    assert (offer.status, offer.received_on) == (BargainingOffer.Status.SENT, None)


def test_the_employer_reports_its_own_hazard_fixed_with_evidence(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 12)))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 3, 3)), days=10)
    boss = make_recruiter(tree)
    safety.hazard_rectification_record(actor=boss, hazard=hazard, rectified_on=D(2025, 3, 11), rectification="纸箱已清走",
                                       evidence=[SimpleUploadedFile("after.png", PNG, "image/png")], as_employer=True)
    hazard.refresh_from_db()
    assert hazard.status == SafetyHazard.Status.RECTIFIED and hazard.rectified_on_time
    assert list(employer.evidence_of(hazard).values_list("kind", flat=True)) == [SafetyPhoto.Kind.EVIDENCE]
    assert Notice.objects.filter(module="bargaining", object_id=hazard.pk, user=tree.staff_a).exists()
    # Re-inspection stays with the union.
    with pytest.raises(NotFound):
        safety.hazard_reinspect(actor=boss, hazard=hazard, reinspected_on=D(2025, 3, 12), passed=True, note="合格")


def test_an_employer_never_sees_another_employers_hazards_nor_unverified_reports(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 12)))
    theirs = make_hazard(tree)
    other = make_worker_user(name="乙单位")
    jobs_services.employer_account_grant(actor=tree.staff_b, employer=tree.grassroots_b.employer, user=other, union=tree.grassroots_b)
    assert not employer.hazards_for_employer(user=other).exists()
    with pytest.raises(NotFound):
        safety.hazard_rectification_record(actor=other, hazard=theirs, rectified_on=D(2025, 3, 12), rectification="x",
                                           as_employer=True)
    boss = make_recruiter(tree)
    reported = SafetyHazard.objects.create(union=tree.grassroots_a, employer=tree.grassroots_a.employer, employer_name="甲",
                                           source=SafetyHazard.Source.WORKER, description="职工报告", found_on=D(2025, 3, 12),
                                           status=SafetyHazard.Status.REPORTED)
    assert list(employer.hazards_for_employer(user=boss)) == [theirs]
    with pytest.raises(NotFound):
        employer.hazard_get_for_employer(user=boss, hazard_id=reported.pk)


def test_employer_pages_answer_and_rectify(tree, frozen_clock):
    frozen_clock(at(D(2025, 9, 20)))
    offer = _offer(tree)
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 9, 15)), days=10)
    boss = make_recruiter(tree)
    client = Client()
    client.force_login(boss)
    page = client.get(reverse("bargaining:employer_home"))
    assert page.status_code == 200 and offer.number in page.content.decode()
    url = reverse("bargaining:employer_offer", args=[offer.pk])
    # No receipt recorded and none given: a clear error, nothing written.
    bad = client.post(url, {"accepted": "1", "answered_on": "2025-09-20", "answer": "同意"})
    assert bad.status_code == 200 and "收到要约的日期" in bad.content.decode()
    offer.refresh_from_db()
    assert (offer.status, offer.received_on) == (BargainingOffer.Status.SENT, None)
    ok = client.post(url, {"received_on": "2025-09-12", "accepted": "0", "answered_on": "2025-09-20", "answer": "暂不具备条件"})
    assert ok.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.received_on, offer.answer_due) == (BargainingOffer.Status.REFUSED, D(2025, 9, 12), D(2025, 10, 9))
    hurl = reverse("bargaining:employer_hazard", args=[hazard.pk])
    done = client.post(hurl, {"rectified_on": "2025-09-19", "rectification": "已整改",
                              "evidence": [SimpleUploadedFile("a.png", PNG, "image/png")]})
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == SafetyHazard.Status.RECTIFIED
    photo = hazard.photos.get()
    assert client.get(photo.file.url).status_code == 200  # its own evidence
    # Staff of another branch, and a worker without an account: 404.
    stranger = Client()
    stranger.force_login(make_worker_user())
    assert stranger.get(url).status_code == 404 and stranger.get(hurl).status_code == 404
    assert stranger.get(photo.file.url).status_code == 404
