"""New-form workers enrolling and paying for themselves, premiums of late joiners in the
ledger, appeals against a lowered amount (a top-up payout, decided by another officer), text
messages for certificates and decisions, and the XLSX exports."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import RoleGrant
from gonghui.assistance import services as ledger
from gonghui.assistance.models import AccountKind, FundAccount, Payout
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.mutualaid import services
from gonghui.mutualaid.models import Coverage, Enrolment, PlanTotal, SelfEnrolment
from gonghui.notices.models import Notice
from tests.browser_support import sms_settle
from tests.factories import Tree, make_staff, make_worker_user
from tests.mutualaid.helpers import (
    RecordingSms,
    Y,
    at,
    coverage_of,
    enrol_all,
    make_plan,
    members_of,
    new_form_worker,
    stay,
    submit,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "tests.mutualaid.helpers.RecordingSms"
    RecordingSms.sent.clear()
    return RecordingSms.sent


@pytest.fixture
def tree() -> Tree:
    return Tree()


@pytest.fixture
def plan(tree, frozen_clock):
    """80 元 a year, half paid by the union; new-form workers may join alone with a 25 % subsidy."""
    frozen_clock(at(D(2024, 12, 20)))
    return make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31),
                     self_enrol=True, self_union_share=25)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- late joiners pay for the months left -------------------------------------------------


def test_a_joiner_in_march_pays_ten_twelfths_and_the_ledger_books_it(tree, plan, frozen_clock) -> None:
    members_of(tree.grassroots_a, 3)
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)  # 3 × 80 元 before the period
    frozen_clock(at(D(2025, 3, 15)))
    joiner, = members_of(tree.grassroots_a, 1)
    enrolment = services.enrolment_create(actor=tree.staff_a, plan=plan, union=tree.grassroots_a, mode="joiners",
                                          person_ids=[joiner.person_id])
    # 80 元 × 10 ÷ 12 = 66.67 元; the union pays 50 % (33.33), the member the rest (33.34).
    assert (enrolment.premium, enrolment.union_part, enrolment.member_part) == (6667, 3333, 3334)
    assert enrolment.premium_txn.amount == 6667
    balance = FundAccount.objects.get(union=tree.city_a, source="city", kind=AccountKind.AVAILABLE).balance
    assert balance == 3 * 80 * Y + 6667
    assert ledger.ledger_verify() == []
    cover = coverage_of(joiner.person, plan)
    assert (cover.starts_on, cover.waiting_until) == (D(2025, 3, 15), D(2025, 6, 13))


# --- new-form workers enrolling themselves ------------------------------------------------


def test_new_form_worker_enrols_pays_and_the_union_confirms(tree, plan, frozen_clock, sms,
                                                          django_capture_on_commit_callbacks) -> None:
    frozen_clock(at(D(2025, 7, 10)))
    rider = new_form_worker(union=tree.grassroots_a)
    offer, = services.self_enrol_offers(user=rider)
    # July–December: 80 × 6 ÷ 12 = 40 元; the union subsidises 25 % (10 元), the rider pays 30 元.
    assert (offer.premium.amount, offer.union_part, offer.member_part) == (40 * Y, 10 * Y, 30 * Y)
    assert (offer.starts_on, offer.waiting_until) == (D(2025, 7, 10), D(2025, 10, 8))
    request = services.self_enrol_apply(user=rider, plan_id=plan.pk, channel="wechat", payment_ref="4200001234567")
    assert request.status == "pending" and not Coverage.objects.filter(plan=plan).exists()
    assert Notice.objects.filter(user=tree.staff_a, module="mutualaid", object_id=request.pk).exists()
    assert services.self_enrol_offers(user=rider) == []  # one open request per plan
    with pytest.raises(NotFound):
        services.self_enrol_apply(user=rider, plan_id=plan.pk, channel="wechat", payment_ref="4200001234567")

    frozen_clock(at(D(2025, 7, 12)))
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.self_enrol_confirm(actor=tree.staff_a, request=request)
    enrolment = confirmed.enrolment
    assert (enrolment.mode, enrolment.count, enrolment.premium, enrolment.union_part, enrolment.member_part) == (
        "self", 1, 40 * Y, 10 * Y, 30 * Y)
    assert enrolment.premium_txn.amount == 40 * Y and ledger.ledger_verify() == []
    cover = Coverage.objects.get(plan=plan, person__user=rider)
    assert (cover.starts_on, cover.waiting_until, cover.ends_on) == (D(2025, 7, 12), D(2025, 10, 10),
                                                                      D(2025, 12, 31))
    assert Notice.objects.filter(user=rider, module="mutualaid", text__contains="您已参加").exists()
    assert [text for phone, text in sms if phone == rider.phone and cover.serial in text]
    with pytest.raises(Conflict):
        services.self_enrol_confirm(actor=tree.staff_a, request=request)
    assert AuditEvent.objects.filter(action="mutualaid.self_enrol.confirm").count() == 1


def test_only_new_form_workers_and_only_where_the_plan_allows(tree, plan, frozen_clock) -> None:
    frozen_clock(at(D(2025, 7, 10)))
    employee = make_worker_user()
    members_of(tree.grassroots_a, 1, users=[employee])
    assert services.self_enrol_offers(user=employee) == []
    with pytest.raises(NotFound):
        services.self_enrol_apply(user=employee, plan_id=plan.pk, channel="wechat", payment_ref="4200001234567")
    other_branch = new_form_worker(union=tree.grassroots_b)  # grassroots_b is under the other city
    assert services.self_enrol_offers(user=other_branch) == []
    closed = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    rider = new_form_worker(union=tree.grassroots_a)
    assert [o.plan.pk for o in services.self_enrol_offers(user=rider)] == [plan.pk] != [closed.pk]
    assert services.self_enrol_offers(user=make_worker_user()) == []  # no membership at all


def test_self_enrolment_input_and_refusal(tree, plan, frozen_clock, sms, django_capture_on_commit_callbacks) -> None:
    frozen_clock(at(D(2025, 7, 10)))
    rider = new_form_worker(union=tree.grassroots_a)
    for channel, ref, code in [("paypal", "4200001234567", "invalid_channel"), ("wechat", "", "payment_ref_required"),
                               ("wechat", "12", "invalid_payment_ref"), ("bank", "=1+2; drop", "invalid_payment_ref")]:
        with pytest.raises(ValidationFailed) as refused:
            services.self_enrol_apply(user=rider, plan_id=plan.pk, channel=channel, payment_ref=ref)
        assert refused.value.code == code
    assert not SelfEnrolment.objects.exists()
    request = services.self_enrol_apply(user=rider, plan_id=plan.pk, channel="alipay", payment_ref="2025071022001")
    with pytest.raises(ValidationFailed):
        services.self_enrol_reject(actor=tree.staff_a, request=request, reason=" ")
    other_staff = make_staff(union=tree.grassroots_b)
    with pytest.raises(PermissionDenied):
        services.self_enrol_confirm(actor=other_staff, request=request)
    with django_capture_on_commit_callbacks(execute=True):
        services.self_enrol_reject(actor=tree.staff_a, request=request, reason="未查到该笔到账")
    request.refresh_from_db()
    assert (request.status, request.reason) == ("rejected", "未查到该笔到账")
    assert not Enrolment.objects.exists() and not Coverage.objects.exists()
    assert any("未查到该笔到账" in text for _, text in sms)
    # Refused: the rider may try again with the right reference.
    assert [o.plan.pk for o in services.self_enrol_offers(user=rider)] == [plan.pk]


def test_self_enrolment_pages_and_api(tree, plan, frozen_clock) -> None:
    frozen_clock(at(D(2025, 7, 10)))
    rider = new_form_worker(union=tree.grassroots_a)
    worker = _client(rider)
    index = worker.get(reverse("mutualaid:index")).content.decode()
    assert 'data-testid="offer"' in index and "缴纳 30.00 元" in index
    page = worker.get(reverse("mutualaid:self_enrol", kwargs={"plan_id": plan.pk})).content.decode()
    assert "80 元 × 6 ÷ 12 = 40 元" in page and 'data-testid="member-part"' in page
    bad = worker.post(reverse("mutualaid:self_enrol", kwargs={"plan_id": plan.pk}),
                      {"channel": "wechat", "payment_ref": "12"})
    assert bad.status_code == 200 and "4 到 40 位" in bad.content.decode()
    response = worker.post(reverse("mutualaid:self_enrol", kwargs={"plan_id": plan.pk}),
                           {"channel": "wechat", "payment_ref": "4200001234567"})
    assert response.status_code == 302
    assert worker.get(reverse("mutualaid:self_enrol", kwargs={"plan_id": plan.pk})).status_code == 404
    assert "待确认缴费" in worker.get(reverse("mutualaid:index")).content.decode()
    mine = worker.get("/api/v1/mutualaid/me/self-enrolments").json()
    assert [(r["status"], r["member_part_fen"], r["coverage_id"]) for r in mine] == [("pending", 30 * Y, None)]

    staff = _client(tree.staff_a)
    listing = staff.get(reverse("console:mutualaid:self_enrolments")).content.decode()
    assert "4200001234567" in listing and "确认到账" in listing
    request = SelfEnrolment.objects.get()
    other = _client(make_staff(union=tree.grassroots_b))
    assert "4200001234567" not in other.get(reverse("console:mutualaid:self_enrolments")).content.decode()
    assert other.post(f"/api/v1/mutualaid/self-enrolments/{request.pk}/decision", {"decision": "confirm"},
                      content_type="application/json").status_code == 404
    staff.post(reverse("console:mutualaid:self_enrolment_decide", kwargs={"self_enrolment_id": request.pk}),
               {"decision": "confirm"})
    request.refresh_from_db()
    assert request.status == "confirmed"
    mine = worker.get("/api/v1/mutualaid/me/self-enrolments").json()
    assert mine[0]["coverage_id"] == Coverage.objects.get(person__user=rider).pk


def test_self_enrolment_through_the_api(tree, plan, frozen_clock) -> None:
    frozen_clock(at(D(2025, 7, 10)))
    rider = _client(new_form_worker(union=tree.grassroots_a))
    offers = rider.get("/api/v1/mutualaid/me/self-enrol").json()
    assert [(o["plan_id"], o["premium_fen"], o["member_part_fen"], o["months"]) for o in offers] == [
        (plan.pk, 40 * Y, 30 * Y, 6)]
    bad = rider.post("/api/v1/mutualaid/me/self-enrol", {"plan_id": plan.pk, "channel": "x", "payment_ref": "123456"},
                     content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_channel")
    made = rider.post("/api/v1/mutualaid/me/self-enrol",
                      {"plan_id": plan.pk, "channel": "bank", "payment_ref": "BK20250710"},
                      content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "pending"
    staff = _client(tree.staff_a)
    pending = staff.get("/api/v1/mutualaid/self-enrolments").json()
    decided = staff.post(f"/api/v1/mutualaid/self-enrolments/{pending[0]['id']}/decision",
                         {"decision": "reject", "reason": "流水号不符"}, content_type="application/json")
    assert (decided.status_code, decided.json()["status"], decided.json()["reason"]) == (200, "rejected", "流水号不符")


# --- appeals against a lowered amount -----------------------------------------------------


@pytest.fixture
def lowered(tree, plan, frozen_clock, sms, django_capture_on_commit_callbacks):
    """A claim proposed at 250 元 (8 days, 5 over 3 × 50 元), approved lowered to 100 元."""
    worker = make_worker_user(name="王小明")
    member, = members_of(tree.grassroots_a, 1, users=[worker])
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 6, 1)))
    claim = submit(coverage_of(member.person, plan), stay(D(2025, 5, 1), D(2025, 5, 9)))
    assert claim.proposed == 250 * Y
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_review(actor=tree.staff_a, claim=claim, amounts={"allowance": 100 * Y}, reason="三天为观察")
    claim.refresh_from_db()
    assert (claim.status, claim.amount) == ("approved", 100 * Y)
    return claim


def test_a_lowered_amount_is_appealed_and_another_officer_pays_the_difference(
        tree, plan, lowered, sms, django_capture_on_commit_callbacks) -> None:
    claim = lowered
    assert services.claim_appealable(claim)
    assert any("已核准，赔付 100 元" in text for _, text in sms)  # the decision went by text message
    services.claim_appeal(user=claim.user, claim=claim, reason="八天都在住院")
    claim.refresh_from_db()
    assert claim.status == "appealed" and claim.appeal_of_officer == tree.staff_a
    with pytest.raises(PermissionDenied):  # not the officer who lowered it
        services.claim_appeal_decide(actor=tree.staff_a, claim=claim, amounts={"allowance": 250 * Y}, answer="可")
    second = make_staff(union=tree.city_a, role=RoleGrant.Role.ADMIN)
    with pytest.raises(Conflict):  # the approved payout stands: not decided afresh
        services.claim_review(actor=second, claim=claim)
    with pytest.raises(Conflict):
        services.claim_reject(actor=second, claim=claim, reason="不")
    with pytest.raises(ValidationFailed) as below:
        services.claim_appeal_decide(actor=second, claim=claim, amounts={"allowance": 50 * Y}, answer="降")
    assert below.value.code == "below_approved"
    with pytest.raises(ValidationFailed) as above:
        services.claim_appeal_decide(actor=second, claim=claim, amounts={"allowance": 251 * Y}, answer="多")
    assert above.value.code == "above_proposal"
    with pytest.raises(ValidationFailed):
        services.claim_appeal_decide(actor=second, claim=claim, amounts={"allowance": 250 * Y}, answer="")
    first_payout = claim.payout
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_appeal_decide(actor=second, claim=claim, amounts={"allowance": 250 * Y}, answer="住院记录属实")
    claim.refresh_from_db()
    assert (claim.status, claim.amount, claim.appeal_answer) == ("approved", 250 * Y, "住院记录属实")
    assert claim.payout == first_payout and first_payout.amount == 100 * Y  # never changed
    top_up = claim.appeal_payout
    assert (top_up.amount, top_up.idempotency_key, top_up.status) == (150 * Y, f"mutualaid-claim-{claim.pk}-appeal",
                                                                     Payout.Status.QUEUED)
    assert claim.lines.get().amount == 250 * Y
    totals = {t.benefit: (t.amount, t.count) for t in PlanTotal.objects.filter(plan=plan)}
    assert totals == {"": (250 * Y, 1), "allowance": (250 * Y, 1)}
    assert any("补发 150 元" in text for _, text in sms)
    assert Notice.objects.filter(user=claim.user, object_id=claim.pk, text__contains="住院记录属实").exists()
    with pytest.raises(Conflict):
        services.claim_appeal(user=claim.user, claim=claim, reason="再来")
    # Both payouts go to the bank in one batch; the totals rebuilt from the claims agree.
    ledger.fund_receipt(union=tree.city_a, source="city", amount=1000 * Y, memo="拨款")
    batch = services.plan_payment_batch_create(actor=tree.staff_a, plan=plan)
    assert set(batch.lines.values_list("payout__amount", flat=True)) == {100 * Y, 150 * Y}
    services.plan_totals_rebuild(plan=plan)
    assert {t.benefit: (t.amount, t.count) for t in PlanTotal.objects.filter(plan=plan)} == totals


def test_an_appeal_may_keep_the_lowered_amount(tree, plan, lowered) -> None:
    claim = lowered
    services.claim_appeal(user=claim.user, claim=claim, reason="八天都在住院")
    second = make_staff(union=tree.city_a, role=RoleGrant.Role.ADMIN)
    services.claim_appeal_decide(actor=second, claim=claim, amounts=None, answer="前三天为门诊观察，维持")
    claim.refresh_from_db()
    assert (claim.status, claim.amount, claim.appeal_payout) == ("approved", 100 * Y, None)
    assert Payout.objects.count() == 1


def test_the_queued_payout_of_a_claim_under_appeal_still_goes_to_the_bank(tree, plan, lowered) -> None:
    services.claim_appeal(user=lowered.user, claim=lowered, reason="八天都在住院")
    ledger.fund_receipt(union=tree.city_a, source="city", amount=1000 * Y, memo="拨款")
    batch = services.plan_payment_batch_create(actor=tree.staff_a, plan=plan)
    assert batch.count == 1 and batch.total == 100 * Y


def test_an_unlowered_approval_is_not_appealable(tree, plan, frozen_clock) -> None:
    worker = make_worker_user()
    member, = members_of(tree.grassroots_a, 1, users=[worker])
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 6, 1)))
    claim = submit(coverage_of(member.person, plan), stay(D(2025, 5, 1), D(2025, 5, 9)))
    services.claim_review(actor=tree.staff_a, claim=claim)
    claim.refresh_from_db()
    assert not services.claim_appealable(claim)
    with pytest.raises(Conflict) as refused:
        services.claim_appeal(user=worker, claim=claim, reason="想多拿")
    assert refused.value.code == "not_appealable"


def test_appeal_of_a_lowered_amount_on_the_pages(tree, plan, lowered) -> None:
    claim = lowered
    worker = _client(claim.user)
    page = worker.get(reverse("mutualaid:claim", kwargs={"claim_id": claim.pk})).content.decode()
    assert "申诉" in page and "三天为观察" in page
    worker.post(reverse("mutualaid:appeal", kwargs={"claim_id": claim.pk}), {"reason": "八天都在住院"})
    second = _client(make_staff(union=tree.city_a, role=RoleGrant.Role.ADMIN))
    console = second.get(reverse("console:mutualaid:claim", kwargs={"claim_id": claim.pk})).content.decode()
    assert 'data-testid="appeal-help"' in console and 'value="appeal"' in console
    second.post(reverse("console:mutualaid:decide", kwargs={"claim_id": claim.pk}),
                {"decision": "appeal", "amount_allowance": "200", "reason": "核实后补发"})
    claim.refresh_from_db()
    assert (claim.status, claim.amount) == ("approved", 200 * Y)
    page = worker.get(reverse("mutualaid:claim", kwargs={"claim_id": claim.pk})).content.decode()
    assert "其中复查补发 100.00 元" in page and "核实后补发" in page
    api = worker.get(f"/api/v1/mutualaid/me/claims/{claim.pk}").json()
    assert (api["top_up_fen"], api["appealable"], api["appeal_answer"]) == (100 * Y, False, "核实后补发")


# --- text messages ------------------------------------------------------------------------


def test_group_enrolment_texts_each_member_their_certificate(tree, plan, sms,
                                                            django_capture_on_commit_callbacks) -> None:
    members = members_of(tree.grassroots_a, 3)
    sms_settle(sms)
    with django_capture_on_commit_callbacks(execute=True):
        enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    serials = {c.person_id: c.serial for c in Coverage.objects.all()}
    for m in members:
        texts = [t for phone, t in sms if phone == m.person.phone]
        assert len(texts) == 1 and serials[m.person_id] in texts[0] and "疾病等待期至 2025-04-01" in texts[0]
    assert Notice.objects.filter(module="mutualaid", text__contains="您已参加").count() == 3


def test_staff_send_one_certificate_again_by_sms(tree, plan, sms, django_capture_on_commit_callbacks) -> None:
    member, = members_of(tree.grassroots_a, 1)
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    sms_settle(sms)
    cover = coverage_of(member.person, plan)
    staff = _client(tree.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("console:mutualaid:certificate_sms", kwargs={"coverage_id": cover.pk}))
    assert response.status_code == 302
    assert [(p, cover.serial in t) for p, t in sms] == [(member.person.phone, True)]
    assert AuditEvent.objects.filter(action="mutualaid.certificate.sms").count() == 1


def test_a_rejection_is_texted_with_its_reason(tree, plan, frozen_clock, sms,
                                               django_capture_on_commit_callbacks) -> None:
    worker = make_worker_user()
    member, = members_of(tree.grassroots_a, 1, users=[worker])
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 6, 1)))
    claim = submit(coverage_of(member.person, plan), stay(D(2025, 5, 1), D(2025, 5, 9)))
    sms_settle(sms)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_reject(actor=tree.staff_a, claim=claim, reason="非住院治疗")
    assert sms == [(worker.phone, f"【职工之家】您的互助金申请 {claim.number} 不予赔付，原因：非住院治疗")]


# --- exports ------------------------------------------------------------------------------


def _sheet(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_enrolment_and_loss_ratio_exports(tree, plan, frozen_clock) -> None:
    members_of(tree.grassroots_a, 2)
    enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    frozen_clock(at(D(2025, 3, 15)))
    joiner, = members_of(tree.grassroots_a, 1)
    late = services.enrolment_create(actor=tree.staff_a, plan=plan, union=tree.grassroots_a, mode="joiners",
                                     person_ids=[joiner.person_id])
    staff = _client(tree.staff_a)
    rows = _sheet(staff.get(reverse("console:mutualaid:enrolment_export", kwargs={"enrolment_id": late.pk})))
    assert rows[0][:3] == ("凭证号", "姓名", "会员号")
    cover = coverage_of(joiner.person, plan)
    assert rows[1][0] == cover.serial and rows[1][1] == joiner.person.name and rows[1][2] == joiner.number
    assert "*" in rows[1][3]  # the phone masked
    assert rows[1][7:] == (10, 66.67)
    report = _sheet(staff.get(reverse("console:mutualaid:report_export")))
    assert report[1][:7] == (plan.name, tree.city_a.name, 3, 226.67, 0, 0, 0)
    other = _client(make_staff(union=tree.city_b))
    assert other.get(reverse("console:mutualaid:enrolment_export", kwargs={"enrolment_id": late.pk})).status_code == 404
    assert len(_sheet(other.get(reverse("console:mutualaid:report_export")))) == 1  # the header only
