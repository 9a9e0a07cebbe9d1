"""合理化建议 as rules: answer deadlines on the holiday calendar (worked out by hand), the
steps from submission to reward that the proposer sees, who may answer, co-signing, and the
reminders and escalation run by the beat."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.accounts.models import RoleGrant
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.notices.models import Notice
from gonghui.skills import selectors, services
from gonghui.skills.models import Proposal
from tests.factories import Tree, make_grassroots, make_member, make_staff, make_worker_user

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def submit(tree: Tree, *, day: str = "2026-09-01", major: bool = False, user=None) -> Proposal:
    user = user or make_member(union=tree.grassroots_a, name="赵建议").person.user
    return services.proposal_submit(user=user, title="焊枪加装防护罩", problem="飞溅烫伤", suggestion="加装防护罩",
                                    expected_benefit="减少工伤", major=major, today=D(day))


@pytest.mark.parametrize(("start", "months", "due", "why"), [
    ("2026-09-01", 1, "2026-10-08", "10-01 is 国庆; 10-01…10-07 are rest days"),
    ("2026-04-01", 1, "2026-05-06", "05-01 is 劳动节; 05-01…05-05 are rest days"),
    ("2026-01-31", 1, "2026-02-28", "no 31 Feb: the month's last day; a Saturday, but a 调休 working day"),
    ("2026-01-31", 3, "2026-04-30", "no 31 Apr: 30 Apr, a Thursday"),
    ("2026-03-10", 1, "2026-04-10", "a Friday: unchanged"),
    ("2026-03-11", 1, "2026-04-13", "11 Apr is a Saturday: the next Monday"),
])
def test_answer_deadline_worked_by_hand(start, months, due, why):
    deadline = services.proposal_deadline(D(start), months)
    assert deadline.on == D(due), why
    assert not deadline.provisional


def test_a_deadline_in_an_unknown_year_is_provisional():
    deadline = services.proposal_deadline(D("2026-12-31"), 1)  # 2027-01-31, a Sunday; 2027 not in the calendar
    assert deadline == (D("2027-02-01"), True)


def test_ordinary_and_major_deadlines_and_a_parents_policy_applies_below():
    tree = Tree()
    assert (submit(tree).due_on, submit(tree, major=True).due_on) == (D("2026-10-08"), D("2026-12-01"))
    services.policy_set(actor=tree.staff_a, union=tree.city_a, ordinary_months=2, major_months=6)
    inherited = submit(tree, day="2026-03-02")  # grassroots A is below city A: 2 months → 05-02, a rest day
    assert inherited.due_on == D("2026-05-06")
    with pytest.raises(ValidationFailed):
        services.policy_set(actor=tree.staff_a, union=tree.city_a, ordinary_months=3, major_months=2)


def test_only_members_submit_and_every_field_is_required():
    tree = Tree()
    with pytest.raises(PermissionDenied):
        submit(tree, user=make_worker_user())
    member = make_member(union=tree.grassroots_a).person.user
    with pytest.raises(ValidationFailed) as exc:
        services.proposal_submit(user=member, title="标题", problem=" ", suggestion="建议", expected_benefit="效益")
    assert exc.value.field == "problem"
    assert Proposal.objects.count() == 0


def test_from_submission_to_reward_the_proposer_sees_every_step():
    tree = Tree()
    proposal = submit(tree)
    assert proposal.union == tree.grassroots_a and proposal.number.startswith("JY202609")
    reviewer = make_staff(union=tree.grassroots_a)
    services.proposal_route(proposal=proposal, actor=tree.staff_a, reviewer=reviewer)
    assert Notice.objects.filter(user=reviewer).count() == 1
    services.proposal_decide(proposal=proposal, actor=reviewer, adopt=True, reason="安全收益明显，采纳")
    with pytest.raises(Conflict):  # the benefit comes after implementation
        services.proposal_benefit_record(proposal=proposal, actor=reviewer, benefit_fen=1, verified_by="财务科")
    services.proposal_implement(proposal=proposal, actor=reviewer, note="全车间 20 把焊枪已加装")
    with pytest.raises(Conflict):  # no reward before the benefit is verified
        services.proposal_reward(proposal=proposal, actor=reviewer, reward_fen=500_00)
    services.proposal_benefit_record(proposal=proposal, actor=reviewer, benefit_fen=12_345_67, verified_by="财务科 钱会计")
    with pytest.raises(Conflict):
        services.proposal_benefit_record(proposal=proposal, actor=reviewer, benefit_fen=1, verified_by="又一次")
    services.proposal_reward(proposal=proposal, actor=reviewer, reward_fen=500_00, note="三等奖")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REWARDED
    assert (proposal.benefit_fen, proposal.benefit_verified_by, proposal.benefit_recorded_by) == (1234567, "财务科 钱会计", reviewer)
    steps = [e.body for e in selectors.proposal_events_public(proposal=proposal)]
    assert steps == [
        f"已提交，{tree.grassroots_a.name} 将于 2026-10-08 前答复。",
        "已交评审，答复期限 2026-10-08。",
        "采纳：安全收益明显，采纳",
        "已实施：全车间 20 把焊枪已加装",
        "经济效益 12,345.67 元，核定人 财务科 钱会计。",
        "奖励 500.00 元。三等奖",
    ]
    assert not any(str(reviewer) in s for s in steps)  # the reviewer's name is internal
    assert Notice.objects.filter(user=proposal.proposer).count() == 5  # routed, adopted, implemented, … rewarded


def test_not_adopted_is_final_and_needs_reasons():
    tree = Tree()
    proposal = submit(tree)
    reviewer = make_staff(union=tree.grassroots_a)
    with pytest.raises(Conflict):  # not routed yet
        services.proposal_decide(proposal=proposal, actor=reviewer, adopt=False, reason="x")
    services.proposal_route(proposal=proposal, actor=tree.staff_a, reviewer=reviewer)
    with pytest.raises(ValidationFailed):
        services.proposal_decide(proposal=proposal, actor=reviewer, adopt=False, reason="  ")
    services.proposal_decide(proposal=proposal, actor=reviewer, adopt=False, reason="已有同类方案在实施")
    with pytest.raises(Conflict):
        services.proposal_implement(proposal=proposal, actor=reviewer, note="x")


def test_only_the_reviewer_or_an_approver_answers_and_reviewers_must_see_the_proposal():
    tree = Tree()
    proposal = submit(tree)
    with pytest.raises(ValidationFailed):  # branch B's staff cannot review branch A's proposal
        services.proposal_route(proposal=proposal, actor=tree.staff_a, reviewer=tree.staff_b)
    reviewer = make_staff(union=tree.grassroots_a)
    services.proposal_route(proposal=proposal, actor=tree.staff_a, reviewer=reviewer)
    operator = make_staff(union=tree.grassroots_a, role=RoleGrant.Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, actor=operator, adopt=True, reason="好")
    services.proposal_decide(proposal=proposal, actor=tree.staff_a, adopt=True, reason="城市工会直接采纳")


def test_cosigning_by_colleagues_once_and_only_while_open():
    tree = Tree()
    proposal = submit(tree)
    colleague = make_member(union=tree.grassroots_a, name="钱同事").person.user
    services.proposal_cosign(proposal=proposal, user=colleague)
    with pytest.raises(Conflict):
        services.proposal_cosign(proposal=proposal, user=colleague)
    with pytest.raises(Conflict):
        services.proposal_cosign(proposal=proposal, user=proposal.proposer)
    elsewhere = make_member(union=make_grassroots(parent=tree.city_b, region="440103")).person.user
    with pytest.raises(NotFound):
        services.proposal_cosign(proposal=proposal, user=elsewhere)
    with pytest.raises(NotFound):
        services.proposal_cosign(proposal=proposal, user=make_worker_user())
    assert [c.name for c in proposal.cosigns.all()] == ["钱同事"]
    assert list(selectors.proposals_of_colleagues(user=colleague)) == [proposal]
    reviewer = make_staff(union=tree.grassroots_a)
    services.proposal_route(proposal=proposal, actor=tree.staff_a, reviewer=reviewer)
    services.proposal_decide(proposal=proposal, actor=reviewer, adopt=True, reason="采纳")
    late = make_member(union=tree.grassroots_a).person.user
    with pytest.raises(Conflict):
        services.proposal_cosign(proposal=proposal, user=late)


def test_reminder_once_within_the_working_days_before_the_deadline():
    tree = Tree()
    proposal = submit(tree)  # due 2026-10-08
    reviewer = make_staff(union=tree.grassroots_a)
    services.proposal_route(proposal=proposal, actor=tree.staff_a, reviewer=reviewer)
    before = Notice.objects.filter(user=reviewer).count()
    assert services.proposals_remind_due(today=D("2026-09-21")) == 0  # 3 working days on: 09-24
    assert services.proposals_remind_due(today=D("2026-09-30")) == 1  # 3 working days on: 10-10 ≥ 10-08
    assert services.proposals_remind_due(today=D("2026-10-08")) == 0  # once
    assert Notice.objects.filter(user=reviewer).count() == before + 1


def test_overdue_proposals_are_reported_to_the_parent_union_once():
    tree = Tree()
    proposal = submit(tree)  # due 2026-10-08, at grassroots A under county A
    county_staff = make_staff(union=tree.county_a)
    assert services.proposals_escalate_overdue(today=D("2026-10-08")) == 0  # due today: not late
    assert services.proposals_escalate_overdue(today=D("2026-10-09")) == 1
    assert services.proposals_escalate_overdue(today=D("2026-10-10")) == 0
    proposal.refresh_from_db()
    assert proposal.escalated_at is not None
    assert Notice.objects.filter(user=county_staff, text__contains=proposal.number).count() == 1
    answered = submit(tree)
    reviewer = make_staff(union=tree.grassroots_a)
    services.proposal_route(proposal=answered, actor=tree.staff_a, reviewer=reviewer)
    services.proposal_decide(proposal=answered, actor=reviewer, adopt=False, reason="不采纳")
    assert services.proposals_escalate_overdue(today=D("2026-12-01")) == 0  # answered ones never


def test_staff_queue_lists_open_proposals_by_deadline_within_the_branch():
    tree = Tree()
    major = submit(tree, major=True)
    ordinary = submit(tree)
    assert list(selectors.proposal_queue_for_user(user=tree.staff_a)) == [ordinary, major]
    assert list(selectors.proposal_queue_for_user(user=tree.staff_b)) == []
