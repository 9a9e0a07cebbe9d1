"""Chromium journey: an employer's recruiter posts a job; a worker fills in the job-seeker
profile and finds it among the recommendations with the reasons, applies in one tap; the
recruiter hires; the worker sees the stage; the union's staff see the placement counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from gonghui.jobs import services
from gonghui.jobs.models import JobApplication, Placement, Posting
from tests.browser_support import browser_login
from tests.factories import Tree, make_staff, make_worker_user
from tests.jobs.helpers import make_recruiter

pytestmark = pytest.mark.django_db(transaction=True)


def test_employer_posts_worker_applies_employer_hires_staff_counts(
    browser_page: Any, browser_page_factory: Any, live_site: str
) -> None:
    tree = Tree()
    # Transactional tests empty every table, the seeded standards too: the province keeps its own.
    services.minimum_wage_set(actor=make_staff(union=tree.province), region_code="440300",
                              effective_from=dt.date(2025, 3, 1), monthly=2520_00)
    recruiter = make_recruiter(tree)
    worker = make_worker_user(name="张秀英")

    # The recruiter, on a phone, posts a job for the employer the union verified.
    hr = browser_page
    browser_login(hr, recruiter, live_site)
    hr.goto(live_site + reverse("jobs:employer_home"))
    hr.get_by_role("link", name="发布岗位").click()
    hr.get_by_label("岗位名称").fill("仓库叉车工")
    hr.get_by_label("工种").select_option("warehouse")
    hr.get_by_label("区划代码").fill("440305")
    hr.get_by_label("工资下限（元）").fill("6000")
    hr.get_by_label("工资上限（元）").fill("7500")
    hr.get_by_label("技能/证书要求（用逗号分开）").fill("叉车证")
    hr.get_by_label("任职要求").fill("适合应届毕业生，持叉车证")
    hr.get_by_label("招聘人数").fill("2")
    hr.get_by_label("截止日期").fill((dt.date.today() + dt.timedelta(days=20)).isoformat())
    hr.get_by_role("button", name="核对并发布").click()
    hr.wait_for_load_state()
    assert "岗位已发布" in hr.locator(".messages").inner_text()
    posting = Posting.objects.get()
    assert posting.status == Posting.Status.PUBLISHED

    # The worker fills in the profile and finds it among the recommendations, with why.
    me = browser_page_factory()
    browser_login(me, worker, live_site)
    me.goto(live_site + reverse("jobs:profile"))
    me.get_by_label("姓名").fill("张秀英")
    me.locator("#region-code").fill("440305")
    me.get_by_label("仓储/叉车").check()
    me.get_by_label("技能和证书（用逗号分开，如：电工证、叉车证）").fill("叉车证")
    me.get_by_label("期望月薪（元）").fill("6500")
    me.get_by_role("button", name="保存").click()
    me.wait_for_load_state()
    suggestions = me.locator("#suggestions")
    assert suggestions.get_by_text("仓库叉车工").is_visible()
    assert "要求的技能您具备：叉车证" in suggestions.inner_text()
    suggestions.get_by_text("仓库叉车工").click()
    me.get_by_role("button", name="一键投递").click()
    me.wait_for_load_state()
    assert me.url.endswith(reverse("jobs:applications"))
    assert me.get_by_text("已投递", exact=True).is_visible()

    # The recruiter sees the applicant and hires her.
    hr.goto(live_site + reverse("jobs:employer_posting", kwargs={"posting_id": posting.pk}))
    assert hr.get_by_text("张秀英").is_visible()
    hr.get_by_role("button", name="已入职").click()
    hr.wait_for_load_state()
    assert JobApplication.objects.get().stage == JobApplication.Stage.HIRED

    # The worker sees the stage; the staff see the placement counted.
    me.goto(live_site + reverse("jobs:applications"))
    assert me.get_by_text("已入职", exact=True).is_visible()
    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(live_site + reverse("console:jobs:placements"))
    assert staff.locator("#placements-count").inner_text() == "1"
    assert staff.get_by_text("张*").is_visible()
    assert Placement.objects.count() == 1
