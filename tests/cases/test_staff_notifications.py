"""我的提醒 for union staff (escalations, 督办, reminders): page, unread badge, mark read, API;
and hotline / partner cases linked to the member with the caller's phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.accounts.auth import api_token_create
from gonghui.cases.models import Case, Channel
from gonghui.cases.services import (
    case_create,
    case_transfer,
    cases_escalate_overdue,
    supervision_create,
)
from gonghui.core.pii import phone_index
from gonghui.members.models import Person
from gonghui.notices.models import Notice
from tests.factories import Tree, make_member, make_staff, make_worker_user

from .helpers import app_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases"


def escalated(tree):
    """A case of grassroots A gone overdue: the county union A's staff are told."""
    county_staff = make_staff(union=tree.county_a)
    case = app_case(tree)
    assert cases_escalate_overdue(today=case.due_on + dt.timedelta(days=3)) == 1
    return case, county_staff


# --- 我的提醒 page --------------------------------------------------------------------------


def test_escalation_notice_is_listed_for_the_parent_union_staff_with_unread_badge(client):
    tree = Tree()
    case, county_staff = escalated(tree)
    client.force_login(county_staff)
    page = client.get(reverse("console:notices"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "我的提醒" in html and f"下级工会诉求 {case.number} 已超期" in html
    assert reverse("console:cases:detail", args=[case.pk]) in html
    assert 'class="unread"' in html and "全部标为已读" in html
    queue = client.get(reverse("console:cases:queue")).content.decode()
    assert 'id="unread-notices">1<' in queue


def test_notices_are_listed_newest_first(client):
    tree = Tree()
    case, county_staff = escalated(tree)
    handler = make_staff(union=tree.grassroots_a)
    supervision_create(case=case, by=county_staff, note="请尽快办理", due_on=dt.date.today() + dt.timedelta(days=5))
    client.force_login(handler)
    html = client.get(reverse("console:notices")).content.decode()
    assert "被上级工会督办" in html
    # The county staff got the escalation only; a later 督办 by someone else would come first.
    older = Notice.objects.create(user=county_staff, module="cases", audience="staff", object_id=case.pk, union_path=case.union_path, text="较早的提醒")
    Notice.objects.filter(pk=older.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client.force_login(county_staff)
    html = client.get(reverse("console:notices")).content.decode()
    assert html.index("已超期") < html.index("较早的提醒")


def test_staff_of_another_branch_and_of_other_unions_see_nothing(client):
    tree = Tree()
    case, _ = escalated(tree)
    for user in (tree.staff_b, tree.staff_a):  # another branch; the city above (not notified)
        client.force_login(user)
        html = client.get(reverse("console:notices")).content.decode()
        assert case.number not in html and "暂无提醒" in html
        assert 'id="unread-notices"' not in client.get(reverse("console:cases:queue")).content.decode()


def test_notice_about_a_case_transferred_to_another_branch_drops_out(client):
    tree = Tree()
    case, county_staff = escalated(tree)
    case_transfer(case=case, to_union=tree.grassroots_b, by=tree.staff_a, reason="单位实际在乙市")
    client.force_login(county_staff)
    assert case.number not in client.get(reverse("console:notices")).content.decode()


def test_mark_all_read(client):
    tree = Tree()
    case, county_staff = escalated(tree)
    other = Notice.objects.create(user=tree.staff_b, module="cases", audience="staff", object_id=case.pk, union_path=case.union_path, text="别人的提醒")
    client.force_login(county_staff)
    response = client.post(reverse("console:notices_read"))
    assert response.status_code == 302 and response.url == reverse("console:notices")
    assert not Notice.objects.filter(user=county_staff, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    html = client.get(reverse("console:notices")).content.decode()
    assert case.number in html and 'class="unread"' not in html
    assert 'id="unread-notices"' not in client.get(reverse("console:cases:queue")).content.decode()


def test_notifications_page_is_for_staff_only_and_mark_read_needs_post(client):
    tree = Tree()
    _, county_staff = escalated(tree)
    client.force_login(make_worker_user())
    assert client.get(reverse("console:notices")).status_code in (302, 403)
    client.force_login(county_staff)
    assert client.get(reverse("console:notices_read")).status_code == 405


# --- API -------------------------------------------------------------------------------------


def test_api_lists_and_marks_read_the_same_notices(client):
    tree = Tree()
    case, county_staff = escalated(tree)
    client.force_login(county_staff)
    body = client.get(f"{BASE}/notifications").json()
    assert body["unread"] == 1 and len(body["items"]) == 1
    item = body["items"][0]
    assert item["case_id"] == case.pk and item["case_number"] == case.number and item["unread"] is True
    assert "已超期" in item["text"]
    client.force_login(tree.staff_b)
    assert client.get(f"{BASE}/notifications").json() == {"unread": 0, "items": []}
    assert client.post(f"{BASE}/notifications/read").json()["marked"] == 0
    client.force_login(county_staff)
    marked = client.post(f"{BASE}/notifications/read?ids={item['id']}&ids=999999").json()
    assert marked == {"marked": 1, "unread": 0}
    body = client.get(f"{BASE}/notifications").json()
    assert body["unread"] == 0 and body["items"][0]["read_at"] is not None


def test_api_mark_all_read_without_body_and_needs_auth(client):
    tree = Tree()
    _, county_staff = escalated(tree)
    assert client.get(f"{BASE}/notifications").status_code == 401
    _, key = api_token_create(user=county_staff, name="脚本")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"{BASE}/notifications", **auth).json()["unread"] == 1
    response = client.post(f"{BASE}/notifications/read", **auth)
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1, "unread": 0}


# --- partner / hotline cases linked to the member with that phone ------------------------------


def partner_auth(tree):
    account = make_staff(union=tree.province, role="operator")
    _, key = api_token_create(user=account, name="12351 呼叫中心")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def partner_case(client, tree, phone, **kw):
    response = client.post(f"{BASE}/", {
        "category": "wage_arrears", "description": "来电人反映单位拖欠工资两个月。", "reporter_name": "周女士",
        "reporter_phone": phone, "employer_id": tree.grassroots_a.employer.pk, "amount_fen": 500000, **kw,
    }, content_type="application/json", **partner_auth(tree))
    assert response.status_code == 201, response.content
    return Case.objects.get(pk=response.json()["id"])


def test_partner_case_is_linked_to_the_member_with_that_phone_and_shows_in_my_cases(client):
    tree = Tree()
    worker = make_worker_user(name="周小红")
    person = make_member(union=tree.grassroots_a, name="周小红", user=worker).person
    assert person.phone_index == phone_index(worker.phone)
    case = partner_case(client, tree, worker.phone, reporter_name="别的名字")
    assert case.channel == Channel.PARTNER
    assert case.reporter_person == person and case.reporter_user == worker
    client.force_login(worker)
    assert case.number in client.get(reverse("cases:my_cases")).content.decode()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert [c["number"] for c in client.get(f"{BASE}/mine").json()] == [case.number]
    assert client.get(f"{BASE}/mine/{case.pk}").status_code == 200
    # The worker is told in the app as well.
    assert Notice.objects.filter(user=worker, object_id=case.pk).exists()


def test_hotline_case_is_linked_by_phone_not_by_name():
    tree = Tree()
    worker = make_worker_user(name="陈大明")
    person = make_member(union=tree.grassroots_a, name="陈大明", user=worker).person
    operator = make_staff(union=tree.province, role="operator")
    linked = case_create(
        channel=Channel.HOTLINE, category="labor_contract", description="单位一直不签劳动合同。",
        reporter_name="匿名", reporter_phone=worker.phone, created_by=operator,
    )
    assert linked.reporter_person == person and linked.reporter_user == worker
    same_name = case_create(
        channel=Channel.HOTLINE, category="labor_contract", description="单位一直不签劳动合同。",
        reporter_name="陈大明", reporter_phone="13600001111", created_by=operator,
    )
    assert same_name.reporter_person is None and same_name.reporter_user is None


def test_partner_case_without_a_matching_member_is_not_linked(client):
    tree = Tree()
    worker = make_worker_user()
    make_member(union=tree.grassroots_a, user=worker)
    case = partner_case(client, tree, "13511112222")
    assert case.reporter_person is None and case.reporter_user is None
    client.force_login(worker)
    assert client.get(f"{BASE}/mine").json() == []


def test_phone_shared_by_two_members_is_not_linked(client):
    tree = Tree()
    worker = make_worker_user()
    make_member(union=tree.grassroots_a, user=worker)
    twin = make_member(union=tree.grassroots_b).person  # e.g. a family phone on an imported record
    Person.objects.filter(pk=twin.pk).update(phone=worker.phone, phone_index=phone_index(worker.phone))
    case = partner_case(client, tree, worker.phone)
    assert case.reporter_person is None and case.reporter_user is None


def test_member_without_an_account_is_linked_as_the_person_only(client):
    tree = Tree()
    person = make_member(union=tree.grassroots_a).person
    Person.objects.filter(pk=person.pk).update(user=None)
    case = partner_case(client, tree, person.phone)
    assert case.reporter_person == person and case.reporter_user is None


def test_hotline_cases_from_a_phone_join_my_cases_when_its_holder_signs_in_later(client):
    from django.utils import timezone

    from gonghui.accounts import services as account_services

    tree = Tree()
    operator = make_staff(union=tree.province, role="operator")
    phone = "13788889999"

    def hotline(description):
        return case_create(
            channel=Channel.HOTLINE, category="labor_contract", description=description,
            reporter_name="来电人", reporter_phone=phone, created_by=operator,
        )

    recent = hotline("单位一直不签劳动合同，来电反映。")
    old = hotline("很久以前的来电，号码可能已换人。")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    someone_elses = hotline("另一件已有主人的诉求。")
    other_user = make_worker_user()
    Case.objects.filter(pk=someone_elses.pk).update(reporter_user=other_user)
    assert recent.reporter_user is None

    # The holder of the phone signs in for the first time, with an SMS code.
    user = account_services.sms_code_verify(phone=phone, code=account_services.sms_code_send(phone=phone).code)
    client.force_login(user)
    assert [c["number"] for c in client.get(f"{BASE}/mine").json()] == [recent.number]
    assert client.get(f"{BASE}/mine/{recent.pk}").status_code == 200
    assert client.get(f"{BASE}/mine/{old.pk}").status_code == 404
    assert Case.objects.get(pk=someone_elses.pk).reporter_user == other_user
    assert Notice.objects.filter(user=user, text__contains="1 件诉求").exists()
    # Signing in again claims nothing twice.
    account_services.sms_code_verify(phone=phone, code=account_services.sms_code_send(phone=phone).code)
    assert Notice.objects.filter(user=user, text__contains="件诉求已放入").count() == 1


def test_a_failing_claim_never_stops_a_sign_in(monkeypatch):
    from gonghui.accounts import services as account_services
    from gonghui.cases import services as case_services

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(case_services, "cases_claim_by_phone", broken)
    phone = "13788880000"
    user = account_services.sms_code_verify(phone=phone, code=account_services.sms_code_send(phone=phone).code)
    assert user.phone == phone


# --- text messages to staff ----------------------------------------------------------------

STAFF_SMS: list[tuple[str, str]] = []


class StaffSmsBackend:
    def send(self, phone: str, text: str) -> None:
        STAFF_SMS.append((phone, text))


def _staff_with_phone(union, phone):
    from gonghui.accounts.models import User

    user = make_staff(union=union)
    User.objects.filter(pk=user.pk).update(phone=phone, phone_index=phone_index(phone))
    return user


def test_overdue_cases_reach_the_parent_unions_staff_as_one_text_per_run(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.cases.test_staff_notifications.StaffSmsBackend"
    STAFF_SMS.clear()
    tree = Tree()
    _staff_with_phone(tree.county_a, "13911112222")
    make_staff(union=tree.county_a)  # no phone: in-app only
    first, second = app_case(tree), app_case(tree)
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_escalate_overdue(today=max(first.due_on, second.due_on) + dt.timedelta(days=3)) == 2
    county_texts = [text for phone, text in STAFF_SMS if phone == "13911112222"]
    assert len(county_texts) == 1 and "2 件诉求超期" in county_texts[0]
    # Reporters are texted by their own path; nobody else in the county got one.
    assert {phone for phone, _text in STAFF_SMS} <= {"13911112222", first.reporter_phone, second.reporter_phone}


def test_supervision_texts_the_handling_unions_staff_unless_switched_off(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.cases.test_staff_notifications.StaffSmsBackend"
    STAFF_SMS.clear()
    tree = Tree()
    handler = _staff_with_phone(tree.grassroots_a, "13933334444")
    case = app_case(tree)
    with django_capture_on_commit_callbacks(execute=True):
        supervision_create(case=case, by=tree.staff_a, note="请尽快办理", due_on=dt.date.today() + dt.timedelta(days=5))
    assert [text for phone, text in STAFF_SMS if phone == "13933334444"] == [
        f"【职工之家】诉求 {case.number} 被上级工会督办，请于 {(dt.date.today() + dt.timedelta(days=5)).isoformat()} 前办结。"
    ]
    assert handler.notices.filter(object_id=case.pk).exists()
    settings.CASES_STAFF_SMS = False
    STAFF_SMS.clear()
    other = app_case(tree)
    with django_capture_on_commit_callbacks(execute=True):
        supervision_create(case=other, by=tree.staff_a, note="请尽快办理", due_on=dt.date.today() + dt.timedelta(days=5))
    assert not [1 for phone, _text in STAFF_SMS if phone == "13933334444"]
