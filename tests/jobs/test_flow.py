"""Apply in one tap, recruiters see only their own employer's applicants and move them through
stages (the seeker is told), a hire records a placement and its service, follow-ups at 3 and 6
months with reminders, services counted one 人次 each, reveals audited."""

import datetime as dt

import pytest

from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.jobs import selectors, services
from gonghui.jobs.models import EmploymentService, JobApplication, Placement, Seeker
from gonghui.notices.models import Notice
from gonghui.orgs.models import Union
from tests.factories import Tree, make_grassroots, make_member, make_staff
from tests.jobs.helpers import NOW, TODAY, make_posting, make_recruiter, make_seeker

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def test_applying_twice_is_one_application_and_needs_a_profile(tree):
    from tests.factories import make_worker_user

    posting = make_posting(tree)
    with pytest.raises(ValidationFailed):
        services.application_create(user=make_worker_user(), posting=posting)
    seeker = make_seeker()
    first = services.application_create(user=seeker.user, posting=posting)
    again = services.application_create(user=seeker.user, posting=posting)
    assert first.pk == again.pk and JobApplication.objects.count() == 1


def test_a_closed_posting_takes_no_applications(tree):
    posting = make_posting(tree)
    services.posting_close(actor=tree.staff_a, posting=posting, filled=True)
    posting.refresh_from_db()
    with pytest.raises(Conflict):
        services.application_create(user=make_seeker().user, posting=posting)


def test_recruiters_never_see_another_employers_applicants(tree):
    other = make_grassroots(parent=tree.county_a)
    mine, theirs = make_posting(tree), make_posting(tree, union=other, employer=other.employer)
    seeker = make_seeker()
    a_mine = services.application_create(user=seeker.user, posting=mine)
    a_theirs = services.application_create(user=seeker.user, posting=theirs)
    recruiter = make_recruiter(tree)
    assert [a.pk for a in selectors.recruiter_applications(user=recruiter, posting=mine)] == [a_mine.pk]
    # Handing another employer's posting to the selector still shows nothing of it.
    assert list(selectors.recruiter_applications(user=recruiter, posting=theirs)) == []
    with pytest.raises(NotFound):
        selectors.recruiter_posting_get(user=recruiter, posting_id=theirs.pk)
    with pytest.raises(NotFound):
        selectors.recruiter_application_get(user=recruiter, job_application_id=a_theirs.pk)
    with pytest.raises(NotFound):
        services.application_move(actor=recruiter, application=a_theirs, to="interview")
    assert JobApplication.objects.get(pk=a_theirs.pk).stage == "new"


def test_a_revoked_recruiter_sees_nothing(tree):
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter)
    services.employer_account_revoke(actor=tree.staff_a, account=recruiter.employer_accounts.get())
    with pytest.raises(NotFound):
        selectors.recruiter_posting_get(user=recruiter, posting_id=posting.pk)


def test_stages_follow_their_edges_and_the_seeker_is_told(tree):
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter)
    seeker = make_seeker()
    application = services.application_create(user=seeker.user, posting=posting)
    assert Notice.objects.filter(user=recruiter, module="jobs").count() == 1
    services.application_move(actor=recruiter, application=application, to="interview", note="周三上午面试")
    with pytest.raises(Conflict):
        services.application_move(actor=recruiter, application=application, to="new")
    mine = selectors.applications_of(user=seeker.user).get()
    assert (mine.stage, mine.note) == ("interview", "周三上午面试")
    assert Notice.objects.filter(user=seeker.user, module="jobs", text__contains="邀请面试").exists()


def test_a_hire_records_the_placement_and_its_service_once(tree):
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter)
    seeker = make_seeker()
    application = services.application_create(user=seeker.user, posting=posting)
    services.application_move(actor=recruiter, application=application, to="hired")
    placement = Placement.objects.get()
    assert (placement.seeker, placement.employer, placement.union) == (seeker, posting.employer, posting.union)
    assert (placement.started_on, placement.due_3m, placement.due_6m) == (TODAY, dt.date(2026, 6, 2), dt.date(2026, 9, 2))
    assert list(EmploymentService.objects.values_list("kind", flat=True)) == ["placement"]
    with pytest.raises(Conflict):
        services.application_move(actor=recruiter, application=application, to="declined")


def test_follow_up_dates_keep_to_the_end_of_short_months(tree):
    seeker = make_seeker()
    p = services.placement_create(actor=tree.staff_a, seeker=seeker, employer=tree.grassroots_a.employer,
                                  union=tree.grassroots_a, started_on=dt.date(2025, 11, 30))
    assert (p.due_3m, p.due_6m) == (dt.date(2026, 2, 28), dt.date(2026, 5, 30))


