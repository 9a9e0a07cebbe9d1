"""Service activities (爱心餐, 送清凉, 暖途 …): a worker takes at most the daily quota of
vouchers, taking again while one is unused returns it; a voucher is redeemed once at a point
of its activity on its own day — however often it is scanned, online or uploaded from an
offline scan — and the 人次 count comes from the redemptions."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.campaigns import selectors, services
from gonghui.campaigns.figures import campaigns_service_visits
from gonghui.campaigns.models import ActivityKind, Eligibility, ServiceActivity, Voucher
from gonghui.campaigns.services import PointSpec
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.campaigns.helpers import at
from tests.factories import Tree, make_member, make_worker_user

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 10)


def make_activity(tree: Tree, *, quota: int = 1, published: bool = True, **kw) -> ServiceActivity:
    activity = services.activity_create(
        actor=tree.staff_a, union=tree.city_a, kind=kw.pop("kind", ActivityKind.MEAL), name="冬季爱心餐",
        starts_on=kw.pop("starts_on", DAY), ends_on=kw.pop("ends_on", DAY + dt.timedelta(days=30)),
        points=[PointSpec("南山驿站", "南山区科技园"), PointSpec("福田食堂")], daily_quota=quota, **kw,
    )
    if published:
        activity = services.activity_publish(actor=tree.staff_a, activity=activity)
    return activity


@pytest.fixture
def world():
    tree = Tree()
    return tree, make_activity(tree), make_worker_user(name="李师傅")


def test_taking_twice_while_unused_returns_the_same_voucher(world):
    _tree, activity, worker = world
    first = services.voucher_take(activity=activity, user=worker, now=at(DAY, 11))
    again = services.voucher_take(activity=activity, user=worker, now=at(DAY, 11, 5))
    assert again.pk == first.pk
    assert Voucher.objects.count() == 1
    assert first.day == DAY and first.seq == 1 and len(first.code) >= 20


def test_the_daily_quota_counts_vouchers_used_and_resets_the_next_day(world):
    tree, _activity, worker = world
    activity = make_activity(tree, quota=2)
    point = activity.points.first()
    for expected_seq in (1, 2):
        v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 11))
        assert v.seq == expected_seq
        assert services.voucher_redeem(actor=tree.staff_a, code=v.code, point=point, now=at(DAY, 12)).status == "redeemed"
    with pytest.raises(Conflict, match="每人每天 2 张"):
        services.voucher_take(activity=activity, user=worker, now=at(DAY, 18))
    tomorrow = services.voucher_take(activity=activity, user=worker, now=at(DAY + dt.timedelta(days=1), 0, 0, 1))
    assert (tomorrow.day, tomorrow.seq) == (DAY + dt.timedelta(days=1), 1)


def test_a_voucher_scanned_twice_is_redeemed_once_and_the_second_scan_says_when_and_where(world):
    tree, activity, worker = world
    v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 11))
    point = activity.points.get(name="南山驿站")
    other_point = activity.points.get(name="福田食堂")
    first = services.voucher_redeem(actor=tree.staff_a, code=v.code, point=point, now=at(DAY, 12, 3))
    second = services.voucher_redeem(actor=tree.staff_a, code=v.code, point=other_point, now=at(DAY, 12, 4))
    assert first.status == "redeemed"
    assert second.status == "already"
    assert "12-10 12:03" in second.message and "南山驿站" in second.message
    v.refresh_from_db()
    assert v.point == point  # the second scan changed nothing
    assert selectors.activity_counts(activity=activity).served == 1


def test_a_redemption_and_its_audit_record_are_written_together_once(world):
    """One audit record per voucher redeemed (actor, voucher, point), none for a repeat scan
    or a refusal; the returned voucher is the stored one."""
    from gonghui.core.models import AuditEvent

    tree, activity, worker = world
    v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 11))
    point = activity.points.get(name="福田食堂")
    result = services.voucher_redeem(actor=tree.staff_a, code=f"  {v.code} ", point=point, now=at(DAY, 12))
    assert result.status == "redeemed" and result.voucher.pk == v.pk and result.voucher.point_id == point.pk
    assert result.voucher.redeemed_by_id == tree.staff_a.pk and result.voucher.user_id == worker.pk
    services.voucher_redeem(actor=tree.staff_a, code=v.code, point=point, now=at(DAY, 12, 1))
    assert services.voucher_redeem(actor=tree.staff_a, code="nope", point=point, now=at(DAY, 12, 2)).status == "invalid"
    events = list(AuditEvent.objects.filter(action="voucher.redeem"))
    assert [(e.actor_id, e.target_type, e.target_id, e.data) for e in events] == [
        (tree.staff_a.pk, "campaigns.voucher", str(v.pk), {"point": point.pk})]
    v.refresh_from_db()
    assert v.redeemed_at == at(DAY, 12) and v.scanned_at == at(DAY, 12)


def test_an_offline_scan_uploaded_after_midnight_counts_on_the_day_it_was_scanned(world):
    tree, activity, worker = world
    v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 20))
    point = activity.points.first()
    result = services.voucher_redeem(actor=tree.staff_a, code=v.code, point=point,
                                     scanned_at=at(DAY, 23, 50), now=at(DAY + dt.timedelta(days=1), 0, 20))
    assert result.status == "redeemed"
    assert list(campaigns_service_visits(DAY)) == [(tree.city_a.pk, "meal", 1)]
    assert list(campaigns_service_visits(DAY + dt.timedelta(days=1))) == []


def test_a_voucher_is_only_good_on_its_own_day(world):
    tree, activity, worker = world
    v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 20))
    result = services.voucher_redeem(actor=tree.staff_a, code=v.code, point=activity.points.first(),
                                     now=at(DAY + dt.timedelta(days=1), 9))
    assert result.status == "invalid" and "仅限 2026-12-10 当天使用" in result.message
    assert not Voucher.objects.get(pk=v.pk).redeemed


def test_scan_times_from_the_future_or_long_ago_are_refused(world):
    tree, activity, worker = world
    v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 9))
    point = activity.points.first()
    for scanned in (at(DAY, 9, 30), at(DAY - dt.timedelta(days=4), 9)):
        with pytest.raises(ValidationFailed, match="扫码时间不对"):
            services.voucher_redeem(actor=tree.staff_a, code=v.code, point=point, scanned_at=scanned, now=at(DAY, 9, 10))


def test_a_code_of_another_activity_or_made_up_is_invalid(world):
    tree, activity, worker = world
    other = make_activity(tree)
    v = services.voucher_take(activity=other, user=worker, now=at(DAY, 9))
    point = activity.points.first()
    assert services.voucher_redeem(actor=tree.staff_a, code=v.code, point=point, now=at(DAY, 10)).status == "invalid"
    assert services.voucher_redeem(actor=tree.staff_a, code="made-up", point=point, now=at(DAY, 10)).status == "invalid"


def test_staff_of_another_branch_cannot_redeem(world):
    tree, activity, worker = world
    v = services.voucher_take(activity=activity, user=worker, now=at(DAY, 9))
    with pytest.raises(NotFound):
        services.voucher_redeem(actor=tree.staff_b, code=v.code, point=activity.points.first(), now=at(DAY, 10))
    assert not Voucher.objects.get(pk=v.pk).redeemed


def test_taking_is_refused_outside_the_dates_unpublished_or_for_the_wrong_people(world):
    tree, activity, worker = world
    with pytest.raises(Conflict, match="开始"):
        services.voucher_take(activity=activity, user=worker, now=at(DAY - dt.timedelta(days=1), 23, 59))
    with pytest.raises(Conflict, match="结束"):
        services.voucher_take(activity=activity, user=worker, now=at(DAY + dt.timedelta(days=31), 0, 1))
    with pytest.raises(NotFound):
        services.voucher_take(activity=make_activity(tree, published=False), user=worker, now=at(DAY, 9))
    members_only = make_activity(tree, eligibility=Eligibility.MEMBERS)
    with pytest.raises(PermissionDenied, match="工会会员"):
        services.voucher_take(activity=members_only, user=worker, now=at(DAY, 9))
    member = make_member(union=tree.grassroots_a)
    assert services.voucher_take(activity=members_only, user=member.person.user, now=at(DAY, 9)).seq == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"name": " "}, "活动名称"),
    ({"ends_on": DAY - dt.timedelta(days=1)}, "结束日期不能早于开始日期"),
    ({"ends_on": DAY + dt.timedelta(days=366)}, "最长 366 天"),
    ({"daily_quota": 0}, "1 到 10 张"),
    ({"daily_quota": 11}, "1 到 10 张"),
    ({"points": []}, "至少一个服务点"),
    ({"points": [PointSpec("甲"), PointSpec("甲")]}, "不能重复"),
    ({"kind": "karaoke"}, "服务类型无效"),
])
def test_bad_activities_are_refused_in_chinese(change, message):
    tree = Tree()
    args = {"actor": tree.staff_a, "union": tree.city_a, "kind": ActivityKind.MEAL, "name": "爱心餐", "starts_on": DAY,
            "ends_on": DAY + dt.timedelta(days=30), "points": [PointSpec("南山驿站")], **change}
    with pytest.raises(ValidationFailed, match=message):
        services.activity_create(**args)
    assert not ServiceActivity.objects.exists()


def test_an_activity_is_created_only_in_the_staff_members_branch_and_its_stations():
    from tests.stations.helpers import make_station

    tree = Tree()
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=tree.staff_b, union=tree.city_a, kind="meal", name="爱心餐", starts_on=DAY,
                                 ends_on=DAY, points=[PointSpec("甲")])
    elsewhere = make_station(union=tree.grassroots_b)
    with pytest.raises(ValidationFailed, match="驿站须属于主办工会"):
        services.activity_create(actor=tree.staff_a, union=tree.city_a, kind="meal", name="爱心餐", starts_on=DAY,
                                 ends_on=DAY, points=[PointSpec("乙", station_id=elsewhere.pk)])
    own = make_station(union=tree.grassroots_a)
    activity = services.activity_create(actor=tree.staff_a, union=tree.city_a, kind="meal", name="爱心餐",
                                        starts_on=DAY, ends_on=DAY, points=[PointSpec("甲", station_id=own.pk)])
    assert activity.points.get().station == own


def test_the_figure_counts_redemptions_by_kind_at_the_organising_union():
    tree = Tree()
    meal = make_activity(tree)
    cooling = make_activity(tree, kind=ActivityKind.COOLING)
    workers = [make_worker_user() for _ in range(3)]
    for activity, users in ((meal, workers), (cooling, workers[:1])):
        for user in users:
            v = services.voucher_take(activity=activity, user=user, now=at(DAY, 11))
            services.voucher_redeem(actor=tree.staff_a, code=v.code, point=activity.points.first(), now=at(DAY, 12))
    services.voucher_take(activity=meal, user=make_worker_user(), now=at(DAY, 11))  # taken, never used
    assert sorted(campaigns_service_visits(DAY)) == [(tree.city_a.pk, "cooling", 1), (tree.city_a.pk, "meal", 3)]
    assert selectors.activity_counts(activity=meal).taken == 4
