"""Every cases API operation is run at least once, for the rule it exists for: the worker's
follow-up, the staff actions, legal services and 一函两书."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.cases import legal_services
from gonghui.cases.models import (
    Case,
    CaseEvent,
    CaseRating,
    Category,
    LegalAidDecision,
    Rating,
    Status,
    Supervision,
    SupervisionLetter,
)
from gonghui.cases.services import case_accept, case_request_info, case_resolve
from tests.factories import Tree, make_staff

from .helpers import app_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases"


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


# --- the worker's own case --------------------------------------------------------------------


def test_worker_leaves_a_message_for_the_handler(client):
    tree = Tree()
    case = app_case(tree)
    client.force_login(case.reporter_user)
    response = post(client, f"{BASE}/mine/{case.pk}/messages", {"body": "我还有工资条可以提供。"})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == CaseEvent.Kind.MESSAGE and response.json()["is_public"]
    assert case.events.filter(kind=CaseEvent.Kind.MESSAGE, body="我还有工资条可以提供。").exists()


def test_worker_provides_requested_information_and_the_case_goes_back_to_the_handler(client):
    tree = Tree()
    case = case_request_info(case=case_accept(case=app_case(tree), by=tree.staff_a), by=tree.staff_a, note="请提供劳动合同")
    assert case.status == Status.AWAITING_INFO
    client.force_login(case.reporter_user)
    response = post(client, f"{BASE}/mine/{case.pk}/info", {"body": "劳动合同照片已上传。"})
    assert response.status_code == 200, response.content
    assert response.json()["case"]["status"] == Status.ACCEPTED
    # Only while information is asked for.
    again = post(client, f"{BASE}/mine/{case.pk}/info", {"body": "再补充一点。"})
    assert again.status_code == 409


def test_dissatisfied_worker_reopens_the_case(client):
    tree = Tree()
    case = case_resolve(case=case_accept(case=app_case(tree), by=tree.staff_a), by=tree.staff_a, outcome="已协调补发")
    client.force_login(case.reporter_user)
    refused = post(client, f"{BASE}/mine/{case.pk}/reopen", {"text": "还差一个月"})
    assert refused.status_code == 409 and refused.json()["code"] == "reopen_needs_dissatisfied"
    assert post(client, f"{BASE}/mine/{case.pk}/rate", {"rating": Rating.DISSATISFIED}).status_code == 200
    response = post(client, f"{BASE}/mine/{case.pk}/reopen", {"text": "还差一个月"})
    assert response.status_code == 200, response.content
    assert response.json()["case"]["status"] == Status.ACCEPTED
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).exists()


def test_another_worker_cannot_follow_up_someone_elses_case(client):
    tree = Tree()
    case = app_case(tree)
    stranger = app_case(tree).reporter_user
    client.force_login(stranger)
    for path, body in (("messages", {"body": "x"}), ("info", {"body": "x"}), ("reopen", {"text": "x"})):
        assert post(client, f"{BASE}/mine/{case.pk}/{path}", body).status_code == 404, path
    assert not case.events.filter(kind=CaseEvent.Kind.MESSAGE).exists()


# --- staff ------------------------------------------------------------------------------------


def test_duplicates_finds_the_same_persons_case_against_the_same_employer(client):
    tree = Tree()
    first = app_case(tree)
    client.force_login(tree.staff_a)
    query = {"category": Category.WAGE_ARREARS, "phone": first.reporter_user.phone, "employer_id": first.employer_id}
    body = client.get(f"{BASE}/duplicates", query).json()
    assert [row["number"] for row in body] == [first.number]
    # Only number, status and union: the operator learns it exists, not what it says.
    assert set(body[0]) == {"number", "status", "union_name", "created_at"}
    assert client.get(f"{BASE}/duplicates", {**query, "category": Category.DISMISSAL}).json() == []
    assert client.get(f"{BASE}/duplicates", {**query, "employer_id": tree.grassroots_b.employer.pk}).json() == []
    assert client.get(f"{BASE}/duplicates", {**query, "phone": "13900000000"}).json() == []
    # Not staff: no answer at all.
    client.force_login(first.reporter_user)
    assert client.get(f"{BASE}/duplicates", query).status_code in (403, 404)


def test_lawyer_list_shows_the_branch_roster_filtered_by_speciality(client):
    tree = Tree()
    labour = legal_services.lawyer_create(union=tree.city_a, name="甲律师", specialities="劳动争议", by=tree.staff_a)
    legal_services.lawyer_create(union=tree.city_a, name="乙律师", specialities="工伤", by=tree.staff_a)
    legal_services.lawyer_create(union=tree.city_b, name="丙律师", specialities="劳动争议", by=tree.staff_b)
    client.force_login(tree.staff_a)
    assert sorted(x["name"] for x in client.get(f"{BASE}/lawyers").json()) == ["乙律师", "甲律师"]
    body = client.get(f"{BASE}/lawyers", {"speciality": "劳动"}).json()
    assert [(x["id"], x["union_id"]) for x in body] == [(labour.pk, tree.city_a.pk)]


def test_case_is_assigned_to_staff_of_its_branch_only(client):
    tree = Tree()
    case = app_case(tree)
    handler = make_staff(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/assign", {"assignee_id": handler.pk})
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.assignee == handler
    outsider = make_staff(union=tree.grassroots_b)
    refused = post(client, f"{BASE}/{case.pk}/assign", {"assignee_id": outsider.pk})
    assert refused.status_code in (404, 422)
    case.refresh_from_db()
    assert case.assignee == handler


def test_request_info_puts_the_case_on_hold_for_the_worker(client):
    tree = Tree()
    case = case_accept(case=app_case(tree), by=tree.staff_a)
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/request-info", {"text": "请上传工资条"})
    assert response.status_code == 200, response.content
    assert response.json()["case"]["status"] == Status.AWAITING_INFO
    assert case.events.filter(body__contains="请上传工资条", is_public=True).exists()


def test_transfer_through_the_api_hands_the_case_to_the_other_union(client):
    tree = Tree()
    case = app_case(tree)
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/transfer", {"to_union_id": tree.grassroots_b.pk, "reason": "单位在乙市"})
    assert response.status_code == 200, response.content
    assert response.json()["union_id"] == tree.grassroots_b.pk
    # Branch A no longer sees it.
    assert client.get(f"{BASE}/{case.pk}").status_code == 404
    # A target union that does not exist is bad input (422 on the field), not a missing case.
    missing = post(client, f"{BASE}/{app_case(tree).pk}/transfer", {"to_union_id": 2_000_000_000, "reason": "x"})
    assert missing.status_code == 422 and missing.json()["code"] == "union_not_found"


def test_staff_records_the_follow_up_rating(client):
    tree = Tree()
    case = case_resolve(case=case_accept(case=app_case(tree), by=tree.staff_a), by=tree.staff_a, outcome="已补发")
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/rate", {"rating": Rating.SATISFIED, "comment": "电话回访满意"})
    assert response.status_code == 200, response.content
    assert response.json()["case"]["rating"] == Rating.SATISFIED
    assert CaseRating.objects.get(case=case).rated_by == tree.staff_a
    assert post(client, f"{BASE}/{case.pk}/rate", {"rating": "excellent"}).status_code == 422


def test_parent_union_supervises_through_the_api(client):
    tree = Tree()
    case = app_case(tree)
    client.force_login(tree.staff_a)
    due = (case.due_on + dt.timedelta(days=5)).isoformat()
    response = post(client, f"{BASE}/{case.pk}/supervise", {"note": "请加快办理", "due_on": due})
    assert response.status_code == 201, response.content
    assert response.json()["by_union_id"] == tree.city_a.pk and response.json()["due_on"] == due
    assert Supervision.objects.filter(case=case).count() == 1


def test_legal_aid_decision_through_the_api(client):
    tree = Tree()
    case = app_case(tree, category=Category.LEGAL_AID)
    lawyer = legal_services.lawyer_create(union=tree.city_a, name="援助律师", by=tree.staff_a)
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/legal-aid", {"eligible": True, "reason": "经济困难，符合条件", "lawyer_id": lawyer.pk})
    assert response.status_code == 200, response.content
    decision = LegalAidDecision.objects.get(case=case)
    assert decision.eligible and decision.lawyer == lawyer
    other_case = app_case(tree)  # not a legal-aid case
    refused = post(client, f"{BASE}/{other_case.pk}/legal-aid", {"eligible": False, "reason": "不是援助申请"})
    assert refused.status_code == 409
    assert not LegalAidDecision.objects.filter(case=other_case).exists()


def test_letter_is_issued_delivered_and_answered_through_the_api(client):
    tree = Tree()
    case = app_case(tree)
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/letters", {
        "kind": SupervisionLetter.Kind.NOTICE, "recipient": "某某公司", "subject": "关于拖欠工资",
        "body": "请依法及时足额支付拖欠的工资。",
    })
    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["case_id"] == case.pk and letter["number"]
    delivered = post(client, f"{BASE}/letters/{letter['id']}/deliver", {"text": "邮寄"})
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["status"] == SupervisionLetter.Status.DELIVERED
    answered = post(client, f"{BASE}/letters/{letter['id']}/respond", {"text": "已于本周补发"})
    assert answered.json()["status"] == SupervisionLetter.Status.RESPONDED
    assert post(client, f"{BASE}/letters/{letter['id']}/shred", {"text": "x"}).status_code == 404
    assert post(client, f"{BASE}/{case.pk}/letters", {"kind": "threat", "recipient": "x", "subject": "x", "body": "x"}).status_code == 422


def test_closed_case_cannot_be_transferred(client):
    tree = Tree()
    case = case_resolve(case=case_accept(case=app_case(tree), by=tree.staff_a), by=tree.staff_a, outcome="已补发")
    client.force_login(tree.staff_a)
    response = post(client, f"{BASE}/{case.pk}/transfer", {"to_union_id": tree.grassroots_b.pk, "reason": "改派"})
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).union == tree.grassroots_a


def test_supplying_information_takes_at_most_five_files_per_upload():
    from gonghui.cases.services import case_provide_info
    from gonghui.core.errors import ValidationFailed

    from .helpers import png

    tree = Tree()
    case = case_request_info(case=case_accept(case=app_case(tree), by=tree.staff_a), by=tree.staff_a, note="请提供材料")
    with pytest.raises(ValidationFailed) as info:
        case_provide_info(case=case, by=case.reporter_user, note="材料如下", attachments=[png(f"p{i}.png") for i in range(6)])
    assert info.value.code == "attachment_count"
    assert not case.attachments.exists()
    assert Case.objects.get(pk=case.pk).status == Status.AWAITING_INFO
    done = case_provide_info(case=case, by=case.reporter_user, note="材料如下", attachments=[png(f"p{i}.png") for i in range(5)])
    assert done.status == Status.ACCEPTED and case.attachments.count() == 5
