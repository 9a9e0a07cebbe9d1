"""Staff search and lists: what staff can find, and that lists stay a fixed number of queries."""

from __future__ import annotations

import pytest

from gonghui.core.errors import ValidationFailed
from gonghui.members import selectors
from tests.factories import Tree, make_id_number, make_member, make_worker_user
from tests.members.helpers import make_application, make_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def zhang(tree):
    user = make_worker_user(phone="13912345678")
    return make_member(union=tree.grassroots_a, name="张三丰", user=user).person


@pytest.mark.parametrize("q", ["张三", "三丰", "zsf", "ZS", "zhangsan", "zhangsanfeng", "13912345678"])
def test_person_search_finds_by_name_pinyin_and_phone(tree, zhang, q):
    assert list(selectors.person_search(user=tree.staff_a, q=q)) == [zhang]


def test_person_search_by_exact_id_number_only(tree, zhang):
    assert list(selectors.person_search(user=tree.staff_a, q=zhang.id_number.lower())) == [zhang]
    # Part of an ID number is not a way in: the number is only stored encrypted.
    assert list(selectors.person_search(user=tree.staff_a, q=zhang.id_number[:10])) == []


def test_person_search_is_scoped_to_branch(tree, zhang):
    assert list(selectors.person_search(user=tree.staff_b, q="张三丰")) == []
    assert list(selectors.person_search(user=tree.staff_b, q=zhang.id_number)) == []


def test_person_search_empty_query_finds_nobody(tree, zhang):
    assert list(selectors.person_search(user=tree.staff_a, q="  ")) == []


def test_applicant_is_visible_before_approval(tree):
    application = make_application(union=tree.grassroots_a, name="李四")
    assert list(selectors.person_search(user=tree.staff_a, q="李四")) == [application.person]


def test_application_list_filters_and_scopes(tree):
    a = make_application(union=tree.grassroots_a, name="王五")
    b = make_application(union=tree.grassroots_b, name="赵六")
    assert list(selectors.membership_application_list(user=tree.staff_a, status="submitted")) == [a]
    assert list(selectors.membership_application_list(user=tree.staff_b)) == [b]
    assert list(selectors.membership_application_list(user=tree.staff_a, q="ww")) == [a]
    assert list(selectors.membership_application_list(user=tree.staff_a, status="approved")) == []
    with pytest.raises(ValidationFailed):
        selectors.membership_application_list(user=tree.staff_a, status="bogus")


def test_transfer_list_rejects_unknown_direction(tree):
    with pytest.raises(ValidationFailed):
        selectors.transfer_list(user=tree.staff_a, direction="sideways")


def test_member_counts_cover_subtree_only(tree):
    make_member(union=tree.grassroots_a)
    make_member(union=tree.grassroots_b)
    make_application(union=tree.grassroots_a)
    make_transfer(tree=tree, to_union=tree.grassroots_b)
    a = selectors.member_counts_for_user(user=tree.staff_a)
    b = selectors.member_counts_for_user(user=tree.staff_b)
    assert a == {"members": 2, "pending_applications": 1, "transfers_in": 0, "transfers_out": 1}
    assert b == {"members": 1, "pending_applications": 0, "transfers_in": 1, "transfers_out": 0}


# --- no N+1 on list endpoints ---------------------------------------------------------------


def _login(client, user):
    client.force_login(user)
    # Warm the session and grant cache so only the list's own queries are counted.
    client.get("/api/v1/members/applications?limit=1")


@pytest.mark.parametrize("count", [1, 6])
def test_application_list_api_query_count_is_flat(client, django_assert_max_num_queries, tree, count):
    for _ in range(count):
        make_application(union=tree.grassroots_a)
    _login(client, tree.staff_a)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/members/applications")
    assert len(response.json()) == count


@pytest.mark.parametrize("count", [1, 6])
def test_person_search_api_query_count_is_flat(client, django_assert_max_num_queries, tree, count):
    for i in range(count):
        make_member(union=tree.grassroots_a, name=f"刘测试{i}")
    _login(client, tree.staff_a)
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/members/people", {"q": "刘测试"})
    assert len(response.json()) == count
    assert all(row["union_name"] == tree.grassroots_a.name for row in response.json())


@pytest.mark.parametrize("count", [1, 5])
def test_transfer_list_api_query_count_is_flat(client, django_assert_max_num_queries, tree, count):
    for _ in range(count):
        make_transfer(tree=tree)
    _login(client, tree.staff_a)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/members/transfers", {"direction": "out"})
    assert len(response.json()) == count


@pytest.mark.parametrize("count", [1, 5])
def test_console_application_queue_query_count_is_flat(client, django_assert_max_num_queries, tree, count):
    for _ in range(count):
        make_application(union=tree.grassroots_a)
    client.force_login(tree.staff_a)
    client.get("/console/members/applications/")
    with django_assert_max_num_queries(10):
        response = client.get("/console/members/applications/")
    assert response.status_code == 200


def test_id_number_search_works_for_lowercase_x(tree):
    # ID numbers ending in X are often typed in lower case.
    number = next(n for n in (make_id_number() for _ in range(40)) if n.endswith("X"))
    application = make_application(union=tree.grassroots_a, id_number=number)
    assert list(selectors.person_search(user=tree.staff_a, q=number.lower())) == [application.person]
