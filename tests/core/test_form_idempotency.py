"""Browser forms that create things carry a one-time key (rendered in a hidden field): the
same form posted twice — a double-click, a browser's resend, a retry after a lost answer —
creates one object and sends the second POST to the first result."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gonghui.cases.models import Case, CaseEvent
from gonghui.core.idempotency import FORM_FIELD
from gonghui.core.models import IdempotencyKey
from gonghui.members.models import ImportJob, Membership
from gonghui.stations import selectors as station_selectors
from gonghui.stations.models import Station
from tests.cases.helpers import app_case
from tests.cases.test_pages import report_data
from tests.factories import Tree, make_worker_user
from tests.roster.helpers import csv_bytes, row, upload
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db

KEY_INPUT = re.compile(rf'<input type="hidden" name="{FORM_FIELD}" value="([^"]+)">')


def _key(page) -> str:
    keys = KEY_INPUT.findall(page.content.decode())
    assert len(keys) == 1, "the form renders exactly one key"
    return keys[0]


@pytest.fixture
def tree():
    return Tree()


def test_each_render_of_the_intake_form_carries_a_new_key(client, tree):
    client.force_login(make_worker_user())
    first, second = _key(client.get(reverse("cases:report"))), _key(client.get(reverse("cases:report")))
    assert first != second and len(first) >= 20


def test_the_same_intake_form_posted_twice_creates_one_case(client, tree):
    worker = make_worker_user()
    client.force_login(worker)
    key = _key(client.get(reverse("cases:report")))
    first = client.post(reverse("cases:report"), {**report_data(tree), FORM_FIELD: key})
    second = client.post(reverse("cases:report"), {**report_data(tree), FORM_FIELD: key})
    case = Case.objects.get(reporter_user=worker)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == reverse("cases:detail", args=[case.pk])
    assert second["Idempotent-Replayed"] == "true"
    page = client.get(second["Location"]).content.decode()
    assert "这张表单已经提交过" in page


def test_a_resend_with_an_edited_body_still_shows_the_first_case(client, tree):
    worker = make_worker_user()
    client.force_login(worker)
    key = _key(client.get(reverse("cases:report")))
    first = client.post(reverse("cases:report"), {**report_data(tree), FORM_FIELD: key})
    again = client.post(reverse("cases:report"), {**report_data(tree, place="南山"), FORM_FIELD: key})
    assert again["Location"] == first["Location"]
    assert Case.objects.filter(reporter_user=worker).count() == 1


def test_a_new_render_of_the_form_creates_a_second_case(client, tree):
    worker = make_worker_user()
    client.force_login(worker)
    for _ in range(2):
        key = _key(client.get(reverse("cases:report")))
        client.post(reverse("cases:report"), {**report_data(tree), FORM_FIELD: key})
    assert Case.objects.filter(reporter_user=worker).count() == 2


def test_a_form_with_errors_keeps_no_answer_and_the_corrected_form_goes_through(client, tree):
    worker = make_worker_user()
    client.force_login(worker)
    key = _key(client.get(reverse("cases:report")))
    refused = client.post(reverse("cases:report"), {**report_data(tree, amount=""), FORM_FIELD: key})
    assert refused.status_code == 200 and "拖欠金额" in refused.content.decode()
    assert not IdempotencyKey.objects.exists()
    fixed = client.post(reverse("cases:report"), {**report_data(tree), FORM_FIELD: key})
    assert fixed.status_code == 302
    assert Case.objects.filter(reporter_user=worker).count() == 1


def test_another_session_with_the_same_key_is_not_replayed(client, tree):
    key = "k" * 24
    for worker in (make_worker_user(), make_worker_user()):
        client.force_login(worker)
        client.post(reverse("cases:report"), {**report_data(tree), FORM_FIELD: key})
    assert Case.objects.count() == 2


def test_a_post_without_a_key_still_works(client, tree):
    client.force_login(make_worker_user())
    assert client.post(reverse("cases:report"), report_data(tree)).status_code == 302
    assert Case.objects.count() == 1


def test_a_message_on_a_case_posted_twice_is_added_once(client, tree):
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    client.force_login(worker)
    key = _key(client.get(reverse("cases:detail", args=[case.pk])))
    for _ in range(2):
        client.post(reverse("cases:message", args=[case.pk]), {"body": "补充：还有加班费没发。", FORM_FIELD: key})
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE).count() == 1


def test_station_checkin_posted_twice_answers_the_first_result(client, tree):
    station = make_station(union=tree.grassroots_a)
    url = reverse("stations:checkin", args=[station_selectors.station_checkin_token(station=station)])
    client.force_login(make_worker_user())
    key = _key(client.get(url))
    first = client.post(url, {FORM_FIELD: key})
    second = client.post(url, {FORM_FIELD: key})
    assert second["Location"] == first["Location"] and second["Idempotent-Replayed"] == "true"
    assert Station.objects.get(pk=station.pk).visit_count == 1


def test_roster_upload_and_commit_posted_twice_make_one_job_and_one_import(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.staff_a)
    uscc = tree.grassroots_a.employer.uscc
    key = _key(client.get(reverse("console:members:roster")))
    content = csv_bytes([row(uscc=uscc)])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = client.post(reverse("console:members:roster"), {
                "union": tree.grassroots_a.pk, "file": upload(content), FORM_FIELD: key,
            })
            assert response.status_code == 302
    job = ImportJob.objects.get()
    commit_key = _key(client.get(reverse("console:members:roster_detail", args=[job.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(reverse("console:members:roster_commit", args=[job.pk]), {FORM_FIELD: commit_key})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Membership.objects.filter(source="import").count() == 1
