"""The jobs figures, rolled up the union tree on Beijing days — worked out by hand. The 就业帮扶
人次 is counted from service records (hire, follow-up, typed services), never typed in."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.jobs import services
from gonghui.stats.selectors import Period, figure_values
from gonghui.stats.services import snapshot_range
from tests.factories import Tree, make_grassroots, make_staff
from tests.jobs.helpers import SHANGHAI, make_posting, make_recruiter, make_seeker

pytestmark = pytest.mark.django_db

D1 = dt.date(2026, 3, 2)
D2 = D1 + dt.timedelta(days=1)
KEYS = ["jobs.postings", "jobs.applications", "jobs.placements", "jobs.services", "jobs.seekers"]


def at(day, hour=10, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def test_jobs_figures_roll_up_the_tree_by_beijing_day(frozen_clock):
    frozen_clock(at(D1))
    t = Tree()
    recruiter = make_recruiter(t)
    p1 = make_posting(t, actor=recruiter)                       # grassroots A, D1
    other = make_grassroots(parent=t.city_b, region="440103")
    make_posting(t, actor=make_staff(union=t.city_b), union=other, employer=other.employer, region="440103")  # branch B
    s1 = make_seeker()
    frozen_clock(at(D1, 23, 30))                                # 23:30 Beijing is still D1
    a1 = services.application_create(user=s1.user, posting=p1)
    frozen_clock(at(D2, 0, 30))                                 # 00:30 Beijing: D2 (16:30 UTC of D1)
    s2 = make_seeker(priority_group="migrant")
    services.application_create(user=s2.user, posting=p1)
    services.application_move(actor=recruiter, application=a1, to="hired")        # placement + service, D2
    staff = make_staff(union=s1.union)
    services.service_record(actor=staff, seeker=s1, kind="consultation", given_on=D1)
    services.service_record(actor=staff, seeker=s2, kind="referral", given_on=D2)
    frozen_clock(at(D2 + dt.timedelta(days=1), 3))
    snapshot_range(D1, D2)

    def values(union, start, end):
        got = figure_values(union=union, period=Period(start, end), keys=KEYS)
        return {k.split(".")[1]: got[k].value for k in KEYS}

    assert values(t.grassroots_a, D1, D1) == {"postings": 1, "applications": 1, "placements": 0, "services": 0,
                                              "seekers": 0}
    assert values(t.grassroots_a, D2, D2) == {"postings": 0, "applications": 1, "placements": 1, "services": 1,
                                              "seekers": 0}
    # Non-member seekers are served by the county union of 南山区 (their place): counted there and above.
    assert values(t.county_a, D1, D2) == {"postings": 1, "applications": 2, "placements": 1, "services": 3,
                                          "seekers": 2}
    assert values(t.city_a, D1, D2)["services"] == 3
    assert values(t.city_b, D1, D2) == {"postings": 1, "applications": 0, "placements": 0, "services": 0, "seekers": 0}
    assert values(t.province, D1, D2)["postings"] == 2
    got = figure_values(union=t.county_a, period=Period(D1, D2), keys=["jobs.services", "jobs.seekers"])
    assert got["jobs.services"].dims == {"placement": 1, "consultation": 1, "referral": 1}
    assert got["jobs.seekers"].dims == {"none": 1, "migrant": 1}


def test_training_to_order_figures_count_completions_and_placements_at_the_class_union(frozen_clock):
    frozen_clock(at(D1))
    t = Tree()
    order = services.training_order_create(actor=t.staff_a, union=t.county_a, employer=t.grassroots_a.employer,
                                           name="保安员订单班", trade="security", demand=5, seats=5, starts_on=D1,
                                           ends_on=D2, teacher="王教官")
    first, second = make_seeker(), make_seeker()
    e1 = services.training_enrol(actor=t.staff_a, order=order, seeker=first)
    e2 = services.training_enrol(actor=t.staff_a, order=order, seeker=second)
    services.training_complete(actor=t.staff_a, enrolment=e1, on=D1)
    frozen_clock(at(D2))
    services.training_complete(actor=t.staff_a, enrolment=e2, on=D2)
    services.training_place(actor=t.staff_a, enrolment=e1, started_on=D2)
    frozen_clock(at(D2 + dt.timedelta(days=1), 3))
    snapshot_range(D1, D2)
    keys = ["jobs.training_completed", "jobs.training_placed", "jobs.services"]
    d1 = figure_values(union=t.county_a, period=Period(D1, D1), keys=keys)
    both = figure_values(union=t.city_a, period=Period(D1, D2), keys=keys)
    assert [d1[k].value for k in keys] == [1, 0, 1]
    assert [both[k].value for k in keys] == [2, 1, 3]
    assert both["jobs.services"].dims == {"training": 2, "placement": 1}
    assert figure_values(union=t.city_b, period=Period(D1, D2), keys=keys)["jobs.training_completed"].value == 0
