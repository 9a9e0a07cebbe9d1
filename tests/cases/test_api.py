"""The cases API: partner intake by token, status reads, staff actions, worker follow-up,
errors as problem JSON."""

from __future__ import annotations

import pytest

from gonghui.accounts.auth import api_token_create
from gonghui.cases.models import Case, Channel, Status
from tests.factories import Tree, make_staff, make_worker_user

from .helpers import app_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases"


def partner(tree):
    account = make_staff(union=tree.province, role="operator")
    _, key = api_token_create(user=account, name="12351 呼叫中心")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_partner_creates_a_case_and_reads_its_status(client):
    tree = Tree()
    auth = partner(tree)
    response = client.post(f"{BASE}/", {
        "category": "wage_arrears", "description": "来电人反映单位拖欠工资两个月。", "reporter_name": "周女士",
        "reporter_phone": "13511112222", "employer_id": tree.grassroots_a.employer.pk, "amount_fen": 500000,
        "people_count": 2,
    }, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == Channel.PARTNER and body["union_id"] == tree.grassroots_a.pk
    status = client.get(f"{BASE}/by-number/{body['number']}", **auth).json()
    assert status["case"]["status"] == Status.NEW and status["reporter_phone_masked"] == "135****2222"
    assert status["timeline"][0]["kind"] == "created"


def test_partner_input_errors_are_problem_json(client):
    tree = Tree()
    auth = partner(tree)
    response = client.post(f"{BASE}/", {"category": "nonsense", "description": "太短", "reporter_phone": "123"},
                           content_type="application/json", **auth)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    response = client.post(f"{BASE}/", {"category": "other", "description": "没有电话号码的来电记录。"},
                           content_type="application/json", **auth)
    assert response.status_code == 422 and response.json()["code"] == "phone_required"
    response = client.post(f"{BASE}/", {"category": "other", "description": "x" * 3000, "reporter_phone": "13511112222"},
                           content_type="application/json", **auth)
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_unauthenticated_request_is_401(client):
    assert client.get(f"{BASE}/").status_code == 401


def test_staff_handles_a_case_through_the_api(client):
    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    client.force_login(tree.staff_a)
    queue = client.get(f"{BASE}/?queue=new").json()
    assert [c["number"] for c in queue] == [case.number]
    assert client.post(f"{BASE}/{case.pk}/accept").json()["case"]["status"] == Status.ACCEPTED
    assert client.post(f"{BASE}/{case.pk}/notes", {"body": "内部备注", "public": False}, content_type="application/json").status_code == 200
    resolved = client.post(f"{BASE}/{case.pk}/resolve", {"outcome": "已追回", "recovered_fen": 1_200_000, "people_paid": 3},
                           content_type="application/json").json()
    assert resolved["case"]["status"] == Status.RESOLVED
    again = client.post(f"{BASE}/{case.pk}/accept")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"

    client.force_login(worker)
    mine = client.get(f"{BASE}/mine/{case.pk}").json()
    assert all(e["is_public"] for e in mine["timeline"])
    assert "内部备注" not in str(mine)
    rated = client.post(f"{BASE}/mine/{case.pk}/rate", {"rating": "satisfied"}, content_type="application/json")
    assert rated.json()["case"]["rating"] == "satisfied"
    client.force_login(tree.staff_a)
    stats = client.get(f"{BASE}/stats").json()
    assert stats["satisfaction_rate"] == 1.0 and stats["recovered_fen"] == 1_200_000


def test_workers_cannot_use_staff_endpoints(client):
    tree = Tree()
    case = app_case(tree)
    client.force_login(make_worker_user())
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/{case.pk}").status_code == 403
    assert client.post(f"{BASE}/{case.pk}/accept").status_code == 404
    assert client.get(f"{BASE}/mine/{case.pk}").status_code == 404


def test_worker_creates_an_app_case_through_the_api(client):
    Tree()
    worker = make_worker_user(name="钱七")
    client.force_login(worker)
    response = client.post(f"{BASE}/", {"category": "working_hours", "description": "每天加班到十点没有加班费。",
                                        "region_code": "440305"}, content_type="application/json")
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.channel == Channel.APP and case.reporter_user == worker and case.reporter_name == "钱七"


def test_worker_cannot_skip_the_legal_aid_eligibility_declaration_through_the_api(client):
    Tree()
    client.force_login(make_worker_user())
    response = client.post(f"{BASE}/", {"category": "legal_aid", "description": "想请工会律师代理仲裁。"},
                           content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "legal_aid_form_required"
    assert not Case.objects.exists()


def test_suggest_endpoint(client):
    client.force_login(make_worker_user())
    body = client.get(f"{BASE}/suggest", {"text": "工地老板欠我们工钱不给"}).json()
    assert body["category"] == "wage_arrears"


def test_attachments_through_the_api_are_type_checked(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import png

    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    client.force_login(worker)
    ok = client.post(f"{BASE}/mine/{case.pk}/attachments", {"files": [png()]})
    assert ok.status_code == 201 and ok.json()[0]["content_type"] == "image/png"
    bad = client.post(f"{BASE}/mine/{case.pk}/attachments",
                      {"files": [SimpleUploadedFile("x.pdf", b"#!/bin/sh\nrm -rf /", content_type="application/pdf")]})
    assert bad.status_code == 422 and bad.json()["code"] == "attachment_type"
    assert case.attachments.count() == 1
    client.force_login(tree.staff_b)
    assert client.post(f"{BASE}/{case.pk}/attachments", {"files": [png()]}).status_code == 404


def test_queue_endpoint_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree = Tree()
    app_case(tree)
    client.force_login(tree.staff_a)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/console/cases/?queue=new").status_code == 200
        return len(ctx)

    one_row = page_queries()
    for _ in range(11):
        app_case(tree)
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{BASE}/?queue=new").json()) == 12
    # The page's queries (the queue, its counts, the console menu's badges) do not grow with rows.
    assert page_queries() == one_row
    assert one_row <= 17


def test_queue_items_match_the_documented_case_schema(client):
    """The queue is encoded from database rows (no models, no pydantic per row): every item
    must still be exactly what CaseOut says, in the caller's language."""
    import datetime as dt

    from gonghui.cases.models import Case
    from gonghui.cases.schemas import CaseOut

    tree = Tree()
    cases = [app_case(tree) for _ in range(3)]
    client.force_login(tree.staff_a)
    body = client.get(f"{BASE}/?queue=new").json()
    assert [item["id"] for item in body] == [c.pk for c in sorted(cases, key=lambda c: (c.due_on, c.pk))]
    for item in body:
        case = Case.objects.select_related("union").get(pk=item["id"])
        expected = CaseOut(**CaseOut.from_case(case)).model_dump(mode="json")
        assert set(item) == set(expected)
        CaseOut.model_validate(item)
        for key, value in expected.items():
            if key == "created_at":
                got = dt.datetime.fromisoformat(item[key].replace("Z", "+00:00"))
                want = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                assert abs(got - want) < dt.timedelta(milliseconds=1)
            else:
                assert item[key] == value, key
    english = client.get(f"{BASE}/?queue=new", HTTP_ACCEPT_LANGUAGE="en").json()[0]
    assert english["status_label"] != body[0]["status_label"]
    # Paging and bad input behave as before.
    assert len(client.get(f"{BASE}/?queue=new&limit=2").json()) == 2
    assert len(client.get(f"{BASE}/?queue=new&limit=2&offset=2").json()) == 1
    assert client.get(f"{BASE}/?queue=nope").status_code == 422


def test_worker_applies_for_legal_aid_through_the_api_with_the_declaration(client):
    tree = Tree()
    from gonghui.cases.models import LegalAidApplication
    from tests.factories import make_member

    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    application = {
        "description": "公司拖欠我三个月加班费，想请工会律师代理仲裁。", "dispute_type": "wages", "hardship": "hardship",
        "household_income_yuan": 1500, "stage": "not_started", "documents": ["id", "hardship_proof", "dispute"],
        "declared": True,
    }
    refused = client.post(f"{BASE}/legal-aid", {**application, "has_lawyer": True, "dispute_type": "not_labour"},
                          content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "legal_aid_not_eligible"
    assert len(refused.json()["reasons"]) == 2 and not Case.objects.exists()
    created = client.post(f"{BASE}/legal-aid", application, content_type="application/json")
    assert created.status_code == 201
    case = Case.objects.get()
    assert case.category == "legal_aid" and case.union == tree.grassroots_a
    assert LegalAidApplication.objects.get(case=case).household_income_yuan == 1500
    client.force_login(tree.staff_a)
    assert client.post(f"{BASE}/legal-aid", application, content_type="application/json").status_code == 403
