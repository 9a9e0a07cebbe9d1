"""Chromium journey: a worker completes today's steps and gets a card, combines five kinds
(the rest seeded), the 22:00 draw runs, and the worker sees the win and claims the prize."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gonghui.campaigns import services
from gonghui.campaigns.models import Draw, FuCard, Winner
from tests.browser_support import browser_login
from tests.campaigns.helpers import START, at, give_full_set, make_campaign
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_task_card_combine_draw_and_win(browser_page: Any, live_site: str, frozen_clock: Any) -> None:
    frozen_clock(at(START, 12))
    campaign = make_campaign(union=Tree().city_a)
    worker = make_worker_user(name="王小明")
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, worker, live_site)

    # The task: today's steps, typed in; a card appears in the book.
    page.goto(live_site + reverse("campaigns:detail", kwargs={"campaign_id": campaign.pk}))
    page.fill("#id_steps", "6800")
    page.get_by_role("button", name="提交步数").click()
    page.wait_for_load_state()
    assert "获得一张" in page.locator(".messages").inner_text()
    assert page.locator('[data-testid="task-steps"]').get_by_text("今日已完成").is_visible()
    assert FuCard.objects.filter(user=worker).count() == 1

    # With the other cards seeded, 五福合成 is enabled and makes the ultimate card.
    give_full_set(campaign, worker)
    page.reload()
    page.get_by_role("button", name="五福合成").click()
    page.wait_for_load_state()
    assert page.locator('[data-testid="ultimate"]').inner_text() == "× 1"

    # 22:00 Beijing: the beat task runs the draw; the worker is the only entrant.
    frozen_clock(at(START, 22, 0, 30))
    assert services.draws_run_due() == 1
    draw = Draw.objects.get(campaign=campaign, day=START)
    page.goto(live_site + reverse("web:inbox"))
    page.get_by_text("恭喜！").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("campaigns:draw", kwargs={"draw_id": draw.pk}))
    assert page.locator('[data-testid="you-won"]').is_visible()
    assert page.get_by_text("种子与承诺一致").is_visible()

    # Claim it: pick-up at the union.
    page.goto(live_site + reverse("campaigns:prizes"))
    page.get_by_label("到工会自取").check()
    page.get_by_role("button", name="领取").click()
    page.wait_for_load_state()
    assert Winner.objects.get(user=worker).status == Winner.Status.CLAIMED
