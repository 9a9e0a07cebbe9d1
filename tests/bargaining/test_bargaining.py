"""Bargaining rules: units, offers and their answer clock, escalation to the union above,
rounds, versioned terms with currencies, the congress vote at its edges, signing, filing,
review, objection, renewal and expiry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.bargaining import selectors, services
from gonghui.bargaining.models import BargainingOffer, CollectiveContract, ContractVersion, UnitKind
from gonghui.bargaining.services import TermsIn
from gonghui.cases.models import Case
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.notices.models import Notice
from tests.bargaining.helpers import (
    SEAFARER_2024,
    SEAFARER_2025,
    adopt,
    at,
    contract_in_force,
    make_contract,
    make_unit,
)
from tests.cases.helpers import PNG, pdf
from tests.factories import Tree, make_employer

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


# --- units ---------------------------------------------------------------------------------


def test_units_of_each_kind(tree):
    one = make_unit(tree)
    assert one.covered_employer_ids() == {tree.grassroots_a.employer_id}
    a, b = make_employer(), make_employer()
    sector = make_unit(tree, kind=UnitKind.SECTOR, name="南山区餐饮行业", employer=None, employers=[a, b], sector="餐饮")
    assert sector.covered_employer_ids() == {a.pk, b.pk}
    hq = make_employer(is_platform=True)
    branch = make_employer(headquarters=hq)
    platform = make_unit(tree, kind=UnitKind.PLATFORM, name="外卖平台", employer=hq, employers=[branch, hq])
    assert platform.covered_employer_ids() == {hq.pk, branch.pk}


@pytest.mark.parametrize(("kw", "code"), [
    ({"kind": UnitKind.SECTOR, "employer": None, "employers": []}, "employers_required"),
    ({"kind": UnitKind.PLATFORM}, "platform_required"),  # grassroots A's employer is no platform
    ({"workers": 10, "members": 11}, "members_invalid"),
    ({"kind": "guild"}, "kind_invalid"),
    ({"union_chief": "  "}, "required"),
])
def test_unit_bad_input_is_refused_and_nothing_is_written(tree, kw, code):
    with pytest.raises(ValidationFailed) as exc:
        make_unit(tree, **kw)
    assert exc.value.code == code
    assert not tree.grassroots_a.bargaining_units.exists()


def test_staff_of_another_branch_cannot_create_a_unit_in_branch_a(tree):
    with pytest.raises(NotFound):
        make_unit(tree, actor=tree.staff_b)


# --- offers --------------------------------------------------------------------------------


def test_offer_is_a_chinese_pdf_and_its_answer_is_due_20_days_after_receipt(tree, frozen_clock):
    frozen_clock(at(D(2025, 9, 15)))
    offer = services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="2026年度工资集体协商",
                                body="建议就职工工资增长幅度进行协商。", sent_on=D(2025, 9, 10))
    assert offer.pdf.read(5) == b"%PDF-" and offer.number.startswith("要约〔2025〕")
    assert offer.answer_due is None  # the clock starts at receipt
    services.offer_receipt_record(actor=tree.staff_a, offer=offer, received_on=D(2025, 9, 12))
    offer.refresh_from_db()
    # Fri 9-12 + 20 = Thu 10-2, inside 国庆 → Thu 10-9.
    assert offer.answer_due == D(2025, 10, 9)


def test_offer_reminder_once_then_silence_flagged_after_the_deadline(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 3)))
    offer = services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="工资", body="请协商。")
    services.offer_receipt_record(actor=tree.staff_a, offer=offer, received_on=D(2025, 3, 3))  # due Mon 3-24
    assert services.offers_clock_run(on=D(2025, 3, 20)) == {"reminded": 0, "silent": 0}  # 4 days before
    assert services.offers_clock_run(on=D(2025, 3, 21)) == {"reminded": 1, "silent": 0}  # 3 days before
    assert services.offers_clock_run(on=D(2025, 3, 22)) == {"reminded": 0, "silent": 0}  # only once
    assert services.offers_clock_run(on=D(2025, 3, 24)) == {"reminded": 0, "silent": 0}  # the last day is still in time
    assert services.offers_clock_run(on=D(2025, 3, 25)) == {"reminded": 0, "silent": 1}
    offer.refresh_from_db()
    assert offer.status == BargainingOffer.Status.SILENT
    # Grassroots A has no staff of its own: city A's staff get the reminder and the flag.
    assert Notice.objects.filter(module="bargaining", object_id=offer.pk, user=tree.staff_a).count() == 2
    assert not Notice.objects.filter(module="bargaining", user=tree.staff_b).exists()


def test_silence_opens_a_case_for_the_union_above(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 3)))
    offer = services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="工资", body="请协商。")
    with pytest.raises(Conflict):  # still in time: nothing to escalate
        services.offer_escalate(actor=tree.staff_a, offer=offer)
    services.offer_receipt_record(actor=tree.staff_a, offer=offer, received_on=D(2025, 3, 3))
    frozen_clock(at(D(2025, 3, 25)))
    services.offers_clock_run(on=D(2025, 3, 25))
    case = services.offer_escalate(actor=tree.staff_a, offer=offer, note="多次电话联系未果")
    assert case.union == tree.county_a  # grassroots A's parent
    assert "逾期未书面回应" in case.description and case.people_count == 120
    with pytest.raises(Conflict):
        services.offer_escalate(actor=tree.staff_a, offer=offer)
    assert Case.objects.count() == 1


def test_a_refusal_is_recorded_and_can_be_escalated(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 10)))
    offer = services.offer_send(actor=tree.staff_a, unit=make_unit(tree), topics="工资", body="请协商。", sent_on=D(2025, 3, 3))
    with pytest.raises(Conflict):  # no answer before the receipt is known
        services.offer_answer_record(actor=tree.staff_a, offer=offer, accepted=False, answered_on=D(2025, 3, 5), answer="不同意")
    with pytest.raises(ValidationFailed):
        services.offer_receipt_record(actor=tree.staff_a, offer=offer, received_on=D(2025, 3, 2))  # before it was sent
    services.offer_receipt_record(actor=tree.staff_a, offer=offer, received_on=D(2025, 3, 4))
    services.offer_answer_record(actor=tree.staff_a, offer=offer, accepted=False, answered_on=D(2025, 3, 6), answer="经营困难，暂不协商")
    offer.refresh_from_db()
    assert offer.status == BargainingOffer.Status.REFUSED
    assert "拒绝协商" in services.offer_escalate(actor=tree.staff_a, offer=offer).description


# --- rounds --------------------------------------------------------------------------------


def test_rounds_are_numbered_and_minutes_are_checked_uploads(tree, frozen_clock):
    frozen_clock(at(D(2025, 4, 1)))
    unit = make_unit(tree)
    first = services.round_add(actor=tree.staff_a, unit=unit, held_on=D(2025, 3, 20), attendees="双方代表各5人",
                               union_position="增长8%", employer_position="增长3%", minutes=pdf("纪要.pdf"))
    second = services.round_add(actor=tree.staff_a, unit=unit, held_on=D(2025, 3, 27), attendees="双方代表各5人",
                                agreed_points="增长5.5%")
    assert (first.number, second.number) == (1, 2)
    assert first.minutes_type == "application/pdf" and first.minutes.name.startswith("bargaining/minutes/")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("纪要.pdf", PNG, content_type="application/pdf")  # a PNG named .pdf
    with pytest.raises(ValidationFailed):
        services.round_add(actor=tree.staff_a, unit=unit, held_on=D(2025, 3, 28), attendees="x", minutes=fake)
    assert unit.rounds.count() == 2


# --- terms and versions ----------------------------------------------------------------------


def test_seafarers_minimum_pay_239_to_293_usd_is_plus_22_6_percent(tree):
    contract = make_contract(tree, terms=SEAFARER_2024)
    services.contract_version_add(actor=tree.staff_a, contract=contract, terms=SEAFARER_2025, note="2025年起")
    v1, v2 = contract.versions.all()
    assert (v1.min_pay_minor, v1.min_pay_currency, v2.min_pay_minor) == (23900, "USD", 29300)
    changes = {c.field: c for c in selectors.version_changes(v1, v2)}
    assert changes["min_pay"].change_pct == Decimal("22.6") and changes["min_pay"].change_text == "+22.6%"
    assert changes["min_pay"].old == "239.00 USD / 每月" and changes["min_pay"].new == "293.00 USD / 每月"
    assert (changes["wage_adjustment"].old, changes["wage_adjustment"].new) == ("3.00%", "5.50%")
    assert "training" in changes and "safety" not in changes and "weekly_hours" not in changes


def test_a_change_of_currency_shows_no_percentage(tree):
    contract = make_contract(tree, terms=SEAFARER_2024)
    services.contract_version_add(actor=tree.staff_a, contract=contract,
                                  terms=TermsIn(min_pay_amount="2100", min_pay_currency="CNY", min_pay_period="month"))
    v1, v2 = contract.versions.all()
    change = next(c for c in selectors.version_changes(v1, v2) if c.field == "min_pay")
    assert change.change_pct is None and change.new == "2,100.00 CNY / 每月"


@pytest.mark.parametrize(("terms", "code"), [
    (TermsIn(min_pay_amount="293", min_pay_currency="XYZ", min_pay_period="month"), "currency_unknown"),
    (TermsIn(min_pay_amount="293", min_pay_currency="", min_pay_period="month"), "currency_required"),
    (TermsIn(min_pay_amount="293", min_pay_currency="USD", min_pay_period=""), "period_required"),
    (TermsIn(min_pay_amount="0.5", min_pay_currency="JPY", min_pay_period="hour"), "amount_decimals"),
    (TermsIn(min_pay_amount="-1", min_pay_currency="CNY", min_pay_period="month"), "amount_invalid"),
    (TermsIn(min_pay_amount="abc", min_pay_currency="CNY", min_pay_period="month"), "number_invalid"),
    (TermsIn(wage_adjustment_pct="5.555"), "pct_invalid"),
    (TermsIn(weekly_hours=100), "hours_invalid"),
])
def test_bad_terms_are_refused_and_nothing_is_written(tree, terms, code):
    with pytest.raises(ValidationFailed) as exc:
        make_contract(tree, terms=terms)
    assert exc.value.code == code
    assert not CollectiveContract.objects.exists()


def test_lower_case_currency_is_read_as_the_code():
    assert services.terms_clean(TermsIn(min_pay_amount="293", min_pay_currency="usd", min_pay_period="month"))["min_pay_currency"] == "USD"


@pytest.mark.parametrize(("starts", "ends", "code"), [
    (D(2025, 1, 1), D(2024, 12, 31), "end_before_start"),
    (D(2025, 1, 1), D(2028, 1, 1), "term_invalid"),   # one day over three years
    (D(2025, 1, 1), D(2025, 12, 30), "term_invalid"),  # one day short of a year
])
def test_term_dates_are_checked(tree, starts, ends, code):
    with pytest.raises(ValidationFailed) as exc:
        make_contract(tree, starts_on=starts, ends_on=ends)
    assert exc.value.code == code


@pytest.mark.parametrize("ends", [D(2025, 12, 31), D(2027, 12, 31)])
def test_terms_of_exactly_one_and_three_years_are_accepted(tree, ends):
    assert make_contract(tree, ends_on=ends).ends_on == ends


def test_minimum_pay_is_compared_only_within_one_currency(tree):
    make_contract(tree, title="中挪海员集体合同", terms=SEAFARER_2025)
    make_contract(tree, title="甲公司集体合同", terms=TermsIn(min_pay_amount="2360", min_pay_currency="CNY", min_pay_period="month"))
    make_contract(tree, title="乙公司集体合同", terms=TermsIn(min_pay_amount="2500", min_pay_currency="CNY", min_pay_period="month"))
    make_contract(tree, title="小时工合同", terms=TermsIn(min_pay_amount="25", min_pay_currency="CNY", min_pay_period="hour"))
    cny = selectors.min_pay_comparison(user=tree.staff_a, currency="CNY", period="month")
    assert [r.contract.title for r in cny] == ["乙公司集体合同", "甲公司集体合同"]
    usd = selectors.min_pay_comparison(user=tree.staff_a, currency="USD", period="month")
    assert [(r.contract.title, r.amount_minor) for r in usd] == [("中挪海员集体合同", 29300)]
    assert selectors.min_pay_comparison(user=tree.staff_b, currency="CNY", period="month") == []
    assert {(c, p) for c, p, _label, _n in selectors.min_pay_currencies(user=tree.staff_a)} == {("CNY", "month"), ("CNY", "hour"), ("USD", "month")}


# --- the vote --------------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "present", "in_favour", "quorum", "adopted"), [
    (30, 20, 16, True, True),    # exactly two thirds present; 16 > 15
    (30, 19, 19, False, False),  # one short of two thirds: no quorum, however many in favour
    (30, 20, 15, True, False),   # exactly half of ALL in favour is not more than half
    (30, 30, 15, True, False),   # everyone present, still half of all
    (31, 21, 16, True, True),    # 2/3 of 31 = 20.67: 21 present is enough; 16 > 15.5
    (31, 20, 20, False, False),  # 20 < 20.67
    (31, 31, 15, True, False),   # 15 < 15.5
    (3, 2, 2, True, True),
])
def test_vote_rules_at_the_edges(total, present, in_favour, quorum, adopted):
    assert services.vote_outcome(total=total, present=present, in_favour=in_favour) == (quorum, adopted)


def test_a_vote_is_recorded_checked_and_adopts_only_on_the_rule(tree, frozen_clock):
    frozen_clock(at(D(2025, 6, 1)))
    contract = make_contract(tree)
    with pytest.raises(ValidationFailed) as exc:  # 15 + 3 + 1 ≠ 20 present
        services.vote_record(actor=tree.staff_a, contract=contract, held_on=D(2025, 5, 30), total=30, present=20,
                             in_favour=15, against=3, abstained=1)
    assert exc.value.code == "tally_mismatch"
    with pytest.raises(ValidationFailed) as exc:
        services.vote_record(actor=tree.staff_a, contract=contract, held_on=D(2025, 5, 30), total=30, present=31,
                             in_favour=31, against=0, abstained=0)
    assert exc.value.code == "present_over_total"
    lost = services.vote_record(actor=tree.staff_a, contract=contract, held_on=D(2025, 5, 30), total=30, present=20,
                                in_favour=15, against=4, abstained=1)
    contract.refresh_from_db()
    assert (lost.quorum_met, lost.adopted, contract.status) == (True, False, CollectiveContract.Status.DRAFT)
    won = services.vote_record(actor=tree.staff_a, contract=contract, held_on=D(2025, 5, 31), total=30, present=20,
                               in_favour=16, against=3, abstained=1)
    contract.refresh_from_db()
    assert won.adopted and contract.status == CollectiveContract.Status.ADOPTED
    assert won.version == contract.versions.get(number=1)
    with pytest.raises(Conflict):  # an adopted text is not edited
        services.contract_version_add(actor=tree.staff_a, contract=contract, terms=SEAFARER_2025)


# --- signing, filing, review -------------------------------------------------------------------


def test_signing_filing_review_and_force(tree, frozen_clock):
    frozen_clock(at(D(2025, 6, 20)))
    contract = make_contract(tree)
    with pytest.raises(Conflict):
        services.contract_sign(actor=tree.staff_a, contract=contract, signed_on=D(2025, 4, 25))  # not voted
    adopt(tree, contract, D(2025, 4, 24))
    services.contract_sign(actor=tree.staff_a, contract=contract, signed_on=D(2025, 4, 25))
    contract.refresh_from_db()
    assert contract.filing_due == D(2025, 5, 6)  # Fri 4-25 + 10 = 5-5 (劳动节) → Tue 5-6
    # Not filed by 5-6: flagged on 5-7, once.
    assert services.contracts_clock_run(on=D(2025, 5, 6))["filing_overdue"] == 0
    assert services.contracts_clock_run(on=D(2025, 5, 7))["filing_overdue"] == 1
    assert services.contracts_clock_run(on=D(2025, 5, 8))["filing_overdue"] == 0
    with pytest.raises(ValidationFailed):
        services.contract_file(actor=tree.staff_a, contract=contract, filed_on=D(2025, 4, 24), labour_department="人社局")
    services.contract_file(actor=tree.staff_a, contract=contract, filed_on=D(2025, 6, 2), labour_department="南山区人社局")
    contract.refresh_from_db()
    assert contract.review_due == D(2025, 6, 17)  # Mon 6-2 + 15
    assert services.contracts_clock_run(on=D(2025, 6, 17))["in_force"] == 0  # the department may still object today
    assert services.contracts_clock_run(on=D(2025, 6, 18))["in_force"] == 1
    contract.refresh_from_db()
    assert (contract.status, contract.in_force_on) == (CollectiveContract.Status.IN_FORCE, D(2025, 6, 18))


def test_an_objection_sends_the_contract_back_to_a_draft(tree, frozen_clock):
    frozen_clock(at(D(2025, 6, 10)))
    contract = adopt(tree, make_contract(tree), D(2025, 5, 30))
    services.contract_sign(actor=tree.staff_a, contract=contract, signed_on=D(2025, 6, 1))
    services.contract_file(actor=tree.staff_a, contract=contract, filed_on=D(2025, 6, 2), labour_department="人社局")
    services.contract_objection_record(actor=tree.staff_a, contract=contract, objection="第十条加班费标准低于法定标准")
    contract.refresh_from_db()
    assert contract.status == CollectiveContract.Status.DRAFT
    assert (contract.signed_on, contract.filed_on, contract.review_due) == (None, None, None)
    assert services.contracts_clock_run(on=D(2025, 6, 18))["in_force"] == 0
    # Amended, voted, signed and filed again.
    services.contract_version_add(actor=tree.staff_a, contract=contract, terms=SEAFARER_2025, note="按审查意见修改")
    adopt(tree, contract, D(2025, 6, 9))
    assert contract.votes.count() == 2


def test_renewal_reminder_three_months_before_expiry_then_expiry(tree, frozen_clock):
    contract = contract_in_force(tree, frozen_clock, ends_on=D(2027, 12, 31))
    assert services.contracts_clock_run(on=D(2027, 9, 29))["renewal"] == 0
    assert services.contracts_clock_run(on=D(2027, 9, 30))["renewal"] == 1
    assert services.contracts_clock_run(on=D(2027, 10, 1))["renewal"] == 0
    assert services.contracts_clock_run(on=D(2027, 12, 31))["expired"] == 0
    assert services.contracts_clock_run(on=D(2028, 1, 1))["expired"] == 1
    contract.refresh_from_db()
    assert contract.status == CollectiveContract.Status.EXPIRED


def test_covered_workers_see_the_contract_in_force(tree, frozen_clock):
    from tests.factories import make_member

    member = make_member(union=tree.grassroots_a)
    other = make_member(union=tree.grassroots_b)
    contract = make_contract(tree)
    assert selectors.contracts_for_worker(user=member.person.user) == []  # a draft is not published
    contract = contract_in_force(tree, frozen_clock, unit=contract.unit, title="已生效合同")
    assert selectors.contracts_for_worker(user=member.person.user) == [contract]
    assert selectors.contracts_for_worker(user=other.person.user) == []
    with pytest.raises(NotFound):
        selectors.contract_get_for_worker(user=other.person.user, contract_id=contract.pk)


def test_campaign_sends_an_offer_to_each_employer(tree, frozen_clock):
    frozen_clock(at(D(2025, 3, 3)))
    from tests.factories import make_grassroots

    second = make_grassroots(parent=tree.county_a)
    campaign = services.offer_campaign_launch(actor=tree.staff_a, union=tree.county_a, name="2025春季要约行动",
                                              topics="工资集体协商", body="请就工资增长进行协商。",
                                              employers=[tree.grassroots_a.employer, second.employer])
    assert campaign.offers.count() == 2
    services.offer_receipt_record(actor=tree.staff_a, offer=campaign.offers.first(), received_on=D(2025, 3, 3))
    assert selectors.campaign_tally(campaign=campaign)["total"] == 2
    assert ContractVersion.objects.count() == 0
