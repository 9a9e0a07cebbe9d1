"""The full life of a case through the services: intake → accept → request info → resolve →
rate → reopen → resolve → close, with every step on the timeline and notified."""

from __future__ import annotations

import re

import pytest

from gonghui.cases.models import CaseEvent, Rating, Status
from gonghui.cases.services import (
    case_accept,
    case_assign,
    case_close,
    case_message_add,
    case_note_add,
    case_provide_info,
    case_rate,
    case_reopen,
    case_request_info,
    case_resolve,
    case_transition,
)
from gonghui.core.errors import Conflict, NotFound
from gonghui.core.models import AuditEvent
from gonghui.notices.models import Notice
from tests.factories import Tree, make_staff, make_worker_user

from .helpers import app_case, png

pytestmark = pytest.mark.django_db


def test_case_number_is_unique_and_human_readable():
    tree = Tree()
    first, second = app_case(tree), app_case(tree)
    assert re.fullmatch(r"12351-\d{4}-\d{6}", first.number)
    assert first.number != second.number
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_full_lifecycle_writes_timeline_and_notifies_reporter(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.cases.test_lifecycle.RecordingSms"
    RecordingSms.sent.clear()
    tree = Tree()
    worker = make_worker_user(name="王小明")
    with django_capture_on_commit_callbacks(execute=True):
        case = app_case(tree, user=worker, attachments=[png()])
    assert case.union == tree.grassroots_a
    assert case.status == Status.NEW and case.attachments.count() == 1
    handler = make_staff(union=tree.grassroots_a)

    case = case_accept(case=case, by=handler)
    assert case.status == Status.ACCEPTED and case.assignee == handler and case.resolve_due is not None
    case_note_add(case=case, by=handler, body="已电话联系单位财务。", public=False)
    case = case_request_info(case=case, by=handler, note="请上传考勤记录。")
    case = case_provide_info(case=case, by=worker, note="已上传考勤截图。", attachments=[png("kq.png")])
    assert case.status == Status.ACCEPTED
    case_message_add(case=case, by=worker, body="请问什么时候能发？")
    case = case_resolve(case=case, by=handler, outcome="单位已补发全部工资。", recovered_fen=1_200_000, people_paid=3)
    assert case.status == Status.RESOLVED and case.recovered_fen == 1_200_000
    case_rate(case=case, by=worker, rating=Rating.DISSATISFIED, comment="只发了一部分")
    case = case_reopen(case=case, by=worker, reason="实际只发了两个月。")
    assert case.status == Status.ACCEPTED
    case = case_resolve(case=case, by=handler, outcome="第三个月工资也已补发。", recovered_fen=1_200_000, people_paid=3)
    case_rate(case=case, by=worker, rating=Rating.SATISFIED)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == Rating.SATISFIED  # the rating was the 回访

    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == CaseEvent.Kind.CREATED
    for kind in ("accepted", "note", "info_requested", "info_provided", "message", "resolved", "rated", "reopened", "closed"):
        assert kind in kinds
    assert all(e.actor_label for e in case.events.all())
    assert not case.events.get(kind="note").is_public
    assert Notice.objects.filter(user=worker, object_id=case.pk).count() >= 8
    assert any(case.number in text for _, text in RecordingSms.sent)
    assert AuditEvent.objects.filter(target_id=str(case.pk), action__startswith="case.transition").count() >= 6
    assert case.attachments.count() == 2


class RecordingSms:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def test_transition_refuses_edges_that_are_not_allowed():
    tree = Tree()
    case = app_case(tree)
    with pytest.raises(Conflict):
        case_transition(case=case, to=Status.CLOSED, by=tree.staff_a)
    case = case_resolve(case=case_accept(case=case, by=tree.staff_a), by=tree.staff_a, outcome="已经处理")
    case = case_close(case=case, by=tree.staff_a)
    with pytest.raises(Conflict):
        case_transition(case=case, to=Status.AWAITING_INFO, by=tree.staff_a)
    assert case.events.filter(to_status=Status.AWAITING_INFO).count() == 0


@pytest.mark.parametrize("rating", [Rating.SATISFIED, Rating.BASICALLY])
def test_a_satisfied_rating_closes_the_case_instead_of_leaving_it_awaiting_follow_up(rating):
    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    case = case_resolve(case=case_accept(case=case, by=tree.staff_a), by=tree.staff_a, outcome="已处理完毕")
    case_rate(case=case, by=worker, rating=rating)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    assert case.get_status_display() == "已结案"
    assert case.events.filter(kind=CaseEvent.Kind.CLOSED, to_status=Status.CLOSED).exists()


def test_a_dissatisfied_rating_keeps_the_case_resolved_and_reopenable():
    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    case = case_resolve(case=case_accept(case=case, by=tree.staff_a), by=tree.staff_a, outcome="已处理完毕")
    case_rate(case=case, by=worker, rating=Rating.DISSATISFIED)
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case_reopen(case=case, by=worker, reason="单位并没有补发。").status == Status.ACCEPTED


def test_a_phone_follow_up_rating_recorded_by_staff_also_closes_the_case():
    tree = Tree()
    case = app_case(tree)
    case = case_resolve(case=case_accept(case=case, by=tree.staff_a), by=tree.staff_a, outcome="已处理完毕")
    case_rate(case=case, by=tree.staff_a, rating=Rating.BASICALLY)
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_reopen_needs_a_dissatisfied_rating():
    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    case = case_resolve(case=case_accept(case=case, by=tree.staff_a), by=tree.staff_a, outcome="已处理完毕")
    case_rate(case=case, by=worker, rating=Rating.BASICALLY)
    with pytest.raises(Conflict):
        case_reopen(case=case, by=worker, reason="再看看")
    with pytest.raises(Conflict):
        case_rate(case=case, by=worker, rating=Rating.DISSATISFIED)


def test_another_worker_cannot_rate_or_reopen_someone_elses_case():
    tree = Tree()
    case = app_case(tree)
    case = case_resolve(case=case_accept(case=case, by=tree.staff_a), by=tree.staff_a, outcome="已处理完毕")
    stranger = make_worker_user()
    with pytest.raises(NotFound):
        case_rate(case=case, by=stranger, rating=Rating.SATISFIED)
    with pytest.raises(NotFound):
        case_reopen(case=case, by=stranger, reason="不满意")


def test_assign_only_to_staff_of_the_handling_branch():
    tree = Tree()
    case = app_case(tree)
    colleague = make_staff(union=tree.county_a)
    case = case_assign(case=case, assignee=colleague, by=tree.staff_a)
    assert case.assignee == colleague
    from gonghui.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        case_assign(case=case, assignee=tree.staff_b, by=tree.staff_a)
