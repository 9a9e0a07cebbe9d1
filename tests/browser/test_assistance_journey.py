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
