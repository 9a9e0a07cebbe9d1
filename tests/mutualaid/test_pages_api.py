"""Mutual aid pages and API: the worker's cover, certificate and claim; the console's plans,
enrolment, queue and decisions; bad input answered in Chinese, never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.mutualaid import services
from gonghui.mutualaid.models import Claim, Coverage, Enrolment, Plan
from tests.cases.helpers import png
from tests.factories import Tree, make_worker_user
from tests.mutualaid.helpers import (
    RULES,
    Y,
    at,
    coverage_of,
    enrol_all,
    make_plan,
    members_of,
    stay,
    submit,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(frozen_clock):
    frozen_clock(at(D(2024, 12, 20)))
    tree = Tree()
    plan = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    worker = make_worker_user(name="王小明")
    member, = members_of(tree.grassroots_a, 1, users=[worker])
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 11, 20)))
    return tree, plan, worker, coverage_of(member.person, plan)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_worker_sees_cover_waiting_period_and_a_certificate_that_verifies(world) -> None:
    _tree, plan, worker, cover = world
    client = _client(worker)
    index = client.get(reverse("mutualaid:index")).content.decode()
    assert plan.name in index and "保障中" in index
    page = client.get(reverse("mutualaid:coverage", kwargs={"coverage_id": cover.pk})).content.decode()
    assert "疾病（住院、大病、疾病身故）自 2025-04-01 起保障" in page and "<svg" in page
    token = services.certificate_token(cover)
    verify = Client().get(reverse("mutualaid:verify"), {"t": token}).content.decode()
    assert "保障中" in verify and "会**" in verify and "王小明" not in verify
    assert "无效的凭证" in Client().get(reverse("mutualaid:verify"), {"t": "forged"}).content.decode()


def test_worker_submits_a_claim_with_photos_and_reads_the_explanation(world) -> None:
    _tree, _plan, worker, cover = world
    client = _client(worker)
    response = client.post(reverse("mutualaid:claim_new", kwargs={"coverage_id": cover.pk}), {
        "kind": "hospital", "event_on": "2025-05-01", "discharged_on": "2025-05-09", "hospital_level": "2",
        "hospital": "市第一人民医院", "diagnosis": "急性阑尾炎", "cost": "8000", "insurance_paid": "5000",
        "invoices": "FP001, FP002", "payee_name": "王小明", "bank_account": "6222021234567890123",
        "invoice_photos": [png("a.png")], "discharge_photos": [png("b.png")],
    }, follow=True)
    page = response.content.decode()
    claim = Claim.objects.get()
    assert claim.documents.count() == 2 and claim.flags == []
    assert "住院 8 天，超过 3 天的 5 天 × 50 元 = 250 元" in page
    assert "扣除起付线 1,000 元后 2,000 元 × 60% = 1,200 元" in page
    # A stranger gets a 404 for the claim and the cover.
    other = _client(make_worker_user())
    assert other.get(reverse("mutualaid:claim", kwargs={"claim_id": claim.pk})).status_code == 404
    assert other.get(reverse("mutualaid:coverage", kwargs={"coverage_id": cover.pk})).status_code == 404
    # The photos are served to the claimant, and to nobody outside the branch.
    document = claim.documents.first()
    assert client.get(document.upload.url).status_code == 200
    assert other.get(document.upload.url).status_code == 404


def test_bad_claim_form_is_answered_on_the_form(world) -> None:
    _tree, _plan, worker, cover = world
    response = _client(worker).post(reverse("mutualaid:claim_new", kwargs={"coverage_id": cover.pk}), {
        "kind": "hospital", "event_on": "2025-05-09", "discharged_on": "2025-05-01", "hospital_level": "2",
        "diagnosis": "x", "cost": "abc", "payee_name": "王小明", "bank_account": "12",
    })
    assert response.status_code == 200
    assert "金额格式不正确" in response.content.decode()
    assert not Claim.objects.exists()


def test_console_enrols_decides_and_reports(world) -> None:
    tree, plan, worker, cover = world
    staff = _client(tree.staff_a)
    assert plan.name in staff.get(reverse("console:mutualaid:plans")).content.decode()
    detail = staff.get(reverse("console:mutualaid:plan", kwargs={"plan_id": plan.pk})).content.decode()
    assert "v1" in detail
    joiner, = members_of(tree.grassroots_a, 1)
    enrol_page = staff.get(reverse("console:mutualaid:enrol", kwargs={"plan_id": plan.pk}),
                           {"union": tree.grassroots_a.pk}).content.decode()
    assert "在册会员 2 人，已参保 1 人" in enrol_page
    response = staff.post(reverse("console:mutualaid:enrol", kwargs={"plan_id": plan.pk}), {
        "union": tree.grassroots_a.pk, "mode": "joiners", "person": [joiner.person_id]})
    enrolment = Enrolment.objects.latest("pk")
    assert response.status_code == 302 and enrolment.count == 1
    assert coverage_of(joiner.person, plan).waiting_until == D(2026, 2, 18)
    certificate = staff.get(reverse("console:mutualaid:certificate",
                                    kwargs={"coverage_id": coverage_of(joiner.person, plan).pk}))
    assert "<svg" in certificate.content.decode()
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9), invoices=("FP0009",)))
    queue = staff.get(reverse("console:mutualaid:queue")).content.decode()
    assert claim.number in queue
    page = staff.get(reverse("console:mutualaid:claim", kwargs={"claim_id": claim.pk})).content.decode()
    assert "急＊＊＊＊" in page and "急性阑尾炎" not in page
    revealed = staff.post(reverse("console:mutualaid:reveal", kwargs={"claim_id": claim.pk}), {"reason": "核对"})
    assert "急性阑尾炎" in revealed.content.decode() and "FP0009" in revealed.content.decode()
    assert AuditEvent.objects.filter(action="mutualaid.claim.reveal").count() == 1
    staff.post(reverse("console:mutualaid:decide", kwargs={"claim_id": claim.pk}),
               {"decision": "approve", "amount_allowance": "200", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == "submitted"  # an adjustment without a reason is refused
    staff.post(reverse("console:mutualaid:decide", kwargs={"claim_id": claim.pk}),
               {"decision": "approve", "amount_allowance": "200", "reason": "一天为门诊观察"})
    claim.refresh_from_db()
    assert (claim.status, claim.amount) == ("approved", 200 * Y)
    report = staff.get(reverse("console:mutualaid:report")).content.decode()
    # 200 元 paid of 80 元 + the joiner's 13.33 元 (joined 20 Nov: Nov–Dec, 80 × 2 ÷ 12) = 93.33 元
    assert enrolment.premium == 1333 and "214.3%" in report


def _api(client: Client, method: str, path: str, body: object | None = None):
    url = "/api/v1/mutualaid" + path
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_api_plan_version_enrolment_claim_and_decision(world) -> None:
    tree, plan, worker, cover = world
    staff = _client(tree.staff_a)
    created = _api(staff, "post", "/plans", {
        "union_id": tree.city_a.pk, "name": "2026 年互助保障", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "source": "city", "price_fen": 7000, "union_share": 100, "rules": {**RULES, "reimburse_ratio": {"3": 500}}})
    assert created.status_code == 201, created.content
    assert created.json()["versions"][0]["price_fen"] == 7000
    version = _api(staff, "post", f"/plans/{plan.pk}/versions", {
        "effective_from": "2025-07-01", "note": "提高津贴", "price_fen": 8000, "rules": {**RULES, "allowance_per_day": 8000,
                                                                                  "allowance_year_cap": 600000}})
    assert version.status_code == 201 and version.json()["number"] == 2
    mine = _api(_client(worker), "get", "/me/coverages").json()
    assert [c["id"] for c in mine] == [cover.pk] and mine[0]["in_waiting_period"] is False
    claim = _api(_client(worker), "post", f"/me/coverages/{cover.pk}/claims", {
        "kind": "hospital", "event_on": "2025-07-01", "discharged_on": "2025-07-09", "hospital_level": "2",
        "diagnosis": "肺炎", "invoices": ["FP0077"], "payee_name": "王小明", "bank_account": "6222021234567890123"})
    assert claim.status_code == 201, claim.content
    body = claim.json()
    assert (body["version"], body["proposed_fen"]) == (2, 400 * Y)
    assert body["benefits"][0]["explanation"] == "住院 8 天，超过 3 天的 5 天 × 80 元 = 400 元"
    assert body["flags"] == ["missing_documents"]
    decided = _api(staff, "post", f"/claims/{body['id']}/decision", {"decision": "approve"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert decided.json()["payout_status"] == "待发放"
    report = _api(staff, "get", "/report").json()
    row = next(r for r in report if r["plan_id"] == plan.pk)
    assert (row["premiums_fen"], row["paid_fen"], row["loss_ratio"]) == (80 * Y, 400 * Y, 5.0)
    batch = _api(staff, "post", f"/plans/{plan.pk}/payment-batch")
    # 80 元 of premiums cannot pay 400 元: the ledger refuses, and nothing is sent.
    assert (batch.status_code, batch.json()["code"]) == (409, "insufficient_funds")
    public = Client().get("/api/v1/mutualaid/verify", {"token": services.certificate_token(cover)}).json()
    assert public["status"] == "valid" and public["name_masked"] == "会**"


@pytest.mark.parametrize(("path", "body", "code"), [
    ("/plans", {"union_id": 0, "name": "x", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "source": "city",
                "price_fen": 7000, "rules": {}}, "invalid_union"),
    ("/plans/{plan}/versions", {"effective_from": "2025-07-01", "note": "x", "price_fen": 8000,
                                "rules": {"allowance_per_day": 100}}, "cap_required"),
    ("/plans/{plan}/enrolments", {"union_id": "{union}", "mode": "everyone"}, "invalid_mode"),
    ("/claims/{claim}/decision", {"decision": "maybe"}, "invalid_decision"),
])
def test_api_bad_input_is_a_422_problem_in_chinese(world, path, body, code) -> None:
    tree, plan, worker, cover = world
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9)))
    path = path.format(plan=plan.pk, claim=claim.pk)
    body = json.loads(json.dumps(body).replace('"{union}"', str(tree.grassroots_a.pk)))
    response = _api(_client(tree.staff_a), "post", path, body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["title"])
    assert Plan.objects.count() == 1 and Coverage.objects.count() == 1


def test_api_worker_cannot_reach_staff_operations(world) -> None:
    tree, plan, worker, cover = world
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9)))
    client = _client(worker)
    assert _api(client, "get", f"/claims/{claim.pk}").status_code == 404
    assert _api(client, "post", f"/claims/{claim.pk}/decision", {"decision": "approve"}).status_code == 404
    assert _api(client, "get", f"/plans/{plan.pk}").status_code == 404
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_worker_appeals_a_rejection_on_the_page_and_the_api_refuses_a_second(world) -> None:
    tree, _plan, worker, cover = world
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9)))
    services.claim_reject(actor=tree.staff_a, claim=claim, reason="非住院治疗")
    client = _client(worker)
    page = client.get(reverse("mutualaid:claim", kwargs={"claim_id": claim.pk})).content.decode()
    assert "非住院治疗" in page and "申诉" in page
    client.post(reverse("mutualaid:appeal", kwargs={"claim_id": claim.pk}), {"reason": "确为住院"})
    claim.refresh_from_db()
    assert (claim.status, claim.appeal_reason) == ("appealed", "确为住院")
    again = _api(client, "post", f"/me/claims/{claim.pk}/appeal", {"reason": "再次"})
    assert (again.status_code, again.json()["code"]) == (409, "already_appealed")
    assert _api(_client(make_worker_user()), "post", f"/me/claims/{claim.pk}/appeal",
                {"reason": "x"}).status_code == 404


def test_grassroots_staff_open_the_plan_above_them_and_enrol(world) -> None:
    from gonghui.accounts.models import RoleGrant
    from tests.factories import make_staff

    tree, plan, _worker, _cover = world
    grassroots = _client(make_staff(union=tree.grassroots_a, role=RoleGrant.Role.STAFF))
    assert plan.name in grassroots.get(reverse("console:mutualaid:plans")).content.decode()
    assert grassroots.get(reverse("console:mutualaid:plan", kwargs={"plan_id": plan.pk})).status_code == 200
    assert grassroots.get(reverse("console:mutualaid:enrol", kwargs={"plan_id": plan.pk})).status_code == 200
    other = _client(make_staff(union=tree.grassroots_b, role=RoleGrant.Role.STAFF))
    assert other.get(reverse("console:mutualaid:plan", kwargs={"plan_id": plan.pk})).status_code == 404
