"""Chromium journey: a worker reports a problem on a phone → staff accept and resolve it in
the console → the worker sees the result and rates it."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.cases.models import Case, Rating, Status
from tests.browser_support import browser_login
from tests.factories import Tree, make_staff, make_worker_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_worker_reports_staff_resolves_worker_rates(browser_page: Any, live_site: str) -> None:
    page = browser_page
    tree = Tree()
    worker = make_worker_user(name="刘小红")
    handler = make_staff(union=tree.county_a)

    # 1. The worker reports a wage-arrears problem from the phone.
    browser_login(page, worker, live_site)
    page.goto(live_site + "/cases/new/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0  # fits the phone
    page.select_option("select[name=category]", "wage_arrears")
    page.fill("textarea[name=description]", "饭店老板拖欠我两个月工资，共六千元。<b>急</b>")
    page.fill("input[name=employer_name]", "南山某某饭店")
    page.select_option("select[name=province]", "440000")
    page.wait_for_selector("#region-city option[value='440300']", state="attached")
    page.select_option("#region-city", "440300")
    page.wait_for_selector("#region-county option[value='440305']", state="attached")
    page.select_option("#region-county", "440305")
    page.fill("input[name=amount]", "6000")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(reporter_user=worker)
    assert case.union == tree.county_a
    assert case.number in page.content()
    assert page.locator("#case-status").inner_text() == "待受理"
    assert "<b>急</b>" in page.locator(".case-description").inner_text()  # shown as text, not markup

    # 2. Staff of the county union accept and resolve it in the console.
    page.context.clear_cookies()
    browser_login(page, handler, live_site)
    page.goto(live_site + "/console/cases/?queue=new")
    page.get_by_role("link", name=case.number).click()
    page.locator("#accept").click()
    page.wait_for_selector("text=办理中")
    page.locator("summary", has_text="办结").first.click()
    page.fill("textarea[name=outcome]", "经协调，饭店已补发全部工资。")
    page.fill("input[name=recovered]", "6000")
    page.locator("#resolve").click()
    page.wait_for_selector("text=已办结待回访")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.recovered_fen == 600_000

    # 3. The worker sees the result and rates it.
    page.context.clear_cookies()
    browser_login(page, worker, live_site)
    page.goto(live_site + f"/cases/{case.pk}/")
    assert "经协调，饭店已补发全部工资。" in page.content()
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED
