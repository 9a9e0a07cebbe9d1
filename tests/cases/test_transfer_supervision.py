"""Transfers with a reason, overdue escalation to the parent union, and 督办."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from gonghui.cases.models import CaseEvent, Status
from gonghui.cases.selectors import case_queue
from gonghui.cases.services import (
    case_accept,
    case_resolve,
    case_transfer,
    cases_escalate_overdue,
    supervision_create,
)
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.core.workdays import is_workday
from gonghui.notices.models import Notice
from tests.factories import Tree, make_staff

from .helpers import app_case

pytestmark = pytest.mark.django_db


def test_transfer_moves_the_case_resets_acceptance_and_keeps_history():
    tree = Tree()
    case = case_accept(case=app_case(tree), by=tree.staff_a)
    case = case_transfer(case=case, to_union=tree.grassroots_b, by=tree.staff_a, reason="单位实际在乙市")
    assert case.union == tree.grassroots_b and case.status == Status.NEW and case.assignee is None
    event = case.events.get(kind=CaseEvent.Kind.TRANSFERRED)
    assert "单位实际在乙市" in event.body and event.data["from_union_id"] == tree.grassroots_a.pk
    # Now branch B handles it; branch A can no longer see it.
    assert case_queue(user=tree.staff_b, queue="new").filter(pk=case.pk).exists()
    assert not case_queue(user=tree.staff_a, queue="all").filter(pk=case.pk).exists()


def test_transfer_needs_a_reason():
    tree = Tree()
    case = app_case(tree)
    with pytest.raises(ValidationFailed):
        case_transfer(case=case, to_union=tree.grassroots_b, by=tree.staff_a, reason="  ")


def test_staff_of_another_branch_cannot_transfer():
    tree = Tree()
    case = app_case(tree)
    with pytest.raises(NotFound):
        case_transfer(case=case, to_union=tree.grassroots_b, by=tree.staff_b, reason="抢走")


def test_overdue_case_escalates_to_parent_union_once():
    tree = Tree()
    county_staff = make_staff(union=tree.county_a)
    case = app_case(tree)
    later = case.due_on + dt.timedelta(days=3)
    assert cases_escalate_overdue(today=later) == 1
    assert cases_escalate_overdue(today=later) == 0
    case.refresh_from_db()
    assert case.escalated_at is not None
    event = case.events.get(kind=CaseEvent.Kind.ESCALATED)
    assert not event.is_public and event.data["parent_union_id"] == tree.county_a.pk
    assert Notice.objects.filter(user=county_staff, object_id=case.pk).exists()
    assert case_queue(user=county_staff, queue="overdue", today=later).filter(pk=case.pk).exists()


def test_escalation_command_escalates_overdue_cases_once(monkeypatch):
    from io import StringIO

    from gonghui.cases import services

    tree = Tree()
    case = app_case(tree)
    monkeypatch.setattr(services, "_today", lambda: case.due_on + dt.timedelta(days=3))
    out = StringIO()
    call_command("cases_escalate", stdout=out)
    assert "escalated=1" in out.getvalue()
    case.refresh_from_db()
    assert case.escalated_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1
    again = StringIO()
    call_command("cases_escalate", stdout=again)
    assert "escalated=0" in again.getvalue()


def test_parent_union_supervises_a_child_case():
    tree = Tree()
    case = app_case(tree)
    handler = make_staff(union=tree.grassroots_a)
    due = case.due_on + dt.timedelta(days=5)
    row = supervision_create(case=case, by=tree.staff_a, note="请加快办理", due_on=due)
    assert row.by_union == tree.city_a
    assert case.events.filter(kind=CaseEvent.Kind.SUPERVISED).exists()
    assert Notice.objects.filter(user=handler, object_id=case.pk).exists()
    assert case_queue(user=handler, queue="supervised").filter(pk=case.pk).exists()
    case = case_resolve(case=case_accept(case=case, by=handler), by=handler, outcome="已办结完毕")
    row.refresh_from_db()
    assert row.completed_at is not None


def test_handling_union_cannot_supervise_itself_and_other_branch_gets_404():
    tree = Tree()
    case = app_case(tree)
    handler = make_staff(union=tree.grassroots_a)
    with pytest.raises(PermissionDenied):
        supervision_create(case=case, by=handler, note="自己督办自己", due_on=case.due_on)
    with pytest.raises(NotFound):
        supervision_create(case=case, by=tree.staff_b, note="跨区督办", due_on=case.due_on)


def test_handler_is_reminded_the_day_before_the_deadline_once():
    from gonghui.cases.services import cases_remind_due

    tree = Tree()
    handler = make_staff(union=tree.grassroots_a)
    case = case_accept(case=app_case(tree), by=handler)
    day_before = case.due_on - dt.timedelta(days=1)
    while not is_workday(day_before):
        day_before -= dt.timedelta(days=1)
    assert cases_remind_due(today=day_before) == 1
    assert cases_remind_due(today=day_before) == 0
    assert Notice.objects.filter(user=handler, object_id=case.pk, text__contains="到期").count() == 1


def test_celery_task_runs_reminders_and_escalation():
    from gonghui.cases.tasks import cases_escalate_overdue_task

    tree = Tree()
    app_case(tree)
    assert cases_escalate_overdue_task.apply().get() == 0
