"""Unions, employers and role grants from the staff side: services, selectors and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.accounts.models import RoleGrant
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.core.testdata import uscc_make
from gonghui.orgs import selectors, services
from gonghui.orgs.models import Employer, Region, Union
from tests.factories import Tree, make_employer, make_staff, make_worker_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def region(code):
    return Region.objects.get(code=code)


def test_union_create_builds_materialized_path(tree):
    child = services.union_create(name="某街道工会", kind=Union.Kind.TOWNSHIP, parent=tree.county_a)
    assert child.path == f"{tree.county_a.path}{child.pk}/"
    assert child.depth == tree.county_a.depth + 1
    assert child.path.startswith(tree.city_a.path) and not child.path.startswith(tree.city_b.path)
    assert child.name_initials == "mjdgh"


def test_union_create_child_checks_jurisdiction_and_rules(tree):
    with pytest.raises(NotFound):
        services.union_create_child(actor=tree.staff_b, parent=tree.county_a, name="越权工会", kind="township")
    viewer = make_staff(union=tree.city_a, role=RoleGrant.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.union_create_child(actor=viewer, parent=tree.county_a, name="只读工会", kind="township")
    with pytest.raises(ValidationFailed):
        services.union_create_child(actor=tree.staff_a, parent=tree.county_a, name="", kind="township")
    with pytest.raises(ValidationFailed):
        services.union_create_child(actor=tree.staff_a, parent=tree.county_a, name="假省总", kind="provincial")
    with pytest.raises(ValidationFailed) as exc:
        services.union_create_child(
            actor=tree.staff_a, parent=tree.county_a, name="外地工会", kind="township", region=region("510104")
        )
    assert exc.value.code == "region_outside_parent"
    with pytest.raises(ValidationFailed):
        services.union_create_child(actor=tree.staff_a, parent=tree.grassroots_a, name="下级", kind="grassroots")
    with pytest.raises(Conflict):
        services.union_create_child(
            actor=tree.staff_a, parent=tree.county_a, name="重复", kind="grassroots", employer=tree.grassroots_a.employer
        )
    created = services.union_create_child(actor=tree.staff_a, parent=tree.county_a, name="粤海街道工会", kind="township")
    assert created.region_id == tree.county_a.region_id
    with pytest.raises(Conflict):
        services.union_create_child(actor=tree.staff_a, parent=tree.county_a, name="粤海街道工会", kind="township")


@pytest.mark.parametrize("bad", ["", "123", "91440300MA5ABCDE1X", "9144030000000000XX"])
def test_employer_register_validates_uscc(tree, bad):
    with pytest.raises(ValidationFailed) as exc:
        services.employer_register(actor=tree.staff_a, uscc=bad, name="坏代码公司", region=region("440305"))
    assert exc.value.field == "uscc"


def test_employer_register_in_own_region_only(tree):
    code = uscc_make(region="440300", serial=777001)
    with pytest.raises(ValidationFailed) as exc:
        services.employer_register(actor=tree.staff_a, uscc=code, name="成都公司", region=region("510104"))
    assert exc.value.code == "region_outside_jurisdiction"
    employer = services.employer_register(actor=tree.staff_a, uscc=code.lower(), name="深圳某科技有限公司", region=region("440305"))
    assert employer.uscc == code
    assert selectors.employer_get_for_user(user=tree.staff_a, employer_id=employer.pk) == employer
    with pytest.raises(NotFound):
        selectors.employer_get_for_user(user=tree.staff_b, employer_id=employer.pk)
    with pytest.raises(Conflict):
        services.employer_register(actor=tree.staff_a, uscc=code, name="重复公司", region=region("440305"))


def test_employer_list_filters_by_union(tree):
    unorganized = make_employer(region="440305", name="未建会科技有限公司")
    with_union = selectors.employer_list_for_user(user=tree.staff_a, has_union=True)
    without = selectors.employer_list_for_user(user=tree.staff_a, has_union=False)
    assert tree.grassroots_a.employer in with_union and unorganized not in with_union
    assert unorganized in without
    assert list(selectors.employer_list_for_user(user=tree.staff_a, q="wjh")) == [unorganized]
    assert unorganized not in selectors.employer_list_for_user(user=tree.staff_b)


def test_org_counts(tree):
    make_employer(region="440305")
    counts = selectors.org_counts_for_user(user=tree.staff_a)
    assert counts["unions"] == 3  # city A, county A, grassroots A
    assert counts["employers_with_union"] == 1
    assert counts["employers_without_union"] >= 1


def test_role_grant_create_and_revoke_within_subtree(tree):
    newcomer = make_worker_user()
    grant = services.role_grant_create(actor=tree.staff_a, user=newcomer, union=tree.county_a, role="staff")
    assert grant.granted_by == tree.staff_a
    assert AuditEvent.objects.filter(action="role_grant.create", target_id=str(grant.pk)).exists()
    with pytest.raises(Conflict):
        services.role_grant_create(actor=tree.staff_a, user=newcomer, union=tree.county_a, role="staff")
    with pytest.raises(NotFound):
        services.role_grant_create(actor=tree.staff_a, user=newcomer, union=tree.city_b, role="staff")
    with pytest.raises(ValidationFailed):
        services.role_grant_create(actor=tree.staff_a, user=newcomer, union=tree.county_a, role="emperor")
    with pytest.raises(ValidationFailed):
        services.role_grant_create(actor=tree.staff_a, user=None, union=tree.county_a, role="staff")
    plain = make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.role_grant_create(actor=plain, user=newcomer, union=tree.county_a, role="admin")
    with pytest.raises(NotFound):
        services.role_grant_revoke(actor=tree.staff_b, grant=grant)
    own = RoleGrant.objects.get(user=tree.staff_a)
    with pytest.raises(Conflict):
        services.role_grant_revoke(actor=tree.staff_a, grant=own)
    services.role_grant_revoke(actor=tree.staff_a, grant=grant)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="role_grant.revoke").exists()


def test_role_grant_list_only_manageable(tree):
    grants = list(selectors.role_grant_list_for_user(user=tree.staff_a))
    assert {g.user for g in grants} == {tree.staff_a}
    assert list(selectors.role_grant_list_for_user(user=make_staff(union=tree.city_a))) == []


# --- API ------------------------------------------------------------------------------------


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_union_api_roots_children_and_create(client, tree):
    client.force_login(tree.staff_a)
    roots = client.get("/api/v1/orgs/unions").json()
    assert [u["id"] for u in roots] == [tree.city_a.pk]
    children = client.get(f"/api/v1/orgs/unions/{tree.city_a.pk}/children").json()
    assert [u["id"] for u in children] == [tree.county_a.pk]
    created = post(client, f"/api/v1/orgs/unions/{tree.county_a.pk}/children", {"name": "蛇口街道工会", "kind": "township", "region_code": "440305"})
    assert created.status_code == 201
    assert created.json()["path"] == f"{tree.county_a.path}{created.json()['id']}/"
    bad = post(client, f"/api/v1/orgs/unions/{tree.county_a.pk}/children", {"name": "x", "kind": "nonsense"})
    assert bad.status_code == 422 and bad.json()["code"] == "kind_invalid"
    bad_region = post(client, f"/api/v1/orgs/unions/{tree.county_a.pk}/children", {"name": "y", "kind": "township", "region_code": "999999"})
    assert bad_region.status_code == 422 and bad_region.json()["field"] == "region"
    assert client.get("/api/v1/orgs/unions", {"q": "蛇口"}).json()[0]["name"] == "蛇口街道工会"


def test_union_api_create_child_cross_branch_is_404(client, tree):
    client.force_login(tree.staff_b)
    response = post(client, f"/api/v1/orgs/unions/{tree.county_a.pk}/children", {"name": "越权", "kind": "township"})
    assert response.status_code == 404
    assert not Union.objects.filter(name="越权").exists()


def test_employer_api_create_and_list(client, tree):
    client.force_login(tree.staff_a)
    bad = post(client, "/api/v1/orgs/employers", {"uscc": "91440300XXXXXXXX", "name": "坏", "region_code": "440305"})
    assert bad.status_code == 422 and bad.json()["field"] == "uscc"
    negative = post(client, "/api/v1/orgs/employers", {"uscc": uscc_make(region="440300", serial=88001), "name": "负", "region_code": "440305", "headcount": -1})
    assert negative.status_code == 422
    code = uscc_make(region="440300", serial=88002)
    created = post(client, "/api/v1/orgs/employers", {"uscc": code, "name": "南山某物流有限公司", "region_code": "440305", "headcount": 30})
    assert created.status_code == 201, created.content
    assert created.json()["union_id"] is None
    rows = client.get("/api/v1/orgs/staff/employers", {"has_union": "false"}).json()
    assert created.json()["id"] in [r["id"] for r in rows]
    assert Employer.objects.get(uscc=code).headcount == 30


@pytest.mark.parametrize("count", [1, 6])
def test_employer_and_union_lists_query_count_is_flat(client, django_assert_max_num_queries, tree, count):
    for i in range(count):
        make_employer(region="440305")
        services.union_create(name=f"街道工会{i}", kind="township", parent=tree.county_a)
    client.force_login(tree.staff_a)
    client.get("/api/v1/orgs/unions")
    with django_assert_max_num_queries(6):
        employers = client.get("/api/v1/orgs/staff/employers").json()
    assert len(employers) == count + 1
    with django_assert_max_num_queries(5):
        children = client.get(f"/api/v1/orgs/unions/{tree.county_a.pk}/children").json()
    assert len(children) == count + 1
    # The list's own queries plus the console shell's: its menu badges and unread notices.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("console:orgs:employers")).status_code == 200
