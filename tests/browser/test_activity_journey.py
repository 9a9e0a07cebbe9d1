"""Chromium journey of a service activity (爱心餐): the worker takes today's voucher and
shows its QR; the point's staff member points a phone at it — the QR in the screenshot is
decoded as a camera would — which opens the redeem page; 确认核销; the worker's voucher
shows 已使用 and the activity counts one 人次."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from gonghui.campaigns.models import Voucher
from tests.browser_support import browser_login
from tests.campaigns.helpers import at
from tests.campaigns.test_activities import DAY, make_activity
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_shows_the_voucher_qr_and_staff_redeem_it(browser_page_factory: Any, live_site: str, frozen_clock: Any) -> None:
    frozen_clock(at(DAY, 11, 30))
    tree = Tree()
    activity = make_activity(tree)
    worker_user = make_worker_user(name="张师傅")

    worker = browser_page_factory()
    browser_login(worker, worker_user, live_site)
    worker.goto(live_site + reverse("campaigns:activities"))
    worker.get_by_text("冬季爱心餐").first.click()
    worker.get_by_role("button", name="领取今天的服务券").click()
    worker.wait_for_load_state()
    qr = worker.locator("[data-testid=voucher-qr] svg")
    qr.wait_for(state="visible")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 120  # big enough to scan from a phone
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(decoded) == 1, "the voucher QR does not read as a QR code"
    url = decoded[0].text
    code = Voucher.objects.get(user=worker_user).code
    assert url.startswith(live_site) and url.endswith(f"/console/campaigns/redeem/{code}/")

    staff = browser_page_factory()
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(url)
    assert "张**" in staff.locator("[data-testid=redeem]").inner_text()
    staff.get_by_label("南山驿站").check()
    staff.get_by_role("button", name="确认核销").click()
    staff.wait_for_load_state()
    assert "核销成功" in staff.locator("[data-testid=redeem-result]").inner_text()

    worker.reload()
    assert "已使用" in worker.locator("[data-testid=voucher-status]").inner_text()
    assert worker.locator("[data-testid=voucher-qr]").count() == 0

    staff.goto(live_site + reverse("console:campaigns:activity", kwargs={"activity_id": activity.pk}))
    assert staff.locator("[data-testid=served]").inner_text() == "1"
