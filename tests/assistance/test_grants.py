"""Grants: application → verification → 公示 for N working days (masked names, objections
kept with the grant and seen by the approving union) → approval with the meeting decision →
a payout through the ledger; program rules refused with the rule named; large grants go to
the union above."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.assistance import grants, payouts, services
from gonghui.assistance.models import Grant, Payout
from gonghui.core.errors import Conflict, PermissionDenied
from tests.assistance.hardship_helpers import active, standard
from tests.assistance.helpers import assert_books_sound
from tests.assistance.payout_helpers import ACCOUNT, return_file
from tests.factories import Tree, make_member, make_staff
from tests.stats.scenario import at

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2025, 3, 3)  # the notice of 5 working days runs to Monday 2025-03-10


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(at(MONDAY, 9))
    tree = Tree()
    services.fund_receipt(union=tree.city_a, source="central", amount=100_000_00, memo="专项资金")
    return tree


def _program(tree, **kwargs):
    args = {"union": tree.city_a, "name": "2025 年生活救助", "kind": "living", "source": "central",
            "min_amount": 500_00, "max_amount": 5000_00, "by": tree.staff_a} | kwargs
    return grants.grant_program_create(**args)


def _apply(program, member, amount=2000_00):
    return grants.grant_apply(user=member.person.user, program=program, amount=amount, reason="爱人住院，医药费负担重",
                              bank_account=ACCOUNT)


def test_grant_goes_through_notice_and_approval_to_a_payout(client, tree, frozen_clock):
    program = _program(tree)
    member = make_member(union=tree.grassroots_a, name="张大山")
    grant = _apply(program, member)
    assert (grant.union, grant.approving_union) == (tree.grassroots_a, tree.grassroots_a)
    grant = grants.grant_verify(grant=grant, by=tree.staff_a, note="核实属实")
    grant = grants.grant_notice_start(grant=grant, by=tree.staff_a)
    assert (grant.notice_from, grant.notice_until) == (MONDAY, dt.date(2025, 3, 10))

    page = client.get(reverse("assistance:notices")).content.decode()
    assert "张**" in page and "张大山" not in page and "2,000.00" in page
    assert ACCOUNT not in page and member.person.id_number not in page
    client.force_login(make_member(union=tree.grassroots_b).person.user)
    r = client.post(reverse("assistance:notice_object", args=[grant.pk]), {"text": "他家开了两个店"})
    assert r.status_code == 302 and grant.objections.get().text == "他家开了两个店"

    frozen_clock(at(dt.date(2025, 3, 10), 17))
    with pytest.raises(Conflict) as exc:  # the notice still runs on its last day
        grants.grant_approve(grant=grant, by=tree.staff_a, decision="同意", decided_on=dt.date(2025, 3, 10))
    assert exc.value.code == "notice_running"
    frozen_clock(at(dt.date(2025, 3, 11), 9))
    with pytest.raises(Conflict):  # objections close with the notice
        grants.grant_object(grant=grant, text="迟到的异议")
    grant = grants.grant_approve(grant=grant, by=tree.staff_a, decision="主席办公会 2025 年第 3 次会议同意",
                                 decided_on=dt.date(2025, 3, 11))
    assert grant.status == "approved" and grant.payout.beneficiary == member.person.user
    assert (grant.payout.amount, grant.payout.union, grant.payout.bank_account) == (2000_00, tree.city_a, ACCOUNT)
    # Approving again cannot make a second payout.
    with pytest.raises(Conflict):
        grants.grant_approve(grant=grant, by=tree.staff_a, decision="同意", decided_on=dt.date(2025, 3, 11))
    assert Payout.objects.count() == 1

    batch = payouts.payment_batch_create(union=tree.city_a)
    payouts.payment_return_import(batch=batch, upload=return_file(batch, {1: ("成功", "")}))
    client.force_login(member.person.user)
    mine = client.get(reverse("assistance:mine")).content.decode()
    assert "已批准" in mine and "已到账" in mine and "2,000.00" in mine
    assert_books_sound()


def test_rules_are_refused_with_the_rule_named(tree):
    program = _program(tree, yearly_cap=6000_00)
    member = make_member(union=tree.grassroots_a)
    with pytest.raises(Conflict, match="金额范围") as exc:
        _apply(program, member, amount=5000_01)
    assert exc.value.code == "rule_amount_range"
    _apply(program, member, amount=5000_00)
    with pytest.raises(Conflict, match="每人每年上限") as exc:
        _apply(program, member, amount=1000_01)
    assert "6,000.00" in exc.value.message and "5,000.00" in exc.value.message
    _apply(program, member, amount=1000_00)  # exactly the cap
    graded = _program(tree, name="深度困难救助", eligible_grades=["deep"])
    with pytest.raises(Conflict, match="困难类别") as exc:
        _apply(graded, member)
    assert exc.value.code == "rule_grade"
    assert Grant.objects.count() == 2


def test_a_file_of_the_right_grade_opens_a_graded_program(tree):
    standard()
    member = make_member(union=tree.grassroots_a)
    active(tree.grassroots_a, tree.staff_a, member=member, income=3000_00, cause="school")  # deep
    grant = _apply(_program(tree, eligible_grades=["deep"]), member)
    assert grant.hardship_file.grade == "deep"


def test_large_grant_is_approved_by_the_union_above(tree, frozen_clock):
    program = _program(tree, approval_threshold=3000_00)
    grant = _apply(program, make_member(union=tree.grassroots_a), amount=4000_00)
    assert grant.approving_union == tree.county_a
    grassroots_staff = make_staff(union=tree.grassroots_a, role="admin")
    grant = grants.grant_verify(grant=grant, by=grassroots_staff, note="属实")
    grant = grants.grant_notice_start(grant=grant, by=grassroots_staff)
    frozen_clock(at(dt.date(2025, 3, 11), 9))
    with pytest.raises(PermissionDenied):
        grants.grant_approve(grant=grant, by=grassroots_staff, decision="同意", decided_on=dt.date(2025, 3, 11))
    assert grants.grant_approve(grant=grant, by=tree.staff_a, decision="同意",
                                decided_on=dt.date(2025, 3, 11)).status == "approved"


def test_rejection_reason_reaches_the_worker_and_other_branches_see_nothing(client, tree):
    member = make_member(union=tree.grassroots_a)
    grant = _apply(_program(tree), member)
    grants.grant_reject(grant=grant, by=tree.staff_a, reason="家庭收入已超过标准")
    client.force_login(member.person.user)
    page = client.get(reverse("assistance:grant_detail", args=[grant.pk])).content.decode()
    assert "家庭收入已超过标准" in page and "不予救助" in page
    client.force_login(tree.staff_b)
    assert client.get(reverse("console:assistance:grant_detail", args=[grant.pk])).status_code == 404
    assert client.get(f"/api/v1/assistance/grants/{grant.pk}").status_code == 404


def test_grant_pages_and_api_end_to_end(client, tree, frozen_clock):
    client.force_login(tree.staff_a)
    r = client.post("/api/v1/assistance/grant-programs", {
        "union_id": tree.city_a.pk, "name": "医疗救助", "kind": "medical", "source": "central",
        "min_amount_fen": 500_00, "max_amount_fen": 5000_00}, content_type="application/json")
    assert r.status_code == 201, r.content
    program_id = r.json()["id"]
    member = make_member(union=tree.grassroots_a, name="李四")
    client.force_login(member.person.user)
    page = client.get(reverse("assistance:grant_apply"))
    assert page.status_code == 200 and "医疗救助" in page.content.decode()
    r = client.post(reverse("assistance:grant_apply"), {"program": program_id, "amount": "1500",
                                                         "reason": "住院", "bank_account": ACCOUNT})
    assert r.status_code == 302, r.content.decode()[:3000]
    grant = Grant.objects.get()
    client.force_login(tree.staff_a)
    step = lambda name, data=None: client.post(  # noqa: E731
        reverse("console:assistance:grant_step", args=[grant.pk, name]), data or {})
    assert step("verify", {"note": "属实"}).status_code == 302
    assert step("notice").status_code == 302
    assert client.get("/api/v1/assistance/notices").json()[0]["name_masked"] == "李*"
    assert step("approve", {"decision": "同意", "decided_on": "2025-03-03"}).status_code == 422
    frozen_clock(at(dt.date(2025, 3, 11), 9))
    assert step("approve", {"decision": "同意", "decided_on": "2025-03-11"}).status_code == 302
    detail = client.get(reverse("console:assistance:grant_detail", args=[grant.pk])).content.decode()
    assert "已批准" in detail and "同意" in detail
    assert client.get(reverse("console:assistance:grants")).status_code == 200
    assert client.get(reverse("console:assistance:grant_programs")).status_code == 200
