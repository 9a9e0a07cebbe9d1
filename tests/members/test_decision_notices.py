"""Membership decisions reach the worker: a notice in 消息 and a text message (issue 8, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.members.models import Membership, MembershipTransfer
from gonghui.notices.models import Notice
from tests.browser_support import sms_settle
from tests.factories import Tree
from tests.members.helpers import make_application, make_transfer

pytestmark = pytest.mark.django_db


def _inbox(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("web:inbox")).content.decode()


def _staff_post(user: Any, url: str, data: dict[str, str], capture: Any) -> None:
    client = Client()
    client.force_login(user)
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302


def _texts_to(outbox: list[tuple[str, str]], phone: str) -> list[str]:
    return [text for to, text in outbox if to == phone]


def test_approved_application_reaches_the_workers_inbox_and_phone(sms_outbox, django_capture_on_commit_callbacks):
    tree = Tree()
    application = make_application(union=tree.grassroots_a, phone="13912340001")
    worker = application.person.user
    sms_settle(sms_outbox)
    _staff_post(tree.staff_a, reverse("console:members:application_approve", args=[application.pk]), {},
                django_capture_on_commit_callbacks)
    number = Membership.objects.get(person=application.person).number
    html = _inbox(worker)
    assert "入会申请已通过" in html and number in html and tree.grassroots_a.name in html
    assert reverse("members:card") in html
    texts = _texts_to(sms_outbox, "13912340001")
    assert len(texts) == 1 and "入会申请已通过" in texts[0] and number in texts[0]
    assert Notice.objects.get(user=worker).module == "members"


def test_rejected_application_tells_the_worker_the_reason(sms_outbox, django_capture_on_commit_callbacks):
    tree = Tree()
    application = make_application(union=tree.grassroots_a, phone="13912340002")
    sms_settle(sms_outbox)
    _staff_post(tree.staff_a, reverse("console:members:application_reject", args=[application.pk]),
                {"reason": "身份证号与姓名不符"}, django_capture_on_commit_callbacks)
    html = _inbox(application.person.user)
    assert "入会申请未通过" in html and "身份证号与姓名不符" in html
    assert reverse("members:join") in html
    texts = _texts_to(sms_outbox, "13912340002")
    assert len(texts) == 1 and "身份证号与姓名不符" in texts[0]


def test_transfer_release_and_accept_reach_the_worker(sms_outbox, django_capture_on_commit_callbacks):
    tree = Tree()
    transfer = make_transfer(tree=tree)
    person = transfer.membership.person
    sms_settle(sms_outbox)
    url = reverse("console:members:transfer_action", args=[transfer.pk, "release"])
    _staff_post(tree.staff_a, url, {}, django_capture_on_commit_callbacks)
    html = _inbox(person.user)
    assert "已同意转出" in html and transfer.to_union.name in html
    url = reverse("console:members:transfer_action", args=[transfer.pk, "accept"])
    _staff_post(tree.staff_a, url, {}, django_capture_on_commit_callbacks)
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.ACCEPTED
    html = _inbox(person.user)
    assert "会员关系接转完成" in html and transfer.new_membership.number in html
    texts = _texts_to(sms_outbox, person.phone)
    assert len(texts) == 2
    assert "已同意转出" in texts[0] and "接转完成" in texts[1]


def test_rejected_transfer_tells_the_worker_why(sms_outbox, django_capture_on_commit_callbacks):
    tree = Tree()
    transfer = make_transfer(tree=tree)
    person = transfer.membership.person
    sms_settle(sms_outbox)
    url = reverse("console:members:transfer_action", args=[transfer.pk, "reject"])
    _staff_post(tree.staff_a, url, {"reason": "转入单位信息有误"}, django_capture_on_commit_callbacks)
    html = _inbox(person.user)
    assert "接转被退回" in html and "转入单位信息有误" in html
    texts = _texts_to(sms_outbox, person.phone)
    assert len(texts) == 1 and "转入单位信息有误" in texts[0]


def test_decision_notice_is_in_chinese_even_when_staff_use_english(sms_outbox, django_capture_on_commit_callbacks):
    tree = Tree()
    application = make_application(union=tree.grassroots_a, phone="13912340003")
    sms_settle(sms_outbox)
    client = Client()
    client.force_login(tree.staff_a)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("console:members:application_approve", args=[application.pk]))
    assert "入会申请已通过" in _texts_to(sms_outbox, "13912340003")[0]


def test_failed_decision_sends_nothing(sms_outbox, django_capture_on_commit_callbacks):
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    sms_settle(sms_outbox)
    # The other branch's staff cannot decide: no notice, no text.
    client = Client()
    client.force_login(tree.staff_b)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("console:members:application_approve", args=[application.pk]))
    assert not Notice.objects.filter(user=application.person.user).exists()
    assert sms_outbox == []
