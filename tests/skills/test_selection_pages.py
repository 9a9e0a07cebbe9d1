"""劳模工匠评选 through the pages and the API: staff set up, nominate with files, review and
confirm in the console; the public notice shows the ID number masked and no phone; a worker
objects; bad input is answered in Chinese with nothing written; exports; another branch 404."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gonghui.skills import selection
from gonghui.skills.models import Laureate, Nomination, NominationObjection, Selection
from tests.factories import Tree, make_id_number, make_staff, make_worker_user
from tests.skills.helpers import (
    ACHIEVEMENTS,
    PDF,
    make_author,
    make_course,
    make_selection,
    nominate,
    shortlist,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _backdate_notice(item: Selection) -> None:
    """Move the notice that started today into the past, so it has ended (the test's time travel)."""
    Selection.objects.filter(pk=item.pk).update(notice_from=timezone.localdate() - dt.timedelta(days=20),
                                                notice_until=timezone.localdate() - dt.timedelta(days=13))


def test_console_from_set_up_to_the_registry_and_the_worker_pages():
    tree = Tree()
    city = _client(tree.staff_a)
    r = city.post("/console/skills/selections/", {
        "union": tree.city_a.pk, "title": "2026年甲市劳动模范评选", "kind": "model_worker", "honour_title": "甲市劳动模范",
        "level": "city", "year": "2026", "nominate_until": "2099-06-30", "notice_days": "5", "criteria": "一线职工不少于60%"})
    item = Selection.objects.get(title="2026年甲市劳动模范评选")
    assert r.status_code == 302 and item.awarding_body == tree.city_a.name
    change = f"/console/skills/selections/{item.pk}/change/"
    bad = city.post(change, {"what": "quota", "union": tree.grassroots_a.pk, "places": "0"}, follow=True)
    assert "名额应在 1 到 1000 之间" in bad.content.decode()
    city.post(change, {"what": "quota", "union": tree.county_a.pk, "places": "2"})
    city.post(change, {"what": "open"})
    item.refresh_from_db()
    assert item.status == "nominating" and item.quotas.get().places == 2

    # The grassroots union nominates, with a PDF; a bad ID number is answered on the form.
    grassroots = _client(make_staff(union=tree.grassroots_a))
    page = grassroots.get(f"/console/skills/selections/{item.pk}/")
    assert "推荐人选" in page.content.decode()
    worker = make_worker_user(name="张建国")
    id_number = make_id_number()
    form = {"union": tree.grassroots_a.pk, "name": "张建国", "id_number": "110101199001011235", "phone": worker.phone,
            "unit_name": "甲市重工集团", "post": "焊工班班长", "frontline": "on", "trade": "焊工", "achievements": ACHIEVEMENTS}
    bad = grassroots.post(f"/console/skills/selections/{item.pk}/nominate/", form)
    assert bad.status_code == 200 and "身份证号校验位不正确" in bad.content.decode()
    wrong_file = grassroots.post(f"/console/skills/selections/{item.pk}/nominate/",
                                 {**form, "id_number": id_number, "files": SimpleUploadedFile("事迹.pdf", b"GIF89a....")})
    assert wrong_file.status_code == 200 and "材料只能是 PDF 文件或 JPG、PNG 图片" in wrong_file.content.decode()
    assert not Nomination.objects.exists()
    r = grassroots.post(f"/console/skills/selections/{item.pk}/nominate/",
                        {**form, "id_number": id_number, "files": SimpleUploadedFile("事迹材料.pdf", PDF)})
    nomination = Nomination.objects.get()
    assert r.status_code == 302 and nomination.user_id == worker.pk
    detail = f"/console/skills/nominations/{nomination.pk}/"
    body = grassroots.get(detail).content.decode()
    assert nomination.id_number_masked in body and id_number not in body
    file_url = nomination.files.get().file.url
    assert grassroots.get(file_url).status_code == 200
    assert _client(tree.staff_b).get(file_url).status_code == 404
    assert Client().get(file_url).status_code == 404

    # County, then city: 审核通过; then close and put on notice.
    county = _client(make_staff(union=tree.county_a))
    county.post(f"{detail}change/", {"what": "pass", "note": "同意推荐"})
    city.post(f"{detail}change/", {"what": "pass", "note": "评审通过"})
    nomination.refresh_from_db()
    assert nomination.status == "shortlisted"
    city.post(change, {"what": "close"})
    city.post(change, {"what": "notice"})
    item.refresh_from_db()
    assert item.status == "notice" and item.notice_from is not None

    # The public notice: masked ID, no phone; a signed-in worker objects.
    public = Client().get(f"/skills/selections/{item.pk}/notice/").content.decode()
    assert "张建国" in public and nomination.id_number_masked in public
    assert id_number not in public and worker.phone not in public
    colleague = _client(make_worker_user())
    if item.notice_from <= timezone.localdate():
        colleague.post(f"/skills/notice-entries/{nomination.pk}/object/", {"text": "事迹中的效益数字有夸大。"})
    else:  # a notice chosen on a rest day starts on the next working day
        selection.objection_raise(user=make_worker_user(), nomination=nomination, text="事迹中的效益数字有夸大。",
                                  today=item.notice_from)
    objection = NominationObjection.objects.get()
    short = colleague.post(f"/skills/notice-entries/{nomination.pk}/object/", {"text": "不同意"}, follow=True)
    assert "不少于 10 字" in short.content.decode()
    assert NominationObjection.objects.count() == 1

    # Confirm: refused while the notice runs and while the objection is unanswered.
    today = timezone.localdate().isoformat()
    r = city.post(change, {"what": "confirm", "decision_ref": "甲工发〔2026〕8号", "decided_on": today}, follow=True)
    assert "期满后才能确认表彰" in r.content.decode()
    _backdate_notice(item)
    r = city.post(change, {"what": "confirm", "decision_ref": "甲工发〔2026〕8号", "decided_on": today}, follow=True)
    assert "条异议未答复" in r.content.decode()
    city.post(f"/console/skills/objections/{objection.pk}/answer/", {"finding": "unfounded", "answer": "经核实，效益数字有财务报表为证。"})
    city.post(change, {"what": "confirm", "decision_ref": "甲工发〔2026〕8号", "decided_on": today})
    laureate = Laureate.objects.get()
    assert (laureate.title, laureate.decision_ref, laureate.union_id) == ("甲市劳动模范", "甲工发〔2026〕8号", tree.grassroots_a.pk)

    # The registry in the console: a talk, a course author linked; the worker pages show them.
    author = make_author(union=tree.grassroots_a, user=worker, name="张建国")
    course = make_course(union=tree.grassroots_a, author=author, title="厚板焊接变形控制")
    ldetail = f"/console/skills/laureates/{laureate.pk}/"
    city.post(f"{ldetail}change/", {"what": "talk", "topic": "劳模精神进校园", "held_on": today, "place": "甲市技师学院",
                                    "audience": "300"})
    bad_talk = city.post(f"{ldetail}change/", {"what": "talk", "topic": "再讲", "held_on": "2026-13-01", "place": "甲厂",
                                               "audience": "20"}, follow=True)
    assert "请填写日期" in bad_talk.content.decode()
    city.post(f"{ldetail}change/", {"what": "link", "author": author.pk})
    mine = Client().get(f"/skills/laureates/{laureate.pk}/").content.decode()
    assert "劳模精神进校园" in mine and course.title in mine and id_number not in mine
    listing = Client().get("/skills/laureates/", {"q": "张建"}).content.decode()
    assert "甲市劳动模范" in listing
    assert "甲市劳动模范" in _client(worker).get("/skills/competitions/").content.decode()  # 我的荣誉

    # Exports: the nominations and the registry, ID numbers masked.
    for url in (f"/console/skills/selections/{item.pk}/export.xlsx", "/console/skills/laureates/export.xlsx"):
        response = city.get(url)
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        texts = {c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
        assert nomination.id_number_masked in texts and id_number not in texts and "张建国" in texts

    # Another branch: 404 on every page of the selection, the nomination and the registry entry.
    other = _client(tree.staff_b)
    for url in (f"/console/skills/selections/{item.pk}/", f"/console/skills/selections/{item.pk}/export.xlsx", detail,
                ldetail, f"/console/skills/selections/{item.pk}/nominate/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"{ldetail}change/", {"what": "revoke", "reason": "越权"}).status_code == 404
    laureate.refresh_from_db()
    assert laureate.status == "active"


def test_api_notice_objection_review_and_bad_input():
    tree = Tree()
    item = make_selection(tree=tree)
    id_number = make_id_number()
    worker = make_worker_user()
    nomination = nominate(item, union=tree.grassroots_a, id_number=id_number, phone=worker.phone)
    county = _client(make_staff(union=tree.county_a))
    r = county.post(f"/api/v1/skills/staff/nominations/{nomination.pk}/review", json.dumps({"passed": False}),
                    content_type="application/json")
    assert r.status_code == 422 and "审核意见" in r.json()["title"]
    r = county.post(f"/api/v1/skills/staff/nominations/{nomination.pk}/review", json.dumps({"passed": True, "note": "同意"}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["step_union"] == tree.city_a.name
    assert _client(tree.staff_b).get(f"/api/v1/skills/staff/nominations/{nomination.pk}").status_code == 404
    shortlist(nomination)
    staff = make_staff(union=tree.city_a)
    selection.selection_close(actor=staff, selection=item)
    selection.selection_notice_start(actor=staff, selection=item, start=timezone.localdate())
    item.refresh_from_db()

    rows = Client().get(f"/api/v1/skills/selections/{item.pk}/notice").json()
    assert [r["id_number_masked"] for r in rows] == [id_number[:3] + "*" * 11 + id_number[-4:]]
    assert id_number not in json.dumps(rows, ensure_ascii=False) and worker.phone not in json.dumps(rows)
    anon = Client().post(f"/api/v1/skills/notice-entries/{nomination.pk}/objections", json.dumps({"text": "事迹中的数字不实。"}),
                         content_type="application/json")
    assert anon.status_code == 401
    if item.notice_from == timezone.localdate():
        r = _client(make_worker_user()).post(f"/api/v1/skills/notice-entries/{nomination.pk}/objections",
                                             json.dumps({"text": "事迹中的效益数字有夸大，请核实。"}),
                                             content_type="application/json")
        assert r.status_code == 201
        answer = _client(staff).post(f"/api/v1/skills/staff/objections/{r.json()['id']}/answer",
                                     json.dumps({"finding": "maybe", "answer": "已核实"}), content_type="application/json")
        assert answer.status_code == 422
    bad = _client(staff).post(f"/api/v1/skills/staff/selections/{item.pk}/confirm",
                              json.dumps({"decision_ref": "甲工发〔2026〕8号", "decided_on": "2026-02-30"}),
                              content_type="application/json")
    assert bad.status_code == 422
    laureates = Client().get("/api/v1/skills/laureates", {"limit": 1000})
    assert laureates.status_code == 422


def test_registry_entry_from_the_archive_by_api_and_its_public_detail():
    tree = Tree()
    staff = _client(tree.staff_a)
    payload = {"union_id": tree.grassroots_a.pk, "name": "王师傅", "id_number": make_id_number(), "kind": "craftsman",
               "title": "大国工匠", "level": "national", "year": 2022, "unit_name": "甲市重工集团",
               "awarding_body": "中华全国总工会"}
    r = staff.post("/api/v1/skills/staff/laureates", json.dumps(payload), content_type="application/json")
    assert r.status_code == 201
    again = staff.post("/api/v1/skills/staff/laureates", json.dumps(payload), content_type="application/json")
    assert again.status_code == 409
    other = _client(tree.staff_b).post("/api/v1/skills/staff/laureates", json.dumps({**payload, "year": 2023}),
                                       content_type="application/json")
    assert other.status_code == 422
    laureate_id = r.json()["id"]
    r = staff.post(f"/api/v1/skills/staff/laureates/{laureate_id}/talks",
                   json.dumps({"topic": "工匠精神", "held_on": "2026-11-01", "place": "甲厂", "audience": 120}),
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["talks"] == ["2026-11-01 工匠精神"]
    detail = Client().get(f"/api/v1/skills/laureates/{laureate_id}").json()
    assert detail["title"] == "大国工匠" and "id_number" not in json.dumps(detail)
    staff.post(f"/api/v1/skills/staff/laureates/{laureate_id}/revoke", json.dumps({"reason": "撤销"}),
               content_type="application/json")
    assert Client().get(f"/api/v1/skills/laureates/{laureate_id}").status_code == 404
    assert Laureate.objects.get(pk=laureate_id).status == "revoked"


def _count(client: Client, url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json())


@pytest.mark.parametrize("rows", [1, 2])
def test_list_endpoints_answer_in_a_fixed_number_of_queries(rows):
    """Nominations (with their reviews, objections and files) and the public registry: the
    query count does not grow with the rows."""
    counts = []
    for n in (rows, rows + 3):
        tree = Tree()
        item = make_selection(tree=tree, quotas=[(tree.county_a, 10)])
        for i in range(n):
            nomination = nominate(item, union=tree.grassroots_a, name=f"人{i}",
                                  files=[SimpleUploadedFile("事迹.pdf", PDF)])
            selection.nomination_review(actor=tree.staff_a, nomination=nomination, passed=True, note="同意")
            selection.laureate_register(actor=tree.staff_a, union=tree.grassroots_a, name=f"人{i}", id_number=make_id_number(),
                                        kind="craftsman", title="甲市工匠", level="city", year=2024, unit_name="甲厂",
                                        awarding_body="甲市总工会")
        staff = _client(tree.staff_a)
        counts.append((_count(staff, f"/api/v1/skills/staff/selections/{item.pk}/nominations"),
                       _count(Client(), "/api/v1/skills/laureates?limit=100")))
        Laureate.objects.all().delete()
    (few_nom, few_rows), (few_reg, _r1) = counts[0]
    (many_nom, many_rows), (many_reg, _r2) = counts[1]
    assert many_rows == few_rows + 3
    assert (many_nom, many_reg) == (few_nom, few_reg)
