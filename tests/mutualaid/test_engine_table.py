"""The claim engine against claims worked out by hand (no database).

The plan (a city's 2025 hospital plan, amounts in 元):
  waiting period 90 days for new joiners; allowance 50/day for the days above 3, at most 1,500
  a stay and 4,500 a year; reimbursement of (cost − insurance − 1,000 per stay) at 70 / 60 /
  50 % in level 1 / 2 / 3 hospitals, at most 20,000 a year; 10,000 once for each of three
  listed diseases; 30,000 accidental death or disability (grade n pays 100 − 10(n−1) %);
  10,000 death from illness. Version 2 from 2025-07-01: 80/day, 6,000 a year.

A new joiner's cover: 2025-01-01 to 2025-12-31, illness covered from 2025-04-01 (Jan 1 + 90
days). A renewing member's cover: no waiting period.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.mutualaid import engine
from gonghui.mutualaid.engine import (
    ACCIDENT,
    ACCIDENT_DEATH,
    ALLOWANCE,
    DISABILITY,
    DISEASE,
    HOSPITAL,
    ILLNESS_DEATH,
    ILLNESS_DEATH_BENEFIT,
    LUMP_DISEASE,
    REIMBURSE,
    Cover,
    Event,
    Prior,
    Rules,
)

D = dt.date
Y = 100  # fen per 元

V1 = Rules(
    waiting_days=90, allowance_after_days=3, allowance_per_day=50 * Y, allowance_stay_cap=1500 * Y,
    allowance_year_cap=4500 * Y, deductible=1000 * Y, reimburse_ratio={"1": 700, "2": 600, "3": 500},
    reimburse_year_cap=20000 * Y, disease_amount=10000 * Y, diseases=("恶性肿瘤", "急性心肌梗塞", "脑中风后遗症"),
    accident_amount=30000 * Y, illness_death_amount=10000 * Y,
)
V2 = Rules(**{**V1.__dict__, "allowance_per_day": 80 * Y, "allowance_year_cap": 6000 * Y})
VERSIONS = [(D(2025, 1, 1), V1), (D(2025, 7, 1), V2)]
NEW = Cover(starts_on=D(2025, 1, 1), waiting_until=D(2025, 4, 1), ends_on=D(2025, 12, 31))
RENEWED = Cover(starts_on=D(2025, 1, 1), waiting_until=D(2025, 1, 1), ends_on=D(2025, 12, 31))
LEAP = Cover(starts_on=D(2024, 1, 1), waiting_until=D(2024, 1, 1), ends_on=D(2024, 12, 31))
NONE = Prior()


def stay(a: dt.date, b: dt.date, cost: int = 0, ins: int = 0, level: str = "2") -> Event:
    return Event(kind=HOSPITAL, on=a, discharged_on=b, hospital_level=level, cost=cost * Y, insurance_paid=ins * Y)


def paid(**kw: int) -> Prior:
    return Prior(paid={k: v * Y for k, v in kw.items()})


# (name, cover, event, prior, {benefit: 元}, flags)
TABLE = [
    ("8 days: 5 days above 3 × 50", NEW, stay(D(2025, 5, 1), D(2025, 5, 9)), NONE, {ALLOWANCE: 250}, ()),
    ("the issue's example: 4,300 already paid, cap 4,500", NEW, stay(D(2025, 5, 1), D(2025, 5, 9)),
     paid(allowance=4300), {ALLOWANCE: 200}, ("cap_reached",)),
    ("3 days: not above 3", NEW, stay(D(2025, 5, 1), D(2025, 5, 4)), NONE, {ALLOWANCE: 0}, ()),
    ("4 days: one day paid", NEW, stay(D(2025, 5, 1), D(2025, 5, 5)), NONE, {ALLOWANCE: 50}, ()),
    ("in and out the same day: 0 days", NEW, stay(D(2025, 5, 1), D(2025, 5, 1)), NONE, {ALLOWANCE: 0}, ()),
    ("40 days: 37 × 50 = 1,850, stay cap 1,500", NEW, stay(D(2025, 5, 1), D(2025, 6, 10)), NONE,
     {ALLOWANCE: 1500}, ("cap_reached",)),
    ("stay cap then year cap: 4,000 paid, room 500", NEW, stay(D(2025, 5, 1), D(2025, 6, 10)),
     paid(allowance=4000), {ALLOWANCE: 500}, ("cap_reached",)),
    ("year cap already reached", NEW, stay(D(2025, 5, 1), D(2025, 5, 11)), paid(allowance=4500),
     {ALLOWANCE: 0}, ("cap_reached",)),
    ("level 3: (30,000 − 18,000 − 1,000) × 50 %", NEW, stay(D(2025, 5, 1), D(2025, 5, 3), 30000, 18000, "3"),
     NONE, {ALLOWANCE: 0, REIMBURSE: 5500}, ()),
    ("level 1: (5,000 − 3,500 − 1,000) × 70 %", NEW, stay(D(2025, 5, 1), D(2025, 5, 2), 5000, 3500, "1"),
     NONE, {ALLOWANCE: 0, REIMBURSE: 350}, ()),
    ("under the deductible", NEW, stay(D(2025, 5, 1), D(2025, 5, 2), 5000, 4200, "1"), NONE,
     {ALLOWANCE: 0, REIMBURSE: 0}, ()),
    ("insurance paid everything", NEW, stay(D(2025, 5, 1), D(2025, 5, 2), 3000, 3000, "3"), NONE,
     {ALLOWANCE: 0, REIMBURSE: 0}, ()),
    ("fen round down: 234.57 × 60 % = 140.742 → 140.74", NEW,
     Event(kind=HOSPITAL, on=D(2025, 5, 1), discharged_on=D(2025, 5, 2), hospital_level="2", cost=123457),
     NONE, {ALLOWANCE: 0, REIMBURSE: 140.74}, ()),
    ("reimbursement year cap: 19,000 paid, 5,500 due, 1,000 paid", NEW,
     stay(D(2025, 5, 1), D(2025, 5, 3), 30000, 18000, "3"), paid(reimburse=19000),
     {ALLOWANCE: 0, REIMBURSE: 1000}, ("cap_reached",)),
    ("both benefits of one stay: 7 × 50 and (20,000 − 12,000 − 1,000) × 60 %", NEW,
     stay(D(2025, 5, 1), D(2025, 5, 11), 20000, 12000, "2"), NONE, {ALLOWANCE: 350, REIMBURSE: 4200}, ()),
    ("listed disease", NEW, Event(kind=DISEASE, on=D(2025, 6, 1), disease="恶性肿瘤"), NONE,
     {LUMP_DISEASE: 10000}, ()),
    ("disease not on the list", NEW, Event(kind=DISEASE, on=D(2025, 6, 1), disease="糖尿病"), NONE,
     {LUMP_DISEASE: 0}, ("disease_not_listed",)),
    ("the same disease a second time", NEW, Event(kind=DISEASE, on=D(2025, 9, 1), disease="恶性肿瘤"),
     Prior(diseases=frozenset({"恶性肿瘤"})), {LUMP_DISEASE: 0}, ("already_paid",)),
    ("another listed disease after one was paid", NEW, Event(kind=DISEASE, on=D(2025, 9, 1), disease="急性心肌梗塞"),
     Prior(paid={LUMP_DISEASE: 10000 * Y}, diseases=frozenset({"恶性肿瘤"})), {LUMP_DISEASE: 10000}, ()),
    ("accidental death", NEW, Event(kind=ACCIDENT_DEATH, on=D(2025, 6, 1)), NONE, {ACCIDENT: 30000}, ()),
    ("disability grade 1: 100 %", NEW, Event(kind=DISABILITY, on=D(2025, 6, 1), disability_grade=1), NONE,
     {ACCIDENT: 30000}, ()),
    ("disability grade 5: 60 %", NEW, Event(kind=DISABILITY, on=D(2025, 6, 1), disability_grade=5), NONE,
     {ACCIDENT: 18000}, ()),
    ("disability grade 10: 10 %", NEW, Event(kind=DISABILITY, on=D(2025, 6, 1), disability_grade=10), NONE,
     {ACCIDENT: 3000}, ()),
    ("death after a disability payout: what is left of 30,000", NEW, Event(kind=ACCIDENT_DEATH, on=D(2025, 8, 1)),
     paid(accident=9000), {ACCIDENT: 21000}, ("cap_reached",)),
    ("grade 3 (24,000) after 18,000 paid: 12,000", NEW, Event(kind=DISABILITY, on=D(2025, 8, 1), disability_grade=3),
     paid(accident=18000), {ACCIDENT: 12000}, ("cap_reached",)),
    ("death from illness", NEW, Event(kind=ILLNESS_DEATH, on=D(2025, 8, 1)), NONE, {ILLNESS_DEATH_BENEFIT: 10000}, ()),
    ("death from illness paid once", NEW, Event(kind=ILLNESS_DEATH, on=D(2025, 8, 1)), Prior(illness_death=True),
     {ILLNESS_DEATH_BENEFIT: 0}, ("already_paid",)),
    ("waiting period: admitted the day before it ends", NEW, stay(D(2025, 3, 31), D(2025, 4, 10)), NONE,
     {ALLOWANCE: 0, REIMBURSE: 0}, ("waiting_period",)),
    ("waiting period: admitted the day it ends", NEW, stay(D(2025, 4, 1), D(2025, 4, 11)), NONE,
     {ALLOWANCE: 350}, ()),
    ("waiting period: a disease diagnosed inside it", NEW, Event(kind=DISEASE, on=D(2025, 3, 31), disease="恶性肿瘤"),
     NONE, {LUMP_DISEASE: 0}, ("waiting_period",)),
    ("no waiting period for an accident", NEW, Event(kind=DISABILITY, on=D(2025, 2, 1), disability_grade=10), NONE,
     {ACCIDENT: 3000}, ()),
    ("no waiting period on renewal", RENEWED, stay(D(2025, 1, 2), D(2025, 1, 10)), NONE, {ALLOWANCE: 250}, ()),
    ("before the cover starts", RENEWED, stay(D(2024, 12, 31), D(2025, 1, 9)), NONE, {ALLOWANCE: 0, REIMBURSE: 0},
     ("outside_coverage",)),
    ("after the cover ends", RENEWED, Event(kind=ACCIDENT_DEATH, on=D(2026, 1, 1)), NONE, {ACCIDENT: 0},
     ("outside_coverage",)),
    ("a stay crossing the new year: 8 days, paid by the year it began", RENEWED,
     stay(D(2025, 12, 28), D(2026, 1, 5)), NONE, {ALLOWANCE: 250}, ()),
    ("leap year: 27 Feb to 2 Mar 2024 is 4 days", LEAP, stay(D(2024, 2, 27), D(2024, 3, 2)), NONE, {ALLOWANCE: 50}, ()),
    ("not a leap year: 27 Feb to 2 Mar 2025 is 3 days", RENEWED, stay(D(2025, 2, 27), D(2025, 3, 2)), NONE,
     {ALLOWANCE: 0}, ()),
    ("leap day itself: 29 Feb to 6 Mar 2024 is 6 days", LEAP, stay(D(2024, 2, 29), D(2024, 3, 6)), NONE,
     {ALLOWANCE: 150}, ()),
]

# Version change mid-year: the version in force on the admission day judges the stay.
VERSION_TABLE = [
    ("30 June, version 1: 5 × 50", stay(D(2025, 6, 30), D(2025, 7, 8)), NONE, {ALLOWANCE: 250}),
    ("1 July, version 2: 5 × 80", stay(D(2025, 7, 1), D(2025, 7, 9)), NONE, {ALLOWANCE: 400}),
    ("version 2's year cap 6,000 after 4,400 paid under version 1: 7 × 80 = 560 in full",
     stay(D(2025, 8, 1), D(2025, 8, 11)), paid(allowance=4400), {ALLOWANCE: 560}),
    ("a June stay is still capped at version 1's 4,500", stay(D(2025, 6, 1), D(2025, 6, 11)), paid(allowance=4400),
     {ALLOWANCE: 100}),
]


def _amounts(result: engine.Result) -> dict[str, float]:
    return {r.benefit: (r.amount // Y if r.amount % Y == 0 else r.amount / Y) for r in result.results}


@pytest.mark.parametrize(("name", "cover", "event", "prior", "expected", "flags"), TABLE, ids=[t[0] for t in TABLE])
def test_hand_worked_claim(name, cover, event, prior, expected, flags) -> None:
    result = engine.claim_compute(rules=V1, cover=cover, event=event, prior=prior)
    assert _amounts(result) == expected
    assert result.flags == tuple(sorted(flags))


@pytest.mark.parametrize(("name", "event", "prior", "expected"), VERSION_TABLE, ids=[t[0] for t in VERSION_TABLE])
def test_hand_worked_claim_across_versions(name, event, prior, expected) -> None:
    rules = engine.rules_in_force(VERSIONS, event.on)
    assert _amounts(engine.claim_compute(rules=rules, cover=RENEWED, event=event, prior=prior)) == expected


def test_the_table_is_at_least_thirty_claims() -> None:
    assert len(TABLE) + len(VERSION_TABLE) >= 30


def _text(result: engine.Result, benefit: str) -> str:
    return "；".join(line.text for r in result.results if r.benefit == benefit for line in r.lines)


def test_the_issue_example_is_explained_word_for_word() -> None:
    result = engine.claim_compute(rules=V1, cover=NEW, event=stay(D(2025, 5, 1), D(2025, 5, 9)),
                                  prior=paid(allowance=4300))
    assert _text(result, ALLOWANCE) == (
        "住院 8 天，超过 3 天的 5 天 × 50 元 = 250 元；本年已付 4,300 元，封顶 4,500 元，本次赔付 200 元")


def test_reimbursement_and_caps_are_explained() -> None:
    result = engine.claim_compute(rules=V1, cover=NEW, event=stay(D(2025, 5, 1), D(2025, 6, 10), 30000, 18000, "3"),
                                  prior=paid(reimburse=19000))
    assert _text(result, ALLOWANCE) == ("住院 40 天，超过 3 天的 37 天 × 50 元 = 1,850 元；"
                                        "每次住院最多 1,500 元，按 1,500 元计")
    assert _text(result, REIMBURSE) == ("医疗费用 30,000 元，基本医保已付 18,000 元，个人负担 12,000 元；"
                                        "扣除起付线 1,000 元后 11,000 元 × 50% = 5,500 元；"
                                        "本年已付 19,000 元，封顶 20,000 元，本次赔付 1,000 元")


def test_waiting_period_and_accident_are_explained() -> None:
    waiting = engine.claim_compute(rules=V1, cover=NEW, event=stay(D(2025, 3, 31), D(2025, 4, 10)), prior=NONE)
    assert _text(waiting, ALLOWANCE) == "事故日 2025-03-31 在等待期内（2025-04-01 起才保障疾病），不予赔付"
    death = engine.claim_compute(rules=V1, cover=NEW, event=Event(kind=ACCIDENT_DEATH, on=D(2025, 8, 1)),
                                 prior=paid(accident=9000))
    assert _text(death, ACCIDENT) == ("意外身故，保额 30,000 元；"
                                      "意外伤残已付 9,000 元，合计以保额 30,000 元为限，本次赔付 21,000 元")


def test_a_year_of_stays_runs_into_the_annual_cap() -> None:
    """Four 30-day stays: 27 × 50 = 1,350 each; the fourth gets the 450 left of 4,500."""
    prior, got = NONE, []
    for month in (3, 5, 7, 8):
        result = engine.claim_compute(rules=V1, cover=RENEWED, event=stay(D(2025, month, 1), D(2025, month, 31)),
                                      prior=prior)
        got.append(result.amount_of(ALLOWANCE) // Y)
        prior = engine.prior_add(prior, result)
    assert got == [1350, 1350, 1350, 450]
    assert prior.paid[ALLOWANCE] == 4500 * Y


def test_amounts_are_written_the_chinese_way() -> None:
    assert engine.yuan(430000) == "4,300"
    assert engine.yuan(14074) == "140.74"
    assert engine.yuan(5) == "0.05"
    assert engine.permille(855) == "85.5%"
