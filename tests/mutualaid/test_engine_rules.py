"""The claim engine's smaller rules, each at its edge (written for the mutants that survived
the hand-worked table: `make mutation MODULES=mutualaid/engine.py`)."""

from __future__ import annotations

import datetime as dt

from gonghui.mutualaid import engine
from gonghui.mutualaid.engine import (
    ACCIDENT,
    ACCIDENT_DEATH,
    ALLOWANCE,
    DISABILITY,
    DISEASE,
    FLAG_ALREADY_PAID,
    FLAG_CAP,
    FLAG_NOT_LISTED,
    FLAG_OUTSIDE,
    FLAG_WAITING,
    HOSPITAL,
    ILLNESS_DEATH,
    ILLNESS_DEATH_BENEFIT,
    LUMP_DISEASE,
    REIMBURSE,
    BenefitResult,
    Cover,
    Event,
    Line,
    Prior,
    Result,
    Rules,
)

D = dt.date
Y = 100
COVER = Cover(starts_on=D(2025, 1, 1), waiting_until=D(2025, 4, 1), ends_on=D(2025, 12, 31))
FULL = {
    "waiting_days": 30, "allowance_after_days": 2, "allowance_per_day": 40 * Y, "allowance_stay_cap": 300 * Y,
    "allowance_year_cap": 900 * Y, "deductible": 500 * Y, "reimburse_ratio": {"1": 800, "3": 455},
    "reimburse_year_cap": 5000 * Y, "disease_amount": 8000 * Y, "diseases": ["恶性肿瘤", "尿毒症"],
    "accident_amount": 20000 * Y, "disability_percent": {"1": 100, "2": 75, "10": 5},
    "illness_death_amount": 6000 * Y,
}
R = Rules.from_dict(FULL)


def text(result: Result, benefit: str) -> str:
    return "；".join(line.text for r in result.results if r.benefit == benefit for line in r.lines)


NONE = Prior()


def run(event: Event, prior: Prior = NONE, rules: Rules = R, cover: Cover = COVER) -> Result:
    return engine.claim_compute(rules=rules, cover=cover, event=event, prior=prior)


def stay(a: dt.date, b: dt.date, cost: int = 0, ins: int = 0, level: str = "1") -> Event:
    return Event(kind=HOSPITAL, on=a, discharged_on=b, hospital_level=level, cost=cost * Y, insurance_paid=ins * Y)


# --- formatting -----------------------------------------------------------------------------


def test_yuan_and_permille_edges() -> None:
    assert [engine.yuan(v) for v in (0, 100, 101, 110, 123456789, -5, -12345)] == [
        "0", "1", "1.01", "1.10", "1,234,567.89", "-0.05", "-123.45"]
    assert [engine.permille(v) for v in (0, 5, 600, 1000, 455)] == ["0%", "0.5%", "60%", "100%", "45.5%"]


def test_rules_read_and_write_every_field() -> None:
    assert R.to_dict() == {**FULL, "disability_percent": {"1": 100, "2": 75, "10": 5}}
    assert Rules.from_dict(R.to_dict()) == R
    assert (R.waiting_days, R.allowance_after_days, R.allowance_per_day, R.allowance_stay_cap) == (
        30, 2, 40 * Y, 300 * Y)
    assert (R.allowance_year_cap, R.deductible, R.reimburse_year_cap, R.disease_amount) == (
        900 * Y, 500 * Y, 5000 * Y, 8000 * Y)
    assert (R.accident_amount, R.illness_death_amount, R.diseases) == (20000 * Y, 6000 * Y, ("恶性肿瘤", "尿毒症"))
    assert R.reimburse_ratio == {"1": 800, "3": 455} and R.disability_percent == {1: 100, 2: 75, 10: 5}
    empty = Rules.from_dict({})
    assert empty == Rules() and empty.disability_percent == engine.DEFAULT_DISABILITY_PERCENT
    assert engine.DEFAULT_DISABILITY_PERCENT == {1: 100, 2: 90, 3: 80, 4: 70, 5: 60, 6: 50, 7: 40, 8: 30, 9: 20,
                                                 10: 10}
    assert Rules.from_dict({"reimburse_ratio": None, "diseases": None}).reimburse_ratio == {}


