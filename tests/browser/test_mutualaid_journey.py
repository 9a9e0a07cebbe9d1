"""Chromium journey: a grassroots union enrols its unit in the city's mutual aid plan, the
worker's certificate QR really draws, the worker claims for a hospital stay on the phone, the
city's claims officer approves the proposal, and the worker sees the payout explained."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from gonghui.accounts.models import RoleGrant
from gonghui.mutualaid.models import Claim, Coverage, Enrolment
from tests.browser_support import browser_login
from tests.cases.helpers import PNG
from tests.factories import Tree, make_member, make_staff
from tests.mutualaid.helpers import ACCOUNT, at, make_plan

pytestmark = pytest.mark.django_db(transaction=True)


def test_union_enrols_worker_claims_officer_approves_worker_reads_why(
    browser_page_factory: Any, live_site: str, frozen_clock: Any, tmp_path: Path,
) -> None:
    frozen_clock(at(dt.date(2024, 12, 20)))
    tree = Tree()
    plan = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    member = make_member(union=tree.grassroots_a, name="张大山")
    make_member(union=tree.grassroots_a, name="李小红")
    grassroots = make_staff(union=tree.grassroots_a, role=RoleGrant.Role.STAFF)

    union = browser_page_factory(desktop=True)
    browser_login(union, grassroots, live_site)
    union.goto(f"{live_site}{reverse('console:mutualaid:enrol', args=[plan.pk])}?union={tree.grassroots_a.pk}")
    assert "在册会员 2 人，已参保 0 人" in union.get_by_test_id("participation").inner_text()
    union.get_by_role("button", name="确认参保并记账保费").click()
    union.wait_for_load_state()
    assert "已参保 2 人" in union.locator("body").inner_text()
    assert Enrolment.objects.get().premium == 160_00

    frozen_clock(at(dt.date(2025, 11, 20)))
    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(f"{live_site}{reverse('mutualaid:index')}")
    worker.get_by_test_id("coverage").click()
    worker.wait_for_load_state()
    qr = worker.locator("[data-testid=certificate-qr] svg")
    qr.wait_for(state="visible")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 100 and abs(box["width"] - box["height"]) < 2
    pixels = Image.open(io.BytesIO(qr.screenshot())).convert("L").tobytes()
    dark = sum(1 for p in pixels if p < 80) / len(pixels)
    light = sum(1 for p in pixels if p > 200) / len(pixels)
    assert 0.25 < dark < 0.75 and light > 0.25  # a QR symbol, not a blank or a black box
    worker.get_by_role("link", name="申请互助金").click()
    worker.wait_for_load_state()
    worker.select_option("select[name=kind]", "hospital")
    worker.fill("input[name=event_on]", "2025-05-01")
    worker.fill("input[name=discharged_on]", "2025-05-09")
    worker.select_option("select[name=hospital_level]", "2")
    worker.fill("textarea[name=diagnosis]", "急性阑尾炎")
    worker.fill("input[name=cost]", "8000")
    worker.fill("input[name=insurance_paid]", "5000")
    worker.fill("textarea[name=invoices]", "FP20250501")
    photo = tmp_path / "invoice.png"
    photo.write_bytes(PNG)
    worker.set_input_files("input[name=invoice_photos]", str(photo))
    worker.set_input_files("input[name=discharge_photos]", str(photo))
    worker.fill("input[name=bank_account]", ACCOUNT)
    worker.get_by_role("button", name="提交申请").click()
    worker.wait_for_load_state()
    assert "待审核" in worker.get_by_test_id("claim-status").inner_text()
    claim = Claim.objects.get()
    assert claim.proposed == 1450_00 and claim.flags == []

    officer = browser_page_factory(desktop=True)
    browser_login(officer, tree.staff_a, live_site)
    officer.goto(f"{live_site}{reverse('console:mutualaid:claim', args=[claim.pk])}")
    explanation = officer.get_by_test_id("explanation").inner_text()
    assert "住院 8 天，超过 3 天的 5 天 × 50 元 = 250 元" in explanation
    officer.get_by_role("button", name="核准", exact=True).click()
    officer.wait_for_load_state()
    assert "已核准" in officer.get_by_test_id("claim-status").inner_text()

    worker.reload()
    assert "核准赔付 1,450.00 元" in worker.get_by_test_id("claim-amount").inner_text()
    why = worker.get_by_test_id("explanation").inner_text()
    assert "住院 8 天，超过 3 天的 5 天 × 50 元 = 250 元" in why
    assert "扣除起付线 1,000 元后 2,000 元 × 60% = 1,200 元" in why
    assert Coverage.objects.count() == 2


def test_new_form_worker_enrols_and_pays_union_confirms_rider_sees_cover(
    browser_page_factory: Any, live_site: str, frozen_clock: Any, tmp_path: Path,
) -> None:
    from gonghui.mutualaid.models import SelfEnrolment
    from tests.mutualaid.helpers import new_form_worker

    frozen_clock(at(dt.date(2024, 12, 20)))
    tree = Tree()
    plan = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=dt.date(2025, 1, 1),
                     ends_on=dt.date(2025, 12, 31), self_enrol=True, self_union_share=25)
    frozen_clock(at(dt.date(2025, 7, 10)))
    rider = new_form_worker(union=tree.grassroots_a, name="骑手小李")

    phone = browser_page_factory()
    browser_login(phone, rider, live_site)
    phone.goto(f"{live_site}{reverse('mutualaid:index')}")
    phone.get_by_test_id("offer").click()
    phone.wait_for_load_state()
    assert "80 元 × 6 ÷ 12 = 40 元" in phone.get_by_test_id("premium-line").inner_text()
    assert "30.00" in phone.get_by_test_id("member-part").inner_text()
    phone.screenshot(path=str(tmp_path / "self-enrol.png"), full_page=True)
    phone.get_by_label("缴费方式").select_option("wechat")
    phone.get_by_label("缴费流水号（付款记录里的交易单号）").fill("4200001234567")
    phone.get_by_role("button", name="提交参保申请").click()
    phone.wait_for_load_state()
    assert "待确认缴费" in phone.get_by_test_id("self-enrol").inner_text()

    staff = browser_page_factory(desktop=True)
    browser_login(staff, make_staff(union=tree.grassroots_a, role=RoleGrant.Role.STAFF), live_site)
    staff.goto(f"{live_site}{reverse('console:mutualaid:self_enrolments')}")
    row = staff.get_by_test_id("self-enrolment")
    assert "4200001234567" in row.inner_text()
    row.get_by_role("button", name="确认到账，参保").click()
    staff.wait_for_load_state()
    assert SelfEnrolment.objects.get().status == "confirmed"

    phone.goto(f"{live_site}{reverse('mutualaid:index')}")
    cover = phone.get_by_test_id("coverage")
    assert plan.name in cover.inner_text() and "等待期内" in cover.inner_text()
    assert Coverage.objects.get(person__user=rider).enrolment.premium == 40_00
