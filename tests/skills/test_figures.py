"""The skills figures on Beijing days, rolled up the union tree — worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.skills import services
from gonghui.stats.selectors import Period, figure_values
from gonghui.stats.services import snapshot_range
from tests.factories import Tree, make_member, make_worker_user

from .helpers import certificate_for, make_author, make_course

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D1, D2 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
KEYS = ["skills.courses", "skills.enrolments", "skills.hours", "skills.certificates", "skills.proposals",
        "skills.proposals_adopted", "skills.proposals_benefit"]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def test_skills_figures_roll_up_the_tree_by_beijing_day(frozen_clock):
    t = Tree()
    w1, w2 = make_worker_user(), make_worker_user()
    frozen_clock(at(D1, 10))
    grassroots_course = make_course(union=t.grassroots_a, hours=8)
    city_course = make_course(union=t.city_a, author=make_author(union=t.city_a), title="叉车安全驾驶", hours=3)
    make_course(union=t.city_b, author=make_author(union=t.city_b), title="乙市课程", publish=False)  # a draft: no course
    member = make_member(union=t.grassroots_a)
    proposal = services.proposal_submit(user=member.person.user, title="建议", problem="问题", suggestion="建议",
                                        expected_benefit="效益")
    frozen_clock(at(D1, 11))
    certificate_for(union=t.grassroots_a, user=w1, course=grassroots_course)
    # 00:30 Beijing on day 2 is 16:30 UTC of day 1: it counts on day 2.
    frozen_clock(at(D2, 0, 30))
    certificate_for(union=t.grassroots_a, user=w2, course=grassroots_course)
    frozen_clock(at(D2, 9))
    certificate_for(union=t.city_a, user=w1, course=city_course)
    frozen_clock(at(D2, 10))
    services.proposal_route(proposal=proposal, actor=t.staff_a, reviewer=t.staff_a)
    services.proposal_decide(proposal=proposal, actor=t.staff_a, adopt=True, reason="采纳")
    services.proposal_implement(proposal=proposal, actor=t.staff_a, note="已实施")
    services.proposal_benefit_record(proposal=proposal, actor=t.staff_a, benefit_fen=12_345_67, verified_by="财务科")
    frozen_clock(at(D2 + dt.timedelta(days=1), 3))
    snapshot_range(D1, D2)

    def values(union, start, end):
        got = figure_values(union=union, period=Period(start, end), keys=KEYS)
        return [got[k].value for k in KEYS]

    # courses (stock), enrolments, hours, certificates, proposals, adopted, benefit (fen)
    assert values(t.grassroots_a, D1, D1) == [1, 1, 8, 1, 1, 0, 0]
    assert values(t.grassroots_a, D2, D2) == [1, 1, 8, 1, 0, 1, 1234567]
    assert values(t.grassroots_a, D1, D2) == [1, 2, 16, 2, 1, 1, 1234567]
    # The city adds its own course (w1's 3 hours); branch B has only a draft.
    assert values(t.city_a, D1, D2) == [2, 3, 19, 3, 1, 1, 1234567]
    assert values(t.city_b, D1, D2) == [0, 0, 0, 0, 0, 0, 0]
    assert values(t.province, D1, D2) == [2, 3, 19, 3, 1, 1, 1234567]
