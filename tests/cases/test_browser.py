"""Chromium journeys: a worker reports a problem on a phone → staff accept and resolve it in
the console → the worker sees the result and rates it (and the case is closed); a member asks
for legal aid from 服务 without naming a place → their own union's staff find it in the
console queue on an office screen."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.cases.models import Case, Rating, Status
from tests.browser_support import browser_login
from tests.factories import Tree, make_member, make_staff, make_worker_user

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
    assert case.status == Status.CLOSED  # the rating was the 回访
    assert page.locator("#case-status").inner_text() == "已结案"


def test_member_asks_for_legal_aid_from_services_and_their_unions_staff_see_it(
    browser_page: Any, browser_page_factory: Any, live_site: str
) -> None:
    tree = Tree()
    member = make_member(union=tree.grassroots_a, name="林晓燕")
    union_staff = make_staff(union=tree.grassroots_a)

    # 1. On the phone: 服务 → 法律援助; the rules are on the form; no place, no employer.
    page = browser_page
    browser_login(page, member.person.user, live_site)
    page.goto(live_site + "/services/")
    page.locator(".service-item a", has_text="请工会律师代理劳动争议").click()
    page.wait_for_url("**/cases/legal/aid/")
    assert page.locator("#aid-rules li").count() == 4
    assert page.locator("input[name=amount]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0  # fits the phone
    page.get_by_label("拖欠工资、加班费等劳动报酬").check()
    page.fill("textarea[name=description]", "公司拖欠我三个月加班费，想请工会律师代理仲裁。")
    page.get_by_label("本人及家庭经济困难", exact=False).check()
    page.fill("input[name=household_income]", "1500")
    page.get_by_label("还没有申请劳动仲裁或起诉").check()
    page.get_by_label("没有", exact=True).check()
    for label in ("身份证明", "经济困难证明", "与争议有关的材料"):
        page.get_by_label(label, exact=False).check()
    page.get_by_label("我保证以上情况属实", exact=False).check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(reporter_user=member.person.user)
    assert case.union == tree.grassroots_a
    assert page.locator("#case-status").inner_text() == "待受理"

    # 2. At the console (1366 px): the union's staff find it in the new-case queue, with the
    #    category on one line, the reporter masked and the time reported.
    desk = browser_page_factory(desktop=True)
    browser_login(desk, union_staff, live_site)
    desk.goto(live_site + "/console/")
    desk.locator(".sidenav a", has_text="诉求办理").click()
    row = desk.locator("table.queue tr", has=desk.get_by_role("link", name=case.number))
    row.wait_for()
    assert "法律援助" in row.inner_text() and "林**" in row.inner_text() and "林晓燕" not in row.inner_text()
    category_lines = desk.evaluate(
        """(n) => { const td = [...document.querySelectorAll('table.queue tr')].find(r => r.innerText.includes(n)).cells[1];
                   const r = document.createRange(); r.selectNodeContents(td);
                   return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }""",
        case.number,
    )
    assert category_lines == 1
    desk.get_by_role("link", name=case.number).click()
    desk.wait_for_selector("#aid-application")
    assert "家庭人均月收入" in desk.locator("#aid-application").inner_text()


@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
def test_legal_help_pages_pass_the_crawlers_checks(browser_page: Any, live_site: str, english: bool) -> None:
    """The four legal pages, as a demo member on a 360 px phone: no error, no overflow, no
    untranslated interface text, 44 px targets, axe-core clean (the checks of tests/browser)."""
    from django.core.management import call_command

    from gonghui.members.models import Person
    from tests.browser.test_crawl import _crawl, _require_axe

    _require_axe()
    call_command("seed_demo", verbosity=0)
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, Person.objects.get(name="林晓燕").user, live_site)
    if english:
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site}])
    starts = ["/cases/legal/aid/", "/cases/legal/consultation/", "/cases/legal/mediation/", "/cases/legal/stations/",
              "/cases/legal/stations/?region=510104"]
    problems = _crawl(page, live_site, starts, worker=True, english=english, within="/cases/legal/")
    assert not problems, "\n".join(problems)
