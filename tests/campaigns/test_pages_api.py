"""Pages and API of the campaigns module: worker flows, staff configuration, and bad input
answered in Chinese (never a 500)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.campaigns.models import Campaign, Draw, FuCard, TaskCompletion
from tests.campaigns.helpers import START, at, give_full_set, give_ultimate, make_campaign
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(frozen_clock):
    frozen_clock(at(START, 12))
    tree = Tree()
    campaign = make_campaign(union=tree.city_a)
    worker = make_worker_user(name="李四")
    client = Client()
    client.force_login(worker)
    return tree, campaign, worker, client


def test_worker_sees_the_campaign_enters_steps_and_gets_a_card(world):
    _tree, campaign, worker, client = world
    page = client.get(reverse("campaigns:detail", kwargs={"campaign_id": campaign.pk}))
    assert page.status_code == 200 and "今日任务" in page.content.decode()
    response = client.post(reverse("campaigns:steps", kwargs={"campaign_id": campaign.pk}), {"steps": "7000"}, follow=True)
    assert "获得一张" in response.content.decode()
    again = client.post(reverse("campaigns:steps", kwargs={"campaign_id": campaign.pk}), {"steps": "7000"}, follow=True)
    assert "只计一次" in again.content.decode()
    assert FuCard.objects.filter(user=worker).count() == 1


@pytest.mark.parametrize("value", ["", "abc", "-5", "99999999999999999999", "4000"])
def test_bad_steps_on_the_page_get_a_chinese_message(world, value):
    _tree, campaign, _worker, client = world
    response = client.post(reverse("campaigns:steps", kwargs={"campaign_id": campaign.pk}), {"steps": value}, follow=True)
    assert response.status_code == 200
    assert any(word in response.content.decode() for word in ("请输入步数", "不能为负", "不合常理", "还差一点"))
    assert not TaskCompletion.objects.exists()


def test_timer_page_counts_a_plank_after_the_time_has_passed(world, frozen_clock):
    _tree, campaign, worker, client = world
    url = reverse("campaigns:timer", kwargs={"campaign_id": campaign.pk, "task": "plank"})
    page = client.get(url)
    ticket = page.context["ticket"]
    early = client.post(url, {"ticket": ticket, "value": "50"}, follow=True)
    assert "超过了计时" in early.content.decode()
    frozen_clock(at(START, 12, 1))
    done = client.post(url, {"ticket": ticket, "value": "55"}, follow=True)
    assert "获得一张" in done.content.decode()
    assert client.get(reverse("campaigns:timer", kwargs={"campaign_id": campaign.pk, "task": "steps"})).status_code == 404
    assert client.post(url, {"ticket": ticket, "value": "x"}).status_code == 200


def test_combine_draw_and_claim_through_the_pages(world, frozen_clock):
    _tree, campaign, worker, client = world
    give_full_set(campaign, worker)
    client.post(reverse("campaigns:combine", kwargs={"campaign_id": campaign.pk}))
    assert FuCard.objects.filter(user=worker, kind__isnull=True).count() == 1
    refused = client.post(reverse("campaigns:combine", kwargs={"campaign_id": campaign.pk}), follow=True)
    assert "还没集齐" in refused.content.decode()
    frozen_clock(at(START, 22, 1))
    from gonghui.campaigns import services

    draw = Draw.objects.get(campaign=campaign, day=START)
    [winner] = services.draw_run(draw=draw)
    page = client.get(reverse("campaigns:draw", kwargs={"draw_id": draw.pk}))
    assert 'data-testid="you-won"' in page.content.decode()
    bad = client.post(reverse("campaigns:claim", kwargs={"winner_id": winner.pk}), {"method": "address", "address": ""}, follow=True)
    assert "邮寄地址" in bad.content.decode()
    client.post(reverse("campaigns:claim", kwargs={"winner_id": winner.pk}), {"method": "address", "address": "广东省深圳市南山区科技园1号"})
    winner.refresh_from_db()
    assert winner.status == "claimed" and winner.address.startswith("广东省")
    other = Client()
    other.force_login(make_worker_user())
    assert other.post(reverse("campaigns:claim", kwargs={"winner_id": winner.pk}), {"method": "pickup"}).status_code == 404


def test_api_book_steps_and_problems_are_chinese(world):
    _tree, campaign, worker, client = world
    base = f"/api/v1/campaigns/{campaign.pk}"
    ok = client.post(f"{base}/steps", {"steps": 6000}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["counted"] is True
    book = client.get(f"{base}/book").json()
    assert sum(e["held"] for e in book["entries"]) == 1 and book["today_done"] == ["steps"]
    for body in ({"steps": "多"}, {"steps": -1}, {}, {"steps": 10**30}):
        response = client.post(f"{base}/steps", body, content_type="application/json")
        assert response.status_code in (400, 422) and response.json()["title"] in ("输入有误，请检查后重试。", "请求无法处理。")
    combine = client.post(f"{base}/combine")
    assert combine.status_code == 409 and "还没集齐" in combine.json()["title"]
    assert client.get("/api/v1/campaigns/999999/book").status_code == 404
    assert Client().post(f"{base}/steps", {"steps": 6000}, content_type="application/json").status_code == 401


def test_api_partner_push_with_signature(world):
    _tree, campaign, worker, _client = world
    body = json.dumps({"phone": worker.phone, "steps": 9000, "day": START.isoformat(), "sent_at": at(START, 12).isoformat()}).encode()
    sig = hmac.new(campaign.partner_key.encode(), body, hashlib.sha256).hexdigest()
    url = f"/api/v1/campaigns/{campaign.pk}/partner/steps"
    first = Client().post(url, body, content_type="application/json", headers={"X-Gonghui-Signature": sig})
    retry = Client().post(url, body, content_type="application/json", headers={"X-Gonghui-Signature": sig})
    assert first.json()["counted"] is True and retry.json()["counted"] is False
    bad = Client().post(url, body, content_type="application/json", headers={"X-Gonghui-Signature": "00"})
    assert bad.status_code == 403 and bad.json()["title"] == "签名无效。"
    assert TaskCompletion.objects.count() == 1


def test_the_public_record_hides_the_seed_until_the_draw(world, frozen_clock):
    _tree, campaign, worker, _client = world
    give_ultimate(campaign, worker)
    draw = Draw.objects.get(campaign=campaign, day=START)
    doc = Client().get(f"/api/v1/campaigns/draws/{draw.pk}").json()
    assert doc["commitment"] and "seed" not in doc
    frozen_clock(at(START, 22, 1))
    from gonghui.campaigns import services

    services.draw_run(draw=draw)
    doc = Client().get(f"/api/v1/campaigns/draws/{draw.pk}").json()
    assert hashlib.sha256(bytes.fromhex(doc["seed"])).hexdigest() == doc["commitment"] and len(doc["winners"]) == 1
    mine = Client()
    mine.force_login(worker)
    prizes = mine.get("/api/v1/campaigns/me/prizes").json()
    assert prizes[0]["status_label"] == "待领取"
    claim = mine.post(f"/api/v1/campaigns/me/prizes/{prizes[0]['id']}/claim", {"method": "邮寄"}, content_type="application/json")
    assert claim.status_code == 422 and "领取方式" in claim.json()["title"]


def test_staff_create_and_publish_a_campaign_and_see_its_board(world, frozen_clock):
    tree, _campaign, _worker, _client = world
    staff = Client()
    staff.force_login(tree.staff_a)
    form = {
        "union": tree.city_a.pk, "name": "春节健身集五福", "starts_on": "2025-02-01", "ends_on": "2025-02-10",
        "eligibility": "everyone", "steps_goal": 5000, "rope_goal": 50, "plank_goal": 50, "draw_time": "22:00",
        "kinds": "喜寿乐福 10\n艺术福 10\n文化福 10\n运动福 10\n健康福 1", "prizes": "运动手环 2 20",
    }
    bad = staff.post(reverse("console:campaigns:create"), {**form, "kinds": "喜寿乐福 十"})
    assert bad.status_code == 200 and "权重为正整数" in bad.content.decode()
    bad_dates = staff.post(reverse("console:campaigns:create"), {**form, "ends_on": "2025-01-01"})
    assert "结束日期不能早于开始日期" in bad_dates.content.decode()
    created = staff.post(reverse("console:campaigns:create"), form)
    campaign = Campaign.objects.get(name="春节健身集五福")
    assert created.status_code == 302 and campaign.kinds.get(name="健康福").weight == 1
    staff.post(reverse("console:campaigns:publish", kwargs={"campaign_id": campaign.pk}))
    assert Draw.objects.filter(campaign=campaign).count() == 10
    page = staff.get(reverse("console:campaigns:detail", kwargs={"campaign_id": campaign.pk}))
    assert page.status_code == 200 and "活动看板" in page.content.decode()
    other = Client()
    other.force_login(tree.staff_b)
    assert other.get(reverse("console:campaigns:detail", kwargs={"campaign_id": campaign.pk})).status_code == 404
    assert dt.date(2025, 2, 1) in set(Draw.objects.filter(campaign=campaign).values_list("day", flat=True))


def test_only_staff_who_may_change_the_campaign_see_the_partner_key(world):
    from gonghui.accounts.models import RoleGrant
    from tests.factories import make_staff

    tree, campaign, _worker, _client = world
    url = reverse("console:campaigns:detail", kwargs={"campaign_id": campaign.pk})
    admin, viewer = Client(), Client()
    admin.force_login(tree.staff_a)
    viewer.force_login(make_staff(union=tree.city_a, role=RoleGrant.Role.VIEWER))
    assert campaign.partner_key in admin.get(url).content.decode()
    page = viewer.get(url)
    assert page.status_code == 200 and campaign.partner_key not in page.content.decode()
