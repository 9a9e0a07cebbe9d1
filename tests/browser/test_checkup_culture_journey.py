"""Chromium journeys, phone width: a worker books a 体检 slot and sees the booking (then the
check point's staff record attendance and the drive counts one 人次); a worker opens today's
showcase work from the home page and likes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from gonghui.campaigns import culture
from gonghui.campaigns.models import Appointment, CultureWork
from tests.browser_support import browser_login
from tests.campaigns.helpers import at
from tests.campaigns.test_appointments import DAY, make_checkup
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_worker_books_a_checkup_slot_and_staff_record_attendance(browser_page_factory: Any, live_site: str,
                                                                 frozen_clock: Any) -> None:
    frozen_clock(at(DAY, 7))
    tree = Tree()
    activity, _slots = make_checkup(tree)
    worker_user = make_worker_user(name="张师傅")
    worker = browser_page_factory()
    browser_login(worker, worker_user, live_site)
    worker.goto(live_site + reverse("campaigns:activity", kwargs={"activity_id": activity.pk}))
    assert "余 2 个名额" in worker.locator("[data-testid=slots]").inner_text()
    worker.get_by_role("button", name="预约").nth(1).click()  # 09:00
    worker.wait_for_load_state()
    booked = worker.locator("[data-testid=appointment]").inner_text()
    assert "已预约" in booked and "09:00" in booked
    SHOTS.mkdir(parents=True, exist_ok=True)
    worker.screenshot(path=str(SHOTS / "checkup-booked.png"), full_page=True)

    frozen_clock(at(DAY, 9, 5))
    staff = browser_page_factory()
    browser_login(staff, tree.staff_a, live_site)
    appointment = Appointment.objects.get(user=worker_user)
    staff.goto(live_site + reverse("console:campaigns:slot", kwargs={"slot_id": appointment.slot_id}))
    staff.get_by_role("button", name="登记到检").click()
    staff.wait_for_load_state()
    assert "已到检" in staff.locator("[data-testid=appointment]").inner_text()
    staff.goto(live_site + reverse("console:campaigns:activity", kwargs={"activity_id": activity.pk}))
    assert staff.locator("[data-testid=served]").inner_text() == "1"


def test_worker_opens_todays_showcase_and_likes_it(browser_page_factory: Any, live_site: str, frozen_clock: Any) -> None:
    frozen_clock(at(DAY, 9))
    tree = Tree()
    work = culture.work_submit(user=tree.staff_a, union=tree.city_a, title="劳动者之歌", kind="song",
                               author="市职工艺术团", link="https://video.example.cn/1")
    work = culture.work_review(actor=tree.staff_a, work=work, approve=True)
    culture.showcase_set(actor=tree.staff_a, union=tree.city_a, day=DAY, works=[work])
    page = browser_page_factory()
    browser_login(page, make_worker_user(), live_site)
    page.goto(live_site + reverse("web:home"))
    page.locator("#home-showcase").get_by_text("劳动者之歌").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="点赞").click()
    page.wait_for_load_state()
    assert "你已点赞" in page.content()
    page.goto(live_site + reverse("campaigns:culture"))
    page.screenshot(path=str(SHOTS / "culture.png"), full_page=True)
    assert CultureWork.objects.get().likes == 1
