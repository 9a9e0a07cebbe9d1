"""Chromium journey, 订单式培训: staff turn an employer's demand into a class; a worker (on a
phone) enrols; staff mark her completed and placed with that employer; the placement is counted
and she sees her training. Screenshots at phone width: the worker's class list and the staff
class page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from gonghui.jobs.models import Placement, TrainingEnrolment, TrainingOrder
from tests.browser_support import browser_login
from tests.factories import Tree, make_worker_user
from tests.jobs.helpers import make_seeker

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "jobs-training"


def test_staff_open_a_class_worker_enrols_completes_and_is_placed(
    browser_page: Any, browser_page_factory: Any, live_site: str
) -> None:
    tree = Tree()
    worker = make_worker_user(name="阿依古丽")
    make_seeker(user=worker, trades=("security",))
    SHOTS.mkdir(parents=True, exist_ok=True)

    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(live_site + reverse("console:jobs:trainings"))
    staff.get_by_label("承办工会").select_option(str(tree.county_a.pk))
    staff.get_by_label("用工单位（提出订单的单位）").select_option(str(tree.grassroots_a.employer.pk))
    staff.get_by_label("班级名称").fill("保安员订单班（15天）")
    staff.get_by_label("工种").select_option("security")
    staff.get_by_label("单位需求人数").fill("50")
    staff.get_by_label("培训名额").fill("50")
    today = dt.date.today()
    staff.get_by_label("开班日期").fill(today.isoformat())
    staff.get_by_label("结业日期").fill((today + dt.timedelta(days=15)).isoformat())
    staff.get_by_label("授课老师").fill("王教官")
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    order = TrainingOrder.objects.get()
    assert staff.url.endswith(reverse("console:jobs:training_detail", kwargs={"training_order_id": order.pk}))

    me = browser_page
    browser_login(me, worker, live_site)
    me.goto(live_site + reverse("jobs:trainings"))
    card = me.locator(f"#training-{order.pk}")
    assert "保安员订单班（15天）" in card.inner_text()
    card.get_by_role("button", name="报名参加").click()
    me.wait_for_load_state()
    assert "报名成功" in me.locator(".messages").inner_text()
    me.screenshot(path=str(SHOTS / "worker-trainings.png"), full_page=True)
    assert TrainingEnrolment.objects.get().status == "enrolled"

    staff.reload()
    staff.get_by_role("button", name="结业", exact=True).click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="到单位上岗").click()
    staff.wait_for_load_state()
    assert staff.locator("#training-placed").inner_text() == "1"
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.screenshot(path=str(SHOTS / "staff-class.png"), full_page=True)
    assert Placement.objects.get().employer == tree.grassroots_a.employer

    me.goto(live_site + reverse("jobs:trainings"))
    assert "已上岗" in me.get_by_text("保安员订单班（15天）").first.inner_text() or "已上岗" in me.content()
