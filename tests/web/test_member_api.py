import datetime as dt
import json

import pytest
from django.utils import timezone

from gonghui.members import services as member_services
from gonghui.members.models import MemberCard, MembershipApplication
from gonghui.orgs.models import Union
from tests.factories import Tree, make_employer, make_id_number, make_union, make_worker_user

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def worker(client):
    user = make_worker_user(phone="13800002222")
    client.force_login(user)
    return user


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _apply(client, tree, **over):
    data = {"name": "李四", "id_number": make_id_number(), "employment_form": "standard", "employer_id": tree.grassroots_a.employer.pk}
    data.update(over)
    return _post(client, f"{API}/members/me/applications", data)


def test_worker_applies_withdraws_and_reads_me_through_api(client, worker, tree):
    created = _apply(client, tree, is_migrant_worker=True)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "submitted" and body["union_name"] == tree.grassroots_a.name
    me = client.get(f"{API}/members/me").json()
    assert me["person"]["name"] == "李四" and me["person"]["phone_masked"] == "138****2222"
    assert "*" in me["person"]["id_number_masked"] and me["membership"] is None
    withdrawn = client.post(f"{API}/members/members/applications/{body['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = client.post(f"{API}/members/members/applications/{body['id']}/withdraw")
    assert again.status_code == 409 and again.json()["code"] == "application_decided"


def test_api_application_bad_input_is_problem_json_not_500(client, worker, tree):
    no_union = make_employer()
    cases = [
        ({"id_number": "123"}, 422, "id_number_length"),
        ({"name": "<b>x</b>"}, 422, "name_invalid"),
        ({"employer_id": 987654}, 422, "employer_not_found"),
        ({"employer_id": no_union.pk}, 422, "employer_has_no_union"),
        ({"employment_form": "nonsense"}, 422, "employment_form_invalid"),
        ({"employer_id": "abc"}, 422, "validation_failed"),
    ]
    for over, status, code in cases:
        response = _apply(client, tree, **over)
        assert response.status_code == status, (over, response.content)
        assert response["Content-Type"] == "application/problem+json" and response.json()["code"] == code
    assert not MembershipApplication.objects.exists()


def test_someone_elses_application_is_not_found(client, tree):
    owner = make_worker_user()
    client.force_login(owner)
    app_id = _apply(client, tree).json()["id"]
    client.force_login(make_worker_user())
    assert client.post(f"{API}/members/members/applications/{app_id}/withdraw").status_code == 404


def test_worker_endpoints_need_authentication(client):
    assert client.get(f"{API}/members/me").status_code == 401
    assert client.get(f"{API}/cards/me").status_code == 401
    assert _post(client, f"{API}/members/me/applications", {}).status_code in {401, 422}


def _member(client, tree):
    app_id = _apply(client, tree).json()["id"]
    application = MembershipApplication.objects.get(pk=app_id)
    return member_services.membership_application_approve(application=application, actor=tree.staff_a)


def test_card_me_returns_token_that_verifies_without_personal_data(client, worker, tree):
    membership = _member(client, tree)
    card = client.get(f"{API}/cards/me").json()
    assert card["member_number"] == membership.number and card["name"] == "李四"
    assert "/api/v1/cards/verify?token=" in card["verify_url"]
    anonymous = client.__class__()
    result = anonymous.get(f"{API}/cards/verify", {"token": card["token"]})
    assert result.status_code == 200
    data = result.json()
    assert data["status"] == "valid" and data["union_name"] == tree.grassroots_a.name
    assert data["serial_tail"] == card["serial"][-4:]
    raw = result.content.decode()
    for secret in ("李四", membership.person.id_number, "13800002222", membership.number, card["serial"]):
        assert secret not in raw
    assert set(data) == {"status", "kind", "union_name", "expires_at", "serial_tail"}
    assert data["kind"] == "dynamic"
    posted = _post(anonymous, f"{API}/cards/verify", {"token": card["token"]})
    assert posted.json()["status"] == "valid"


def test_verify_reports_revoked_expired_and_tampered_tokens(client, worker, tree):
    membership = _member(client, tree)
    token = client.get(f"{API}/cards/me").json()["token"]
    card = MemberCard.objects.get(membership=membership, revoked_at__isnull=True)
    MemberCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert client.get(f"{API}/cards/verify", {"token": token}).json()["status"] == "expired"
    member_services.card_revoke(card=card, actor=tree.staff_a, reason="遗失")
    assert client.get(f"{API}/cards/verify", {"token": token}).json()["status"] == "revoked"
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "", "not-a-token", "x" * 400):
        response = client.get(f"{API}/cards/verify", {"token": bad})
        assert response.status_code == 200 and response.json() == {
            "status": "invalid", "kind": "", "union_name": "", "expires_at": None, "serial_tail": ""
        }
    assert client.get(f"{API}/cards/verify", {"token": "x" * 600}).status_code == 422


def test_card_me_without_membership_is_404(client, worker):
    response = client.get(f"{API}/cards/me")
    assert response.status_code == 404 and response.json()["code"] == "card_not_found"


def test_transfer_request_through_api(client, worker, tree):
    _member(client, tree)
    response = _post(client, f"{API}/members/me/transfers", {"employer_id": tree.grassroots_b.employer.pk, "reason": "换工作"})
    assert response.status_code == 201 and response.json()["to_union_name"] == tree.grassroots_b.name
    dup = _post(client, f"{API}/members/me/transfers", {"employer_id": tree.grassroots_b.employer.pk})
    assert dup.status_code == 409


# --- public org lookups ------------------------------------------------------------------------


def test_public_employer_search_regions_and_federations(client, tree):
    employer = tree.grassroots_a.employer
    found = client.get(f"{API}/orgs/employers", {"q": employer.uscc}).json()
    assert found == [{
        "id": employer.pk, "name": employer.name, "uscc": employer.uscc, "region_name": employer.region.name,
        "has_union": True, "union_id": tree.grassroots_a.pk, "union_name": tree.grassroots_a.name,
    }]
    assert client.get(f"{API}/orgs/employers", {"q": "x"}).json() == []
    provinces = client.get(f"{API}/orgs/regions").json()
    assert {"code": "440000", "name": "广东省", "level": "province"} in provinces
    cities = client.get(f"{API}/orgs/regions", {"parent": "440000"}).json()
    assert any(r["code"] == "440300" for r in cities)
    federation = make_union(name="深圳测试新业态联合会", kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.city_a, region="440300")
    near = client.get(f"{API}/orgs/new-form-federations", {"region": "440305"}).json()
    assert [f["id"] for f in near] == [federation.pk]
    assert client.get(f"{API}/orgs/new-form-federations", {"region": "510104"}).json() == []
    assert federation.pk in [f["id"] for f in client.get(f"{API}/orgs/new-form-federations").json()]


def test_list_endpoints_use_a_fixed_number_of_queries(client, worker, tree, django_assert_max_num_queries):
    for _ in range(5):
        make_employer(name=f"查询计数单位{_}有限公司")
    with django_assert_max_num_queries(2):
        assert len(client.get(f"{API}/orgs/employers", {"q": "查询计数"}).json()) == 5
    _member(client, tree)
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/members/me").status_code == 200
