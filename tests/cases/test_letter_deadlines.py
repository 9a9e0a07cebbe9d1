"""一函两书: a response deadline reaching a year whose holidays nobody has entered is counted
Monday–Friday and marked provisional (as case deadlines are), shown as 暂定 to staff and in
the API, and counted again once the year is entered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from gonghui.cases import legal_services
from gonghui.cases.models import CaseEvent, SupervisionLetter
from tests.factories import Tree

from .helpers import app_case
from .test_deadlines import enter_2027

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Thursday before the (test) 春节 holiday 2027-02-05…02-12.
EVE_OF_SPRING_2027 = dt.datetime(2027, 2, 4, 10, tzinfo=SHANGHAI)


@pytest.fixture
def tree():
    return Tree()


def _issue(tree, **kw) -> SupervisionLetter:
    return legal_services.letter_issue(
        case=app_case(tree), kind="notice", recipient="某公司", subject="欠薪", body="请依法支付。",
        by=tree.staff_a, **kw,
    )


def test_2027_letter_deadline_counts_spring_festival_once_the_year_is_entered(tree, frozen_clock):
    frozen_clock(EVE_OF_SPRING_2027)
    enter_2027()
    letter = _issue(tree, response_workdays=10)
    assert letter.response_due == dt.date(2027, 2, 26)  # 02-15 … 02-26, the holiday not counted
    assert not letter.response_due_provisional
    assert letter.response_workdays == 10


def test_2027_letter_deadline_without_the_table_is_marked_provisional(tree, frozen_clock):
    frozen_clock(EVE_OF_SPRING_2027)
    letter = _issue(tree, response_workdays=10)
    assert letter.response_due == dt.date(2027, 2, 18)  # Monday–Friday guess: 春节 counted as work
    assert letter.response_due_provisional


def test_letter_deadline_in_a_known_year_is_not_provisional(tree, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI))  # Monday, no holiday within two weeks
    letter = _issue(tree, response_workdays=5)
    assert (letter.response_due, letter.response_due_provisional) == (dt.date(2026, 3, 9), False)


def test_provisional_letter_deadline_is_recounted_after_the_year_is_entered(tree, frozen_clock):
    frozen_clock(EVE_OF_SPRING_2027)
    letter = _issue(tree, response_workdays=10)
    answered = _issue(tree, response_workdays=10)
    legal_services.letter_deliver(letter=answered, method="当面送达", by=tree.staff_a)
    legal_services.letter_response_record(letter=answered, response="已整改", by=tree.staff_a)
    call_command("cases_escalate")
    letter.refresh_from_db()
    assert letter.response_due_provisional  # still unknown: stays provisional
    enter_2027()
    call_command("cases_escalate")
    letter.refresh_from_db()
    assert (letter.response_due, letter.response_due_provisional) == (dt.date(2027, 2, 26), False)
    assert CaseEvent.objects.filter(case=letter.case, kind=CaseEvent.Kind.NOTE, body__contains=letter.number).exists()
    answered.refresh_from_db()
    assert answered.response_due_provisional, "a letter already answered has no deadline left to recount"


def test_staff_see_the_provisional_letter_deadline(client, tree, frozen_clock):
    frozen_clock(EVE_OF_SPRING_2027)
    client.force_login(tree.staff_a)
    case = app_case(tree)
    response = client.post(reverse("console:cases:letter_new", args=[case.pk]), {
        "kind": "notice", "recipient": "某公司", "subject": "欠薪", "body": "请依法支付。", "response_days": "10",
    }, follow=True)
    page = response.content.decode()
    assert "回复期限 2027-02-18 为暂定" in page
    letter = SupervisionLetter.objects.get()
    assert "暂定" in client.get(reverse("console:cases:letter", args=[letter.pk])).content.decode()
    assert "暂定" in client.get(reverse("console:cases:letters")).content.decode()
    assert "1 份待回复函件的回复期限为暂定" in client.get(reverse("console:home")).content.decode()
    api = client.get(f"/api/v1/cases/letters/{letter.pk}")
    assert api.status_code == 200 and api.json()["response_due_provisional"] is True
