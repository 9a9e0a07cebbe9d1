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


# --- years the chinese-calendar package does not know (2027 on) ------------------------

SPRING_2027 = [{"date": f"2027-02-{d:02d}", "kind": "off", "name": "春节"} for d in range(5, 13)]


def enter_2027() -> None:
    from gonghui.core.holidays import holiday_year_replace

    holiday_year_replace(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知（测试数据）", days=SPRING_2027)


def test_2027_deadline_counts_spring_festival_once_the_year_is_entered(on_day):
    tree = Tree()
    enter_2027()
    on_day(dt.date(2027, 2, 4))  # Thursday before the (test) 春节 holiday 02-05…02-12
    case = app_case(tree)
    assert case.accept_due == dt.date(2027, 2, 15)
    assert not case.due_provisional
    accepted = case_accept(case=case, by=tree.staff_a)
    assert not accepted.due_provisional


def test_2027_deadline_without_the_table_is_marked_provisional(on_day):
    tree = Tree()
    on_day(dt.date(2027, 2, 4))
    case = app_case(tree)
    assert case.accept_due == dt.date(2027, 2, 5)  # Monday–Friday guess: 春节 counted as work
    assert case.due_provisional and case.due_from == dt.date(2027, 2, 4)


def test_provisional_deadline_is_recounted_after_the_year_is_entered(on_day):
    from django.core.management import call_command

    from gonghui.cases.models import Case, CaseEvent

    tree = Tree()
    on_day(dt.date(2027, 2, 4))
    guessed = app_case(tree)
    accepted = case_accept(case=app_case(tree), by=tree.staff_a)  # wage arrears: 5 working days
    assert accepted.due_provisional and accepted.resolve_due == dt.date(2027, 2, 11)
    call_command("cases_escalate")
    assert Case.objects.get(pk=guessed.pk).due_provisional  # still unknown: stays provisional
    enter_2027()
    call_command("cases_escalate")
    guessed.refresh_from_db()
    accepted.refresh_from_db()
    assert (guessed.due_on, guessed.accept_due, guessed.due_provisional) == (dt.date(2027, 2, 15), dt.date(2027, 2, 15), False)
    assert (accepted.due_on, accepted.resolve_due, accepted.due_provisional) == (dt.date(2027, 2, 19), dt.date(2027, 2, 19), False)
    assert CaseEvent.objects.filter(case=guessed, kind=CaseEvent.Kind.NOTE, body__contains="重新计算").exists()


def test_staff_overview_warns_that_2027_holidays_are_not_entered(client, monkeypatch, on_day):
    from django.urls import reverse
    from django.utils import timezone

    tree = Tree()
    on_day(dt.date(2026, 12, 28))
    app_case(tree)  # due 2026-12-29: a known year, not provisional
    on_day(dt.date(2026, 12, 31))
    app_case(tree)  # due 2027-01-01 by the Monday–Friday guess
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 1))
    client.force_login(tree.staff_a)
    html = client.get(reverse("console:home")).content.decode()
    assert "2027 年节假日安排尚未录入" in html
    assert "1 件在办诉求的期限为暂定" in html
    enter_2027()
    html = client.get(reverse("console:home")).content.decode()
    assert "年节假日安排尚未录入" not in html
    assert "1 件在办诉求的期限为暂定" in html  # until the daily job recounts it
    client.force_login(tree.staff_b)
    assert "期限为暂定" not in client.get(reverse("console:home")).content.decode()  # another branch's case


def test_overview_has_no_calendar_warning_when_the_coming_months_are_known(client, monkeypatch):
    from django.urls import reverse
    from django.utils import timezone

    tree = Tree()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 6, 1))
    client.force_login(tree.staff_a)
    assert "节假日安排尚未录入" not in client.get(reverse("console:home")).content.decode()
