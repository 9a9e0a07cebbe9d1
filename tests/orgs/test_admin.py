"""Admin for unions and employers: new rows go through the services."""

from __future__ import annotations

import pytest

from gonghui.accounts.models import User
from gonghui.core.testdata import uscc_make
from gonghui.orgs.models import Employer, Union
from tests.factories import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser(username="admin-root", password="pw-for-tests-123"))
    return client


def test_union_added_in_admin_gets_its_path(root):
    tree = Tree()
    response = root.post("/admin/orgs/union/add/", {"name": "后海街道工会", "kind": "township", "parent": tree.county_a.pk, "region": "440305"})
    assert response.status_code == 302, response.content.decode()[:2000]
    union = Union.objects.get(name="后海街道工会")
    assert union.path == f"{tree.county_a.path}{union.pk}/"


def test_union_admin_without_parent_is_form_error(root):
    Tree()
    response = root.post("/admin/orgs/union/add/", {"name": "孤儿工会", "kind": "township"})
    assert response.status_code == 200
    assert not Union.objects.filter(name="孤儿工会").exists()


def test_employer_admin_rejects_bad_uscc(root):
    response = root.post("/admin/orgs/employer/add/", {"uscc": "91440300123", "name": "坏公司", "region": "440305", "ownership": "private", "headcount": 0})
    assert response.status_code == 200 and "统一社会信用代码" in response.content.decode()
    code = uscc_make(region="440300", serial=66001)
    ok = root.post("/admin/orgs/employer/add/", {"uscc": code, "name": "好公司", "region": "440305", "ownership": "private", "headcount": 0})
    assert ok.status_code == 302
    assert Employer.objects.get(uscc=code).name_initials == "hgs"
