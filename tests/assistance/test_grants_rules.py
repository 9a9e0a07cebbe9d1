"""Grants, continued: documents a program requires, 金秋助学 (tiers, one award per student per
school year across unions), 复核 after a rejection, and staff applying on a worker's behalf."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from gonghui.accounts.models import RoleGrant
from gonghui.assistance import grants, services
from gonghui.assistance.models import EducationTier, Grant, Payout
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.members.models import Person
from gonghui.notices.models import Notice
from tests.assistance.payout_helpers import ACCOUNT
from tests.cases.helpers import png
from tests.factories import Tree, make_member, make_staff
from tests.stats.scenario import at

pytestmark = pytest.mark.django_db
SEPT = dt.date(2026, 9, 7)  # a Monday of the 2026–2027 school year
STUDENT_ID = "110101200801011230"


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(at(SEPT, 9))
    tree = Tree()
    services.fund_receipt(union=tree.city_a, source="central", amount=100_000_00, memo="专项资金")
    return tree


def _program(tree, **kwargs):
    args = {"union": tree.province, "name": "2026 年金秋助学", "kind": "school", "source": "central",
            "min_amount": 1000_00, "max_amount": 5000_00, "yearly_cap": 10_000_00,
            "by": make_staff(union=tree.province, role=RoleGrant.Role.ADMIN)} | kwargs
    return grants.grant_program_create(**args)


def _tiers(tree):
    boss = make_staff(union=tree.province, role=RoleGrant.Role.ADMIN)
    for level, fen in (("new_undergraduate", 5000_00), ("new_college", 4000_00), ("undergraduate", 3000_00),
                       ("college", 2000_00)):
        grants.education_tier_set(region="440000", year=2026, level=level, amount=fen, by=boss)


def _student(level="new_undergraduate", id_number=STUDENT_ID):
    return grants.Student(name="张小明", id_number=id_number, level=level, school="中山大学")


def _letter():
    return {"录取通知书": png("letter.png")}


def test_id_number_of_the_test_student_is_valid():
    from stdnum.cn import ric

    assert ric.is_valid(STUDENT_ID)


def test_missing_required_document_is_named_at_submission_and_approval(tree):
    program = _program(tree, kind="living", name="医疗救助", required_documents=["医疗费用票据", "诊断证明"])
    member = make_member(union=tree.grassroots_a)
    with pytest.raises(ValidationFailed) as exc:
        grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="住院",
                           bank_account=ACCOUNT, documents={"医疗费用票据": png()})
    assert exc.value.code == "rule_documents" and "缺少“诊断证明”" in str(exc.value.message)
    assert not Grant.objects.exists()
    with pytest.raises(ValidationFailed):  # a file that is no image or PDF
        grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="住院",
                           bank_account=ACCOUNT, documents={"医疗费用票据": png(), "诊断证明": png("x.exe")})
    grant = grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="住院",
                               bank_account=ACCOUNT, documents={"医疗费用票据": png(), "诊断证明": png("d.png")})
    assert sorted(grant.documents.values_list("name", flat=True)) == ["医疗费用票据", "诊断证明"]


def test_approval_is_refused_while_a_required_document_is_missing(tree, frozen_clock):
    program = grants.grant_program_create(union=tree.city_a, name="医疗救助", kind="medical", source="central",
                                          min_amount=100_00, max_amount=3000_00, by=tree.staff_a)
    member = make_member(union=tree.grassroots_a)
    grant = grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="住院",
                               bank_account=ACCOUNT)
    grants.grant_verify(grant=grant, by=tree.staff_a, note="属实")
    grants.grant_notice_start(grant=grant, by=tree.staff_a)
    # The program now asks for a document this application does not carry.
    type(program).objects.filter(pk=program.pk).update(required_documents=["诊断证明"])
    frozen_clock(at(SEPT + dt.timedelta(days=10), 9))
    with pytest.raises(ValidationFailed) as exc:
        grants.grant_approve(grant=grant, by=tree.staff_a, decision="主席办公会同意", decided_on=SEPT + dt.timedelta(days=10))
    assert "缺少“诊断证明”" in str(exc.value.message) and not Payout.objects.exists()
    grants.grant_document_add(grant=grant, name="诊断证明", upload=png(), by=tree.staff_a)
    grant = grants.grant_approve(grant=grant, by=tree.staff_a, decision="主席办公会同意",
                                 decided_on=SEPT + dt.timedelta(days=10))
    assert grant.status == Grant.Status.APPROVED and grant.payout.amount == 2000_00
    # The results notice reached the worker's inbox.
    assert Notice.objects.filter(user=member.person.user, module="assistance", text__contains="已批准").exists()


def test_school_grant_amount_comes_from_the_tier_of_the_province_and_year(tree):
    program = _program(tree, required_documents=["录取通知书"])
    member = make_member(union=tree.grassroots_a)
    with pytest.raises(Conflict) as exc:  # no tiers yet
        grants.grant_apply(user=member.person.user, program=program, amount=0, reason="孩子考上大学",
                           bank_account=ACCOUNT, student=_student(), documents=_letter())
    assert exc.value.code == "tier_missing" and "2026 年金秋助学“新考入本科”" in str(exc.value.message)
    _tiers(tree)
    with pytest.raises(ValidationFailed) as exc:
        grants.grant_apply(user=member.person.user, program=program, amount=0, reason="孩子考上大学",
                           bank_account=ACCOUNT, student=_student())
    assert "缺少“录取通知书”" in str(exc.value.message)
    grant = grants.grant_apply(user=member.person.user, program=program, amount=999, reason="孩子考上大学",
                               bank_account=ACCOUNT, student=_student("new_college"), documents=_letter())
    # 新考入大专 in 440000 for 2026: 4,000 元, whatever was typed; the ID number is kept masked and indexed.
    assert (grant.amount, grant.academic_year, grant.student_level) == (4000_00, 2026, "new_college")
    assert STUDENT_ID not in (grant.student_id_masked + grant.student_id_index)


def test_one_award_per_student_per_school_year_across_unions(tree):
    program = _program(tree)
    _tiers(tree)
    parent_a = make_member(union=tree.grassroots_a)
    parent_b = make_member(union=tree.grassroots_b)  # the other parent, in another branch
    first = grants.grant_apply(user=parent_a.person.user, program=program, amount=0, reason="考上大学",
                               bank_account=ACCOUNT, student=_student())
    with pytest.raises(Conflict) as exc:
        grants.grant_apply(user=parent_b.person.user, program=program, amount=0, reason="考上大学",
                           bank_account=ACCOUNT, student=_student("undergraduate", id_number=STUDENT_ID.lower()))
    message = str(exc.value.message)
    assert exc.value.code == "school_award_taken" and "已获得或正在申请金秋助学" in message
    assert tree.grassroots_a.name not in message and parent_a.person.name not in message
    # Refused, the first application frees the student; next school year is a new year.
    grants.grant_reject(grant=first, by=tree.staff_a, reason="材料不实")
    second = grants.grant_apply(user=parent_b.person.user, program=program, amount=0, reason="考上大学",
                                bank_account=ACCOUNT, student=_student())
    assert second.union == tree.grassroots_b


def test_the_database_keeps_one_award_per_student_and_year(tree):
    from django.db import IntegrityError, transaction

    program = _program(tree)
    _tiers(tree)
    grant = grants.grant_apply(user=make_member(union=tree.grassroots_a).person.user, program=program, amount=0,
                               reason="考上大学", bank_account=ACCOUNT, student=_student())
    other = grants.grant_apply(user=make_member(union=tree.grassroots_b).person.user, program=program, amount=0,
                               reason="考上大学", bank_account=ACCOUNT,
                               student=_student(id_number="110101200801013412"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=other.pk).update(student_id_index=grant.student_id_index)


def test_review_goes_to_the_union_above_the_one_that_refused_and_the_worker_sees_it(tree, client):
    program = grants.grant_program_create(union=tree.city_a, name="生活救助", kind="living", source="central",
                                          min_amount=100_00, max_amount=3000_00, by=tree.staff_a)
    member = make_member(union=tree.grassroots_a, name="张大山")
    grant = grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="失业",
                               bank_account=ACCOUNT)
    grassroots_staff = make_staff(union=tree.grassroots_a, role=RoleGrant.Role.ADMIN)
    with pytest.raises(Conflict):  # nothing to review yet
        grants.grant_review_request(grant=grant, by=member.person.user, reason="不服")
    grants.grant_reject(grant=grant, by=grassroots_staff, reason="收入超过标准")
    grant = grants.grant_review_request(grant=grant, by=member.person.user, reason="我已失业三个月，没有收入")
    assert grant.review_union == tree.county_a  # grassroots_a refused; the county above reviews
    with pytest.raises(Conflict):  # once only
        grants.grant_review_request(grant=grant, by=member.person.user, reason="再次")
    with pytest.raises(PermissionDenied):  # the union that refused does not review itself
        grants.grant_review_decide(grant=grant, by=grassroots_staff, overturn=True, note="同意")
    grant = grants.grant_review_decide(grant=grant, by=tree.staff_a, overturn=True, note="核实已失业，重新办理")
    assert (grant.status, grant.review_outcome) == (Grant.Status.APPLIED, "overturned")
    client.force_login(member.person.user)
    page = client.get(reverse("assistance:grant_detail", args=[grant.pk])).content.decode()
    assert "撤销原决定，重新办理" in page and "核实已失业，重新办理" in page
    assert Notice.objects.filter(user=member.person.user, text__contains="经复核").exists()


def test_review_upheld_keeps_the_refusal_and_review_page_says_why(tree, client):
    program = grants.grant_program_create(union=tree.city_a, name="生活救助", kind="living", source="central",
                                          min_amount=100_00, max_amount=3000_00, by=tree.staff_a)
    member = make_member(union=tree.grassroots_a)
    grant = grants.grant_apply(user=member.person.user, program=program, amount=2000_00, reason="失业",
                               bank_account=ACCOUNT)
    grants.grant_reject(grant=grant, by=tree.staff_a, reason="收入超过标准")
    client.force_login(member.person.user)
    r = client.post(reverse("assistance:grant_review", args=[grant.pk]), {"reason": ""})
    assert r.status_code == 422
    r = client.post(reverse("assistance:grant_review", args=[grant.pk]), {"reason": "收入算错了"})
    assert r.status_code == 302
    client.force_login(tree.staff_a)
    assert grant.pk in [g.pk for g in client.get(reverse("console:assistance:grants") + "?status=review")
                        .context["grants"]]
    r = client.post(reverse("console:assistance:grant_step", args=[grant.pk, "review"]),
                    {"outcome": "upheld", "note": "工资流水显示月收入 6,000 元"})
    assert r.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.review_outcome, grant.review_note) == (Grant.Status.REJECTED, "upheld",
                                                                       "工资流水显示月收入 6,000 元")


def test_staff_apply_for_a_member_without_an_account_recorded_as_such(tree, client):
    program = grants.grant_program_create(union=tree.city_a, name="生活救助", kind="living", source="central",
                                          min_amount=100_00, max_amount=3000_00, by=tree.staff_a,
                                          required_documents=["困难情况证明"])
    member = make_member(union=tree.grassroots_a, name="赵老汉")
    id_number = member.person.id_number
    Person.objects.filter(pk=member.person_id).update(user=None)
    member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        grants.grant_apply_on_behalf(by=tree.staff_b, membership=member, program=program, amount=500_00,
                                     reason="老人独居", bank_account=ACCOUNT, documents={"困难情况证明": png()})
    client.force_login(tree.staff_a)
    url = reverse("console:assistance:grant_on_behalf")
    page = client.post(url, {"stage": "lookup", "id_number": id_number})
    assert page.status_code == 200 and "赵老汉" in page.content.decode() and "没有账号" in page.content.decode()
    page = client.post(url, {"stage": "choose", "id_number": id_number, "program": program.pk})
    assert "困难情况证明" in page.content.decode() and not Grant.objects.exists()
    r = client.post(url, {"stage": "apply", "id_number": id_number, "program": program.pk, "amount": "500",
                          "reason": "老人独居，没有手机", "bank_account": ACCOUNT})
    assert r.status_code == 422 and "缺少“困难情况证明”" in r.content.decode()
    r = client.post(url, {
        "stage": "apply", "id_number": id_number, "program": program.pk, "amount": "500", "reason": "老人独居，没有手机",
        "bank_account": ACCOUNT, "doc_0": png()})
    assert r.status_code == 302, r.content.decode()[:2000]
    grant = Grant.objects.get()
    assert (grant.user_id, grant.filed_by, grant.name, grant.union) == (None, tree.staff_a, "赵老汉", tree.grassroots_a)
    assert list(grant.documents.values_list("name", flat=True)) == ["困难情况证明"]
    # Staff of another branch cannot find the member.
    client.force_login(tree.staff_b)
    r = client.post(url, {"stage": "apply", "id_number": id_number, "program": program.pk, "amount": "500",
                          "reason": "x", "bank_account": ACCOUNT})
    assert "没有找到" in r.content.decode() and Grant.objects.count() == 1


def test_api_school_application_review_and_tiers(tree, client):
    program = _program(tree)
    boss = make_staff(union=tree.province, role=RoleGrant.Role.ADMIN)
    client.force_login(tree.staff_a)  # a city may not set the province's tiers
    r = client.post("/api/v1/assistance/school-tiers", {"region": "440000", "year": 2026,
                                                        "level": "new_undergraduate", "amount_fen": 5000_00},
                    content_type="application/json")
    assert r.status_code == 403
    client.force_login(boss)
    r = client.post("/api/v1/assistance/school-tiers", {"region": "440000", "year": 2026,
                                                        "level": "new_undergraduate", "amount_fen": 5000_00},
                    content_type="application/json")
    assert r.status_code == 200 and EducationTier.objects.get().amount == 5000_00
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    body = {"program_id": program.pk, "reason": "考上大学", "bank_account": ACCOUNT,
            "student": {"name": "张小明", "id_number": STUDENT_ID, "level": "new_undergraduate", "school": "中山大学"}}
    r = client.post("/api/v1/assistance/grants/mine", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["amount_fen"] == 5000_00 and r.json()["academic_year"] == 2026
    r = client.post("/api/v1/assistance/grants/mine", body, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "school_award_taken"


def test_school_grant_goes_through_notice_and_approval_and_counts_in_the_figures(tree, frozen_clock):
    from gonghui.assistance.figures import school_amount, school_students

    program = grants.grant_program_create(union=tree.city_a, name="金秋助学", kind="school", source="central",
                                          min_amount=1000_00, max_amount=5000_00, by=tree.staff_a,
                                          required_documents=["录取通知书"])
    _tiers(tree)
    member = make_member(union=tree.grassroots_a)
    grant = grants.grant_apply(user=member.person.user, program=program, amount=0, reason="考上大学",
                               bank_account=ACCOUNT, student=_student("undergraduate"), documents=_letter())
    grants.grant_verify(grant=grant, by=tree.staff_a, note="录取通知书属实")
    grants.grant_notice_start(grant=grant, by=tree.staff_a)
    later = SEPT + dt.timedelta(days=14)
    frozen_clock(at(later, 9))
    grant = grants.grant_approve(grant=grant, by=tree.staff_a, decision="主席办公会同意", decided_on=later)
    assert grant.payout.amount == 3000_00 and grant.payout.beneficiary == member.person.user
    assert list(school_students(later)) == [(tree.grassroots_a.pk, "", 1)]
    assert list(school_amount(later)) == [(tree.grassroots_a.pk, "", 3000_00)]
    assert list(school_students(SEPT)) == []


def test_school_results_list_is_public_with_masked_names_only(tree, frozen_clock, client):
    """金秋助学 结果公示: approved awards of the school year, open without login; the worker's and
    the student's names masked, never an ID number, the school or the bank account; a grant
    still on notice or refused is not listed."""
    program = grants.grant_program_create(union=tree.city_a, name="金秋助学", kind="school", source="central",
                                          min_amount=1000_00, max_amount=5000_00, by=tree.staff_a)
    _tiers(tree)
    approved_member = make_member(union=tree.grassroots_a, name="张大山")
    pending_member = make_member(union=tree.grassroots_a, name="李四海")
    grant = grants.grant_apply(user=approved_member.person.user, program=program, amount=0, reason="考上大学",
                               bank_account=ACCOUNT, student=_student("new_undergraduate"))
    other = grants.grant_apply(user=pending_member.person.user, program=program, amount=0, reason="在读",
                               bank_account=ACCOUNT, student=_student("college", id_number="110101200901011238"))
    for g in (grant, other):
        grants.grant_verify(grant=g, by=tree.staff_a, note="属实")
        grants.grant_notice_start(grant=g, by=tree.staff_a)
    later = SEPT + dt.timedelta(days=14)
    frozen_clock(at(later, 9))
    grants.grant_approve(grant=grant, by=tree.staff_a, decision="主席办公会同意", decided_on=later)

    page = client.get(reverse("assistance:school_results"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("张**") == 2 and "新考入本科" in html and "5,000.00" in html  # the worker and the student
    for secret in ("张大山", "张小明", STUDENT_ID, ACCOUNT, "中山大学", "李**"):
        assert secret not in html
    rows = client.get("/api/v1/assistance/notices/school-results").json()
    assert rows == [{"name_masked": "张**", "student_name_masked": "张**", "union_name": tree.grassroots_a.name,
                     "level": "new_undergraduate", "level_label": "新考入本科", "academic_year": 2026,
                     "amount_fen": 5000_00, "decided_on": later.isoformat()}]
    assert client.get("/api/v1/assistance/notices/school-results?year=2025").json() == []
    assert client.get(reverse("assistance:school_results") + "?year=abc").status_code == 200


def test_api_applies_with_the_required_documents_in_one_multipart_request(tree, client):
    program = _program(tree, kind="medical", name="医疗救助", required_documents=["医疗费用票据", "诊断证明"])
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    url = "/api/v1/assistance/grants/mine/with-documents"
    data = json.dumps({"program_id": program.pk, "amount_fen": 200000, "reason": "住院", "bank_account": ACCOUNT})
    r = client.post(url, {"data": data, "documents": [png("a.png")], "document_names": ["医疗费用票据"]})
    assert r.status_code == 422 and "缺少“诊断证明”" in r.json()["title"] and not Grant.objects.exists()
    r = client.post(url, {"data": data, "documents": [png("a.png"), png("b.png")],
                          "document_names": ["医疗费用票据", ""]})
    assert r.status_code == 422 and r.json()["code"] == "document_unnamed"
    r = client.post(url, {"data": data, "documents": [png("a.png"), png("b.png")],
                          "document_names": ["医疗费用票据", "诊断证明"]})
    assert r.status_code == 201, r.content
    grant = Grant.objects.get(pk=r.json()["id"])
    assert sorted(grant.documents.values_list("name", flat=True)) == ["医疗费用票据", "诊断证明"]
