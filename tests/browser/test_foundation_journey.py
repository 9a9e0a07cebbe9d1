"""The foundation journey, end to end in a real browser.

A worker logs in on a phone with an SMS code, applies to join the union of her employer;
a staff member of the city federation logs in with a password, approves the application in
the console; the worker then carries an e-member card with a QR code.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser_support import sms_code_for
from tests.factories import Tree, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_PHONE = "13912345678"
STAFF_PASSWORD = "pw-for-tests-123"  # what tests.factories.make_staff sets


def worker_logs_in_with_sms(page: Any, base: str, outbox: list[tuple[str, str]], next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("手机号").fill(WORKER_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    code_input = page.get_by_label("验证码")
    expect(code_input).to_be_visible()
    code_input.fill(sms_code_for(outbox, WORKER_PHONE))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}{next_path}")


def test_worker_joins_staff_approves_worker_carries_a_card(
    browser_page: Any, browser_page_factory: Any, live_site: str, sms_outbox: list[tuple[str, str]], settings: Any
) -> None:
    settings.DEMO_MODE = False  # the code comes by SMS, as on a real phone
    tree = Tree()
    employer = tree.grassroots_a.employer
    assert employer is not None
    worker = browser_page

    # 1. The worker logs in with a code sent to her phone and lands on the join form.
    worker_logs_in_with_sms(worker, live_site, sms_outbox, "/members/join/")

    # 2. She applies, choosing her employer from the search.
    worker.get_by_label("姓名").fill("林晓燕")
    worker.get_by_label("身份证号").fill(make_id_number(female=True))
    phone_input = worker.get_by_label("手机号")
    if not phone_input.input_value():
        phone_input.fill(WORKER_PHONE)
    worker.get_by_label("搜索单位").fill(employer.name[:6])
    employer_choice = worker.get_by_role("radio", name=employer.name)
    expect(employer_choice).to_be_visible()
    employer_choice.check()
    worker.get_by_role("button", name="提交入会申请").click()
    worker.wait_for_url(f"{live_site}/me/")
    expect(worker.get_by_text("入会申请已提交")).to_be_visible()

    # 3. Staff of the city federation (whose subtree holds the employer's union) logs in
    #    with a password (TOTP is off in tests) and approves it in the console.
    staff = browser_page_factory(desktop=True)
    staff.goto(f"{live_site}/accounts/staff-login/")
    staff.get_by_label("用户名").fill(tree.staff_a.username)
    staff.get_by_label("密码").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="登录", exact=True).click()
    staff.wait_for_url(f"{live_site}/console/")
    staff.goto(f"{live_site}/console/members/applications/")
    row = staff.get_by_role("row").filter(has_text="林晓燕")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="批准").click()
    expect(staff.get_by_role("row").filter(has_text="林晓燕")).to_contain_text("已通过")

    # 4. Back on her phone, the worker's e-member card shows her name, number and QR code.
    worker.goto(f"{live_site}/members/card/")
    expect(worker.get_by_role("heading", name="林晓燕")).to_be_visible()
    expect(worker.get_by_test_id("member-number")).not_to_be_empty()
    expect(worker.locator(".qr svg")).to_be_visible()
    assert tree.grassroots_a.name in worker.locator("main").inner_text()
