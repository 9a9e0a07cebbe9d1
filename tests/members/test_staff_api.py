"""Staff API under /api/v1/members: decisions, search, reveal, transfers, cards."""

from __future__ import annotations

import pytest

from gonghui.accounts.auth import api_token_create
from gonghui.accounts.models import RoleGrant
from gonghui.core.models import AuditEvent
from gonghui.members.models import MemberCard, Membership, MembershipTransfer
from tests.factories import Tree, make_member, make_staff
from tests.members.helpers import make_application, make_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def api_a(client, tree):
    client.force_login(tree.staff_a)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_list_and_approve_application(api_a, tree):
    application = make_application(union=tree.grassroots_a, name="陈小明")
    rows = api_a.get("/api/v1/members/applications", {"status": "submitted"}).json()
    assert [r["id"] for r in rows] == [application.pk]
    assert "*" in rows[0]["id_number_masked"] and rows[0]["person_name"] == "陈小明"
    response = post(api_a, f"/api/v1/members/applications/{application.pk}/approve", {"note": "同意"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert Membership.objects.filter(person=application.person, status="active").exists()
    again = post(api_a, f"/api/v1/members/applications/{application.pk}/approve")
    assert again.status_code == 409 and again.json()["code"] == "application_decided"


def test_reject_without_reason_is_422_with_field(api_a, tree):
    application = make_application(union=tree.grassroots_a)
    response = post(api_a, f"/api/v1/members/applications/{application.pk}/reject", {"reason": ""})
    assert response.status_code == 422
    assert response.json()["code"] == "reason_required" and response.json()["field"] == "reason"
    ok = post(api_a, f"/api/v1/members/applications/{application.pk}/reject", {"reason": "信息不实"})
    assert ok.json()["status"] == "rejected" and ok.json()["decision_reason"] == "信息不实"


def test_cross_branch_approve_is_404_and_changes_nothing(client, tree):
    application = make_application(union=tree.grassroots_a)
    client.force_login(tree.staff_b)
    response = post(client, f"/api/v1/members/applications/{application.pk}/approve")
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_bad_status_filter_is_clear_error(api_a):
    response = api_a.get("/api/v1/members/applications", {"status": "nope"})
    assert response.status_code == 422 and response.json()["code"] == "status_invalid"


def test_bad_payload_is_problem_json(api_a, tree):
    application = make_application(union=tree.grassroots_a)
    response = api_a.post(
        f"/api/v1/members/applications/{application.pk}/reject", "not json", content_type="application/json"
    )
    assert response.status_code in {400, 422}
    assert response["Content-Type"].startswith("application/problem+json")


def test_person_search_and_detail_are_masked(api_a, tree):
    person = make_member(union=tree.grassroots_a, name="黄大伟").person
    rows = api_a.get("/api/v1/members/people", {"q": "hdw"}).json()
    assert [r["id"] for r in rows] == [person.pk]
    body = api_a.get(f"/api/v1/members/people/{person.pk}").content.decode()
    assert person.id_number not in body and person.phone not in body
    detail = api_a.get(f"/api/v1/members/people/{person.pk}").json()
    assert detail["memberships"][0]["union_id"] == tree.grassroots_a.pk
    assert len(detail["memberships"][0]["cards"]) == 1


def test_reveal_returns_value_and_audits(api_a, tree):
    person = make_member(union=tree.grassroots_a).person
    missing_reason = post(api_a, f"/api/v1/members/people/{person.pk}/reveal", {"field": "phone"})
    assert missing_reason.status_code == 422
    response = post(api_a, f"/api/v1/members/people/{person.pk}/reveal", {"field": "phone", "reason": "回访"})
    assert response.status_code == 200 and response.json()["value"] == person.phone
    assert AuditEvent.objects.filter(action="person.reveal.phone", target_id=str(person.pk), reason="回访").count() == 1
    bad_field = post(api_a, f"/api/v1/members/people/{person.pk}/reveal", {"field": "name", "reason": "x"})
    assert bad_field.status_code == 422


def test_reveal_forbidden_for_role_without_reveal_pii(client, tree):
    person = make_member(union=tree.grassroots_a).person
    client.force_login(make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF))
    response = post(client, f"/api/v1/members/people/{person.pk}/reveal", {"field": "id_number", "reason": "核实"})
    assert response.status_code == 403 and response.json()["code"] == "reveal_forbidden"


def test_reveal_cross_branch_is_404(client, tree):
    person = make_member(union=tree.grassroots_a).person
    client.force_login(tree.staff_b)
    response = post(client, f"/api/v1/members/people/{person.pk}/reveal", {"field": "id_number", "reason": "核实"})
    assert response.status_code == 404


def test_transfer_full_flow_through_api(client, tree):
    membership = make_member(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    created = post(client, "/api/v1/members/transfers", {
        "membership_id": membership.pk, "to_union_id": tree.grassroots_b.pk, "reason": "调动",
    })
    assert created.status_code == 201, created.content
    tid = created.json()["id"]
    assert post(client, f"/api/v1/members/transfers/{tid}/release", {"note": "同意"}).json()["status"] == "released"
    client.force_login(tree.staff_b)
    inbox = client.get("/api/v1/members/transfers", {"direction": "in", "status": "open"}).json()
    assert [t["id"] for t in inbox] == [tid]
    accepted = post(client, f"/api/v1/members/transfers/{tid}/accept", {})
    assert accepted.json()["status"] == "accepted" and accepted.json()["new_membership_id"]
    assert MembershipTransfer.objects.get(pk=tid).new_membership.union == tree.grassroots_b


def test_transfer_to_unknown_union_is_422(api_a, tree):
    membership = make_member(union=tree.grassroots_a)
    response = post(api_a, "/api/v1/members/transfers", {"membership_id": membership.pk, "to_union_id": 999999})
    assert response.status_code == 422 and response.json()["field"] == "to_union"


def test_transfer_of_other_branch_member_is_404(client, tree):
    membership = make_member(union=tree.grassroots_a)
    client.force_login(tree.staff_b)
    response = post(client, "/api/v1/members/transfers", {"membership_id": membership.pk, "to_union_id": tree.grassroots_b.pk})
    assert response.status_code == 404


def test_transfer_reject_and_cancel_through_api(api_a, tree):
    transfer = make_transfer(tree=tree)
    assert post(api_a, f"/api/v1/members/transfers/{transfer.pk}/reject", {"reason": ""}).status_code == 422
    assert post(api_a, f"/api/v1/members/transfers/{transfer.pk}/cancel").json()["status"] == "cancelled"
    second = make_transfer(tree=tree)
    response = post(api_a, f"/api/v1/members/transfers/{second.pk}/reject", {"reason": "材料不全"})
    assert response.json()["status"] == "rejected"


def test_card_reissue_and_revoke_through_api(api_a, tree):
    membership = make_member(union=tree.grassroots_a)
    old = MemberCard.objects.get(membership=membership)
    new = post(api_a, f"/api/v1/members/memberships/{membership.pk}/reissue-card", {"reason": "换手机"})
    assert new.status_code == 201
    old.refresh_from_db()
    assert old.revoked_at is not None
    revoked = post(api_a, f"/api/v1/members/cards/{new.json()['id']}/revoke", {"reason": "冒用"})
    assert revoked.json()["revoked_at"] is not None


def test_bearer_token_acts_as_its_user(client, tree):
    application = make_application(union=tree.grassroots_a)
    _, key = api_token_create(user=tree.staff_b, name="partner")
    response = client.get(f"/api/v1/members/applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
    _, key_a = api_token_create(user=tree.staff_a, name="partner-a")
    response = client.get(f"/api/v1/members/applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {key_a}")
    assert response.status_code == 200
