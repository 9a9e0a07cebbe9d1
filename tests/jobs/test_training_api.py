"""Training to order through the API: a partner or staff opens a class from an employer's demand,
enrols a seeker, completes and places them; a worker lists open classes, joins one and follows it.
Another branch gets 404s; bad input gets a clear Chinese 422 and writes nothing."""

import datetime as dt

import pytest

from gonghui.jobs.models import EmploymentService, Placement, TrainingEnrolment, TrainingOrder
from tests.factories import Tree, make_worker_user
from tests.jobs.helpers import NOW, TODAY, make_posting, make_seeker

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def _body(tree, **overrides):
    body = {"union_id": tree.county_a.pk, "employer_id": tree.grassroots_a.employer.pk, "name": "保安员订单班",
            "trade": "security", "demand": 50, "seats": 2, "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + dt.timedelta(days=14)).isoformat(), "teacher": "王教官", "place": "区职工学校"}
    body.update(overrides)
    return body


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_staff_open_a_class_enrol_complete_and_place_through_the_api(client, tree):
    posting = make_posting(tree)
    seeker = make_seeker()
    client.force_login(tree.staff_a)
    created = _post(client, "/api/v1/jobs/training/orders", _body(tree, posting_id=posting.pk))
    assert created.status_code == 201, created.content
    order = created.json()
    assert (order["employer"], order["posting_id"], order["seats"], order["enrolled"]) == \
        (tree.grassroots_a.employer.name, posting.pk, 2, 0)
    enrolled = _post(client, f"/api/v1/jobs/training/orders/{order['id']}/enrolments", {"seeker_id": seeker.pk})
    assert enrolled.status_code == 201, enrolled.content
    e = enrolled.json()
    assert (e["status"], e["seeker"]) == ("enrolled", seeker.name_masked)
    assert "李四" not in enrolled.content.decode()  # masked
    # Placing before completion is refused, with the reason.
    early = _post(client, f"/api/v1/jobs/training/enrolments/{e['id']}/place")
    assert early.status_code == 409 and "结业" in early.json()["title"]
    done = _post(client, f"/api/v1/jobs/training/enrolments/{e['id']}/complete").json()
    assert (done["status"], done["completed_on"]) == ("completed", TODAY.isoformat())
    placed = _post(client, f"/api/v1/jobs/training/enrolments/{e['id']}/place").json()
    assert placed["status"] == "placed"
    assert Placement.objects.get(pk=placed["placement_id"]).employer == tree.grassroots_a.employer
    assert sorted(EmploymentService.objects.filter(seeker=seeker).values_list("kind", flat=True)) == \
        ["placement", "training"]
    detail = client.get(f"/api/v1/jobs/training/orders/{order['id']}").json()
    assert (detail["enrolled"], detail["completed"], detail["placed"]) == (1, 1, 1)
    assert [x["id"] for x in detail["enrolments"]] == [e["id"]]
    listed = client.get("/api/v1/jobs/training/orders").json()
    assert [(o["id"], o["placed"]) for o in listed] == [(order["id"], 1)]
    closed = _post(client, f"/api/v1/jobs/training/orders/{order['id']}/close").json()
    assert closed["status"] == "closed"


def test_a_worker_lists_open_classes_joins_one_and_follows_it(client, tree):
    staff_order = _post_as(client, tree.staff_a, "/api/v1/jobs/training/orders", _body(tree, seats=1)).json()
    client.logout()
    listed = client.get("/api/v1/jobs/training/open").json()
    assert [(o["id"], o["seats"], o["enrolled"]) for o in listed] == [(staff_order["id"], 1, 0)]
    worker = make_worker_user(name="张三")
    client.force_login(worker)
    no_profile = _post(client, f"/api/v1/jobs/training/open/{staff_order['id']}/join")
    assert no_profile.status_code == 422 and "求职登记" in no_profile.json()["title"]
    seeker = make_seeker(user=worker)
    joined = _post(client, f"/api/v1/jobs/training/open/{staff_order['id']}/join")
    assert joined.status_code == 201 and joined.json()["seeker_id"] == seeker.pk
    assert [t["training_order_id"] for t in client.get("/api/v1/jobs/me/trainings").json()] == [staff_order["id"]]
    # The one seat is taken: the next worker is refused, and nothing is written.
    other = make_seeker(user=make_worker_user(name="王五"))
    client.force_login(other.user)
    full = _post(client, f"/api/v1/jobs/training/open/{staff_order['id']}/join")
    assert full.status_code == 409 and "名额已满" in full.json()["title"]
    assert TrainingEnrolment.objects.filter(seeker=other).count() == 0
    assert client.get("/api/v1/jobs/me/trainings").json() == []


def _post_as(client, user, url, body=None):
    client.force_login(user)
    return _post(client, url, body)


def test_another_branch_gets_404_for_classes_and_trainees(client, tree):
    order = _post_as(client, tree.staff_a, "/api/v1/jobs/training/orders", _body(tree)).json()
    e = _post(client, f"/api/v1/jobs/training/orders/{order['id']}/enrolments", {"seeker_id": make_seeker().pk}).json()
    client.force_login(tree.staff_b)
    assert client.get(f"/api/v1/jobs/training/orders/{order['id']}").status_code == 404
    assert client.get("/api/v1/jobs/training/orders").json() == []
    for step in ("complete", "place", "drop"):
        assert _post(client, f"/api/v1/jobs/training/enrolments/{e['id']}/{step}").status_code == 404
    assert _post(client, f"/api/v1/jobs/training/orders/{order['id']}/close").status_code == 404
    assert TrainingEnrolment.objects.get(pk=e["id"]).status == "enrolled"
    assert TrainingOrder.objects.get(pk=order["id"]).status == "open"


@pytest.mark.parametrize(("overrides", "status", "words"), [
    ({"union_id": 0}, 422, "工会"),
    ({"employer_id": 0}, 422, "单位"),
    ({"course_id": 999999}, 422, "课程"),
    ({"posting_id": 999999}, 422, "岗位"),
    ({"trade": "astronaut"}, 422, "工种"),
    ({"seats": 0}, 422, ""),
    ({"ends_on": (TODAY - dt.timedelta(days=1)).isoformat()}, 422, "日期"),
])
def test_bad_classes_are_refused_with_a_clear_error_and_nothing_written(client, tree, overrides, status, words):
    response = _post_as(client, tree.staff_a, "/api/v1/jobs/training/orders", _body(tree, **overrides))
    assert response.status_code == status, response.content
    assert words in response.content.decode()
    assert TrainingOrder.objects.count() == 0


def test_staff_of_another_branch_cannot_open_a_class_for_branch_a(client, tree):
    response = _post_as(client, tree.staff_b, "/api/v1/jobs/training/orders", _body(tree))
    assert response.status_code == 422 and "工会" in response.json()["title"]
    assert TrainingOrder.objects.count() == 0


def test_enrolling_an_unknown_or_other_branch_seeker_is_bad_input(client, tree):
    order = _post_as(client, tree.staff_a, "/api/v1/jobs/training/orders", _body(tree)).json()
    elsewhere = make_seeker(user=make_worker_user(name="赵六"))
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(union=tree.city_b)  # served by branch B
    for seeker_id in (999999, elsewhere.pk):
        response = _post(client, f"/api/v1/jobs/training/orders/{order['id']}/enrolments", {"seeker_id": seeker_id})
        assert response.status_code == 422 and "求职者" in response.json()["title"]
    assert TrainingEnrolment.objects.count() == 0