def test_lines_results_and_days() -> None:
    assert Line("疾病身故金已赔付过").text == "疾病身故金已赔付过"
    assert Line("意外身故，保额 %(insured)s 元", {"insured": "3"}).to_dict() == {
        "msg": "意外身故，保额 %(insured)s 元", "params": {"insured": "3"}}
    result = Result((BenefitResult(ALLOWANCE, 5, ()), BenefitResult(REIMBURSE, 7, ()),
                     BenefitResult(ALLOWANCE, 1, ())), ())
    assert (result.total, result.amount_of(ALLOWANCE), result.amount_of(REIMBURSE), result.amount_of(ACCIDENT)) == (
        13, 6, 7, 0)
    assert engine.hospital_days(D(2024, 2, 28), D(2024, 3, 1)) == 2
    assert engine.hospital_days(D(2025, 5, 1), D(2025, 5, 1)) == 0


# --- the daily allowance ------------------------------------------------------------------


def test_allowance_absent_without_a_rate_or_a_discharge_day() -> None:
    no_rate = Rules.from_dict({**FULL, "allowance_per_day": 0})
    assert [r.benefit for r in run(stay(D(2025, 5, 1), D(2025, 5, 9), 2000), rules=no_rate).results] == [REIMBURSE]
    no_discharge = Event(kind=HOSPITAL, on=D(2025, 5, 1), hospital_level="1")
    assert run(no_discharge).results == ()


def test_allowance_at_the_day_threshold_and_the_stay_cap() -> None:
    at_threshold = run(stay(D(2025, 5, 1), D(2025, 5, 3)))  # 2 days, not above 2
    assert at_threshold.amount_of(ALLOWANCE) == 0 and at_threshold.flags == ()
    assert text(at_threshold, ALLOWANCE) == "住院 2 天，未超过 2 天，住院津贴不予赔付"
    one_over = run(stay(D(2025, 5, 1), D(2025, 5, 4)))
    assert one_over.amount_of(ALLOWANCE) == 40 * Y and text(one_over, ALLOWANCE) == (
        "住院 3 天，超过 2 天的 1 天 × 40 元 = 40 元")
    exactly_cap = run(stay(D(2025, 5, 1), D(2025, 5, 11)))  # 10 days, 8 over × 40 = 320 > 300
    assert exactly_cap.amount_of(ALLOWANCE) == 300 * Y and FLAG_CAP in exactly_cap.flags
    at_cap = run(stay(D(2025, 5, 1), D(2025, 5, 10)), rules=Rules.from_dict({**FULL, "allowance_stay_cap": 280 * Y}))
    assert at_cap.amount_of(ALLOWANCE) == 280 * Y and at_cap.flags == ()  # 7 × 40 = 280: at the cap, not over
    assert "每次住院" not in text(at_cap, ALLOWANCE)
    no_stay_cap = run(stay(D(2025, 5, 1), D(2025, 5, 31)), rules=Rules.from_dict({**FULL, "allowance_stay_cap": 0}))
    assert no_stay_cap.amount_of(ALLOWANCE) == 900 * Y  # 28 × 40 = 1,120, the year cap 900


