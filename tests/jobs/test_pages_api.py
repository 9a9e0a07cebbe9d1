"""The pages and the API over the same services: a worker searches, sees recommendations and
applies; a recruiter posts and moves applicants; staff review, reveal, record services; the
partner API posts jobs and reads placements."""

import datetime as dt

import pytest

from gonghui.jobs.models import JobApplication, Placement, Posting, Seeker
from tests.factories import Tree, make_worker_user
from tests.jobs.helpers import NOW, TODAY, make_posting, make_recruiter, make_seeker

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def test_worker_pages_search_recommend_and_apply(client, tree):
    posting = make_posting(tree, title="小区保安")
    assert "小区保安" in client.get("/jobs/?q=xqba").content.decode()
    seeker = make_seeker()
    client.force_login(seeker.user)
    page = client.get("/jobs/").content.decode()
    assert "为您推荐" in page and "小区保安" in page and "推荐分" in page
    assert client.get(f"/jobs/{posting.pk}/").status_code == 200
    response = client.post(f"/jobs/{posting.pk}/apply/")
    assert response.status_code == 302 and response.url == "/jobs/applications/"
    assert "已投递" in client.get("/jobs/applications/").content.decode()


def test_the_profile_form_saves_and_refuses_bad_input(client, tree):
    user = make_worker_user(name="王五")
    client.force_login(user)
    assert client.get("/jobs/profile/").status_code == 200
    bad = client.post("/jobs/profile/", {"name": "王五", "region": "440000", "trades": ["security"]})
    assert bad.status_code == 200 and not Seeker.objects.exists()
    ok = client.post("/jobs/profile/", {"name": "王五", "region": "440305", "trades": ["security", "driver"],
                                        "skills": "保安员证，C1驾照", "pay_wanted": "6000", "priority_group": "migrant",
                                        "open_to_work": "on"})
    assert ok.status_code == 302
    seeker = Seeker.objects.get()
    assert (seeker.trades, seeker.skills, seeker.pay_wanted, seeker.priority_group) == (
        ["security", "driver"], ["保安员证", "C1驾照"], 6000_00, "migrant")


def test_recruiter_posts_and_hires_through_the_pages(client, tree):
    recruiter = make_recruiter(tree)
    client.force_login(recruiter)
    form = {"title": "仓库叉车工", "trade": "warehouse", "region": "440305", "pay_min": "6000", "pay_max": "7000",
            "pay_unit": "month", "hours": "两班倒", "contract": "labour", "skills": "叉车证", "requirements": "",
            "openings": "2", "closes_on": (TODAY + dt.timedelta(days=20)).isoformat()}
    below = client.post("/jobs/employer/new/", {**form, "pay_min": "2000"})
    assert below.status_code == 200 and "最低工资" in below.content.decode() and not Posting.objects.exists()
    response = client.post("/jobs/employer/new/", form)
    posting = Posting.objects.get()
    assert response.status_code == 302 and posting.status == "published" and posting.union == tree.grassroots_a
    seeker = make_seeker(trades=("warehouse",))
    application = JobApplication.objects.create(posting=posting, seeker=seeker)
    page = client.get(f"/jobs/employer/postings/{posting.pk}/").content.decode()
    assert "李四" in page  # the recruiter sees the applicant who applied to them
    client.post(f"/jobs/employer/applications/{application.pk}/move/", {"stage": "hired"})
    assert Placement.objects.filter(application=application).exists()


def test_a_worker_without_an_account_cannot_reach_the_recruiter_pages(client, tree):
    posting = make_posting(tree)
    client.force_login(make_worker_user())
    assert client.get("/jobs/employer/new/").status_code == 404
    assert client.get(f"/jobs/employer/postings/{posting.pk}/").status_code == 404


def test_console_pages(client, tree):
    posting = make_posting(tree, requirements="限35岁以下")
    seeker = make_seeker()
    client.force_login(tree.staff_a)
    for url in ("/console/jobs/", "/console/jobs/new/", f"/console/jobs/{posting.pk}/", "/console/jobs/seekers/",
                f"/console/jobs/seekers/{seeker.pk}/", "/console/jobs/placements/", "/console/jobs/accounts/",
                "/console/jobs/minimum-wages/"):
        assert client.get(url).status_code == 200, url
    assert "李*" in client.get("/console/jobs/seekers/").content.decode()
    revealed = client.post(f"/console/jobs/seekers/{seeker.pk}/reveal/", {"reason": "电话回访"}).content.decode()
    assert seeker.user.phone in revealed
    client.post(f"/console/jobs/{posting.pk}/review/", {"approve": "1"})
    posting.refresh_from_db()
    assert posting.status == "published"


def test_api_search_and_posting_by_a_partner(client, tree):
    make_posting(tree, title="小区保安")
    assert [p["title"] for p in client.get("/api/v1/jobs/postings?q=ba").json()] == ["小区保安"]
    client.force_login(tree.staff_a)
    body = {"employer_uscc": tree.grassroots_a.employer.uscc, "union_id": tree.grassroots_a.pk, "title": "电工",
            "trade": "electrician", "region_code": "440305", "pay_min": 2000_00, "pay_max": 3000_00,
            "hours": "8小时", "openings": 1, "closes_on": (TODAY + dt.timedelta(days=10)).isoformat()}
    refused = client.post("/api/v1/jobs/postings", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "below_minimum_wage"
    created = client.post("/api/v1/jobs/postings", {**body, "pay_min": 6000_00, "pay_max": 8000_00},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "published"
    bad_date = client.post("/api/v1/jobs/postings", {**body, "pay_min": 6000_00, "pay_max": 8000_00,
                                                     "closes_on": "2020-01-01"}, content_type="application/json")
    assert bad_date.status_code == 422 and bad_date.json()["code"] == "closes_in_past"


def test_api_placement_status_for_the_branch_only(client, tree):
    from gonghui.jobs import services

    seeker = make_seeker()
    placement = services.placement_create(actor=tree.staff_a, seeker=seeker, employer=tree.grassroots_a.employer,
                                          union=tree.grassroots_a, started_on=TODAY)
    client.force_login(tree.staff_a)
    got = client.get(f"/api/v1/jobs/placements/{placement.pk}").json()
    assert (got["status_3m"], got["due_3m"]) == ("", "2026-06-02")
    client.force_login(tree.staff_b)
    assert client.get(f"/api/v1/jobs/placements/{placement.pk}").status_code == 404
    assert client.get("/api/v1/jobs/placements").json() == []


def test_api_recommendations_and_applications(client, tree):
    posting = make_posting(tree)
    seeker = make_seeker(skills=("保安员证",))
    client.force_login(seeker.user)
    recs = client.get("/api/v1/jobs/me/recommendations").json()
    assert recs[0]["posting"]["id"] == posting.pk and recs[0]["score"] == 95 and recs[0]["reasons"]
    assert client.post(f"/api/v1/jobs/postings/{posting.pk}/apply").status_code == 201
    assert [a["stage"] for a in client.get("/api/v1/jobs/me/applications").json()] == ["new"]
