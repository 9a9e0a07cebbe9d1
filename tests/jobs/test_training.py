"""Training to order (订单式培训): an employer's demand → a class → enrolment within the seats →
completion (with the skills module's certificate when the class names a course; one 技能培训
人次) → placement with that employer (one 就业安置 人次, follow-ups at 3 and 6 months). And the
skills module's certificates as verified skills: they count in the recommendation score and
recruiters see them."""

import datetime as dt

import pytest

from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.jobs import selectors, services
from gonghui.jobs.models import (
    EmploymentService,
    JobApplication,
    Placement,
    TrainingEnrolment,
    TrainingOrder,
)
from gonghui.notices.models import Notice
from tests.factories import Tree, make_grassroots, make_staff, make_worker_user
from tests.jobs.helpers import NOW, TODAY, make_posting, make_recruiter, make_seeker
from tests.skills.helpers import certificate_for, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def make_order(tree, **overrides) -> TrainingOrder:
    values = {"union": tree.county_a, "employer": tree.grassroots_a.employer, "name": "保安员订单班", "trade": "security",
              "demand": 50, "seats": 2, "starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=14),
              "teacher": "王教官", "place": "区职工学校"}
    values.update(overrides)
    return services.training_order_create(actor=tree.staff_a, **values)


def test_demand_to_class_to_completion_to_placement_with_that_employer(tree):
    order = make_order(tree)
    seeker = make_seeker()
    enrolment = services.training_enrol(actor=tree.staff_a, order=order, seeker=seeker)
    assert services.training_enrol(actor=tree.staff_a, order=order, seeker=seeker).pk == enrolment.pk  # once
    done = services.training_complete(actor=tree.staff_a, enrolment=enrolment)
    assert done.status == TrainingEnrolment.Status.COMPLETED and done.completed_on == TODAY
    placed = services.training_place(actor=tree.staff_a, enrolment=done)
    placement = Placement.objects.get(pk=placed.placement_id)
    assert placement.employer == order.employer and placement.union == order.union
    assert placement.due_3m == dt.date(2026, 6, 2) and placement.due_6m == dt.date(2026, 9, 2)
    kinds = sorted(EmploymentService.objects.filter(seeker=seeker).values_list("kind", flat=True))
    assert kinds == ["placement", "training"]  # counted from the records: one 人次 each
    assert Notice.objects.filter(user=seeker.user, text__contains="保安员订单班").exists()
    assert selectors.training_summary(order=order) == {"seats": 2, "demand": 50, "enrolled": 1, "completed": 1,
                                                      "placed": 1, "dropped": 0}
    # No step twice, none out of order.
    with pytest.raises(Conflict):
        services.training_place(actor=tree.staff_a, enrolment=placed)
    with pytest.raises(Conflict):
        services.training_complete(actor=tree.staff_a, enrolment=placed)


def test_seats_are_a_limit_and_a_dropout_frees_one(tree):
    order = make_order(tree, seats=1)
    first = services.training_enrol(actor=tree.staff_a, order=order, seeker=make_seeker())
    second = make_seeker(user=make_worker_user(name="张三"))
    with pytest.raises(Conflict, match="名额已满"):
        services.training_enrol(actor=tree.staff_a, order=order, seeker=second)
    services.training_drop(actor=tree.staff_a, enrolment=first)
    assert services.training_enrol(actor=second.user, order=order, seeker=second).status == "enrolled"  # self-enrol


def test_placing_needs_completion_and_completion_needs_the_course_certificate(tree):
    course = make_course(union=tree.city_a, title="保安员（初级）")
    order = make_order(tree, course=course)
    seeker = make_seeker()
    enrolment = services.training_enrol(actor=tree.staff_a, order=order, seeker=seeker)
    with pytest.raises(Conflict, match="结业后"):
        services.training_place(actor=tree.staff_a, enrolment=enrolment)
    with pytest.raises(Conflict, match="结业证书"):
        services.training_complete(actor=tree.staff_a, enrolment=enrolment)
    assert not EmploymentService.objects.exists()  # nothing half-written
    certificate = certificate_for(union=tree.city_a, user=seeker.user, course=course)
    done = services.training_complete(actor=tree.staff_a, enrolment=enrolment)
    assert done.certificate_id == certificate.pk


