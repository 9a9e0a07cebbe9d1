"""Job fairs: booths with the employer's open postings, seeker registration with a QR code,
check-in on the fair's days (once), applications made at the fair and how far they went."""

import datetime as dt

import pytest

from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.jobs import selectors, services
from gonghui.jobs.models import JobApplication
from tests.factories import Tree, make_worker_user
from tests.jobs.helpers import NOW, TODAY, make_posting, make_recruiter, make_seeker

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def _fair(tree, **kw):
    values = {"name": "春风行动专场", "kind": "onsite", "starts_on": TODAY, "ends_on": TODAY, "place": "南山文体中心"}
    values.update(kw)
    return services.fair_create(actor=tree.staff_a, union=tree.grassroots_a, **values)


def test_a_fair_needs_sane_dates_and_the_staff_branch(tree):
    with pytest.raises(ValidationFailed):
        _fair(tree, ends_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(NotFound):
        services.fair_create(actor=tree.staff_b, union=tree.grassroots_a, name="x", kind="onsite", starts_on=TODAY,
                             ends_on=TODAY)


def test_a_booth_shows_the_employers_open_postings_and_only_branch_employers_get_one(tree):
    fair = _fair(tree)
    posting = make_posting(tree)
    booth = services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=tree.grassroots_a.employer, number="A01")
    assert list(booth.postings.all()) == [posting]
    with pytest.raises(Conflict):
        services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=tree.grassroots_a.employer)
    with pytest.raises(ValidationFailed):
        services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=tree.grassroots_b.employer)


def test_register_check_in_apply_and_the_fair_counts_it(tree, frozen_clock):
    fair = _fair(tree, starts_on=TODAY + dt.timedelta(days=1), ends_on=TODAY + dt.timedelta(days=2))
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter)
    services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=tree.grassroots_a.employer)
    with pytest.raises(ValidationFailed):  # a profile first
        services.fair_register(user=make_worker_user(), fair=fair)
    seeker = make_seeker()
    registration = services.fair_register(user=seeker.user, fair=fair)
    assert services.fair_register(user=seeker.user, fair=fair).pk == registration.pk
    with pytest.raises(Conflict):  # not yet open
        services.fair_checkin(actor=tree.staff_a, fair=fair, token=registration.token)
    frozen_clock(NOW + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.fair_checkin(actor=tree.staff_a, fair=fair, token="0000000000000000")
    with pytest.raises(NotFound):
        services.fair_checkin(actor=tree.staff_b, fair=fair, token=registration.token)
    first = services.fair_checkin(actor=tree.staff_a, fair=fair, token=registration.token.upper())
    again = services.fair_checkin(actor=tree.staff_a, fair=fair, token=registration.token)
    assert first.checked_in_at == again.checked_in_at is not None
    application = services.application_create(user=seeker.user, posting=posting, fair=fair)
    assert application.fair == fair
    services.application_move(actor=recruiter, application=application, to="interview")
    services.application_move(actor=recruiter, application=application, to="offer")
    assert selectors.fair_summary(fair=fair) == {"booths": 1, "registered": 1, "checked_in": 1, "applications": 1,
                                                 "interviews": 1, "offers": 1, "hired": 0}


def test_an_application_for_a_posting_not_at_the_fair_is_not_counted_there(tree):
    fair = _fair(tree)
    posting = make_posting(tree)  # no booth
    application = services.application_create(user=make_seeker().user, posting=posting, fair=fair)
    assert JobApplication.objects.get(pk=application.pk).fair is None


def test_fair_pages(client, tree):
    fair = _fair(tree)
    make_posting(tree, title="小区保安")
    services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=tree.grassroots_a.employer, number="A01")
    assert "小区保安" in client.get(f"/jobs/fairs/{fair.pk}/").content.decode()
    seeker = make_seeker()
    client.force_login(seeker.user)
    client.post(f"/jobs/fairs/{fair.pk}/register/")
    page = client.get(f"/jobs/fairs/{fair.pk}/").content.decode()
    assert "<svg" in page and "您已报名" in page
    client.force_login(tree.staff_a)
    assert client.get("/console/jobs/fairs/").status_code == 200
    token = selectors.fair_registration_of(user=seeker.user, fair=fair).token
    client.post(f"/console/jobs/fairs/{fair.pk}/checkin/", {"token": token})
    assert selectors.fair_summary(fair=fair)["checked_in"] == 1
