"""Hardship files pass a public notice (公示) before approval, like grants: graded → 公示中 for
NOTICE_WORKDAYS working days (core.workdays: holidays skipped, 调休 Saturdays counted) with
the name masked on the public board; objections stay with the file and must be answered by
the union before it approves; approval only the day after the notice ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.assistance import hardship
from gonghui.assistance.models import HardshipFile, HardshipObjection
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.assistance.hardship_helpers import applied, graded, standard
from tests.factories import Tree, make_member
from tests.stats.scenario import at

pytestmark = pytest.mark.django_db
# Tuesday before 国庆 2025: 1–8 October are off, Saturday 11 October is a 调休 working day.
# Five working days after 30 September: 9, 10, 11 (Sat), 13, 14 October → the notice runs
# to Tuesday 14 October inclusive; approval from Wednesday 15 October.
START = dt.date(2025, 9, 30)
LAST_DAY = dt.date(2025, 10, 14)


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(at(START, 9))
    tree = Tree()
    standard("440000")
    return tree


def _on_notice(tree, member=None):
    member = member or make_member(union=tree.grassroots_a, name="张大山")
    file = graded(tree.grassroots_a, tree.staff_a, member=member)
    return hardship.hardship_file_notice_start(file=file, by=tree.staff_a), member


def test_the_notice_runs_five_working_days_across_the_national_day_holiday(tree, frozen_clock):
    file, _member = _on_notice(tree)
    assert (file.status, file.notice_from, file.notice_until) == ("notice", START, LAST_DAY)
    assert file.get_status_display() == "公示中"
    # Still on the board (and open to objections) on its last day, refused for approval.
    frozen_clock(at(LAST_DAY, 17))
    assert list(HardshipFile.objects.filter(pk=file.pk).values_list("status", flat=True)) == ["notice"]
    with pytest.raises(Conflict) as exc:
        hardship.hardship_file_approve(file=file, by=tree.staff_a, note="同意")
    assert exc.value.code == "notice_running"
    assert exc.value.message == "公示期至 2025-10-14，期满后才能审批。"
    hardship.hardship_object(file=file, text="最后一天的异议", by=tree.staff_b)

    frozen_clock(at(LAST_DAY + dt.timedelta(days=1), 9))
    with pytest.raises(Conflict) as exc:  # objections close with the notice
        hardship.hardship_object(file=file, text="迟到的异议")
    assert exc.value.code == "notice_closed"
    objection = HardshipObjection.objects.get()
    hardship.hardship_objection_answer(objection=objection, answer="经核实无此情况", by=tree.staff_a)
    file = hardship.hardship_file_approve(file=file, by=tree.staff_a, note="主席办公会同意")
    assert (file.status, file.approved_on) == ("active", LAST_DAY + dt.timedelta(days=1))
    assert list(file.events.values_list("status", flat=True)) == ["applied", "verified", "graded", "notice",
                                                                 "notice", "active"]


def test_a_graded_file_cannot_skip_the_notice(tree):
    file = graded(tree.grassroots_a, tree.staff_a)
    with pytest.raises(Conflict) as exc:
        hardship.hardship_file_approve(file=file, by=tree.staff_a)
    assert exc.value.code == "notice_required" and "须先公示" in exc.value.message
    file.refresh_from_db()
    assert (file.status, file.approved_on) == ("graded", None)
    with pytest.raises(PermissionDenied):  # another branch cannot start it
        hardship.hardship_file_notice_start(file=file, by=tree.staff_b)
    early = applied(tree.grassroots_a, member=make_member(union=tree.grassroots_a, name="李四"))
    with pytest.raises(Conflict):  # nor can an applied file go on notice
        hardship.hardship_file_notice_start(file=early, by=tree.staff_a)


def test_an_unanswered_objection_stops_the_approval_on_service_page_and_api(tree, frozen_clock, client):
    file, _member = _on_notice(tree)
    objector = make_member(union=tree.grassroots_b, name="王五").person.user
    client.force_login(objector)
    r = client.post(reverse("assistance:hardship_notice_object", args=[file.pk]), {"text": "他家开了两个店"})
    assert r.status_code == 302
    r = client.post(f"/api/v1/assistance/hardship/notices/{file.pk}/objections", {"text": "还有一套房"},
                    content_type="application/json")
    assert r.status_code == 201
    assert list(file.objections.values_list("text", flat=True)) == ["他家开了两个店", "还有一套房"]
    # Blank: a clear error, nothing stored.
    with pytest.raises(ValidationFailed):
        hardship.hardship_object(file=file, text="  ", by=objector)
    assert file.objections.count() == 2

    frozen_clock(at(LAST_DAY + dt.timedelta(days=1), 9))
    with pytest.raises(Conflict) as exc:
        hardship.hardship_file_approve(file=file, by=tree.staff_a)
    assert exc.value.code == "objection_unanswered"
    assert exc.value.message == "公示期间收到的异议还有 2 条未答复，请先核实并答复，再审批。"

    client.force_login(tree.staff_a)
    page = reverse("console:assistance:hardship_detail", args=[file.pk])
    body = client.get(page).content.decode()
    assert "他家开了两个店" in body and "还有一套房" in body and "未答复" not in body  # answer forms shown
    r = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "approve"]), {"note": "同意"})
    assert r.status_code == 422 and "还有 2 条未答复" in r.content.decode()
    first, second = file.objections.order_by("pk")
    # Another branch: 404 for the objection, on the API and through another file's page.
    client.force_login(tree.staff_b)
    r = client.post(f"/api/v1/assistance/hardship/objections/{first.pk}/answer", {"answer": "x"},
                    content_type="application/json")
    assert r.status_code == 404
    with pytest.raises(PermissionDenied):
        hardship.hardship_objection_answer(objection=first, answer="x", by=tree.staff_b)

    client.force_login(tree.staff_a)
    r = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "answer"]),
                    {"objection": first.pk, "answer": "经入户核实，店铺系亲属所有"})
    assert r.status_code == 302
    r = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "answer"]),
                    {"objection": second.pk, "answer": " "})
    assert r.status_code == 422
    r = client.post(f"/api/v1/assistance/hardship/files/{file.pk}/approve", {"note": "同意"},
                    content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "objection_unanswered" and "1 条" in r.json()["title"]
    r = client.post(f"/api/v1/assistance/hardship/objections/{second.pk}/answer", {"answer": "房屋已出售"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["answer"] == "房屋已出售"
    with pytest.raises(Conflict):  # answered once
        hardship.hardship_objection_answer(objection=second, answer="再答", by=tree.staff_a)
    listed = client.get(f"/api/v1/assistance/hardship/files/{file.pk}/objections").json()
    assert [o["answer"] for o in listed] == ["经入户核实，店铺系亲属所有", "房屋已出售"]
    r = client.post(f"/api/v1/assistance/hardship/files/{file.pk}/approve", {"note": "同意"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "active"


def test_the_public_board_masks_the_name_and_shows_no_id_or_phone(tree, client):
    member = make_member(union=tree.grassroots_a, name="张大山")
    file, _ = _on_notice(tree, member)
    person = member.person
    for reader in (None, make_member(union=tree.grassroots_b).person.user):
        if reader is not None:
            client.force_login(reader)
        page = client.get(reverse("assistance:notices")).content.decode()
        assert "张**" in page and "深度困难" in page and "2025-10-14" in page
        assert "张大山" not in page and person.id_number not in page and file.id_number_masked not in page
        assert (person.phone or "13") not in page or not person.phone
        listed = client.get("/api/v1/assistance/hardship/notices").json()
        assert listed == [{"id": file.pk, "name_masked": "张**", "union_name": tree.grassroots_a.name,
                           "grade_label": "深度困难", "notice_until": "2025-10-14"}]
    # The household members' names are not on the board either.
    assert "李梅" not in page and "张小明" not in page


def test_a_rejection_during_the_notice_takes_the_file_off_the_board(tree, client):
    file, _ = _on_notice(tree)
    hardship.hardship_file_reject(file=file, by=tree.staff_a, reason="公示期间核实有经营收入")
    assert client.get("/api/v1/assistance/hardship/notices").json() == []
    client.force_login(tree.staff_b)
    r = client.post(f"/api/v1/assistance/hardship/notices/{file.pk}/objections", {"text": "x"},
                    content_type="application/json")
    assert r.status_code == 404
