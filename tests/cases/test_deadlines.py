"""Deadlines count working days on the official calendar: 春节 does not, 调休 Saturdays do."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.cases import services
from gonghui.cases.models import Category, CategoryDeadline
from gonghui.cases.services import case_accept
from tests.factories import Tree

from .helpers import app_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(services, "_today", lambda: day)

    return set_day


def test_case_filed_on_the_eve_of_spring_festival_is_due_after_the_holiday(on_day):
    tree = Tree()
    on_day(dt.date(2025, 1, 27))  # Monday before 除夕 (2025-01-28); holiday runs to 02-04
    case = app_case(tree)
    assert case.accept_due == dt.date(2025, 2, 5)
    assert case.due_on == case.accept_due


def test_tiaoxiu_saturday_counts_as_a_working_day(on_day):
    tree = Tree()
    on_day(dt.date(2025, 2, 7))  # Friday; Saturday 2025-02-08 is a 调休 working day
    case = app_case(tree)
    assert case.accept_due == dt.date(2025, 2, 8)


def test_wage_arrears_resolution_due_in_five_working_days(on_day):
    tree = Tree()
    on_day(dt.date(2025, 1, 27))
    case = case_accept(case=app_case(tree), by=tree.staff_a)
    # 01-28…02-04 holiday; 02-05, 06, 07, 08 (调休), 10.
    assert case.resolve_due == dt.date(2025, 2, 10)
    assert case.due_on == case.resolve_due


def test_resolution_deadline_is_configurable_per_category(on_day):
    tree = Tree()
    on_day(dt.date(2025, 3, 3))  # Monday
    consultation = case_accept(case=app_case(tree, category=Category.LEGAL_CONSULTATION), by=tree.staff_a)
    assert consultation.resolve_due == dt.date(2025, 3, 6)
    CategoryDeadline.objects.create(category=Category.LEGAL_CONSULTATION, resolve_workdays=1)
    faster = case_accept(case=app_case(tree, category=Category.LEGAL_CONSULTATION), by=tree.staff_a)
    assert faster.resolve_due == dt.date(2025, 3, 4)


@pytest.mark.django_db
def test_open_deadline_is_computed_by_the_database_and_follows_the_status():
    """`open_due_on` (what the overdue and due-soon queues read) is the deadline while the
    case is open and empty once it is resolved; reopening brings it back."""
    from gonghui.cases import services as case_services
    from gonghui.cases.models import Case

    tree = Tree()
    case = app_case(tree)
    case.refresh_from_db()
    assert case.open_due_on == case.due_on
    case_services.case_accept(case=case, by=tree.staff_a)
    case_services.case_resolve(case=case, by=tree.staff_a, outcome="已协调解决")
    assert Case.objects.get(pk=case.pk).open_due_on is None
    assert not Case.objects.filter(pk=case.pk, open_due_on__isnull=False).exists()
    # The worker is not satisfied and reopens it: the deadline is open again.
    reporter = case.reporter_user
    case_services.case_rate(case=case, by=reporter, rating="dissatisfied", comment="没解决")
    case_services.case_reopen(case=Case.objects.get(pk=case.pk), by=reporter, reason="工资还差一个月")
    reopened = Case.objects.get(pk=case.pk)
    assert reopened.status == "accepted"
    assert reopened.open_due_on is not None and reopened.open_due_on == reopened.due_on
    assert Case.objects.filter(pk=case.pk, open_due_on__isnull=False).exists()


# Monday 2025-03-03 begins three weeks without a holiday: n working days later is plain counting.
@pytest.mark.parametrize(("category", "due"), [
    (Category.WAGE_ARREARS, dt.date(2025, 3, 10)),        # 5 working days
    (Category.LEGAL_CONSULTATION, dt.date(2025, 3, 6)),   # 3
    (Category.LEGAL_AID, dt.date(2025, 3, 10)),           # 5
    (Category.MEDIATION, dt.date(2025, 3, 24)),           # 15
    (Category.STATION, dt.date(2025, 3, 10)),             # 5
    (Category.WORK_INJURY, dt.date(2025, 3, 17)),         # others: 10
    (Category.OTHER, dt.date(2025, 3, 17)),
])
def test_default_resolution_deadline_per_category(category, due):
    from gonghui.cases.routing import resolve_due_for

    assert resolve_due_for(category, dt.date(2025, 3, 3)) == due


def test_acceptance_is_due_the_next_working_day():
    from gonghui.cases.routing import accept_due_for

    assert accept_due_for(dt.date(2025, 3, 3)) == dt.date(2025, 3, 4)
    assert accept_due_for(dt.date(2025, 3, 7)) == dt.date(2025, 3, 10)  # Friday → Monday


def test_configured_deadline_of_one_category_leaves_the_others_alone():
    from gonghui.cases.routing import resolve_workdays_for

    CategoryDeadline.objects.create(category=Category.LEGAL_CONSULTATION, resolve_workdays=1)
    assert resolve_workdays_for(Category.LEGAL_CONSULTATION) == 1
    assert resolve_workdays_for(Category.WAGE_ARREARS) == 5
