"""Pages and API of the bargaining module: the console flow, the worker's pages, the API
with its problem documents for bad input (never a 500)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.bargaining.models import BargainingOffer, CollectiveContract, SafetyHazard
from tests.bargaining.helpers import (
    SEAFARER_2024,
    at,
    contract_in_force,
    make_contract,
    make_hazard,
    make_unit,
)
from tests.cases.helpers import png
from tests.factories import Tree, make_member

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(frozen_clock):
    frozen_clock(at(D(2025, 6, 2)))
    tree = Tree()
    staff = Client()
    staff.force_login(tree.staff_a)
    return tree, staff


def test_console_pages_render_for_the_owner(world):
    tree, staff = world
    unit = make_unit(tree)
    contract = make_contract(tree, unit=unit)
    hazard = make_hazard(tree)
    for url in [reverse("console:bargaining:index"), reverse("console:bargaining:unit", args=[unit.pk]),
                reverse("console:bargaining:unit_create"), reverse("console:bargaining:contract", args=[contract.pk]),
                reverse("console:bargaining:contract_create", args=[unit.pk]), reverse("console:bargaining:version_add", args=[contract.pk]),
                reverse("console:bargaining:compare") + "?currency=USD", reverse("console:bargaining:campaign_create"),
                reverse("console:bargaining:safety"), reverse("console:bargaining:inspection_create"),
                reverse("console:bargaining:checklist_create"), reverse("console:bargaining:hazard", args=[hazard.pk]),
                reverse("console:bargaining:inspection", args=[hazard.inspection_id])]:
        response = staff.get(url)
        assert response.status_code == 200, url


def test_console_offer_flow_with_the_pdf(world):
    tree, staff = world
    unit = make_unit(tree)
    response = staff.post(reverse("console:bargaining:offer_send", args=[unit.pk]),
                          {"from_side": "union", "topics": "工资集体协商", "body": "请协商。", "sent_on": "2025-05-30"})
    offer = BargainingOffer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("console:bargaining:offer", args=[offer.pk])
    pdf = staff.get(reverse("console:bargaining:offer_pdf", args=[offer.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    staff.post(reverse("console:bargaining:offer_receipt", args=[offer.pk]), {"received_on": "2025-06-01"})
    offer.refresh_from_db()
    assert offer.answer_due == D(2025, 6, 23)  # Sun 6-1 + 20 = Sat 6-21 → Mon 6-23
    page = staff.get(reverse("console:bargaining:offer", args=[offer.pk])).content.decode()
    assert "2025-06-23" in page
    bad = staff.post(reverse("console:bargaining:offer_answer", args=[offer.pk]),
                     {"accepted": "1", "answered_on": "2025-05-01", "answer": "同意"}, follow=True)
    assert "回应日期应在收到日期和今天之间" in bad.content.decode()


def test_terms_form_refuses_an_unknown_currency_on_the_field(world):
    tree, staff = world
    unit = make_unit(tree)
    response = staff.post(reverse("console:bargaining:contract_create", args=[unit.pk]), {
        "kind": "comprehensive", "title": "合同", "starts_on": "2025-01-01", "ends_on": "2027-12-31",
        "min_pay_amount": "293", "min_pay_currency": "ABC", "min_pay_period": "month"})
    assert response.status_code == 200 and "不是 ISO 4217 货币代码" in response.content.decode()
    response = staff.post(reverse("console:bargaining:contract_create", args=[unit.pk]), {
        "kind": "comprehensive", "title": "合同", "starts_on": "2025-01-01", "ends_on": "2024-12-31"})
    assert "期限结束日期不能早于开始日期" in response.content.decode()
    assert not CollectiveContract.objects.exists()


def test_contract_page_shows_the_change_between_versions(world):
    tree, staff = world
    contract = make_contract(tree, terms=SEAFARER_2024)
    staff.post(reverse("console:bargaining:version_add", args=[contract.pk]), {
        "min_pay_amount": "293", "min_pay_currency": "USD", "min_pay_period": "month", "wage_adjustment_pct": "3",
        "weekly_hours": "40", "safety": "配备救生设备", "note": "2025年起"})
    page = staff.get(reverse("console:bargaining:contract", args=[contract.pk])).content.decode()
    assert "+22.6%" in page and "293.00 USD" in page


def test_worker_sees_my_contract_and_reports_a_hazard(world, frozen_clock):
    tree, _staff = world
    member = make_member(union=tree.grassroots_a)
    contract = contract_in_force(tree, frozen_clock)
    worker = Client()
    worker.force_login(member.person.user)
    page = worker.get(reverse("bargaining:my_contracts")).content.decode()
    assert contract.title in page
    detail = worker.get(reverse("bargaining:my_contract", args=[contract.pk])).content.decode()
    assert "239.00 USD / 每月" in detail
    outsider = Client()
    outsider.force_login(make_member(union=tree.grassroots_b).person.user)
    assert outsider.get(reverse("bargaining:my_contract", args=[contract.pk])).status_code == 404
    response = worker.post(reverse("bargaining:hazard_report"), {"employer_name": "甲公司", "description": "安全出口被锁",
                                                                 "anonymous": "on", "photo": png()}, follow=True)
    assert "已报告给工会" in response.content.decode()
    hazard = SafetyHazard.objects.get()
    assert hazard.anonymous and hazard.reported_by is None and hazard.photos.count() == 1
    assert worker.get(reverse("bargaining:hazard_report") + "x").status_code == 404


def test_api_contract_flow_and_bad_input(world):
    tree, staff = world
    unit = make_unit(tree)
    url = f"/api/v1/bargaining/units/{unit.pk}/contracts"
    body = {"title": "海员集体合同", "starts_on": "2025-01-01", "ends_on": "2027-12-31",
            "terms": {"min_pay_amount": "239", "min_pay_currency": "USD", "min_pay_period": "month"}}
    made = staff.post(url, json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    again = staff.post(f"/api/v1/bargaining/contracts/{cid}/versions", json.dumps(
        {"terms": {"min_pay_amount": "293", "min_pay_currency": "USD", "min_pay_period": "month"}}), content_type="application/json")
    assert again.json()["changes"][0][0]["change_pct"] == "+22.6%"
    bad = staff.post(url, json.dumps({**body, "terms": {"min_pay_amount": "1", "min_pay_currency": "XXY", "min_pay_period": "month"}}),
                     content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "currency_unknown"
    bad = staff.post(url, json.dumps({**body, "ends_on": "2028-06-30"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "term_invalid"
    vote = staff.post(f"/api/v1/bargaining/contracts/{cid}/vote", json.dumps(
        {"held_on": "2025-06-01", "total": 30, "present": 20, "in_favour": 15, "against": 5, "abstained": 0}), content_type="application/json")
    assert vote.status_code == 201 and vote.json() | {"id": 0} == {"id": 0, "total": 30, "present": 20, "in_favour": 15,
                                                                    "quorum_met": True, "adopted": False}
    compare = staff.get("/api/v1/bargaining/compare/min-pay?currency=USD&period=month").json()
    assert [r["amount_minor"] for r in compare] == [29300]
    assert staff.get("/api/v1/bargaining/compare/min-pay?currency=QQQ").status_code == 422
    other = Client()
    other.force_login(tree.staff_b)
    assert other.get(f"/api/v1/bargaining/contracts/{cid}").status_code == 404
    assert other.get("/api/v1/bargaining/compare/min-pay?currency=USD").json() == []


def test_api_safety_report_is_for_signed_in_workers(world):
    tree, _staff = world
    anonymous = Client().post("/api/v1/bargaining/safety/reports", json.dumps({"description": "x", "employer_name": "y"}),
                              content_type="application/json")
    assert anonymous.status_code == 401


def test_console_forms_create_a_unit_and_an_inspection(world):
    tree, staff = world
    response = staff.post(reverse("console:bargaining:unit_create"), {
        "union": tree.grassroots_a.pk, "kind": "enterprise", "name": "甲公司协商", "employer": tree.grassroots_a.employer_id,
        "employer_party": "甲公司", "union_chief": "李主席", "employer_chief": "王总", "workers_covered": "50",
        "members_covered": "60"})
    assert response.status_code == 200 and "会员人数不能超过覆盖职工人数" in response.content.decode()
    response = staff.post(reverse("console:bargaining:unit_create"), {
        "union": tree.grassroots_a.pk, "kind": "enterprise", "name": "甲公司协商", "employer": tree.grassroots_a.employer_id,
        "employer_party": "甲公司", "union_chief": "李主席", "employer_chief": "王总", "workers_covered": "50",
        "members_covered": "40"})
    assert response.status_code == 302
    # Another branch's union is not offered (the form refuses it as an invalid choice).
    refused = staff.post(reverse("console:bargaining:unit_create"), {
        "union": tree.grassroots_b.pk, "kind": "enterprise", "name": "乙公司协商", "employer": tree.grassroots_b.employer_id,
        "employer_party": "乙公司", "union_chief": "李", "employer_chief": "王", "workers_covered": "5", "members_covered": "4"})
    assert refused.status_code == 200
    from gonghui.bargaining.models import BargainingUnit, SafetyInspection

    assert BargainingUnit.objects.count() == 1
    checklist_page = staff.post(reverse("console:bargaining:checklist_create"), {
        "union": tree.grassroots_a.pk, "trade": "manufacturing", "name": "消防检查表", "items": "安全出口畅通\n灭火器有效"})
    assert checklist_page.status_code == 302
    from gonghui.bargaining.models import SafetyChecklist

    checklist = SafetyChecklist.objects.get()
    response = staff.post(reverse("console:bargaining:inspection_create"), {
        "union": tree.grassroots_a.pk, "employer": tree.grassroots_a.employer_id, "checklist": checklist.pk,
        "inspected_on": "2025-06-02", "inspectors": "陈师傅", f"item_{checklist.pk}_0": "hazard", f"item_{checklist.pk}_1": "ok"})
    assert response.status_code == 302
    assert SafetyInspection.objects.get().results == {"安全出口畅通": "hazard", "灭火器有效": "ok"}


def test_compare_page_refuses_an_unknown_currency_in_words(world):
    _tree, staff = world
    page = staff.get(reverse("console:bargaining:compare") + "?currency=ZZZ").content.decode()
    assert "币种 ZZZ 不是 ISO 4217 货币代码" in page


def test_unit_list_costs_the_same_queries_for_one_unit_or_many(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree, staff = world
    make_unit(tree)
    with CaptureQueriesContext(connection) as one:
        assert len(staff.get("/api/v1/bargaining/units").json()) == 1
    for _ in range(4):
        make_unit(tree)
    with CaptureQueriesContext(connection) as five:
        assert len(staff.get("/api/v1/bargaining/units").json()) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
