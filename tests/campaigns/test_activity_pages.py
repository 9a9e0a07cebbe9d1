"""Service activities in the pages and the API: a worker takes a voucher and sees its QR;
the point's staff open it from the QR on their phone and redeem it once; another branch's
staff get 404; offline scans uploaded in a batch redeem each voucher once; bad input is
answered in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.campaigns.models import ServiceActivity, Voucher
from tests.campaigns.helpers import at
from tests.campaigns.test_activities import DAY, make_activity
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(frozen_clock):
    frozen_clock(at(DAY, 11, 30))
    tree = Tree()
    activity = make_activity(tree)
    worker = make_worker_user(name="李大山")
    worker.full_name = "李大山"
    worker.save(update_fields=["full_name"])
    client = Client()
    client.force_login(worker)
    staff = Client()
    staff.force_login(tree.staff_a)
    return tree, activity, worker, client, staff


def test_the_worker_takes_a_voucher_and_sees_a_qr_that_opens_the_redeem_page(world):
    _tree, activity, _worker, client, _staff = world
    page = client.post(reverse("campaigns:voucher_take", kwargs={"activity_id": activity.pk}), follow=True)
    html = page.content.decode()
    assert "已领取今天的服务券" in html and "未使用" in html
    assert "今天的券已经领完" not in html  # it is not used yet
    voucher = Voucher.objects.get()
    svg = re.search(r'data-testid="voucher-qr">(<svg.*?</svg>)', html, re.S).group(1)
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own page) — a well-formed, standalone SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("width")
    assert voucher.code in html
    # Taking again while unused: the same voucher, no second one.
    client.post(reverse("campaigns:voucher_take", kwargs={"activity_id": activity.pk}))
    assert Voucher.objects.count() == 1


def test_staff_redeem_from_the_qr_page_once_and_the_worker_sees_it_used(world):
    _tree, activity, worker, client, staff = world
    client.post(reverse("campaigns:voucher_take", kwargs={"activity_id": activity.pk}))
    voucher = Voucher.objects.get()
    url = reverse("console:campaigns:redeem_code", kwargs={"code": voucher.code})
    page = staff.get(url).content.decode()
    assert "李**" in page and "李大山" not in page  # the worker's name masked
    point = activity.points.get(name="南山驿站")
    done = staff.post(url, {"point": point.pk}).content.decode()
    assert "核销成功" in done
    again = staff.post(url, {"point": point.pk}).content.decode()
    assert "已核销" in again and "确认核销" not in again
    assert Voucher.objects.filter(redeemed_at__isnull=False).count() == 1
    mine = client.get(reverse("campaigns:activity", kwargs={"activity_id": activity.pk})).content.decode()
    assert "已使用" in mine and 'data-testid="voucher-qr"' not in mine
    assert "今天的券已经领完" in mine and "领取今天的服务券</button>" not in mine  # quota 1, used
    detail = staff.get(reverse("console:campaigns:activity", kwargs={"activity_id": activity.pk})).content.decode()
    assert re.search(r'data-testid="served">1<', detail)


def test_the_code_typed_by_hand_opens_the_same_page(world):
    _tree, activity, _worker, client, staff = world
    client.post(reverse("campaigns:voucher_take", kwargs={"activity_id": activity.pk}))
    code = Voucher.objects.get().code
    response = staff.get(reverse("console:campaigns:redeem"), {"code": f"  {code} "})
    assert response.status_code == 302 and response["Location"].endswith(f"/redeem/{code}/")


def test_another_branch_gets_404_on_the_redeem_page_and_cannot_redeem(world):
    tree, activity, _worker, client, _staff = world
    client.post(reverse("campaigns:voucher_take", kwargs={"activity_id": activity.pk}))
    voucher = Voucher.objects.get()
    other = Client()
    other.force_login(tree.staff_b)
    url = reverse("console:campaigns:redeem_code", kwargs={"code": voucher.code})
    assert other.get(url).status_code == 404
    assert other.post(url, {"point": activity.points.first().pk}).status_code == 404
    assert not Voucher.objects.get().redeemed


def test_no_point_chosen_is_a_chinese_message_not_a_redemption(world):
    _tree, activity, _worker, client, staff = world
    client.post(reverse("campaigns:voucher_take", kwargs={"activity_id": activity.pk}))
    url = reverse("console:campaigns:redeem_code", kwargs={"code": Voucher.objects.get().code})
    for bad in ({}, {"point": "abc"}, {"point": "999999"}):
        assert "请选择服务点" in staff.post(url, bad, follow=True).content.decode()
    assert not Voucher.objects.get().redeemed


def test_offline_scans_uploaded_twice_redeem_each_voucher_once(world, frozen_clock):
    tree, activity, _worker, _client, staff = world
    codes = []
    for name in ("甲", "乙"):
        worker = Client()
        worker.force_login(make_worker_user(name=name))
        taken = worker.post(f"/api/v1/campaigns/activities/{activity.pk}/vouchers", content_type="application/json")
        assert taken.status_code == 200, taken.content
        codes.append(taken.json()["code"])
    point = activity.points.first()
    scans = {"scans": [
        {"code": codes[0], "point_id": point.pk, "scanned_at": at(DAY, 11, 40).isoformat()},
        {"code": codes[1], "point_id": point.pk, "scanned_at": at(DAY, 11, 41).isoformat()},
        {"code": codes[0], "point_id": point.pk, "scanned_at": at(DAY, 11, 42).isoformat()},  # scanned twice
        {"code": "not-a-code", "point_id": point.pk},
    ]}
    frozen_clock(at(DAY, 12, 30))  # back online
    first = staff.post("/api/v1/campaigns/redemptions", scans, content_type="application/json")
    assert first.status_code == 200, first.content
    assert [r["status"] for r in first.json()] == ["redeemed", "redeemed", "already", "invalid"]
    again = staff.post("/api/v1/campaigns/redemptions", scans, content_type="application/json")
    assert [r["status"] for r in again.json()] == ["already", "already", "already", "invalid"]
    assert Voucher.objects.filter(redeemed_at__isnull=False).count() == 2
    assert str(Voucher.objects.get(code=codes[0]).scanned_at.astimezone(at(DAY).tzinfo).time()) == "11:40:00"


def test_a_batch_with_another_branchs_point_answers_that_line_and_keeps_the_rest(world):
    tree, activity, worker, client, staff = world
    code = client.post(f"/api/v1/campaigns/activities/{activity.pk}/vouchers", content_type="application/json").json()["code"]
    other = Client()
    other.force_login(tree.staff_b)
    response = other.post("/api/v1/campaigns/redemptions", {"scans": [{"code": code, "point_id": activity.points.first().pk}]},
                          content_type="application/json")
    assert response.status_code == 200
    assert response.json()[0]["status"] == "invalid" and "管辖范围" in response.json()[0]["message"]
    assert not Voucher.objects.get().redeemed


@pytest.mark.parametrize("body", [{}, {"scans": []}, {"scans": [{"code": "", "point_id": 1}]}, {"scans": "x"}])
def test_malformed_batches_are_a_400_or_422_in_chinese(world, body):
    _tree, _activity, _worker, _client, staff = world
    response = staff.post("/api/v1/campaigns/redemptions", body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_staff_create_an_activity_from_the_form_with_a_station_point(world):
    from tests.stations.helpers import make_station

    tree, _activity, _worker, _client, staff = world
    station = make_station(union=tree.grassroots_a, name="科技园驿站")
    form = {
        "union": tree.city_a.pk, "kind": "cooling", "name": "夏季送清凉", "description": "", "starts_on": "2026-12-10",
        "ends_on": "2026-12-31", "eligibility": "everyone", "daily_quota": "1",
        "points": f"#{station.pk} 科技园驿站\n福田站点 福田区某路8号",
    }
    response = staff.post(reverse("console:campaigns:activity_create"), form)
    assert response.status_code == 302, response.content.decode()
    created = ServiceActivity.objects.get(name="夏季送清凉")
    assert [(p.name, p.address, p.station_id) for p in created.points.all()] == [
        ("科技园驿站", "", station.pk), ("福田站点", "福田区某路8号", None),
    ]
    assert created.status == ServiceActivity.Status.DRAFT
    staff.post(reverse("console:campaigns:activity_publish", kwargs={"activity_id": created.pk}))
    created.refresh_from_db()
    assert created.status == ServiceActivity.Status.PUBLISHED


@pytest.mark.parametrize(("change", "message"), [
    ({"points": "#abc 驿站"}, "驿站编号写成"),
    ({"points": "  \n "}, "这个字段是必填项"),
    ({"ends_on": "2026-12-01"}, "结束日期不能早于开始日期"),
    ({"daily_quota": "0"}, "1"),
])
def test_bad_activity_forms_get_chinese_errors(world, change, message):
    tree, _activity, _worker, _client, staff = world
    form = {"union": tree.city_a.pk, "kind": "meal", "name": "爱心餐", "starts_on": "2026-12-10",
            "ends_on": "2026-12-31", "eligibility": "everyone", "daily_quota": "1", "points": "食堂", **change}
    response = staff.post(reverse("console:campaigns:activity_create"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceActivity.objects.filter(name="爱心餐").exists()


def test_the_activity_list_shows_only_published_activities_that_have_not_ended(world):
    tree, activity, _worker, client, _staff = world
    draft = make_activity(tree, published=False)
    ended = make_activity(tree, starts_on=DAY - dt.timedelta(days=10), ends_on=DAY - dt.timedelta(days=1))
    html = client.get(reverse("campaigns:activities")).content.decode()
    assert reverse("campaigns:activity", kwargs={"activity_id": activity.pk}) in html
    for hidden in (draft, ended):
        assert reverse("campaigns:activity", kwargs={"activity_id": hidden.pk}) not in html
