"""Editing a posting (re-screened; applicants told of material changes), the recruiter and
fair API, the XLSX exports, who is reminded of a follow-up, and the seeded minimum wages
marked 待核实."""

import datetime as dt
import io

import openpyxl
import pytest

from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.jobs import services
from gonghui.jobs.models import JobApplication, MinimumWage, Placement, Posting
from gonghui.notices.models import Notice
from tests.factories import Tree, make_staff
from tests.jobs.helpers import NOW, TODAY, make_posting, make_recruiter, make_seeker, posting_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def _edit(tree, posting, actor=None, **overrides):
    return services.posting_update(actor=actor or tree.staff_a, posting=posting, **posting_kwargs(**overrides))


# --- edits --------------------------------------------------------------------------------------


def test_a_pay_change_is_told_to_applicants_still_in_the_running(tree):
    posting = make_posting(tree)
    running, declined = make_seeker(), make_seeker(user=None)
    a = services.application_create(user=running.user, posting=posting)
    b = services.application_create(user=declined.user, posting=posting)
    services.application_move(actor=tree.staff_a, application=b, to=JobApplication.Stage.DECLINED)
    Notice.objects.all().delete()
    edited = _edit(tree, posting, pay_min=5500_00, pay_max=7000_00)
    assert edited.status == Posting.Status.PUBLISHED and edited.pay_min == 5500_00
    told = list(Notice.objects.values_list("user_id", "text"))
    assert told == [(running.user_id, "您投递的“保安员”修改了工资，请查看最新内容。")]
    assert a.pk  # the application stands


def test_a_non_material_edit_tells_nobody(tree):
    posting = make_posting(tree)
    services.application_create(user=make_seeker().user, posting=posting)
    Notice.objects.all().delete()
    _edit(tree, posting, openings=5, requirements="持保安员证，责任心强，服从安排")
    assert not Notice.objects.exists()


def test_an_edit_below_the_minimum_wage_or_discriminatory_changes_nothing(tree):
    posting = make_posting(tree)
    with pytest.raises(ValidationFailed, match="最低工资"):
        _edit(tree, posting, pay_min=2000_00, pay_max=2500_00)
    with pytest.raises(ValidationFailed, match="歧视"):
        _edit(tree, posting, requirements="限男性")
    posting.refresh_from_db()
    assert posting.pay_min == 5000_00 and posting.requirements == "持保安员证，责任心强"


def test_an_edit_adding_an_age_ceiling_goes_back_to_review_and_leaves_search(tree):
    posting = make_posting(tree)
    edited = _edit(tree, posting, requirements="年龄18-35岁")
    assert edited.status == Posting.Status.REVIEW and edited.published_at is None and edited.flags


def test_an_edit_can_move_the_place_and_title_and_search_follows(tree):
    from gonghui.jobs import selectors

    posting = make_posting(tree)
    _edit(tree, posting, title="仓库叉车工", trade="warehouse", region="440103")
    assert [p.pk for p in selectors.posting_search(q="ccg", place="440100")] == [posting.pk]
    assert selectors.posting_search(q="保安") == []


def test_closed_postings_and_strangers_cannot_edit(tree):
    posting = make_posting(tree)
    with pytest.raises(NotFound):
        _edit(tree, posting, actor=tree.staff_b)
    services.posting_close(actor=tree.staff_a, posting=posting, filled=True)
    posting.refresh_from_db()
    from gonghui.core.errors import Conflict

    with pytest.raises(Conflict):
        _edit(tree, posting, openings=9)


