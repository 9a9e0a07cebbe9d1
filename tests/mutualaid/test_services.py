"""Mutual aid services, as the rules they protect: enrolment with the participation rule and
the premium in the ledger, waiting periods, claims judged by the version in force, flags,
approval levels, payouts through the assistance payout batches, the loss ratio."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.accounts.models import RoleGrant
from gonghui.assistance import services as ledger
from gonghui.assistance.models import AccountKind, FundAccount, LedgerTransaction, Payout
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.mutualaid import selectors, services
from gonghui.mutualaid.models import Claim, ClaimLine, Coverage, Enrolment, PlanTotal
from gonghui.notices.models import Notice
from tests.factories import Tree, make_staff, make_worker_user
from tests.mutualaid.helpers import (
    Y,
    at,
    coverage_of,
    enrol_all,
    make_plan,
    members_of,
    stay,
    submit,
    terms,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def tree() -> Tree:
    return Tree()


@pytest.fixture
def plan(tree, frozen_clock):
    frozen_clock(at(D(2024, 12, 20)))
    return make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))


def test_whole_unit_enrolment_books_the_premium_in_the_plan_unions_ledger(tree, plan) -> None:
    members_of(tree.grassroots_a, 5)
    enrolment = enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    assert (enrolment.count, enrolment.premium, enrolment.union_part, enrolment.member_part) == (5, 400 * Y, 200 * Y,
                                                                                                 200 * Y)
    txn = enrolment.premium_txn
    assert (txn.union_id, txn.kind, txn.source, txn.amount) == (tree.city_a.pk, "receipt", "city", 400 * Y)
    assert FundAccount.objects.get(union=tree.city_a, source="city", kind=AccountKind.AVAILABLE).balance == 400 * Y
    assert ledger.ledger_verify() == []
    # New joiners before the period: cover from the plan's first day, illness after 90 days.
    cover = Coverage.objects.filter(enrolment=enrolment).first()
    assert (cover.starts_on, cover.waiting_until, cover.ends_on, cover.renewal) == (
        D(2025, 1, 1), D(2025, 4, 1), D(2025, 12, 31), False)


def test_participation_rule_refuses_a_unit_below_sixty_percent(tree, plan) -> None:
    people = [m.person_id for m in members_of(tree.grassroots_a, 5)]
    with pytest.raises(ValidationFailed) as refused:
        services.enrolment_create(actor=tree.staff_a, plan=plan, union=tree.grassroots_a, mode="picked",
                                  person_ids=people[:2])
    assert refused.value.code == "participation_too_low"
    assert "须至少 60%" in str(refused.value.message)
    assert not Enrolment.objects.exists() and not LedgerTransaction.objects.exists()
    three = services.enrolment_create(actor=tree.staff_a, plan=plan, union=tree.grassroots_a, mode="picked",
                                      person_ids=people[:3])
    assert three.count == 3  # 3 of 5 = 60 %


def test_joiners_during_the_period_start_today_with_the_waiting_period(tree, plan, frozen_clock) -> None:
    members = members_of(tree.grassroots_a, 3)
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 6, 10)))
    joiner = members_of(tree.grassroots_a, 1)[0]
    enrolment = services.enrolment_create(actor=tree.staff_a, plan=plan, union=tree.grassroots_a, mode="joiners",
                                          person_ids=[joiner.person_id])
    cover = coverage_of(joiner.person, plan)
    assert (enrolment.count, cover.starts_on, cover.waiting_until) == (1, D(2025, 6, 10), D(2025, 9, 8))
    with pytest.raises(ValidationFailed) as again:  # already covered: nothing to add
        services.enrolment_create(actor=tree.staff_a, plan=plan, union=tree.grassroots_a, mode="joiners",
                                  person_ids=[members[0].person_id])
    assert again.value.code == "nothing_to_enrol"


def test_renewal_from_last_years_plan_has_no_waiting_period(tree, frozen_clock) -> None:
    frozen_clock(at(D(2023, 12, 20)))
    last = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31))
    old, = members_of(tree.grassroots_a, 1)
    enrol_all(plan=last, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2024, 12, 20)))
    new, = members_of(tree.grassroots_a, 1)
    this = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    enrol_all(plan=this, union=tree.grassroots_a, actor=tree.staff_a)
    assert coverage_of(old.person, this).waiting_until == D(2025, 1, 1)
    assert coverage_of(new.person, this).waiting_until == D(2025, 4, 1)


def test_another_branch_cannot_enrol_in_or_see_the_plan(tree, plan) -> None:
    members_of(tree.grassroots_b, 1)
    with pytest.raises(NotFound):
        services.enrolment_create(actor=tree.staff_b, plan=plan, union=tree.grassroots_b, mode="whole")
    with pytest.raises(NotFound):
        selectors.plan_get_for_enrolment(user=tree.staff_b, plan_id=plan.pk)


def _covered(tree, plan, frozen_clock, n: int = 1):
    members = members_of(tree.grassroots_a, n, users=[make_worker_user(name="王小明") for _ in range(n)])
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 11, 20)))
    return [coverage_of(m.person, plan) for m in members]


def test_claim_is_explained_and_approved_into_an_assistance_payout(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 11), cost=20000, insurance=12000, invoices=("FP0001",)))
    assert (claim.status, claim.proposed, claim.flags) == ("submitted", 4550 * Y, [])
    lines = {line.benefit: line for line in claim.lines.all()}
    assert lines["allowance"].proposed == 350 * Y and lines["reimburse"].proposed == 4200 * Y
    services.claim_review(actor=tree.staff_a, claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.amount) == ("approved", 4550 * Y)
    assert Notice.objects.get(user=claim.user, module="mutualaid", object_id=claim.pk).text == (
        f"您的互助金申请 {claim.number} 已核准，赔付 4,550 元，将由银行代发到账。")
    payout = claim.payout
    assert (payout.union_id, payout.source, payout.amount, payout.status, payout.beneficiary_id) == (
        tree.city_a.pk, "city", 4550 * Y, Payout.Status.QUEUED, cover.person.user_id)
    # Premiums (80) and the city's top-up (10,000) pay it: the batch moves it out of available funds.
    ledger.fund_receipt(union=tree.city_a, source="city", amount=10000 * Y, memo="互助保障补充资金")
    batch = services.plan_payment_batch_create(actor=tree.staff_a, plan=plan)
    assert (batch.count, batch.total) == (1, 4550 * Y)
    with pytest.raises(ValidationFailed) as again:  # the same payouts are never sent twice
        services.plan_payment_batch_create(actor=tree.staff_a, plan=plan)
    assert again.value.code == "batch_empty"
    available = FundAccount.objects.get(union=tree.city_a, source="city", kind=AccountKind.AVAILABLE).balance
    assert available == 80 * Y + 10000 * Y - 4550 * Y
    assert ledger.ledger_verify() == []


def test_the_annual_cap_holds_across_claims_and_a_version_change(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    for a, b in ((D(2025, 4, 1), D(2025, 4, 30)), (D(2025, 5, 1), D(2025, 5, 30)), (D(2025, 6, 1), D(2025, 6, 15))):
        services.claim_review(actor=tree.staff_a, claim=submit(cover, stay(a, b)))  # 1,300 + 1,300 + 550 = 3,150
    services.plan_version_add(actor=tree.staff_a, plan=plan, effective_from=D(2025, 7, 1),
                              terms=terms(allowance_per_day=80 * Y, allowance_year_cap=6000 * Y), note="提高津贴")
    june = submit(cover, stay(D(2025, 6, 20), D(2025, 6, 30)))  # version 1: 7 × 50 = 350, within 4,500
    assert (june.version.number, june.proposed) == (1, 350 * Y)
    july = submit(cover, stay(D(2025, 7, 1), D(2025, 7, 31)))  # version 2: 27 × 80 = 2,160 → stay cap 1,500
    assert (july.version.number, july.proposed) == (2, 1500 * Y)
    services.claim_review(actor=tree.staff_a, claim=july)  # 3,150 + 1,500 = 4,650 ≤ version 2's 6,000
    with pytest.raises(ValidationFailed) as capped:  # June is judged by version 1: 4,650 ≥ 4,500
        services.claim_review(actor=tree.staff_a, claim=june)
    assert capped.value.code == "nothing_to_pay"
    june.refresh_from_db()
    assert (june.proposed, june.flags) == (0, ["cap_reached"])
    explained = "；".join(d["msg"] % d["params"] for d in ClaimLine.objects.get(claim=june).lines)
    assert explained == "住院 10 天，超过 3 天的 7 天 × 50 元 = 350 元；本年已付 4,650 元，封顶 4,500 元，本次赔付 0 元"
    assert sum(ClaimLine.objects.filter(coverage=cover, approved=True).values_list("amount", flat=True)) == 4650 * Y


def test_caps_are_rechecked_when_deciding(tree, plan, frozen_clock) -> None:
    """Two claims proposed before either is approved cannot both be paid past the cap."""
    cover, = _covered(tree, plan, frozen_clock)
    first = submit(cover, stay(D(2025, 4, 1), D(2025, 5, 31)))  # 1,500 (stay cap)
    second = submit(cover, stay(D(2025, 6, 1), D(2025, 7, 31)))
    third = submit(cover, stay(D(2025, 8, 1), D(2025, 9, 30)))
    fourth = submit(cover, stay(D(2025, 10, 1), D(2025, 10, 31)))
    assert [c.proposed for c in (first, second, third, fourth)] == [1500 * Y] * 3 + [1350 * Y]
    for c in (first, second, third):
        services.claim_review(actor=tree.staff_a, claim=c)
    with pytest.raises(ValidationFailed) as zero:
        services.claim_review(actor=tree.staff_a, claim=fourth)
    assert zero.value.code == "nothing_to_pay"
    fourth.refresh_from_db()
    assert fourth.proposed == 0 and "cap_reached" in fourth.flags
    assert sum(ClaimLine.objects.filter(coverage=cover, approved=True).values_list("amount", flat=True)) == 4500 * Y


def test_flags_waiting_period_duplicate_invoice_under_another_union_and_missing_documents(tree, frozen_clock) -> None:
    frozen_clock(at(D(2024, 12, 20)))
    plan_a = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    plan_b = make_plan(union=tree.city_b, actor=tree.staff_b, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    a, = members_of(tree.grassroots_a, 1, users=[make_worker_user()])
    b, = members_of(tree.grassroots_b, 1, users=[make_worker_user()])
    enrol_all(plan=plan_a, union=tree.grassroots_a, actor=tree.staff_a)
    enrol_all(plan=plan_b, union=tree.grassroots_b, actor=tree.staff_b)
    frozen_clock(at(D(2025, 11, 20)))
    waiting = submit(coverage_of(a.person, plan_a), stay(D(2025, 3, 31), D(2025, 4, 10), invoices=("FP-2025-0001",)))
    assert waiting.flags == ["waiting_period"] and waiting.proposed == 0
    dup = submit(coverage_of(b.person, plan_b), stay(D(2025, 5, 1), D(2025, 5, 9), invoices=("fp20250001",)),
                 with_documents=False)
    assert set(dup.flags) == {"duplicate_invoice", "missing_documents"}
    assert dup.proposed == 250 * Y  # the flags are for the officer; the rule's amount stands


def test_adjusting_needs_a_reason_and_can_only_lower(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9)))
    with pytest.raises(ValidationFailed) as higher:
        services.claim_review(actor=tree.staff_a, claim=claim, amounts={"allowance": 300 * Y}, reason="多付")
    assert higher.value.code == "above_proposal"
    with pytest.raises(ValidationFailed) as no_reason:
        services.claim_review(actor=tree.staff_a, claim=claim, amounts={"allowance": 200 * Y})
    assert no_reason.value.code == "reason_required"
    services.claim_review(actor=tree.staff_a, claim=claim, amounts={"allowance": 200 * Y}, reason="其中一天为门诊观察")
    claim.refresh_from_db()
    assert (claim.amount, claim.payout.amount, claim.reason) == (200 * Y, 200 * Y, "其中一天为门诊观察")


def test_large_claims_need_a_second_officer(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    claim = submit(cover, services.ClaimInput(kind="disease", event_on=D(2025, 6, 1), diagnosis="肺癌",
                                              disease="恶性肿瘤", payee_name="王小明",
                                              bank_account="6222021234567890123"))
    assert claim.proposed == 10000 * Y  # not above 10,000: one officer is enough
    accident = submit(cover, services.ClaimInput(kind="accident_death", event_on=D(2025, 7, 1), diagnosis="交通事故",
                                                 payee_name="王大明", bank_account="6222021234567890123"))
    services.claim_review(actor=tree.staff_a, claim=accident)
    accident.refresh_from_db()
    assert (accident.status, accident.payout_id) == ("reviewed", None)
    with pytest.raises(PermissionDenied):
        services.claim_confirm(actor=tree.staff_a, claim=accident)
    second = make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF)
    services.claim_confirm(actor=second, claim=accident)
    accident.refresh_from_db()
    assert (accident.status, accident.amount, accident.payout.amount) == ("approved", 30000 * Y, 30000 * Y)


def test_grassroots_staff_cannot_decide_and_rejection_needs_a_reason(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9)))
    grassroots = make_staff(union=tree.grassroots_a, role=RoleGrant.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.claim_review(actor=grassroots, claim=claim)
    with pytest.raises(ValidationFailed):
        services.claim_reject(actor=tree.staff_a, claim=claim, reason=" ")
    services.claim_reject(actor=tree.staff_a, claim=claim, reason="非住院治疗")
    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.payout_id) == ("rejected", "非住院治疗", None)
    notice = Notice.objects.get(user=claim.user, module="mutualaid", object_id=claim.pk)
    assert notice.text == f"您的互助金申请 {claim.number} 不予赔付，原因：非住院治疗"
    with pytest.raises(Conflict):
        services.claim_review(actor=tree.staff_a, claim=claim)


def test_diagnosis_is_encrypted_masked_and_its_reveal_audited(tree, plan, frozen_clock) -> None:
    from django.db import connection

    cover, = _covered(tree, plan, frozen_clock)
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9), invoices=("FP0009",)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT diagnosis, invoices FROM mutualaid_claim WHERE id = %s", [claim.pk])
        raw = cursor.fetchone()
    assert "阑尾炎" not in raw[0] and "FP0009" not in raw[1]
    assert claim.diagnosis_masked == "急＊＊＊＊"
    with pytest.raises(PermissionDenied):
        services.claim_diagnosis_reveal(actor=make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF), claim=claim,
                                        reason="审核")
    assert services.claim_diagnosis_reveal(actor=tree.staff_a, claim=claim, reason="核对诊断") == "急性阑尾炎"
    assert AuditEvent.objects.filter(action="mutualaid.claim.reveal", target_id=str(claim.pk), reason="核对诊断").exists()


def test_certificate_verifies_with_its_signed_token_only(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    token = services.certificate_token(cover)
    result = services.certificate_verify(token=token, today=D(2025, 5, 1))
    assert (result.status, result.union_name, result.name_masked) == ("valid", tree.grassroots_a.name, "会**")
    assert services.certificate_verify(token=token, today=D(2025, 3, 1)).status == "waiting"
    assert services.certificate_verify(token=token, today=D(2026, 1, 1)).status == "ended"
    assert services.certificate_verify(token=token[:-2] + "xx").status == "invalid"
    assert services.certificate_verify(token=cover.serial).status == "invalid"


def test_loss_ratio_is_payouts_over_premiums(tree, plan, frozen_clock) -> None:
    covers = _covered(tree, plan, frozen_clock, n=2)  # premium 2 × 80 = 160
    services.claim_review(actor=tree.staff_a, claim=submit(covers[0], stay(D(2025, 5, 1), D(2025, 5, 9))))  # 250
    submit(covers[1], stay(D(2025, 5, 1), D(2025, 5, 9)))  # not decided: not counted
    row, = selectors.loss_ratio(plans=selectors.plan_list_for_user(user=tree.staff_a))
    assert (row.people, row.premiums, row.paid, row.claims_paid) == (2, 160 * Y, 250 * Y, 1)
    assert row.ratio_text == "156.2%" and row.by_benefit == {"allowance": 250 * Y}
    assert selectors.loss_ratio(plans=selectors.plan_list_for_user(user=tree.staff_b)) == []
    # The running totals the report reads equal a recount from the claims.
    kept = sorted(PlanTotal.objects.filter(plan=plan).values_list("benefit", "amount", "count"))
    services.plan_totals_rebuild(plan=plan)
    assert sorted(PlanTotal.objects.filter(plan=plan).values_list("benefit", "amount", "count")) == kept == [
        ("", 250 * Y, 1), ("allowance", 250 * Y, 1)]


@pytest.mark.parametrize(("change", "code"), [
    ({"allowance_per_day": 50 * Y, "allowance_year_cap": 0}, "cap_required"),
    ({"allowance_stay_cap": 9000 * Y}, "invalid_cap"),
    ({"reimburse_ratio": {"4": 500}}, "invalid_ratio"),
    ({"reimburse_ratio": {"1": 1500}}, "invalid_reimburse_ratio"),
    ({"diseases": ["恶性肿瘤", "恶性肿瘤"]}, "invalid_diseases"),
    ({"waiting_days": -1}, "invalid_waiting_days"),
    ({"disability_percent": {"11": 5}}, "invalid_grades"),
    ({"deductible": "100"}, "invalid_amount"),
])
def test_bad_plan_terms_are_refused_in_chinese(tree, change, code) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), **change)
    assert refused.value.code == code


def test_plans_belong_to_province_or_city_unions_and_versions_move_forward(tree, plan) -> None:
    with pytest.raises(ValidationFailed):
        make_plan(union=tree.grassroots_a, actor=tree.staff_a)
    with pytest.raises(ValidationFailed) as backwards:
        services.plan_version_add(actor=tree.staff_a, plan=plan, effective_from=D(2025, 1, 1), terms=terms(), note="x")
    assert backwards.value.code == "invalid_effective_from"
    with pytest.raises(PermissionDenied):
        services.plan_version_add(actor=tree.staff_b, plan=plan, effective_from=D(2025, 3, 1), terms=terms(), note="x")


def test_bad_claims_are_refused_and_nothing_is_written(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    bad = [
        (stay(D(2025, 5, 9), D(2025, 5, 1)), "invalid_date"),
        (stay(D(2025, 5, 1), D(2025, 5, 9), level="5"), "invalid_level"),
        (stay(D(2025, 5, 1), D(2025, 5, 9), cost=100, insurance=200), "invalid_amount"),
        (stay(D(2025, 5, 1), D(2025, 5, 9), invoices=("A1",)), "invalid_invoice"),
        (stay(D(2025, 5, 1), D(2025, 5, 9), invoices=("FP0001", "fp0001")), "invalid_invoice"),
        (stay(D(2026, 5, 1), D(2026, 5, 9)), "invalid_date"),
    ]
    for data, code in bad:
        with pytest.raises(ValidationFailed) as refused:
            submit(cover, data)
        assert refused.value.code == code
    stranger = make_worker_user()
    with pytest.raises(NotFound):
        services.claim_submit(user=stranger, coverage=cover, data=stay(D(2025, 5, 1), D(2025, 5, 9)))
    assert not Claim.objects.exists()


def test_a_rejection_is_appealed_once_and_decided_by_another_officer(tree, plan, frozen_clock) -> None:
    cover, = _covered(tree, plan, frozen_clock)
    claim = submit(cover, stay(D(2025, 5, 1), D(2025, 5, 9)))
    with pytest.raises(Conflict):  # nothing to appeal yet
        services.claim_appeal(user=cover.person.user, claim=claim, reason="不服")
    services.claim_reject(actor=tree.staff_a, claim=claim, reason="非住院治疗")
    with pytest.raises(NotFound):
        services.claim_appeal(user=make_worker_user(), claim=claim, reason="不服")
    with pytest.raises(ValidationFailed):
        services.claim_appeal(user=cover.person.user, claim=claim, reason="  ")
    services.claim_appeal(user=cover.person.user, claim=claim, reason="附住院病案首页，确为住院")
    claim.refresh_from_db()
    assert (claim.status, claim.appeal_of_officer_id) == ("appealed", tree.staff_a.pk)
    with pytest.raises(PermissionDenied):  # the officer who rejected it does not decide the appeal
        services.claim_review(actor=tree.staff_a, claim=claim)
    other = make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF)
    services.claim_review(actor=other, claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.amount, claim.payout.amount) == ("approved", 250 * Y, 250 * Y)
    rejected_again = submit(cover, stay(D(2025, 6, 1), D(2025, 6, 9)))
    services.claim_reject(actor=tree.staff_a, claim=rejected_again, reason="重复住院")
    services.claim_appeal(user=cover.person.user, claim=rejected_again, reason="不是重复")
    services.claim_reject(actor=other, claim=rejected_again, reason="复查维持")
    with pytest.raises(Conflict) as twice:
        services.claim_appeal(user=cover.person.user, claim=rejected_again, reason="再次申诉")
    assert twice.value.code == "already_appealed"
