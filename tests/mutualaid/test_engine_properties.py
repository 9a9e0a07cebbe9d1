"""Properties of the claim engine, over generated plans and claims (no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.mutualaid import engine
from gonghui.mutualaid.engine import ACCIDENT, ALLOWANCE, REIMBURSE, Cover, Event, Prior, Rules

START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
DISEASES = ("恶性肿瘤", "急性心肌梗塞", "脑中风后遗症")
money = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def rules(draw: st.DrawFn) -> Rules:
    year_cap = draw(st.integers(min_value=1, max_value=2_000_000))
    return Rules(
        waiting_days=draw(st.integers(0, 180)), allowance_after_days=draw(st.integers(0, 10)),
        allowance_per_day=draw(st.integers(0, 50_000)), allowance_stay_cap=draw(st.integers(0, year_cap)),
        allowance_year_cap=year_cap, deductible=draw(money),
        reimburse_ratio={level: draw(st.integers(0, 1000)) for level in ("1", "2", "3")},
        reimburse_year_cap=draw(st.integers(1, 10_000_000)), disease_amount=draw(money), diseases=DISEASES,
        accident_amount=draw(money), illness_death_amount=draw(money),
    )


@st.composite
def events(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from(engine.EVENT_KINDS))
    on = draw(st.dates(min_value=dt.date(2023, 12, 1), max_value=dt.date(2025, 1, 31)))
    cost = draw(st.integers(0, 50_000_000))
    return Event(
        kind=kind, on=on, discharged_on=on + dt.timedelta(days=draw(st.integers(0, 400))),
        hospital_level=draw(st.sampled_from(("1", "2", "3"))), cost=cost,
        insurance_paid=draw(st.integers(0, cost)), disease=draw(st.sampled_from((*DISEASES, "糖尿病"))),
        disability_grade=draw(st.integers(1, 10)),
    )


def cover(waiting: int) -> Cover:
    return Cover(starts_on=START, waiting_until=START + dt.timedelta(days=waiting), ends_on=END)


@settings(max_examples=300, deadline=None)
@given(rules(), events(), st.integers(0, 3_000_000), st.integers(0, 3_000_000))
def test_a_payout_is_never_negative_nor_above_a_cap(r: Rules, event: Event, prior_a: int, prior_r: int) -> None:
    prior = Prior(paid={ALLOWANCE: prior_a, REIMBURSE: prior_r})
    result = engine.claim_compute(rules=r, cover=cover(r.waiting_days), event=event, prior=prior)
    for part in result.results:
        assert part.amount >= 0
    assert result.amount_of(ALLOWANCE) <= max(0, r.allowance_year_cap - prior_a)
    if r.allowance_stay_cap:
        assert result.amount_of(ALLOWANCE) <= r.allowance_stay_cap
    assert result.amount_of(REIMBURSE) <= max(0, r.reimburse_year_cap - prior_r)
    assert result.amount_of(REIMBURSE) <= max(0, event.cost - event.insurance_paid)
    assert result.amount_of(ACCIDENT) <= r.accident_amount
    assert result.amount_of(engine.LUMP_DISEASE) <= r.disease_amount
    if not (START <= event.on <= END):
        assert result.total == 0


@settings(max_examples=200, deadline=None)
@given(rules(), st.lists(events(), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_a_years_payouts_never_exceed_the_annual_caps_however_ordered(r: Rules, claims: list[Event], rnd) -> None:
    """Whatever the claims and their order, the year's total per benefit stays within its cap,
    each disease is paid once, and death from illness once."""
    for order in (claims, list(reversed(claims)), rnd.sample(claims, len(claims))):
        prior = Prior()
        diseases_paid: list[str] = []
        deaths = 0
        for event in order:
            result = engine.claim_compute(rules=r, cover=cover(r.waiting_days), event=event, prior=prior)
            diseases_paid += [p.key for p in result.results if p.benefit == engine.LUMP_DISEASE and p.amount > 0]
            deaths += sum(1 for p in result.results if p.benefit == engine.ILLNESS_DEATH_BENEFIT and p.amount > 0)
            prior = engine.prior_add(prior, result)
        assert prior.paid.get(ALLOWANCE, 0) <= r.allowance_year_cap
        assert prior.paid.get(REIMBURSE, 0) <= r.reimburse_year_cap
        assert prior.paid.get(ACCIDENT, 0) <= r.accident_amount
        assert len(diseases_paid) == len(set(diseases_paid))
        assert deaths <= 1


@settings(max_examples=200, deadline=None)
@given(rules(), st.integers(1, 120), st.integers(1, 6))
def test_splitting_a_stay_never_pays_more_allowance_than_the_cap(r: Rules, days: int, parts: int) -> None:
    """One long stay or the same days split into several stays: each year's total stays
    within the annual cap."""
    day, prior = dt.date(2024, 3, 1), Prior()
    for _ in range(parts):
        event = Event(kind=engine.HOSPITAL, on=day, discharged_on=day + dt.timedelta(days=days))
        prior = engine.prior_add(prior, engine.claim_compute(rules=r, cover=cover(0), event=event, prior=prior))
        day += dt.timedelta(days=days + 1)
    assert 0 <= prior.paid.get(ALLOWANCE, 0) <= r.allowance_year_cap
