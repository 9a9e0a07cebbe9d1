"""Chromium journeys of issue 16. Bargaining: the union sends an offer, records its receipt
and the answer, a round with minutes, drafts the contract, records the congress vote, the
signing and the filing; the review period passes and the contract is in force, and a covered
worker sees it on 我的集体合同. Safety: an inspection finds a hazard, the employer's
rectification is recorded with evidence, and the re-inspection closes it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from gonghui.bargaining import services
from gonghui.bargaining.models import (
    BargainingOffer,
    CollectiveContract,
    SafetyHazard,
    SafetyInspection,
)
from tests.bargaining.helpers import at, make_unit
from tests.browser_support import browser_login
from tests.cases.helpers import PDF, PNG
from tests.factories import Tree, make_member

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date


def test_offer_answer_rounds_vote_signing_filing_in_force(browser_page_factory: Any, live_site: str, frozen_clock: Any,
                                                          tmp_path: Path) -> None:
    frozen_clock(at(D(2025, 6, 2)))
    tree = Tree()
    unit = make_unit(tree)
    member = make_member(union=tree.grassroots_a, name="张大山")
    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)

    # 要约: sent 5-5, received Tue 5-6 → +20 = Mon 5-26, a working day.
    staff.goto(f"{live_site}{reverse('console:bargaining:unit', args=[unit.pk])}")
    staff.get_by_text("发出要约", exact=True).click()
    form = staff.locator("[data-testid=offer-form]")
    form.locator("input[name=topics]").fill("2025年度工资集体协商")
    form.locator("textarea[name=body]").fill("建议就职工工资增长幅度、最低工资标准进行协商。")
    form.locator("input[name=sent_on]").fill("2025-05-05")
    form.get_by_role("button", name="生成要约书").click()
    staff.wait_for_url("**/console/bargaining/offers/**")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="下载要约书（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    staff.fill("input[name=received_on]", "2025-05-06")
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=answer-due]").inner_text().startswith("2025-05-26")
    staff.select_option("select[name=accepted]", "1")
    staff.fill("input[name=answered_on]", "2025-05-10")
    staff.fill("textarea[name=answer]", "同意于5月20日开始协商")
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=offer-status]").inner_text() == "已同意协商"
    assert BargainingOffer.objects.get().status == "accepted"

    # A round with its minutes.
    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(PDF)
    staff.goto(f"{live_site}{reverse('console:bargaining:unit', args=[unit.pk])}")
    staff.get_by_text("登记协商会议", exact=True).click()
    form = staff.locator("[data-testid=round-form]")
    form.locator("input[name=held_on]").fill("2025-05-20")
    form.locator("textarea[name=attendees]").fill("职工方5人、企业方5人")
    form.locator("textarea[name=agreed_points]").fill("工资增长5.5%，最低工资标准2500元")
    form.locator("input[name=minutes]").set_input_files(str(minutes))
    form.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    assert "第 1 轮" in staff.locator("[data-testid=round]").inner_text()

    # The draft with its terms.
    staff.goto(f"{live_site}{reverse('console:bargaining:contract_create', args=[unit.pk])}")
    staff.fill("input[name=title]", "甲公司2025年工资专项集体合同")
    staff.select_option("select[name=kind]", "wage")
    staff.fill("input[name=starts_on]", "2025-07-01")
    staff.fill("input[name=ends_on]", "2028-06-30")
    staff.fill("input[name=wage_adjustment_pct]", "5.5")
    staff.fill("input[name=min_pay_amount]", "2500")
    staff.fill("input[name=min_pay_currency]", "CNY")
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_url("**/console/bargaining/contracts/**")
    assert staff.locator("[data-testid=min-pay]").inner_text() == "2,500.00 CNY / 每月"

    # 职代会: 20 of 30 present (exactly two thirds), 16 in favour (more than half of all 30).
    vote = staff.locator("[data-testid=vote-form]")
    vote.locator("input[name=held_on]").fill("2025-05-30")
    for name, value in (("total", "30"), ("present", "20"), ("in_favour", "16"), ("against", "3"), ("abstained", "1")):
        vote.locator(f"input[name={name}]").fill(value)
    vote.get_by_role("button", name="登记表决结果").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=contract-status]").inner_text() == "职代会已通过"

    # Signed Sun 6-1 → file by Wed 6-11; filed Mon 6-2 → review until Tue 6-17.
    staff.fill("input[name=signed_on]", "2025-06-01")
    staff.get_by_role("button", name="登记签订").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=filing-due]").inner_text() == "2025-06-11"
    staff.fill("input[name=filed_on]", "2025-06-02")
    staff.get_by_role("button", name="登记报送").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=review-due]").inner_text() == "2025-06-17"

    # No objection by 6-17: the daily clock run of 6-18 puts it in force (the staff member's
    # session is not aged by moving the clock; the run is told the day).
    services.contracts_clock_run(on=D(2025, 6, 18))
    staff.reload()
    assert staff.locator("[data-testid=contract-status]").inner_text() == "已生效"
    assert CollectiveContract.objects.get().in_force_on == D(2025, 6, 18)

    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(f"{live_site}{reverse('bargaining:my_contracts')}")
    worker.locator("[data-testid=my-contract]").click()
    worker.wait_for_load_state()
    assert worker.locator("[data-testid=my-min-pay]").inner_text() == "2,500.00 CNY / 每月"


def test_inspection_hazard_rectification_reinspection(browser_page_factory: Any, live_site: str, frozen_clock: Any,
                                                      tmp_path: Path) -> None:
    frozen_clock(at(D(2025, 9, 22)))
    tree = Tree()
    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    photo = tmp_path / "exit.png"
    photo.write_bytes(PNG)

    staff.goto(f"{live_site}{reverse('console:bargaining:inspection_create')}")
    staff.select_option("select[name=union]", str(tree.grassroots_a.pk))
    staff.select_option("select[name=employer]", str(tree.grassroots_a.employer_id))
    staff.fill("input[name=inspectors]", "陈师傅、刘师傅")
    staff.fill("textarea[name=findings]", "二号车间安全出口堆放纸箱")
    staff.set_input_files("input[name=photos]", str(photo))
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_url(re.compile(r".*/safety/inspections/\d+/$"))
    assert SafetyInspection.objects.get().photos.count() == 1

    # Mon 9-22 + 10 = Thu 10-2 (国庆) → due Thu 10-9.
    form = staff.locator("[data-testid=hazard-form]")
    form.locator("textarea[name=description]").fill("安全出口被纸箱堵塞")
    form.locator("input[name=rectify_days]").fill("10")
    form.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    staff.get_by_role("link", name="安全出口被纸箱堵塞").click()
    staff.wait_for_url("**/console/bargaining/safety/hazards/**")
    assert staff.locator("[data-testid=rectify-due]").inner_text() == "2025-10-09"

    form = staff.locator("[data-testid=rectify-form]")
    form.locator("input[name=rectified_on]").fill("2025-09-22")
    form.locator("textarea[name=rectification]").fill("纸箱已清走，通道画线")
    form.locator("input[name=evidence]").set_input_files(str(photo))
    form.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=hazard-status]").inner_text() == "已整改待复查"

    form = staff.locator("[data-testid=reinspect-form]")
    form.locator("input[name=reinspected_on]").fill("2025-09-22")
    form.locator("select[name=passed]").select_option("1")
    form.locator("textarea[name=note]").fill("复查合格")
    form.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=hazard-status]").inner_text() == "复查合格"
    hazard = SafetyHazard.objects.get()
    assert hazard.rectified_on_time and hazard.photos.count() == 1

    staff.goto(f"{live_site}{reverse('console:bargaining:safety')}")
    assert staff.locator("[data-testid=count-on-time]").inner_text() == "1"


def test_the_employer_answers_and_reports_rectification_on_the_phone(browser_page_factory: Any, live_site: str,
                                                                     frozen_clock: Any, tmp_path: Path) -> None:
    """An employer account (jobs.EmployerAccount) answers the union's offer, stating the day it
    received it, and reports its hazard fixed with a photo; staff find the picker by search."""
    from tests.bargaining.helpers import make_hazard, make_inspection
    from tests.jobs.helpers import make_recruiter

    frozen_clock(at(D(2025, 9, 22)))
    tree = Tree()
    offer = services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="工资集体协商", body="请于20日内书面回应。",
                                sent_on=D(2025, 9, 10))
    hazard = make_hazard(tree, inspection=make_inspection(tree, on=D(2025, 9, 15)), days=10)
    boss = make_recruiter(tree)
    phone = browser_page_factory()
    browser_login(phone, boss, live_site)
    phone.goto(f"{live_site}{reverse('bargaining:employer_home')}")
    phone.screenshot(path=str(tmp_path / "employer-home.png"), full_page=True)
    phone.get_by_role("link", name=re.compile(offer.number)).click()
    phone.fill("input[name=received_on]", "2025-09-12")
    phone.get_by_label("同意协商").check()
    phone.fill("input[name=answered_on]", "2025-09-22")
    phone.fill("textarea[name=answer]", "同意于10月10日开始协商，首席代表为总经理。")
    phone.get_by_role("button", name="提交回应").click()
    phone.wait_for_url("**/bargaining/employer/")
    offer.refresh_from_db()
    assert (offer.status, offer.received_on, offer.answer_due) == ("accepted", D(2025, 9, 12), D(2025, 10, 9))

    photo = tmp_path / "after.png"
    photo.write_bytes(PNG)
    phone.get_by_role("link", name=re.compile("安全出口堵塞")).click()
    form = phone.locator("[data-testid=employer-rectify-form]")
    form.locator("input[name=rectified_on]").fill("2025-09-21")
    form.locator("textarea[name=rectification]").fill("纸箱已清走")
    form.locator("input[name=evidence]").set_input_files(str(photo))
    form.get_by_role("button", name="提交").click()
    phone.wait_for_load_state()
    assert phone.locator("[data-testid=hazard-status]").inner_text() == "已整改待复查"
    phone.screenshot(path=str(tmp_path / "employer-hazard.png"), full_page=True)
    hazard.refresh_from_db()
    assert hazard.status == SafetyHazard.Status.RECTIFIED and hazard.photos.filter(kind="evidence").count() == 1

    # Staff: the employer picker searches instead of listing the whole subtree.
    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(f"{live_site}{reverse('console:bargaining:plan_create')}")
    name = tree.grassroots_a.employer.name
    staff.locator("select[name=employer]").locator("xpath=preceding-sibling::input[@type='search'][1]").fill(name[:4])
    staff.wait_for_function(f"document.querySelector('select[name=employer]').textContent.includes({name!r})")
    staff.select_option("select[name=union]", str(tree.grassroots_a.pk))
    staff.select_option("select[name=employer]", str(tree.grassroots_a.employer_id))
    staff.fill("input[name=planned_on]", "2025-09-25")
    staff.fill("input[name=inspectors]", "陈师傅")
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_url(re.compile(r".*/safety/plans/\d+/$"))
    assert staff.locator("[data-testid=plan-status]").inner_text().startswith("计划中")