def test_the_annual_cap_is_explained_only_when_it_matters() -> None:
    fresh = run(stay(D(2025, 5, 1), D(2025, 5, 5)))
    assert text(fresh, ALLOWANCE) == "住院 4 天，超过 2 天的 2 天 × 40 元 = 80 元" and fresh.flags == ()
    before = run(stay(D(2025, 5, 1), D(2025, 5, 5)), Prior(paid={ALLOWANCE: 100 * Y}))
    assert before.amount_of(ALLOWANCE) == 80 * Y and before.flags == ()
    assert text(before, ALLOWANCE).endswith("本年已付 100 元，封顶 900 元，本次赔付 80 元")
    exact_room = run(stay(D(2025, 5, 1), D(2025, 5, 5)), Prior(paid={ALLOWANCE: 820 * Y}))
    assert exact_room.amount_of(ALLOWANCE) == 80 * Y and exact_room.flags == ()
    over = run(stay(D(2025, 5, 1), D(2025, 5, 5)), Prior(paid={ALLOWANCE: 850 * Y}))
    assert over.amount_of(ALLOWANCE) == 50 * Y and over.flags == (FLAG_CAP,)
    beyond = run(stay(D(2025, 5, 1), D(2025, 5, 5)), Prior(paid={ALLOWANCE: 950 * Y}))
    assert beyond.amount_of(ALLOWANCE) == 0  # never negative when the prior is already above the cap


# --- reimbursement ------------------------------------------------------------------------


def test_reimbursement_edges() -> None:
    assert [r.benefit for r in run(stay(D(2025, 5, 1), D(2025, 5, 2), cost=0)).results] == [ALLOWANCE]
    no_cap = Rules.from_dict({**FULL, "reimburse_year_cap": 0})
    assert [r.benefit for r in run(stay(D(2025, 5, 1), D(2025, 5, 2), 2000), rules=no_cap).results] == [ALLOWANCE]
    level_two = run(stay(D(2025, 5, 1), D(2025, 5, 2), 2000, 0, level="2"))  # no ratio for level 2
    assert level_two.amount_of(REIMBURSE) == 0
    assert text(level_two, REIMBURSE).endswith("该级别医院不在报销范围内，医疗费用不予赔付")
    under = run(stay(D(2025, 5, 1), D(2025, 5, 2), 1500, 1000))  # 500 left = the deductible
    assert under.amount_of(REIMBURSE) == 0
    assert text(under, REIMBURSE) == ("医疗费用 1,500 元，基本医保已付 1,000 元，个人负担 500 元；"
                                      "未超过起付线 500 元，医疗费用不予赔付")
    level_three = run(stay(D(2025, 5, 1), D(2025, 5, 2), 1000, 0, level="3"))
    # 1,000 元 − 500 deductible = 500 元 × 45.5 % = 227.50 元.
    assert level_three.amount_of(REIMBURSE) == 22750
    rounding = run(Event(kind=HOSPITAL, on=D(2025, 5, 1), discharged_on=D(2025, 5, 2), hospital_level="3",
                         cost=50000 + 3, insurance_paid=0))
    assert rounding.amount_of(REIMBURSE) == 1  # 3 fen × 45.5 % = 1.365 → 1 (down)
    overpaid = run(stay(D(2025, 5, 1), D(2025, 5, 2), 1000, 1200))  # insurance above cost: nothing left
    assert overpaid.amount_of(REIMBURSE) == 0 and "个人负担 0 元" in text(overpaid, REIMBURSE)
    ratio = run(stay(D(2025, 5, 1), D(2025, 5, 2), 1500, 0))
    assert text(ratio, REIMBURSE).endswith("扣除起付线 500 元后 1,000 元 × 80% = 800 元")
    capped = run(stay(D(2025, 5, 1), D(2025, 5, 2), 1500, 0), Prior(paid={REIMBURSE: 4500 * Y}))
    assert capped.amount_of(REIMBURSE) == 500 * Y and capped.flags == (FLAG_CAP,)


# --- diseases, accidents, death -----------------------------------------------------------


