"""Hardship files: apply → home visit → grade against the regional standard → approve;
annual review; exit; refusals; one open file per person nationally (a second union learns
only which union holds it); the worker's pages; staff pages and API scoped to the branch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gonghui.assistance import hardship
from gonghui.assistance.models import HardshipDocument, HardshipFile
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.members.models import Membership
from tests.assistance.hardship_helpers import HOUSEHOLD, active, applied, standard
from tests.cases.helpers import png
from tests.factories import Tree, make_member, make_staff, make_worker_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    tree = Tree()
    standard()
    return tree


@pytest.mark.parametrize(("income", "cause", "grade"), [
    (3000_00, "school", "deep"),        # 3 people: 1,000.00 per person = the 低保 line
    (3000_03, "school", "relative"),    # 1,000.01: above 低保
    (4500_00, "school", "relative"),    # 1,500.00 = the hardship line (1.5×)
    (4500_03, "accident", "accident"),  # above the line, but an accident
    (6000_00, "illness", "accident"),
])
def test_grade_follows_the_regional_standard(tree, income, cause, grade):
    file = active(tree.grassroots_a, tree.staff_a, income=income, cause=cause)
    assert file.status == "active" and file.grade == grade
    assert file.per_capita_income == income // 3
    assert file.review_due == file.approved_on.replace(year=file.approved_on.year + 1)


def test_above_the_line_without_a_sudden_cause_is_refused_with_the_rule(tree):
    file = applied(tree.grassroots_a, income=4500_03, cause="unemployment")
    hardship.hardship_file_verify(file=file, by=tree.staff_a, visited_on=timezone.localdate(), findings="核实")
    with pytest.raises(Conflict) as exc:
        hardship.hardship_file_grade(file=file, by=tree.staff_a)
    assert exc.value.code == "above_hardship_line"
    assert "1,500.01" in exc.value.message and "1,500.00" in exc.value.message and "1.5 倍" in exc.value.message
    assert HardshipFile.objects.get(pk=file.pk).status == "verified"


def test_the_most_specific_standard_applies_and_a_missing_one_is_named(tree):
    standard("440305", low=1500_00)  # the county's own line is higher
    file = active(tree.grassroots_a, tree.staff_a, income=4500_00, cause="school")
    assert file.grade == "deep" and file.standard.region == "440305"
    other = applied(tree.grassroots_b)  # 440103: the province's standard
    hardship.hardship_file_verify(file=other, by=tree.staff_b, visited_on=timezone.localdate(), findings="核实")
    assert hardship.hardship_file_grade(file=other, by=tree.staff_b).standard.region == "440000"
    lone = Tree()
    lone.grassroots_a.region_id = "110101"
    lone.grassroots_a.save(update_fields=["region"])
    file = applied(lone.grassroots_a)
    hardship.hardship_file_verify(file=file, by=lone.staff_a, visited_on=timezone.localdate(), findings="核实")
    with pytest.raises(Conflict) as exc:
        hardship.hardship_file_grade(file=file, by=lone.staff_a)
    assert exc.value.code == "standard_missing"


def test_one_open_file_per_person_nationally(tree):
    member = make_member(union=tree.grassroots_a, name="张大山")
    first = applied(tree.grassroots_a, member=member)
    with pytest.raises(Conflict) as exc:
        applied(tree.grassroots_a, member=member)
    assert exc.value.code == "file_exists"
    # The person moves to a union of branch B and applies there: told only where the file is.
    Membership.objects.filter(pk=member.pk).update(union=tree.grassroots_b)
    with pytest.raises(Conflict) as exc:
        applied(tree.grassroots_b, member=member)
    assert exc.value.code == "file_elsewhere"
    assert exc.value.message == f"已在其他工会建档（{tree.grassroots_a.name}）。"
    # The database refuses a second open file even past the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.create(
            union=tree.grassroots_b, union_path=tree.grassroots_b.path, name="张大山", id_number="x",
            id_number_index=first.id_number_index, household_size=1, monthly_income=0, cause="other",
            cause_note="x",
        )
    # After the first file is closed, the person may apply again.
    hardship.hardship_file_reject(file=first, by=tree.staff_a, reason="已调离本单位")
    assert applied(tree.grassroots_b, member=member).union == tree.grassroots_b


def test_staff_lookup_tells_another_union_only_who_holds_the_file(tree):
    file = applied(tree.grassroots_a)
    id_number = file.id_number
    assert hardship.hardship_file_lookup(user=tree.staff_b, id_number=id_number) == (
        "elsewhere", None, tree.grassroots_a.name)
    found, mine, _name = hardship.hardship_file_lookup(user=tree.staff_a, id_number=id_number)
    assert (found, mine) == ("mine", file)
    assert hardship.hardship_file_lookup(user=tree.staff_b, id_number="110101199001010000")[0] == "none"
    assert AuditEvent.objects.filter(action="hardship.lookup").count() == 3


def test_non_member_bad_input_and_bad_documents_are_refused(tree):
    with pytest.raises(Conflict) as exc:
        hardship.hardship_file_apply(user=make_worker_user(), household=[], monthly_income=0, cause="illness",
                                     cause_note="困难")
    assert exc.value.code == "not_a_member"
    member = make_member(union=tree.grassroots_a)
    cases = [
        ({"cause": "lazy"}, "cause_invalid"),
        ({"cause_note": "  "}, "cause_note_required"),
        ({"monthly_income": -1}, "income_invalid"),
        ({"household": [{"name": "李梅", "relation": ""}]}, "household_invalid"),
        ({"documents": [png("x.exe")]}, "attachment_type"),
    ]
    for change, code in cases:
        args = {"user": member.person.user, "household": HOUSEHOLD, "monthly_income": 100_00, "cause": "illness",
                "cause_note": "困难"} | change
        with pytest.raises(ValidationFailed) as exc:
            hardship.hardship_file_apply(**args)
        assert exc.value.code == code
    assert not HardshipFile.objects.exists()


def test_steps_out_of_order_and_other_branches_are_refused(tree):
    file = applied(tree.grassroots_a)
    with pytest.raises(Conflict):
        hardship.hardship_file_approve(file=file, by=tree.staff_a)
    with pytest.raises(Conflict):
        hardship.hardship_file_grade(file=file, by=tree.staff_a)
    with pytest.raises(PermissionDenied):
        hardship.hardship_file_verify(file=file, by=tree.staff_b, visited_on=timezone.localdate(), findings="x")
    with pytest.raises(ValidationFailed):
        hardship.hardship_file_verify(file=file, by=tree.staff_a, visited_on=timezone.localdate() + dt.timedelta(1),
                                      findings="x")


def test_annual_review_regrades_and_exit_closes_with_a_reason(tree):
    file = active(tree.grassroots_a, tree.staff_a, income=3000_00, cause="school")
    assert file.grade == "deep"
    reviewed = hardship.hardship_file_review(file=file, by=tree.staff_a, reviewed_on=timezone.localdate(),
                                             findings="孩子已工作", monthly_income=4200_00)
    assert (reviewed.status, reviewed.grade, reviewed.last_reviewed_on) == ("active", "relative",
                                                                            timezone.localdate())
    with pytest.raises(ValidationFailed):
        hardship.hardship_file_exit(file=reviewed, by=tree.staff_a, reason=" ")
    exited = hardship.hardship_file_exit(file=reviewed, by=tree.staff_a, reason="家庭收入稳定，已脱困")
    assert (exited.status, exited.closed_reason, exited.review_due) == ("exited", "家庭收入稳定，已脱困", None)
    assert list(exited.events.values_list("status", flat=True)) == [
        "applied", "verified", "graded", "notice", "active", "active", "exited"]


def test_standards_are_set_by_the_province_only(tree):
    with pytest.raises(PermissionDenied):
        hardship.hardship_standard_set(region="440300", year=2026, low_income_line=1100_00, by=tree.staff_a)
    province_staff = make_staff(union=tree.province, role="admin")
    s = hardship.hardship_standard_set(region="440300", year=2026, low_income_line=1100_00, hardship_permille=1600,
                                       by=province_staff)
    assert s.hardship_line == 1760_00
    with pytest.raises(ValidationFailed):
        hardship.hardship_standard_set(region="44030", year=2026, low_income_line=1, by=province_staff)


def test_worker_applies_on_the_phone_page_and_follows_the_file(client, tree):
    member = make_member(union=tree.grassroots_a, name="张大山")
    client.force_login(member.person.user)
    page = client.get(reverse("assistance:hardship_apply"))
    assert page.status_code == 200
    r = client.post(reverse("assistance:hardship_apply"), {
        "cause": "illness", "cause_note": "爱人重病", "monthly_income": "2400",
        "member_0_name": "李梅", "member_0_relation": "配偶", "member_0_age": "40", "attachments": [png()],
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    file = HardshipFile.objects.get()
    assert (file.household_size, file.monthly_income, file.union) == (2, 2400_00, tree.grassroots_a)
    document = HardshipDocument.objects.get(file=file)
    assert client.get(document.upload.url).status_code == 200
    mine = client.get(reverse("assistance:mine")).content.decode()
    assert "待入户核查" in mine and file.due_on.strftime("%Y-%m-%d") in mine
    hardship.hardship_file_reject(file=file, by=tree.staff_a, reason="收入核实后高于标准")
    detail = client.get(reverse("assistance:hardship_detail", args=[file.pk])).content.decode()
    assert "收入核实后高于标准" in detail
    other = make_member(union=tree.grassroots_a)
    client.force_login(other.person.user)
    assert client.get(reverse("assistance:hardship_detail", args=[file.pk])).status_code == 404
    assert client.get(document.upload.url).status_code == 404


def test_staff_pages_run_the_steps_and_mask_the_id_number(client, tree):
    file = applied(tree.grassroots_a)
    client.force_login(tree.staff_a)
    page = client.get(reverse("console:assistance:hardship_detail", args=[file.pk])).content.decode()
    assert file.id_number not in page and file.id_number_masked in page
    step = lambda name, data=None: client.post(  # noqa: E731
        reverse("console:assistance:hardship_step", args=[file.pk, name]), data or {})
    assert step("verify", {"visited_on": timezone.localdate().isoformat(), "findings": "核实属实",
                           "photos": [png("visit.png")]}).status_code == 302
    assert step("grade").status_code == 302
    refused = step("approve", {"note": "主席办公会同意"})  # not before the 公示
    assert refused.status_code == 422 and "须先公示" in refused.content.decode()
    assert step("notice").status_code == 302
    file.refresh_from_db()
    page = client.get(reverse("console:assistance:hardship_detail", args=[file.pk])).content.decode()
    assert "公示与异议" in page and f"{file.notice_until:%Y-%m-%d}" in page and "没有收到异议" in page
    refused = step("approve", {"note": "主席办公会同意"})
    assert refused.status_code == 422 and "期满后才能审批" in refused.content.decode()
    HardshipFile.objects.filter(pk=file.pk).update(notice_until=timezone.localdate() - dt.timedelta(days=1))
    assert step("approve", {"note": "主席办公会同意"}).status_code == 302
    file.refresh_from_db()
    assert (file.status, file.grade) == ("active", "deep")  # 2,400 元 for 3 people: 800 ≤ 1,000
    bad = step("exit", {"reason": ""})
    assert bad.status_code == 422
    revealed = step("reveal", {"reason": "核对身份"})
    assert file.id_number in revealed.content.decode()
    assert AuditEvent.objects.filter(action="hardship.reveal.id_number", target_id=str(file.pk)).exists()
    assert client.get(reverse("console:assistance:hardship_list"), {"grade": "deep"}).status_code == 200
    lookup = client.post(reverse("console:assistance:hardship_lookup"), {"id_number": file.id_number})
    assert "已在本辖区建档" in lookup.content.decode()
    client.force_login(tree.staff_b)
    lookup = client.post(reverse("console:assistance:hardship_lookup"), {"id_number": file.id_number})
    text = lookup.content.decode()
    assert "已在其他工会建档" in text and tree.grassroots_a.name in text and file.name not in text
    assert client.get(reverse("console:assistance:hardship_detail", args=[file.pk])).status_code == 404


def test_hardship_api_end_to_end(client, tree):
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    r = client.post("/api/v1/assistance/hardship/mine", {
        "household": HOUSEHOLD, "monthly_income_fen": 2400_00, "cause": "illness", "cause_note": "重病"},
        content_type="application/json")
    assert r.status_code == 201, r.content
    file_id = r.json()["id"]
    assert r.json()["id_number_masked"].count("*") == 11
    client.force_login(tree.staff_a)
    base = f"/api/v1/assistance/hardship/files/{file_id}"
    assert client.post(f"{base}/verify", {"visited_on": timezone.localdate().isoformat(), "findings": "属实"},
                       content_type="application/json").status_code == 200
    assert client.post(f"{base}/grade").json()["grade"] == "deep"
    refused = client.post(f"{base}/approve", {"note": ""}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "notice_required"
    noticed = client.post(f"{base}/notice").json()
    assert noticed["status"] == "notice" and noticed["notice_until"] > noticed["notice_from"]
    refused = client.post(f"{base}/approve", {"note": ""}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "notice_running"
    HardshipFile.objects.filter(pk=file_id).update(notice_until=timezone.localdate() - dt.timedelta(days=1))
    assert client.post(f"{base}/approve", {"note": ""}, content_type="application/json").json()["status"] == "active"
    r = client.post(f"{base}/exit", {"reason": ""}, content_type="application/json")
    assert r.status_code == 422
    client.force_login(tree.staff_b)
    assert client.get(base).status_code == 404


def test_documents_the_regional_standard_requires_are_named_when_missing(tree, client):
    """The province lists the documents an application must carry; one missing is refused with
    each missing one named, on the service, the page and the multipart API; nothing is written."""
    from gonghui.assistance.models import HardshipStandard
    from tests.cases.helpers import png as image

    boss = make_staff(union=tree.province, role="admin")
    year = timezone.localdate().year
    hardship.hardship_standard_set(region="440000", year=year, low_income_line=1000_00, by=boss,
                                   required_documents=["收入证明", "诊断证明", "收入证明", " "])
    assert HardshipStandard.objects.get(region="440000", year=year).required_documents == ["收入证明", "诊断证明"]
    member = make_member(union=tree.grassroots_a, name="张大山")
    with pytest.raises(ValidationFailed) as exc:
        hardship.hardship_file_apply(user=member.person.user, household=HOUSEHOLD, monthly_income=2400_00,
                                     cause="illness", cause_note="病", named_documents={"收入证明": image()})
    assert exc.value.code == "rule_documents" and "缺少“诊断证明”" in exc.value.message
    assert not HardshipFile.objects.exists()

    client.force_login(member.person.user)
    page = client.get(reverse("assistance:hardship_apply")).content.decode()
    assert "收入证明" in page and "诊断证明" in page
    api = "/api/v1/assistance/hardship/mine"
    data = '{"monthly_income_fen": 240000, "cause": "illness", "cause_note": "爱人患病"}'
    r = client.post(api, {"monthly_income_fen": 240000, "cause": "illness", "cause_note": "病"},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "rule_documents"
    r = client.post(f"{api}/with-documents", {"data": data, "documents": [image("a.png")],
                                              "document_names": ["收入证明"]})
    assert r.status_code == 422 and "诊断证明" in r.json()["title"] and not HardshipFile.objects.exists()
    r = client.post(f"{api}/with-documents", {"data": "{not json", "documents": [image("a.png")]})
    assert r.status_code == 422 and r.json()["code"] == "invalid_data"
    r = client.post(f"{api}/with-documents", {"data": data, "documents": [image("a.png"), image("b.png"),
                                                                          image("c.png")],
                                              "document_names": ["收入证明", "诊断证明", ""]})
    assert r.status_code == 201, r.content
    file = HardshipFile.objects.get(pk=r.json()["id"])
    assert sorted(file.documents.values_list("name", flat=True)) == ["", "收入证明", "诊断证明"]
