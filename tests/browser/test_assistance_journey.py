"""Chromium journey: a worker applies for a grant on the phone, the union verifies it and puts
it on public notice (masked name), approves it after the notice, pays it through a bank batch
and its return file, and the worker sees the payment on 我的帮扶."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from gonghui.assistance import grants, services
from gonghui.assistance.models import Grant, PaymentBatch
from tests.assistance.payout_helpers import ACCOUNT, return_file
from tests.browser_support import browser_login
from tests.factories import Tree, make_member
from tests.stats.scenario import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_applies_union_approves_after_notice_and_worker_sees_the_payment(
    browser_page_factory: Any, live_site: str, frozen_clock: Any, tmp_path: Path,
) -> None:
    tree = Tree()
    services.fund_receipt(union=tree.city_a, source="central", amount=50_000_00, memo="中央专项资金")
    grants.grant_program_create(union=tree.city_a, name="生活救助", kind="living", source="central",
                                min_amount=500_00, max_amount=5000_00, by=tree.staff_a)
    member = make_member(union=tree.grassroots_a, name="张大山")

    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(f"{live_site}{reverse('assistance:grant_apply')}")
    worker.fill("input[name=amount]", "2000")
    worker.fill("textarea[name=reason]", "爱人住院，医药费负担重")
    worker.fill("input[name=bank_account]", ACCOUNT)
    worker.get_by_role("button", name="提交申请").click()
    worker.wait_for_load_state()
    assert "待核查" in worker.locator("h1").inner_text()
    grant = Grant.objects.get()

    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(f"{live_site}{reverse('console:assistance:grant_detail', args=[grant.pk])}")
    staff.fill("textarea[name=note]", "入户核实，情况属实")
    staff.get_by_role("button", name="核查通过").click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="开始公示").click()
    staff.wait_for_load_state()
    assert "公示中" in staff.locator("h1").inner_text()

    board = browser_page_factory()
    board.goto(f"{live_site}{reverse('assistance:notices')}")
    text = board.locator("main").inner_text()
    assert "张**" in text and "张大山" not in text and "2,000.00" in text

    grant.refresh_from_db()
    after = grant.notice_until + dt.timedelta(days=1)
    frozen_clock(at(after, 10))
    staff.goto(f"{live_site}{reverse('console:assistance:grant_detail', args=[grant.pk])}")
    staff.fill("textarea[name=decision]", "主席办公会同意")
    staff.fill("input[name=decided_on]", after.isoformat())
    staff.get_by_role("button", name="批准并发放").click()
    staff.wait_for_load_state()
    assert "已批准" in staff.locator("h1").inner_text()

    staff.goto(f"{live_site}{reverse('console:assistance:batches')}")
    staff.select_option("select[name=union]", str(tree.city_a.pk))
    staff.get_by_role("button", name="生成批次").click()
    staff.wait_for_load_state()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="下载批量代发文件（含完整账号，留痕）").click()
    assert Path(download.value.path()).stat().st_size > 0
    batch = PaymentBatch.objects.get()
    answer = tmp_path / "return.xlsx"
    answer.write_bytes(return_file(batch, {1: ("成功", "")}).read())
    staff.set_input_files("input[name=file]", str(answer))
    staff.get_by_role("button", name="导入").click()
    staff.wait_for_load_state()
    assert "成功 1 笔" in staff.locator("body").inner_text()

    worker.goto(f"{live_site}{reverse('assistance:mine')}")
    mine = worker.locator("main").inner_text()
    assert "已到账" in mine and "2,000.00" in mine and "6222 **** 0123" in mine


def test_winter_relief_campaign_visit_and_payment_reach_the_worker(
    browser_page_factory: Any, live_site: str, tmp_path: Path,
) -> None:
    """送温暖: the city creates a campaign, passes budget down to the grassroots union, lists the
    households, the grassroots union records the visit with a photo and pays the cash by bank
    batch (CSV file), and the worker sees it on 我的帮扶."""
    from django.utils import timezone

    from gonghui.assistance.models import ReliefTarget
    from tests.assistance.hardship_helpers import active, standard
    from tests.cases.helpers import PNG

    tree = Tree()
    standard("440000")
    member = make_member(union=tree.grassroots_a, name="张大山")
    active(tree.grassroots_a, tree.staff_a, income=2400_00, member=member)
    services.fund_receipt(union=tree.city_a, source="central", amount=10_000_00, memo="送温暖专项资金")
    today = timezone.localdate()

    staff = browser_page_factory()  # at phone width: cadres visit households with a phone
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(f"{live_site}{reverse('console:assistance:relief_list')}")
    staff.select_option("select[name=union]", str(tree.city_a.pk))
    staff.fill("input[name=name]", f"{today.year} 年元旦春节送温暖")
    staff.fill("input[name=year]", str(today.year))
    staff.fill("input[name=budget]", "5000")
    staff.fill("input[name=starts_on]", (today - dt.timedelta(days=3)).isoformat())
    staff.fill("input[name=ends_on]", (today + dt.timedelta(days=30)).isoformat())
    staff.get_by_role("button", name="创建").click()
    staff.wait_for_load_state()
    assert "元旦春节送温暖" in staff.locator("h1").inner_text()
    for child in (tree.county_a, tree.grassroots_a):
        staff.select_option("select[name=to_union]", str(child.pk))
        staff.fill("input[name=amount]", "2000")
        staff.get_by_role("button", name="下拨", exact=True).click()
        staff.wait_for_load_state()
    staff.get_by_role("button", name="按标准生成名单").click()
    staff.wait_for_load_state()
    assert "新增 1 户" in staff.locator("body").inner_text()

    target = ReliefTarget.objects.get()
    staff.goto(f"{live_site}{reverse('console:assistance:relief_target', args=[target.pk])}")
    staff.fill("input[name=bank_account]", ACCOUNT)
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_load_state()
    photo = tmp_path / "visit.png"
    photo.write_bytes(PNG)
    staff.fill("input[name=visitors]", "刘主席、赵干事")
    staff.fill("input[name=goods]", "米、油、棉被")
    staff.set_input_files("input[name=photo]", str(photo))
    staff.get_by_role("button", name="登记慰问").last.click()
    staff.wait_for_load_state()
    assert "已慰问" in staff.locator("h1").inner_text()

    staff.goto(f"{live_site}{reverse('console:assistance:relief_detail', args=[target.campaign_id])}")
    staff.select_option("select[name=union]", str(tree.grassroots_a.pk))
    staff.get_by_role("button", name="生成代发批次").click()
    staff.wait_for_load_state()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="下载 CSV 格式").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    batch = PaymentBatch.objects.get()
    answer = tmp_path / "return.xlsx"
    answer.write_bytes(return_file(batch, {1: ("成功", "")}).read())
    staff.set_input_files("input[name=file]", str(answer))
    staff.get_by_role("button", name="导入").click()
    staff.wait_for_load_state()
    assert "成功 1 笔" in staff.locator("body").inner_text()

    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(f"{live_site}{reverse('assistance:mine')}")
    mine = worker.locator("main").inner_text()
    assert "元旦春节送温暖" in mine and "1,500.00" in mine and "米、油、棉被" in mine and "已到账" in mine


def test_refused_hardship_file_is_reviewed_by_the_union_above(
    browser_page_factory: Any, live_site: str, tmp_path: Path,
) -> None:
    """The worker reads the refusal on the phone and asks for a review; the county union (above
    the grassroots union that refused) sets it aside; the worker sees it is handled again."""
    from gonghui.accounts.models import RoleGrant
    from gonghui.assistance import hardship
    from tests.assistance.hardship_helpers import applied, standard
    from tests.factories import make_staff

    tree = Tree()
    standard()
    grassroots = make_staff(union=tree.grassroots_a, role=RoleGrant.Role.ADMIN)
    county = make_staff(union=tree.county_a, role=RoleGrant.Role.ADMIN)
    member = make_member(union=tree.grassroots_a, name="张大山")
    file = hardship.hardship_file_reject(file=applied(tree.grassroots_a, member=member), by=grassroots,
                                         reason="家庭收入高于标准")

    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(f"{live_site}{reverse('assistance:hardship_detail', args=[file.pk])}")
    assert "家庭收入高于标准" in worker.locator("main").inner_text()
    worker.fill("textarea[name=reason]", "爱人的医药费没有算进支出")
    worker.get_by_role("button", name="申请复核").click()
    worker.wait_for_load_state()
    assert "已申请复核" in worker.locator("main").inner_text()
    worker.screenshot(path=str(tmp_path / "hardship-appeal-phone.png"), full_page=True)

    staff = browser_page_factory(desktop=True)
    browser_login(staff, county, live_site)
    staff.goto(f"{live_site}{reverse('console:assistance:hardship_list')}?appeal=pending")
    staff.get_by_role("link", name=f"#{file.pk}").click()
    staff.wait_for_load_state()
    staff.get_by_label("撤销原决定，重新办理").check()
    staff.fill("textarea[name=note]", "应重新核查医疗支出")
    staff.get_by_role("button", name="作出复核决定").click()
    staff.wait_for_load_state()
    assert "待入户核查" in staff.locator("h1").inner_text()

    worker.goto(f"{live_site}{reverse('assistance:hardship_detail', args=[file.pk])}")
    text = worker.locator("main").inner_text()
    assert "待入户核查" in text and "撤销原决定" in text and "应重新核查医疗支出" in text

    board = browser_page_factory()
    board.goto(f"{live_site}{reverse('assistance:school_results')}")
    assert "暂无金秋助学结果公示" in board.locator("main").inner_text()


def test_hardship_file_goes_on_public_notice_and_is_approved_after_the_objection_is_answered(
    browser_page_factory: Any, live_site: str, frozen_clock: Any, tmp_path: Path,
) -> None:
    """The union starts the 公示 of a graded file; a worker reads the board on the phone (masked
    name only) and objects; after the notice (5 working days across 国庆) the union cannot
    approve until it answers the objection, then approves."""
    from gonghui.assistance.models import HardshipFile
    from tests.assistance.hardship_helpers import graded, standard

    frozen_clock(at(dt.date(2025, 9, 30), 9))
    tree = Tree()
    standard()
    member = make_member(union=tree.grassroots_a, name="张大山")
    file = graded(tree.grassroots_a, tree.staff_a, member=member)

    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    page_url = f"{live_site}{reverse('console:assistance:hardship_detail', args=[file.pk])}"
    staff.goto(page_url)
    staff.get_by_role("button", name="开始公示").click()
    staff.wait_for_load_state()
    assert "公示中" in staff.locator("h1").inner_text()
    assert "2025-09-30 — 2025-10-14" in staff.locator("#notice").inner_text()

    worker = browser_page_factory()
    browser_login(worker, make_member(union=tree.grassroots_b, name="王五").person.user, live_site)
    worker.goto(f"{live_site}{reverse('assistance:notices')}")
    board = worker.locator("main").inner_text()
    assert "张**" in board and "深度困难" in board and "2025-10-14" in board
    assert "张大山" not in board and member.person.id_number not in board
    worker.locator("#hardship ~ .card summary").first.click()
    worker.fill(f"#hardship-objection-{file.pk}", "他家在镇上开了一家店")
    worker.locator(f"form[action$='/notices/hardship/{file.pk}/object/'] button").click()
    worker.wait_for_load_state()
    assert "异议已送达建档工会" in worker.locator("body").inner_text()
    worker.screenshot(path=str(tmp_path / "hardship-notice-phone.png"), full_page=True)

    frozen_clock(at(dt.date(2025, 10, 15), 9))
    browser_login(staff, tree.staff_a, live_site)  # the session from before the holiday has expired
    staff.goto(page_url)
    assert "他家在镇上开了一家店" in staff.locator("#notice").inner_text()
    staff.get_by_role("button", name="同意建档").click()
    staff.wait_for_load_state()
    assert "还有 1 条未答复" in staff.locator("body").inner_text()
    staff.fill("textarea[name=answer]", "经核实，店铺为其兄弟所有")
    staff.get_by_role("button", name="答复", exact=True).click()
    staff.wait_for_load_state()
    assert "经核实，店铺为其兄弟所有" in staff.locator("#notice").inner_text()
    staff.get_by_role("button", name="同意建档").click()
    staff.wait_for_load_state()
    assert "在档" in staff.locator("h1").inner_text()
    staff.screenshot(path=str(tmp_path / "hardship-notice-console.png"), full_page=True)
    assert HardshipFile.objects.get(pk=file.pk).status == "active"