def test_recruiter_edits_through_the_page(client, tree):
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter)
    client.force_login(recruiter)
    assert client.get(f"/jobs/employer/postings/{posting.pk}/edit/").status_code == 200
    form = {"title": "保安员", "trade": "security", "region": "440305", "pay_min": 5200, "pay_max": 6500,
            "pay_unit": "month", "hours": "做六休一", "contract": "labour", "openings": 3,
            "closes_on": (TODAY + dt.timedelta(days=20)).isoformat(), "skills": "", "requirements": ""}
    response = client.post(f"/jobs/employer/postings/{posting.pk}/edit/", form)
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.pay_min == 5200_00 and posting.hours == "做六休一"
    bad = client.post(f"/jobs/employer/postings/{posting.pk}/edit/", {**form, "pay_min": 1000, "pay_max": 1200})
    assert bad.status_code == 200 and "最低工资" in bad.content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_recruiter_api_lists_edits_and_moves_its_own_applicants_only(client, tree):
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter)
    seeker = make_seeker()
    application = services.application_create(user=seeker.user, posting=posting)
    client.force_login(recruiter)
    assert [p["id"] for p in client.get("/api/v1/jobs/employer/postings").json()] == [posting.pk]
    moved = client.post(f"/api/v1/jobs/employer/applications/{application.pk}/stage",
                        {"stage": "interview"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["stage"] == "interview"
    assert moved.json()["next_stages"] == ["offer", "hired", "declined"]
    bad = client.post(f"/api/v1/jobs/employer/applications/{application.pk}/stage", {"stage": "new"},
                      content_type="application/json")
    assert bad.status_code == 409
    hired = client.post(f"/api/v1/jobs/employer/applications/{application.pk}/stage", {"stage": "hired"},
                        content_type="application/json")
    assert hired.status_code == 200 and Placement.objects.filter(application=application).exists()
    body = {**{k: v for k, v in posting_kwargs().items() if k != "region"}, "region_code": "440305",
            "closes_on": (TODAY + dt.timedelta(days=10)).isoformat(), "pay_min": 5100_00}
    edited = client.put(f"/api/v1/jobs/employer/postings/{posting.pk}", body, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["pay_min"] == 5100_00
    below = client.put(f"/api/v1/jobs/employer/postings/{posting.pk}", {**body, "pay_min": 1000_00, "pay_max": 1200_00},
                       content_type="application/json")
    assert below.status_code == 422 and below.json()["code"] == "below_minimum_wage"
    closed = client.post(f"/api/v1/jobs/employer/postings/{posting.pk}/close", {"filled": True},
                         content_type="application/json")
    assert closed.json()["status"] == "filled"
    # Another employer's posting and applicant: 404.
    from tests.factories import make_grassroots

    other = make_grassroots(parent=tree.county_a)
    theirs = make_posting(tree, union=other, employer=other.employer)
    their_app = services.application_create(user=seeker.user, posting=theirs)
    assert client.get(f"/api/v1/jobs/employer/postings/{theirs.pk}/applications").status_code == 404
    assert client.post(f"/api/v1/jobs/employer/applications/{their_app.pk}/stage", {"stage": "declined"},
                       content_type="application/json").status_code == 404
    assert client.put(f"/api/v1/jobs/employer/postings/{theirs.pk}", body,
                      content_type="application/json").status_code == 404


def test_fair_api_register_check_in_and_summary(client, tree):
    fair = services.fair_create(actor=tree.staff_a, union=tree.city_a, name="春风行动", kind="onsite", starts_on=TODAY,
                                ends_on=TODAY + dt.timedelta(days=1), place="人才市场")
    posting = make_posting(tree)
    services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=tree.grassroots_a.employer, number="A1")
    listed = client.get("/api/v1/jobs/fairs").json()
    assert [f["id"] for f in listed] == [fair.pk]
    detail = client.get(f"/api/v1/jobs/fairs/{fair.pk}").json()
    assert detail["booths"][0]["posting_ids"] == [posting.pk]
    seeker = make_seeker()
    client.force_login(seeker.user)
    reg = client.post(f"/api/v1/jobs/fairs/{fair.pk}/registration")
    assert reg.status_code == 201
    token = reg.json()["token"]
    assert client.post(f"/api/v1/jobs/fairs/{fair.pk}/postings/{posting.pk}/apply").status_code == 201
    client.force_login(tree.staff_b)
    assert client.post(f"/api/v1/jobs/manage/fairs/{fair.pk}/checkins", {"token": token},
                       content_type="application/json").status_code == 404
    client.force_login(tree.staff_a)
    first = client.post(f"/api/v1/jobs/manage/fairs/{fair.pk}/checkins", {"token": token},
                        content_type="application/json")
    again = client.post(f"/api/v1/jobs/manage/fairs/{fair.pk}/checkins", {"token": token},
                        content_type="application/json")
    assert first.json()["checked_in_at"] == again.json()["checked_in_at"] is not None
    bad = client.post(f"/api/v1/jobs/manage/fairs/{fair.pk}/checkins", {"token": "nope"},
                      content_type="application/json")
    assert bad.status_code == 422
    summary = client.get(f"/api/v1/jobs/manage/fairs/{fair.pk}/summary").json()
    assert summary == {"booths": 1, "registered": 1, "checked_in": 1, "applications": 1, "interviews": 0,
                       "offers": 0, "hired": 0}


# --- exports ------------------------------------------------------------------------------------


def _sheet_rows(content: bytes, index: int = 0) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[index].iter_rows(values_only=True))


def test_placements_and_services_exports_count_from_the_records(client, tree):
    seeker = make_seeker()
    posting = make_posting(tree)
    application = services.application_create(user=seeker.user, posting=posting)
    services.application_move(actor=tree.staff_a, application=application, to="hired")
    services.service_record(actor=tree.staff_a, seeker=seeker, kind="consultation", given_on=TODAY)
    services.service_record(actor=tree.staff_a, seeker=seeker, kind="consultation", given_on=TODAY)
    client.force_login(tree.staff_a)
    rows = _sheet_rows(client.get("/console/jobs/placements/export.xlsx").content)
    assert rows[1][1] == "李*" and rows[1][6] == dt.datetime(2026, 3, 2) and rows[1][11] == "求职申请"
    services_rows = _sheet_rows(client.get("/console/jobs/services/export.xlsx",
                                           {"start": "2026-01-01", "end": "2026-03-31"}).content)
    kinds = {r[1]: r[2] for r in services_rows[2:-1]}
    assert kinds == {"就业咨询": 2, "就业安置": 1} and services_rows[-1][2] == 3
    bad = client.get("/console/jobs/services/export.xlsx", {"start": "2026-03-31", "end": "2026-01-01"})
    assert bad.status_code == 302
    client.force_login(tree.staff_b)  # another branch: nothing of A's
    assert len(_sheet_rows(client.get("/console/jobs/placements/export.xlsx").content)) == 1


def test_fair_export_and_another_branch_404(client, tree):
    fair = services.fair_create(actor=tree.staff_a, union=tree.city_a, name="春风行动", kind="onsite", starts_on=TODAY,
                                ends_on=TODAY, place="人才市场")
    client.force_login(tree.staff_a)
    response = client.get(f"/console/jobs/fairs/{fair.pk}/export.xlsx")
    assert response.status_code == 200 and _sheet_rows(response.content)[0] == ("招聘会", "春风行动")
    client.force_login(tree.staff_b)
    assert client.get(f"/console/jobs/fairs/{fair.pk}/export.xlsx").status_code == 404


# --- reminders ----------------------------------------------------------------------------------


def test_reminders_reach_the_staff_of_the_union_serving_the_person_too(tree):
    seeker = make_seeker()  # a non-member: served by the county union of their place
    assert seeker.union == tree.county_a
    grassroots_staff, serving_staff = make_staff(union=tree.grassroots_a), make_staff(union=tree.county_a)
    placement = services.placement_create(actor=tree.staff_a, seeker=seeker, employer=tree.grassroots_a.employer,
                                          union=tree.grassroots_a, started_on=TODAY)
    assert services.placements_remind_due(on=placement.due_3m) == 1
    assert set(Notice.objects.values_list("user_id", flat=True)) == {grassroots_staff.pk, serving_staff.pk}


def test_with_no_staff_on_either_union_the_nearest_union_above_is_reminded(tree):
    seeker = make_seeker()
    placement = services.placement_create(actor=tree.staff_a, seeker=seeker, employer=tree.grassroots_a.employer,
                                          union=tree.grassroots_a, started_on=TODAY)
    services.placements_remind_due(on=placement.due_3m)
    assert list(Notice.objects.values_list("user_id", flat=True)) == [tree.staff_a.pk]  # city_a's admin


# --- minimum wages ------------------------------------------------------------------------------


def test_the_seeded_minimum_wages_say_they_need_checking(client, tree):
    seeded = MinimumWage.objects.filter(region_code__in=["310000", "110000", "440100", "440300"])
    assert seeded.count() == 4 and all(row.needs_check and row.source.startswith("待核实") for row in seeded)
    services.minimum_wage_set(actor=make_staff(union=tree.province), region_code="440300",
                              effective_from=dt.date(2025, 3, 1), monthly=2520_00, source="粤府函〔2025〕某号（示例）")
    assert not MinimumWage.objects.get(region_code="440300").needs_check
    client.force_login(tree.staff_a)
    page = client.get("/console/jobs/minimum-wages/").content.decode()
    assert "minimum-wage-unverified" in page and page.count("待核实") >= 4
