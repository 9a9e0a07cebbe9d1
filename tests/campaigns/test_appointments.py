"""工会体检行 appointments: slots at a check point with a capacity; a worker holds one live
booking per drive, never more bookings than places (a double tap returns the same one);
cancelling gives the place back; the day before, a reminder in the app and by SMS (once);
a booking nobody attended becomes 未到检 after its slot, and two of those stop further
bookings; the 人次 count is the appointments attended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.campaigns import selectors, services
from gonghui.campaigns.models import ActivityKind, Appointment, CheckupSlot, ServiceActivity
from gonghui.campaigns.services import PointSpec
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.models import OutboxMessage
from gonghui.notices.models import Notice
from tests.campaigns.helpers import at
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 10)


def make_checkup(tree: Tree, *, capacity: int = 2, published: bool = True) -> tuple[ServiceActivity, list[CheckupSlot]]:
    activity = services.activity_create(
        actor=tree.staff_a, union=tree.city_a, kind=ActivityKind.CHECKUP, name="工会体检行", starts_on=DAY,
        ends_on=DAY + dt.timedelta(days=10), points=[PointSpec("流动体检车", "科技园广场"), PointSpec("福田体检点")],
    )
    if published:
        activity = services.activity_publish(actor=tree.staff_a, activity=activity)
    slots = services.slots_add(actor=tree.staff_a, activity=activity, point=activity.points.first(), day=DAY,
                               start=dt.time(8, 30), end=dt.time(10, 30), minutes=30, capacity=capacity)
    return activity, slots


@pytest.fixture
def world():
    tree = Tree()
    activity, slots = make_checkup(tree)
    return tree, activity, slots


BEFORE = at(DAY - dt.timedelta(days=2), 12)


def test_slots_are_cut_from_the_window_in_beijing_time_and_kept_when_added_again(world):
    tree, activity, slots = world
    assert [services.local_now(s.starts_at).strftime("%H:%M") for s in slots] == ["08:30", "09:00", "09:30", "10:00"]
    assert all(s.capacity == 2 and s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in slots)
    again = services.slots_add(actor=tree.staff_a, activity=activity, point=activity.points.first(), day=DAY,
                               start=dt.time(8, 30), end=dt.time(11, 0), minutes=30, capacity=5)
    assert len(again) == 1  # only 10:30 is new; the four kept their capacity
    assert CheckupSlot.objects.filter(activity=activity).count() == 5
    assert CheckupSlot.objects.get(pk=slots[0].pk).capacity == 2


@pytest.mark.parametrize(("kw", "field"), [
    ({"day": DAY + dt.timedelta(days=30)}, "day"),
    ({"minutes": 5}, "minutes"),
    ({"capacity": 0}, "capacity"),
    ({"start": dt.time(10, 0), "end": dt.time(10, 10)}, "end"),
])
def test_bad_slots_are_refused_in_chinese_and_nothing_is_written(world, kw, field):
    tree, activity, _slots = world
    args = {"day": DAY, "start": dt.time(14, 0), "end": dt.time(16, 0), "minutes": 30, "capacity": 3} | kw
    with pytest.raises(ValidationFailed) as err:
        services.slots_add(actor=tree.staff_a, activity=activity, point=activity.points.first(), **args)
    assert err.value.field == field
    assert CheckupSlot.objects.filter(activity=activity).count() == 4


def test_slots_only_for_a_checkup_drive_and_only_by_its_staff(world):
    tree, activity, _slots = world
    meal = services.activity_create(actor=tree.staff_a, union=tree.city_a, kind=ActivityKind.MEAL, name="爱心餐",
                                    starts_on=DAY, ends_on=DAY, points=[PointSpec("食堂")])
    with pytest.raises(ValidationFailed, match="工会体检行"):
        services.slots_add(actor=tree.staff_a, activity=meal, point=meal.points.first(), day=DAY,
                           start=dt.time(8), end=dt.time(9), minutes=30, capacity=1)
    with pytest.raises(NotFound):
        services.slots_add(actor=tree.staff_b, activity=activity, point=activity.points.first(), day=DAY,
                           start=dt.time(14), end=dt.time(15), minutes=30, capacity=1)


def test_capacity_is_never_exceeded_and_a_double_tap_is_one_booking(world):
    _tree, _activity, slots = world
    slot = slots[0]
    a, b, c = (make_worker_user(name=n) for n in ("甲", "乙", "丙"))
    first = services.appointment_book(slot=slot, user=a, now=BEFORE)
    assert services.appointment_book(slot=slot, user=a, now=BEFORE).pk == first.pk
    services.appointment_book(slot=slot, user=b, now=BEFORE)
    with pytest.raises(Conflict, match="约满"):
        services.appointment_book(slot=slot, user=c, now=BEFORE)
    slot.refresh_from_db()
    assert slot.booked == 2 and Appointment.objects.filter(slot=slot).count() == 2


def test_one_live_booking_per_drive_cancel_frees_the_place_and_allows_another(world):
    _tree, _activity, slots = world
    worker = make_worker_user()
    first = services.appointment_book(slot=slots[0], user=worker, now=BEFORE)
    with pytest.raises(Conflict, match="请先取消原预约"):
        services.appointment_book(slot=slots[1], user=worker, now=BEFORE)
    services.appointment_cancel(appointment=first, user=worker, now=BEFORE)
    assert CheckupSlot.objects.get(pk=slots[0].pk).booked == 0
    second = services.appointment_book(slot=slots[1], user=worker, now=BEFORE)
    assert second.status == Appointment.Status.BOOKED
    with pytest.raises(Conflict):
        services.appointment_cancel(appointment=first, user=worker, now=BEFORE)  # cancelled once only
    assert CheckupSlot.objects.get(pk=slots[0].pk).booked == 0


def test_no_booking_or_cancelling_once_the_slot_has_started(world):
    _tree, _activity, slots = world
    worker, other = make_worker_user(), make_worker_user()
    booked = services.appointment_book(slot=slots[1], user=worker, now=BEFORE)
    started = at(DAY, 9, 0)  # slots[1] starts at 09:00
    with pytest.raises(Conflict, match="已经开始"):
        services.appointment_book(slot=slots[1], user=other, now=started)
    with pytest.raises(Conflict, match="不能取消"):
        services.appointment_cancel(appointment=booked, user=worker, now=started)
    with pytest.raises(NotFound):
        services.appointment_cancel(appointment=booked, user=other, now=BEFORE)


def test_an_unpublished_drive_cannot_be_booked():
    tree = Tree()
    _activity, slots = make_checkup(tree, published=False)
    with pytest.raises(NotFound):
        services.appointment_book(slot=slots[0], user=make_worker_user(), now=BEFORE)


def test_reminder_once_the_day_before_in_the_app_and_by_sms(world, sms_outbox, django_capture_on_commit_callbacks):
    _tree, _activity, slots = world
    worker = make_worker_user(phone="13912345678")
    services.appointment_book(slot=slots[0], user=worker, now=BEFORE)  # 08:30 on DAY
    assert services.appointments_remind(now=at(DAY - dt.timedelta(days=2), 8)) == 0  # 48 h ahead: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert services.appointments_remind(now=at(DAY - dt.timedelta(days=1), 9)) == 1
    assert services.appointments_remind(now=at(DAY - dt.timedelta(days=1), 10)) == 0  # once
    notice = Notice.objects.get(user=worker, module="campaigns")
    assert "08:30" in notice.text and "流动体检车" in notice.text and "科技园广场" in notice.text
    assert OutboxMessage.objects.filter(task="campaigns.user_sms_send").count() == 1
    texts = [t for to, t in sms_outbox if to == "13912345678"]
    assert len(texts) == 1 and "08:30" in texts[0] and texts[0].startswith("【职工之家】")


def test_cancelled_bookings_are_not_reminded(world):
    _tree, _activity, slots = world
    worker = make_worker_user()
    booking = services.appointment_book(slot=slots[0], user=worker, now=BEFORE)
    services.appointment_cancel(appointment=booking, user=worker, now=BEFORE)
    assert services.appointments_remind(now=at(DAY - dt.timedelta(days=1), 9)) == 0


def test_missed_bookings_become_no_shows_and_two_stop_further_bookings(world):
    tree, activity, slots = world
    worker = make_worker_user()
    more = services.slots_add(actor=tree.staff_a, activity=activity, point=activity.points.first(),
                              day=DAY + dt.timedelta(days=1), start=dt.time(8), end=dt.time(9), minutes=30, capacity=2)
    services.appointment_book(slot=slots[0], user=worker, now=BEFORE)
    assert services.appointments_mark_no_show(now=at(DAY, 9, 0)) == 0  # 08:30–09:00 ends at 09:00
    assert services.appointments_mark_no_show(now=at(DAY, 9, 1)) == 1
    services.appointment_book(slot=slots[3], user=worker, now=at(DAY, 9, 5))  # one no-show: may book again
    assert services.appointments_mark_no_show(now=at(DAY, 11)) == 1
    with pytest.raises(Conflict, match="2 次预约未到检"):
        services.appointment_book(slot=more[0], user=worker, now=at(DAY, 12))
    assert CheckupSlot.objects.get(pk=slots[0].pk).booked == 1  # a no-show keeps its place (it was used)


def test_attendance_is_recorded_on_the_day_once_and_counts_as_served(world):
    tree, activity, slots = world
    worker = make_worker_user()
    booking = services.appointment_book(slot=slots[0], user=worker, now=BEFORE)
    with pytest.raises(Conflict, match="只能在预约当天"):
        services.appointment_attend(actor=tree.staff_a, appointment=booking, now=at(DAY - dt.timedelta(days=1), 9))
    with pytest.raises(NotFound):
        services.appointment_attend(actor=tree.staff_b, appointment=booking, now=at(DAY, 8, 40))
    services.appointment_attend(actor=tree.staff_a, appointment=booking, now=at(DAY, 8, 40))
    services.appointment_attend(actor=tree.staff_a, appointment=booking, now=at(DAY, 8, 45))
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.ATTENDED and booking.attended_at == at(DAY, 8, 40)
    assert services.appointments_mark_no_show(now=at(DAY, 12)) == 0
    counts = selectors.activity_counts(activity=activity)
    assert counts.served == 1 and counts.by_point[0]["served"] == 1 and counts.by_point[1]["served"] == 0


def test_a_checkup_drive_takes_no_vouchers(world, frozen_clock):
    _tree, activity, _slots = world
    frozen_clock(at(DAY, 7))
    with pytest.raises(Conflict, match="预约时段"):
        services.voucher_take(activity=activity, user=make_worker_user())


# --- pages and API ------------------------------------------------------------------------------


def test_worker_books_and_cancels_on_the_page(client, world, frozen_clock):
    _tree, activity, slots = world
    frozen_clock(BEFORE)
    worker = make_worker_user()
    client.force_login(worker)
    page = client.get(reverse("campaigns:activity", args=[activity.pk])).content.decode()
    assert "选择体检时段" in page and "余 2 个名额" in page and "领取今天的服务券" not in page
    response = client.post(reverse("campaigns:appointment_book", args=[activity.pk]), {"slot": slots[2].pk}, follow=True)
    body = response.content.decode()
    assert "预约成功" in body and "我的体检预约" in body and "09:30" in body
    booking = Appointment.objects.get(user=worker)
    for bad in ({"slot": "abc"}, {"slot": "999999"}, {}):
        assert "请选择一个时段" in client.post(reverse("campaigns:appointment_book", args=[activity.pk]), bad,
                                           follow=True).content.decode()
    body = client.post(reverse("campaigns:appointment_cancel", args=[booking.pk]), follow=True).content.decode()
    assert "已取消预约" in body
    assert Appointment.objects.get(pk=booking.pk).status == Appointment.Status.CANCELLED
    client.force_login(make_worker_user())  # someone else's booking: 404
    assert client.post(reverse("campaigns:appointment_cancel", args=[booking.pk])).status_code == 404


def test_staff_add_slots_see_the_list_and_record_attendance(client, world, frozen_clock):
    tree, activity, slots = world
    frozen_clock(BEFORE)
    worker = make_worker_user(name="王师傅", phone="13900001111")
    booking = services.appointment_book(slot=slots[0], user=worker)
    client.force_login(tree.staff_a)
    page = client.get(reverse("console:campaigns:activity", args=[activity.pk])).content.decode()
    assert "体检时段" in page and "1 / 2" in page
    url = reverse("console:campaigns:slots_add", args=[activity.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"point": activity.points.first().pk, "day": "2026-12-30", "start": "14:00", "end": "16:00",
                            "minutes": 30, "capacity": 3})
    assert bad.status_code == 200 and "日期须在活动期内" in bad.content.decode()
    good = client.post(url, {"point": activity.points.last().pk, "day": "2026-12-11", "start": "14:00", "end": "16:00",
                             "minutes": 60, "capacity": 3})
    assert good.status_code == 302 and CheckupSlot.objects.filter(point=activity.points.last()).count() == 2
    slot_page = client.get(reverse("console:campaigns:slot", args=[slots[0].pk])).content.decode()
    assert "王师傅" in slot_page and "139****1111" in slot_page and "13900001111" not in slot_page
    frozen_clock(at(DAY, 8, 35))
    client.post(reverse("console:campaigns:appointment_attend", args=[booking.pk]))
    assert Appointment.objects.get(pk=booking.pk).status == Appointment.Status.ATTENDED
    client.force_login(tree.staff_b)
    assert client.get(reverse("console:campaigns:slot", args=[slots[0].pk])).status_code == 404
    assert client.post(reverse("console:campaigns:appointment_attend", args=[booking.pk])).status_code == 404
    assert client.get(reverse("console:campaigns:slots_add", args=[activity.pk])).status_code == 404


def test_api_lists_books_and_cancels(client, world, frozen_clock):
    _tree, activity, slots = world
    frozen_clock(BEFORE)
    worker = make_worker_user()
    listed = client.get(f"/api/v1/campaigns/activities/{activity.pk}/slots").json()
    assert [s["left"] for s in listed] == [2, 2, 2, 2]
    assert client.post(f"/api/v1/campaigns/slots/{slots[0].pk}/appointments").status_code == 401
    client.force_login(worker)
    booked = client.post(f"/api/v1/campaigns/slots/{slots[0].pk}/appointments")
    assert booked.status_code == 200 and booked.json()["status"] == "booked" and booked.json()["slot"]["left"] == 1
    again = client.post(f"/api/v1/campaigns/slots/{slots[1].pk}/appointments")
    assert again.status_code == 409 and "请先取消原预约" in again.content.decode()
    mine = client.get(f"/api/v1/campaigns/activities/{activity.pk}/appointments").json()
    assert [a["status"] for a in mine] == ["booked"]
    cancelled = client.post(f"/api/v1/campaigns/appointments/{booked.json()['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["slot"]["left"] == 2
