"""Inspection plans, checklist templates shared down the tree, completing a campaign's 待定
units, and the searchable pickers (a subtree's employers are never all listed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.bargaining import pickers, safety, selectors, services
from gonghui.bargaining.models import PENDING, InspectionPlan
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.orgs.models import Employer
from tests.bargaining.helpers import at
from tests.factories import Tree, make_grassroots

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(frozen_clock):
    frozen_clock(at(D(2025, 6, 2)))
    tree = Tree()
    staff = Client()
    staff.force_login(tree.staff_a)
    return tree, staff


def test_a_plan_is_reminded_on_its_day_once_and_done_by_the_inspection(world):
    tree, staff = world
    employer = tree.grassroots_a.employer
    plan = safety.plan_create(actor=tree.staff_a, union=tree.grassroots_a, employer=employer, planned_on=D(2025, 6, 5),
                              inspectors="陈师傅", topic="高温防暑")
    with pytest.raises(ValidationFailed):  # not in the past
        safety.plan_create(actor=tree.staff_a, union=tree.grassroots_a, employer=employer, planned_on=D(2025, 6, 1), inspectors="陈")
    with pytest.raises(NotFound):
        safety.plan_create(actor=tree.staff_b, union=tree.grassroots_a, employer=employer, planned_on=D(2025, 6, 5), inspectors="陈")
    assert safety.plans_remind_run(on=D(2025, 6, 4)) == 0
    assert safety.plans_remind_run(on=D(2025, 6, 5)) == 1
    assert safety.plans_remind_run(on=D(2025, 6, 6)) == 0
    page = staff.get(reverse("console:bargaining:inspection_create") + f"?plan={plan.pk}")
    assert page.status_code == 200 and "陈师傅" in page.content.decode()
    r = staff.post(reverse("console:bargaining:inspection_create"), {
        "plan": plan.pk, "union": tree.grassroots_a.pk, "employer": employer.pk, "inspected_on": "2025-06-02", "inspectors": "陈师傅"})
    assert r.status_code == 302, r.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.DONE and plan.inspection is not None
    with pytest.raises(Conflict):
        safety.plan_cancel(actor=tree.staff_a, plan=plan)
    assert staff.get(reverse("console:bargaining:plan", args=[plan.pk])).status_code == 200
    other = Client()
    other.force_login(tree.staff_b)
    assert other.get(reverse("console:bargaining:plan", args=[plan.pk])).status_code == 404


def test_a_provincial_template_is_used_below_but_not_beside(world):
    tree, staff = world
    from gonghui.accounts.models import RoleGrant
    from tests.factories import make_staff

    province_staff = make_staff(union=tree.province, role=RoleGrant.Role.ADMIN)
    template = safety.checklist_create(actor=province_staff, union=tree.province, trade="construction", name="建筑施工通用检查表",
                                       items="安全帽\n临边防护", shared=True)
    private = safety.checklist_create(actor=province_staff, union=tree.province, trade="mining", name="省内部检查表", items="通风")
    mine = safety.checklist_create(actor=tree.staff_a, union=tree.city_a, trade="services", name="甲市商场检查表", items="消防通道")
    usable = set(selectors.checklist_list_for_user(user=tree.staff_a))
    assert usable == {template, mine}
    assert selectors.checklist_is_inherited(user=tree.staff_a, checklist=template)
    assert not selectors.checklist_is_inherited(user=tree.staff_a, checklist=mine)
    # Branch B inherits the province's template too, never A's own list.
    assert set(selectors.checklist_list_for_user(user=tree.staff_b)) == {template}
    assert private not in usable
    inspection = safety.inspection_record(actor=tree.staff_a, union=tree.grassroots_a, employer=tree.grassroots_a.employer,
                                          inspected_on=D(2025, 6, 2), inspectors="陈", checklist=template,
                                          results={"安全帽": "hazard", "临边防护": "ok"})
    assert inspection.results == {"安全帽": "hazard", "临边防护": "ok"}


def test_a_campaign_unit_says_pending_and_staff_complete_it(world):
    tree, staff = world
    campaign = services.offer_campaign_launch(actor=tree.staff_a, union=tree.county_a, name="2025 春季要约", topics="工资集体协商",
                                              body="请于20日内书面回应。", employers=[tree.grassroots_a.employer])
    unit = campaign.offers.get().unit
    assert unit.representatives_pending and unit.union_chief == PENDING
    assert "补全协商代表" in staff.get(reverse("console:bargaining:unit", args=[unit.pk])).content.decode()
    page = staff.get(reverse("console:bargaining:campaign", args=[campaign.pk])).content.decode()
    assert 'data-testid="campaign-pending"' in page
    url = reverse("console:bargaining:unit_edit", args=[unit.pk])
    still = staff.post(url, {"union_chief": PENDING, "employer_chief": "王总", "employer_party": "甲公司", "workers_covered": 100,
                             "members_covered": 50})
    assert still.status_code == 200 and "待定" in still.content.decode()
    ok = staff.post(url, {"union_chief": "李主席", "union_representatives": "张三\n李四", "employer_chief": "王总",
                          "employer_party": "甲公司", "sector_code": "C", "workers_covered": 100, "members_covered": 50})
    assert ok.status_code == 302
    unit.refresh_from_db()
    assert not unit.representatives_pending and unit.sector_code == "C"
    assert 'data-testid="campaign-pending"' not in staff.get(reverse("console:bargaining:campaign", args=[campaign.pk])).content.decode()
    other = Client()
    other.force_login(tree.staff_b)
    assert other.get(url).status_code == 404


def test_pickers_list_a_page_and_search_the_rest_within_the_branch(world):
    tree, staff = world
    for _ in range(pickers.PAGE + 5):
        make_grassroots(parent=tree.county_a, region="440305")
    employers = selectors.employer_choices_for_user(user=tree.staff_a)
    assert employers.count() > pickers.PAGE
    page = staff.get(reverse("console:bargaining:unit_create")).content.decode()
    for name, most in (("union", pickers.PAGE + 1), ("employer", pickers.PAGE + 1), ("employers", pickers.PAGE)):
        select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert select.count("<option") == most  # the blank and a page, not the whole subtree
    last = employers.order_by("-name").first()
    found = staff.get(reverse("console:bargaining:pick", args=["employer"]), {"field": "employer", "pick_q": last.name})
    assert found.status_code == 200 and last.name in found.content.decode()
    # Another branch's employer is never offered, even by its exact name.
    outside = tree.grassroots_b.employer
    none = staff.get(reverse("console:bargaining:pick", args=["employer"]), {"field": "employer", "pick_q": outside.name})
    assert outside.name not in none.content.decode()
    # A chosen employer beyond the first page stays chosen after a failed submit.
    r = staff.post(reverse("console:bargaining:unit_create"), {"union": tree.grassroots_a.pk, "kind": "enterprise", "name": "",
                                                                "employer": last.pk})
    assert r.status_code == 200 and f'value="{last.pk}" selected' in r.content.decode()
    assert staff.get(reverse("console:bargaining:pick", args=["nope"])).status_code == 404
    assert Employer.objects.count() > pickers.PAGE