def test_follow_up_counts_once_and_not_too_early(tree, frozen_clock):
    seeker = make_seeker()
    placement = services.placement_create(actor=tree.staff_a, seeker=seeker, employer=tree.grassroots_a.employer,
                                          union=tree.grassroots_a, started_on=TODAY)
    with pytest.raises(Conflict):
        services.placement_follow_up(actor=tree.staff_a, placement=placement, which="3m", status="employed")
    on = placement.due_3m
    services.placement_follow_up(actor=tree.staff_a, placement=placement, which="3m", status="employed", on=on)
    with pytest.raises(Conflict):
        services.placement_follow_up(actor=tree.staff_a, placement=placement, which="3m", status="left", on=on)
    with pytest.raises(NotFound):
        services.placement_follow_up(actor=tree.staff_b, placement=placement, which="6m", status="left",
                                     on=placement.due_6m)
    placement.refresh_from_db()
    assert placement.status_3m == "employed" and placement.status_6m == ""
    assert sorted(EmploymentService.objects.values_list("kind", flat=True)) == ["follow_up", "placement"]


def test_reminders_go_to_the_unions_staff_once_when_due(tree):
    seeker = make_seeker()
    union_staff = make_staff(union=tree.grassroots_a)
    placement = services.placement_create(actor=tree.staff_a, seeker=seeker, employer=tree.grassroots_a.employer,
                                          union=tree.grassroots_a, started_on=TODAY)
    assert services.placements_remind_due(on=placement.due_3m - dt.timedelta(days=1)) == 0
    assert services.placements_remind_due(on=placement.due_3m) == 1
    assert services.placements_remind_due(on=placement.due_3m) == 0
    notice = Notice.objects.get(user=union_staff)
    assert "3 个月" in notice.text and notice.link.endswith(f"/placements/{placement.pk}/")
    assert services.placements_remind_due(on=placement.due_6m) == 1


def test_services_are_recorded_one_person_time_each(tree):
    seeker = make_seeker()
    assert seeker.union.kind != Union.Kind.GRASSROOTS  # a non-member: served by the union of their place
    staff = make_staff(union=seeker.union)
    for kind in ("consultation", "referral", "training"):
        services.service_record(actor=staff, seeker=seeker, kind=kind, given_on=TODAY)
    with pytest.raises(ValidationFailed):  # placements come from hires, never typed in
        services.service_record(actor=staff, seeker=seeker, kind="placement", given_on=TODAY)
    with pytest.raises(ValidationFailed):
        services.service_record(actor=staff, seeker=seeker, kind="consultation", given_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(NotFound):
        services.service_record(actor=tree.staff_b, seeker=seeker, kind="consultation", given_on=TODAY)
    assert EmploymentService.objects.filter(seeker=seeker).count() == 3


def test_a_member_is_served_by_their_own_union(tree):
    member = make_member(union=tree.grassroots_a)
    seeker = make_seeker(user=member.person.user)
    assert (seeker.union, seeker.is_member) == (tree.grassroots_a, True)


def test_seekers_are_masked_and_a_reveal_needs_the_right_and_a_reason(tree):
    seeker = make_seeker()
    assert seeker.name_masked == "李*" and "****" in seeker.phone_masked
    viewer = make_staff(union=tree.city_a, role="viewer")
    with pytest.raises(PermissionDenied):
        services.seeker_reveal(actor=viewer, seeker=seeker, reason="回访")
    with pytest.raises(ValidationFailed):
        services.seeker_reveal(actor=tree.staff_a, seeker=seeker, reason="")
    shown = services.seeker_reveal(actor=tree.staff_a, seeker=seeker, reason="电话回访")
    assert shown == {"name": "李四", "phone": seeker.user.phone}
    event = AuditEvent.objects.get(action="jobs.seeker_reveal")
    assert (event.actor, event.reason, event.target_id) == (tree.staff_a, "电话回访", str(seeker.pk))


def test_staff_see_the_seekers_of_their_branch_only(tree):
    seeker = make_seeker()
    assert list(selectors.seeker_list_for_user(user=tree.staff_a)) == [seeker]
    assert list(selectors.seeker_list_for_user(user=tree.staff_b)) == []
    assert Seeker.objects.get().phone == seeker.user.phone


def test_profile_bad_input(tree):
    from tests.factories import make_worker_user

    user = make_worker_user()
    with pytest.raises(ValidationFailed):
        make_seeker(user=user, trades=())
    with pytest.raises(ValidationFailed):
        make_seeker(user=user, trades=("astronaut",))
    with pytest.raises(ValidationFailed):
        make_seeker(user=user, places=("999999",))
    with pytest.raises(ValidationFailed):
        make_seeker(user=user, pay_wanted=-1)
    assert not Seeker.objects.exists()