def test_listed_disease_once_and_not_listed() -> None:
    first = run(Event(kind=DISEASE, on=D(2025, 6, 1), disease=" 尿毒症 "))
    assert (first.amount_of(LUMP_DISEASE), first.results[0].key, first.flags) == (8000 * Y, "尿毒症", ())
    assert text(first, LUMP_DISEASE) == "确诊所列重大疾病“尿毒症”，一次性赔付 8,000 元"
    again = run(Event(kind=DISEASE, on=D(2025, 6, 1), disease="尿毒症"), Prior(diseases=frozenset({"尿毒症"})))
    assert (again.amount_of(LUMP_DISEASE), again.flags) == (0, (FLAG_ALREADY_PAID,))
    other = run(Event(kind=DISEASE, on=D(2025, 6, 1), disease="恶性肿瘤"), Prior(diseases=frozenset({"尿毒症"})))
    assert other.amount_of(LUMP_DISEASE) == 8000 * Y
    unlisted = run(Event(kind=DISEASE, on=D(2025, 6, 1), disease="糖尿病"))
    assert (unlisted.amount_of(LUMP_DISEASE), unlisted.flags) == (0, (FLAG_NOT_LISTED,))
    no_amount = run(Event(kind=DISEASE, on=D(2025, 6, 1), disease="尿毒症"),
                    rules=Rules.from_dict({**FULL, "disease_amount": 0}))
    assert (no_amount.amount_of(LUMP_DISEASE), no_amount.flags) == (0, (FLAG_NOT_LISTED,))


def test_disability_grades_and_the_shared_sum_insured() -> None:
    grade2 = run(Event(kind=DISABILITY, on=D(2025, 2, 1), disability_grade=2))
    assert grade2.amount_of(ACCIDENT) == 15000 * Y and grade2.flags == ()
    assert text(grade2, ACCIDENT) == "意外伤残 2 级，按保额 20,000 元的 75% 计 15,000 元"
    unknown = run(Event(kind=DISABILITY, on=D(2025, 2, 1), disability_grade=5))  # no percent for grade 5
    assert unknown.amount_of(ACCIDENT) == 0
    odd = run(Event(kind=DISABILITY, on=D(2025, 2, 1), disability_grade=10),
              rules=Rules.from_dict({**FULL, "accident_amount": 199}))
    assert odd.amount_of(ACCIDENT) == 9  # 199 fen × 5 % = 9.95 → 9 (down)
    after = run(Event(kind=ACCIDENT_DEATH, on=D(2025, 2, 1)), Prior(paid={ACCIDENT: 15000 * Y}))
    assert after.amount_of(ACCIDENT) == 5000 * Y and after.flags == (FLAG_CAP,)
    exact = run(Event(kind=DISABILITY, on=D(2025, 2, 1), disability_grade=2), Prior(paid={ACCIDENT: 5000 * Y}))
    assert exact.amount_of(ACCIDENT) == 15000 * Y and exact.flags == ()  # exactly the room left
    assert text(exact, ACCIDENT).endswith("意外伤残已付 5,000 元，合计以保额 20,000 元为限，本次赔付 15,000 元")
    fresh_death = run(Event(kind=ACCIDENT_DEATH, on=D(2025, 2, 1)))
    assert text(fresh_death, ACCIDENT) == "意外身故，保额 20,000 元" and fresh_death.flags == ()


def test_death_from_illness_once() -> None:
    first = run(Event(kind=ILLNESS_DEATH, on=D(2025, 6, 1)))
    assert (first.amount_of(ILLNESS_DEATH_BENEFIT), first.flags) == (6000 * Y, ())
    assert text(first, ILLNESS_DEATH_BENEFIT) == "疾病身故，赔付 6,000 元"
    again = run(Event(kind=ILLNESS_DEATH, on=D(2025, 6, 1)), Prior(illness_death=True))
    assert (again.amount_of(ILLNESS_DEATH_BENEFIT), again.flags) == (0, (FLAG_ALREADY_PAID,))


# --- cover and waiting period edges -------------------------------------------------------


