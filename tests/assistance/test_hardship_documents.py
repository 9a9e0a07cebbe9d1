"""Required documents of a hardship file are checked again when the file is approved: a
document removed since the application, or one the province has required since, stops the
approval with each missing document named (service, console page, API); staff add it to the
file (console or multipart API) and the approval goes through."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.assistance import hardship
from gonghui.assistance.models import HardshipDocument, HardshipFile
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from tests.assistance.hardship_helpers import HOUSEHOLD, notice_ended
from tests.cases.helpers import png
from tests.factories import Tree, make_member, make_staff

pytestmark = pytest.mark.django_db


def _standard(tree: Tree, documents: list[str]) -> None:
    boss = make_staff(union=tree.province, role="admin")
    hardship.hardship_standard_set(region="440000", year=timezone.localdate().year, low_income_line=1000_00,
                                   by=boss, required_documents=documents)


def _graded(tree: Tree, named: dict[str, object]) -> HardshipFile:
    member = make_member(union=tree.grassroots_a, name="张大山")
    file = hardship.hardship_file_apply(user=member.person.user, household=HOUSEHOLD, monthly_income=2400_00,
                                        cause="illness", cause_note="爱人患重病。", named_documents=named)
    file = hardship.hardship_file_verify(file=file, by=tree.staff_a, visited_on=timezone.localdate(),
                                         findings="住房简陋。")
    return notice_ended(hardship.hardship_file_grade(file=file, by=tree.staff_a), tree.staff_a)


def test_a_required_document_removed_after_submission_stops_the_approval_until_added_again():
    tree = Tree()
    _standard(tree, ["收入证明", "诊断证明"])
    file = _graded(tree, {"收入证明": png("a.png"), "诊断证明": png("b.png")})
    HardshipDocument.objects.filter(file=file, name="诊断证明").delete()  # e.g. an unreadable scan taken out

    with pytest.raises(ValidationFailed) as exc:
        hardship.hardship_file_approve(file=file, by=tree.staff_a, note="主席办公会同意")
    assert exc.value.code == "rule_documents"
    assert "缺少“诊断证明”" in exc.value.message and "不能审批" in exc.value.message
    assert "收入证明" not in exc.value.message.split("本地建档需要")[0]
    file.refresh_from_db()
    assert (file.status, file.approved_on) == ("notice", None)

    hardship.hardship_document_add(file=file, name="诊断证明", upload=png("c.png"), by=tree.staff_a)
    assert AuditEvent.objects.filter(action="hardship.document.add").count() == 1
    approved = hardship.hardship_file_approve(file=file, by=tree.staff_a, note="主席办公会同意")
    assert approved.status == "active" and approved.approved_on == timezone.localdate()


def test_a_document_required_since_the_application_is_asked_for_on_the_page_and_the_api(client):
    tree = Tree()
    _standard(tree, ["收入证明"])
    file = _graded(tree, {"收入证明": png("a.png")})
    _standard(tree, ["收入证明", "残疾证"])  # the province tightens the rule meanwhile

    client.force_login(tree.staff_a)
    page = reverse("console:assistance:hardship_detail", args=[file.pk])
    assert "残疾证" in client.get(page).content.decode()  # named as missing before anyone presses 审批
    r = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "approve"]), {"note": "同意"})
    assert r.status_code == 422 and "缺少“残疾证”，不能审批" in r.content.decode()
    api = f"/api/v1/assistance/hardship/files/{file.pk}"
    r = client.post(f"{api}/approve", {"note": "同意"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "rule_documents" and "残疾证" in r.json()["title"]
    file.refresh_from_db()
    assert file.status == "notice"

    # A name that is not a required document, and no file: clear errors, nothing stored.
    r = client.post(f"{api}/documents", {"name": "户口本", "file": png("d.png")})
    assert r.status_code == 422 and r.json()["code"] == "document_name_invalid" and "残疾证" in r.json()["title"]
    r = client.post(f"{api}/documents", {"name": "残疾证"})
    assert r.status_code == 422 and r.json()["code"] == "document_missing"
    assert file.documents.count() == 1

    r = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "document"]),
                    {"name": "残疾证", "file": png("e.png")})
    assert r.status_code == 302
    assert "残疾证：" in client.get(page).content.decode()
    r = client.post(f"{api}/approve", {"note": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "active"


def test_documents_are_added_only_by_the_branch_or_the_applicant_and_only_while_the_file_is_open(client):
    tree = Tree()
    _standard(tree, ["收入证明"])
    file = _graded(tree, {"收入证明": png("a.png")})
    with pytest.raises(PermissionDenied):
        hardship.hardship_document_add(file=file, name="", upload=png(), by=tree.staff_b)
    client.force_login(tree.staff_b)
    r = client.post(f"/api/v1/assistance/hardship/files/{file.pk}/documents", {"name": "", "file": png()})
    assert r.status_code == 404
    hardship.hardship_document_add(file=file, name="", upload=png("other.png"), by=file.user)  # the applicant
    hardship.hardship_file_reject(file=file, by=tree.staff_a, reason="收入超过标准")
    with pytest.raises(Conflict):
        hardship.hardship_document_add(file=file, name="收入证明", upload=png(), by=tree.staff_a)
    assert sorted(file.documents.values_list("name", flat=True)) == ["", "收入证明"]