def test_a_class_placing_into_its_posting_moves_the_application_to_hired(tree):
    posting = make_posting(tree)
    order = make_order(tree, posting=posting)
    seeker = make_seeker()
    application = services.application_create(user=seeker.user, posting=posting)
    enrolment = services.training_enrol(actor=tree.staff_a, order=order, seeker=seeker)
    services.training_complete(actor=tree.staff_a, enrolment=enrolment)
    placed = services.training_place(actor=tree.staff_a, enrolment=enrolment)
    application.refresh_from_db()
    assert application.stage == JobApplication.Stage.HIRED
    assert Placement.objects.get().application_id == application.pk == Placement.objects.get(pk=placed.placement_id).application_id
    assert EmploymentService.objects.filter(kind="placement").count() == 1


def test_bad_classes_are_refused_with_a_reason(tree):
    with pytest.raises(ValidationFailed, match="结业日期不能早于"):
        make_order(tree, ends_on=TODAY - dt.timedelta(days=1), starts_on=TODAY)
    with pytest.raises(ValidationFailed, match="培训名额"):
        make_order(tree, seats=0)
    with pytest.raises(ValidationFailed, match="授课老师"):
        make_order(tree, teacher="  ")
    with pytest.raises(ValidationFailed, match="尚未发布"):
        make_order(tree, course=make_course(union=tree.city_a, publish=False))
    other = make_grassroots(parent=tree.county_a)
    with pytest.raises(ValidationFailed, match="对应岗位"):
        make_order(tree, posting=make_posting(tree, union=other, employer=other.employer))
    with pytest.raises(NotFound):  # another branch's staff
        services.training_order_create(actor=tree.staff_b, union=tree.county_a, employer=tree.grassroots_a.employer,
                                       name="班", trade="security", demand=1, seats=1, starts_on=TODAY, ends_on=TODAY,
                                       teacher="王")
    assert not TrainingOrder.objects.exists()


def test_another_branch_cannot_run_the_class(tree):
    order = make_order(tree)
    enrolment = services.training_enrol(actor=tree.staff_a, order=order, seeker=make_seeker())
    with pytest.raises(NotFound):
        services.training_complete(actor=tree.staff_b, enrolment=enrolment)
    with pytest.raises(NotFound):
        selectors.training_order_get_for_user(user=tree.staff_b, training_order_id=order.pk)


# --- verified certificates ----------------------------------------------------------------------


def test_a_skills_certificate_counts_as_a_verified_skill_in_the_score(tree):
    posting = make_posting(tree, skills=["焊工"], trade="welder", title="电焊工")
    seeker = make_seeker(trades=("welder",))
    before = selectors.score_posting(seeker=seeker, posting=posting)
    assert before.parts["skills"] == 0
    certificate_for(union=tree.city_a, user=seeker.user, course=make_course(union=tree.city_a, title="电焊工技能提升"))
    after = selectors.score_posting(seeker=seeker, posting=posting)
    assert after.parts["skills"] == 20 and after.score == before.score + 20
    assert any("技能云证书" in r and "焊工" in r for r in after.reasons)
    assert [s.posting.pk for s in selectors.recommendations(seeker=seeker)] == [posting.pk]


def test_a_revoked_certificate_no_longer_counts(tree):
    from gonghui.skills import services as skills_services

    seeker = make_seeker(trades=("welder",))
    cert = certificate_for(union=tree.city_a, user=seeker.user)
    assert selectors.verified_certificates(user_ids=[seeker.user_id])[seeker.user_id][0].serial == cert.serial
    skills_services.certificate_revoke(certificate=cert, actor=make_staff(union=tree.city_a), reason="考试作弊")
    assert selectors.verified_certificates(user_ids=[seeker.user_id])[seeker.user_id] == []


def test_recruiters_see_the_applicants_verified_certificates(tree, client):
    posting = make_posting(tree)
    seeker = make_seeker()
    cert = certificate_for(union=tree.city_a, user=seeker.user)
    services.application_create(user=seeker.user, posting=posting)
    recruiter = make_recruiter(tree)
    client.force_login(recruiter)
    page = client.get(f"/jobs/employer/postings/{posting.pk}/").content.decode()
    assert cert.serial in page and "已核验" in page
    api = client.get(f"/api/v1/jobs/employer/postings/{posting.pk}/applications").json()
    assert api[0]["certificates"][0]["serial"] == cert.serial and api[0]["name"] == "李四"