def test_cover_days_are_inclusive_and_the_waiting_day_is_covered() -> None:
    for day, flags in [(D(2024, 12, 31), (FLAG_OUTSIDE,)), (D(2025, 1, 1), (FLAG_WAITING,)),
                       (D(2025, 3, 31), (FLAG_WAITING,)), (D(2025, 4, 1), ()), (D(2025, 12, 31), ()),
                       (D(2026, 1, 1), (FLAG_OUTSIDE,))]:
        result = run(Event(kind=ILLNESS_DEATH, on=day))
        assert result.flags == flags, day
        assert (result.total > 0) == (flags == ()), day
    outside = run(stay(D(2026, 1, 2), D(2026, 1, 9), 3000))
    assert [r.benefit for r in outside.results] == [ALLOWANCE, REIMBURSE] and outside.total == 0
    assert text(outside, ALLOWANCE) == "事故日 2026-01-02 不在保障期 2025-01-01 至 2025-12-31 内，不予赔付"
    for kind in (ACCIDENT_DEATH, DISABILITY):  # accidents have no waiting period
        accident = run(Event(kind=kind, on=D(2025, 1, 1), disability_grade=1))
        assert accident.flags == () and accident.total == 20000 * Y
    before = run(Event(kind=ACCIDENT_DEATH, on=D(2024, 12, 31)))
    assert before.flags == (FLAG_OUTSIDE,)
    waiting = run(Event(kind=DISEASE, on=D(2025, 2, 1), disease="尿毒症"))
    assert [r.benefit for r in waiting.results] == [LUMP_DISEASE] and waiting.flags == (FLAG_WAITING,)


def test_flags_come_sorted() -> None:
    both = run(stay(D(2025, 5, 1), D(2025, 5, 31), 9000), Prior(paid={ALLOWANCE: 899 * Y, REIMBURSE: 4999 * Y}))
    assert both.flags == (FLAG_CAP,)
    assert list(run(Event(kind=DISEASE, on=D(2025, 6, 1), disease="x")).flags) == sorted([FLAG_NOT_LISTED])


# --- what a year carries from claim to claim ----------------------------------------------


def test_prior_add_keeps_what_was_paid() -> None:
    result = Result((BenefitResult(ALLOWANCE, 300, ()), BenefitResult(REIMBURSE, 0, ()),
                     BenefitResult(LUMP_DISEASE, 800, (), key="尿毒症"), BenefitResult(LUMP_DISEASE, 0, (), key="X"),
                     BenefitResult(ILLNESS_DEATH_BENEFIT, 600, ())), ())
    prior = engine.prior_add(Prior(paid={ALLOWANCE: 100, ACCIDENT: 5}, diseases=frozenset({"恶性肿瘤"})), result)
    assert prior.paid == {ALLOWANCE: 400, ACCIDENT: 5, LUMP_DISEASE: 800, ILLNESS_DEATH_BENEFIT: 600}
    assert prior.diseases == frozenset({"恶性肿瘤", "尿毒症"}) and prior.illness_death is True
    nothing = engine.prior_add(Prior(), Result((BenefitResult(ILLNESS_DEATH_BENEFIT, 0, ()),), ()))
    assert nothing == Prior(paid={}, diseases=frozenset(), illness_death=False)
    kept = engine.prior_add(Prior(illness_death=True), Result((), ()))
    assert kept.illness_death is True


def test_annual_caps_and_the_version_in_force() -> None:
    assert [engine.annual_cap(R, b) for b in (ALLOWANCE, REIMBURSE, ACCIDENT, ILLNESS_DEATH_BENEFIT, LUMP_DISEASE)] == [
        900 * Y, 5000 * Y, 20000 * Y, 6000 * Y, None]
    a, b, c = Rules(waiting_days=1), Rules(waiting_days=2), Rules(waiting_days=3)
    versions = [(D(2025, 1, 1), a), (D(2025, 7, 1), b), (D(2025, 10, 1), c)]
    assert [engine.rules_in_force(versions, d) for d in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 6, 30),
                                                          D(2025, 7, 1), D(2025, 9, 30), D(2025, 10, 1),
                                                          D(2026, 5, 1))] == [a, a, a, b, b, c, c]
