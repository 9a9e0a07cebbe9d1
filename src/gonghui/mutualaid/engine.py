"""The claim engine: what a plan version pays for one event, and why, line by line.

Pure functions over plain values (no database, no clock): the services load the plan
version in force on the event day, the coverage and what was already paid this plan year,
and store what comes back. That keeps the rules fast (the bench runs 100,000 claims) and
testable by hand (tests/mutualaid/test_engine_table.py).

Rules (docs/mutual-aid.md says the same in plain Chinese):

- amounts are integer fen; every multiplication by a ratio rounds *down* to the fen, so a
  payout never exceeds what the rule allows;
- the hospital days of a stay are discharge day − admission day (入院 1 日、出院 9 日 = 8 天);
  a stay is judged wholly by the version in force on its admission day and counts against the
  caps of the plan year it started in, also when it runs past the year's end;
- the daily allowance pays the days above `allowance_after_days`, at most `allowance_stay_cap`
  for one stay and `allowance_year_cap` a plan year;
- reimbursement pays (cost − basic insurance − deductible per stay) × the ratio of the
  hospital's level (per mille), at most `reimburse_year_cap` a plan year;
- a listed major disease pays its lump sum once per disease per person;
- accidental death and disability share one sum insured: disability pays its grade's percent
  of it, death what is left of it; death from illness pays once;
- the waiting period (new joiners) applies to illness (stays, diseases, death from illness),
  never to accidents; an event before cover starts or after it ends pays nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

HOSPITAL = "hospital"
DISEASE = "disease"
ACCIDENT_DEATH = "accident_death"
DISABILITY = "disability"
ILLNESS_DEATH = "illness_death"
EVENT_KINDS = (HOSPITAL, DISEASE, ACCIDENT_DEATH, DISABILITY, ILLNESS_DEATH)

# Benefits: what a payout is counted against (annual caps, once-only rules).
ALLOWANCE = "allowance"
REIMBURSE = "reimburse"
LUMP_DISEASE = "disease"
ACCIDENT = "accident"
ILLNESS_DEATH_BENEFIT = "illness_death"
BENEFITS = (ALLOWANCE, REIMBURSE, LUMP_DISEASE, ACCIDENT, ILLNESS_DEATH_BENEFIT)

HOSPITAL_LEVELS = ("1", "2", "3")
DISABILITY_GRADES = tuple(range(1, 11))
# 《人身保险伤残评定标准》: grade 1 pays 100 %, each grade below 10 points less.
DEFAULT_DISABILITY_PERCENT = {g: 100 - 10 * (g - 1) for g in DISABILITY_GRADES}

# Flags a claims officer must see (the engine's; services add the database ones).
FLAG_WAITING = "waiting_period"
FLAG_OUTSIDE = "outside_coverage"
FLAG_CAP = "cap_reached"
FLAG_NOT_LISTED = "disease_not_listed"
FLAG_ALREADY_PAID = "already_paid"


def yuan(fen: int) -> str:
    """4300_00 → "4,300"; 12345 → "123.45" (the way the explanation writes amounts)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}" if cents == 0 else f"{sign}{whole:,}.{cents:02d}"


def permille(value: int) -> str:
    """600 → "60%"; 855 → "85.5%"."""
    whole, rest = divmod(value, 10)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest}%"


@dataclass(frozen=True)
class Rules:
    """One plan version's benefits. Money in fen, ratios in per mille, caps 0 = benefit absent."""

    waiting_days: int = 0
    allowance_after_days: int = 0
    allowance_per_day: int = 0
    allowance_stay_cap: int = 0
    allowance_year_cap: int = 0
    deductible: int = 0
    reimburse_ratio: Mapping[str, int] = field(default_factory=dict)  # hospital level → per mille
    reimburse_year_cap: int = 0
    disease_amount: int = 0
    diseases: tuple[str, ...] = ()
    accident_amount: int = 0
    disability_percent: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_DISABILITY_PERCENT))
    illness_death_amount: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rules:
        return cls(
            waiting_days=int(data.get("waiting_days", 0)),
            allowance_after_days=int(data.get("allowance_after_days", 0)),
            allowance_per_day=int(data.get("allowance_per_day", 0)),
            allowance_stay_cap=int(data.get("allowance_stay_cap", 0)),
            allowance_year_cap=int(data.get("allowance_year_cap", 0)),
            deductible=int(data.get("deductible", 0)),
            reimburse_ratio={str(k): int(v) for k, v in (data.get("reimburse_ratio") or {}).items()},
            reimburse_year_cap=int(data.get("reimburse_year_cap", 0)),
            disease_amount=int(data.get("disease_amount", 0)),
            diseases=tuple(data.get("diseases") or ()),
            accident_amount=int(data.get("accident_amount", 0)),
            disability_percent={int(k): int(v) for k, v in
                                (data.get("disability_percent") or DEFAULT_DISABILITY_PERCENT).items()},
            illness_death_amount=int(data.get("illness_death_amount", 0)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "waiting_days": self.waiting_days, "allowance_after_days": self.allowance_after_days,
            "allowance_per_day": self.allowance_per_day, "allowance_stay_cap": self.allowance_stay_cap,
            "allowance_year_cap": self.allowance_year_cap, "deductible": self.deductible,
            "reimburse_ratio": dict(self.reimburse_ratio), "reimburse_year_cap": self.reimburse_year_cap,
            "disease_amount": self.disease_amount, "diseases": list(self.diseases),
            "accident_amount": self.accident_amount,
            "disability_percent": {str(k): v for k, v in self.disability_percent.items()},
            "illness_death_amount": self.illness_death_amount,
        }


@dataclass(frozen=True)
class Cover:
    """One person's cover under one plan period."""

    starts_on: dt.date
    waiting_until: dt.date  # illness events on or after this day are covered
    ends_on: dt.date


@dataclass(frozen=True)
class Event:
    kind: str
    on: dt.date  # admission day, diagnosis day, day of the accident or death
    discharged_on: dt.date | None = None
    hospital_level: str = ""
    cost: int = 0  # total hospital costs, fen
    insurance_paid: int = 0  # what basic medical insurance paid, fen
    disease: str = ""
    disability_grade: int = 0


@dataclass(frozen=True)
class Prior:
    """What this person was already paid in this plan year (approved claims)."""

    paid: Mapping[str, int] = field(default_factory=dict)  # benefit → fen
    diseases: frozenset[str] = frozenset()
    illness_death: bool = False


@dataclass(frozen=True)
class Line:
    """One sentence of the explanation: a translatable message and its values."""

    msg: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return gettext(self.msg) % self.params if self.params else gettext(self.msg)

    def to_dict(self) -> dict[str, Any]:
        return {"msg": self.msg, "params": dict(self.params)}


@dataclass(frozen=True)
class BenefitResult:
    benefit: str
    amount: int
    lines: tuple[Line, ...]
    key: str = ""  # the disease, for once-per-disease benefits


@dataclass(frozen=True)
class Result:
    results: tuple[BenefitResult, ...]
    flags: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.results)

    def amount_of(self, benefit: str) -> int:
        return sum(r.amount for r in self.results if r.benefit == benefit)


def hospital_days(admitted: dt.date, discharged: dt.date) -> int:
    return (discharged - admitted).days


def _capped(amount: int, cap: int, prior: int, lines: list[Line], flags: set[str]) -> int:
    """Apply an annual cap, explaining it; returns what may be paid now."""
    room = max(0, cap - prior)
    pay = min(amount, room)
    if prior > 0 or pay < amount:
        lines.append(Line(gettext_noop("本年已付 %(prior)s 元，封顶 %(cap)s 元，本次赔付 %(pay)s 元"),
                          {"prior": yuan(prior), "cap": yuan(cap), "pay": yuan(pay)}))
    if pay < amount:
        flags.add(FLAG_CAP)
    return pay


def _allowance(rules: Rules, event: Event, prior: Prior, flags: set[str]) -> BenefitResult | None:
    if rules.allowance_per_day <= 0 or event.discharged_on is None:
        return None
    days = hospital_days(event.on, event.discharged_on)
    over = max(0, days - rules.allowance_after_days)
    lines: list[Line] = []
    if over == 0:
        lines.append(Line(gettext_noop("住院 %(days)s 天，未超过 %(n)s 天，住院津贴不予赔付"),
                          {"days": days, "n": rules.allowance_after_days}))
        return BenefitResult(ALLOWANCE, 0, tuple(lines))
    amount = over * rules.allowance_per_day
    lines.append(Line(gettext_noop("住院 %(days)s 天，超过 %(n)s 天的 %(over)s 天 × %(rate)s 元 = %(amount)s 元"),
                      {"days": days, "n": rules.allowance_after_days, "over": over,
                       "rate": yuan(rules.allowance_per_day), "amount": yuan(amount)}))
    if rules.allowance_stay_cap and amount > rules.allowance_stay_cap:
        amount = rules.allowance_stay_cap
        lines.append(Line(gettext_noop("每次住院最多 %(cap)s 元，按 %(cap)s 元计"), {"cap": yuan(rules.allowance_stay_cap)}))
        flags.add(FLAG_CAP)
    pay = _capped(amount, rules.allowance_year_cap, prior.paid.get(ALLOWANCE, 0), lines, flags)
    return BenefitResult(ALLOWANCE, pay, tuple(lines))


def _reimburse(rules: Rules, event: Event, prior: Prior, flags: set[str]) -> BenefitResult | None:
    if rules.reimburse_year_cap <= 0 or event.cost <= 0:
        return None
    ratio = rules.reimburse_ratio.get(event.hospital_level, 0)
    left = max(0, event.cost - event.insurance_paid)
    lines = [Line(gettext_noop("医疗费用 %(cost)s 元，基本医保已付 %(ins)s 元，个人负担 %(left)s 元"),
                  {"cost": yuan(event.cost), "ins": yuan(event.insurance_paid), "left": yuan(left)})]
    base = max(0, left - rules.deductible)
    if base == 0 or ratio == 0:
        if ratio == 0:
            lines.append(Line(gettext_noop("该级别医院不在报销范围内，医疗费用不予赔付")))
        else:
            lines.append(Line(gettext_noop("未超过起付线 %(ded)s 元，医疗费用不予赔付"), {"ded": yuan(rules.deductible)}))
        return BenefitResult(REIMBURSE, 0, tuple(lines))
    amount = base * ratio // 1000
    lines.append(Line(gettext_noop("扣除起付线 %(ded)s 元后 %(base)s 元 × %(ratio)s = %(amount)s 元"),
                      {"ded": yuan(rules.deductible), "base": yuan(base), "ratio": permille(ratio),
                       "amount": yuan(amount)}))
    pay = _capped(amount, rules.reimburse_year_cap, prior.paid.get(REIMBURSE, 0), lines, flags)
    return BenefitResult(REIMBURSE, pay, tuple(lines))


def _disease(rules: Rules, event: Event, prior: Prior, flags: set[str]) -> BenefitResult:
    name = event.disease.strip()
    if name not in rules.diseases or rules.disease_amount <= 0:
        flags.add(FLAG_NOT_LISTED)
        return BenefitResult(LUMP_DISEASE, 0, (Line(gettext_noop("“%(d)s”不在本计划所列重大疾病范围内，不予赔付"), {"d": name}),),
                             key=name)
    if name in prior.diseases:
        flags.add(FLAG_ALREADY_PAID)
        return BenefitResult(LUMP_DISEASE, 0, (Line(gettext_noop("“%(d)s”已赔付过，每种疾病每人只赔付一次"), {"d": name}),),
                             key=name)
    return BenefitResult(LUMP_DISEASE, rules.disease_amount,
                         (Line(gettext_noop("确诊所列重大疾病“%(d)s”，一次性赔付 %(amount)s 元"),
                               {"d": name, "amount": yuan(rules.disease_amount)}),), key=name)


def _accident(rules: Rules, event: Event, prior: Prior, flags: set[str]) -> BenefitResult:
    insured = rules.accident_amount
    already = prior.paid.get(ACCIDENT, 0)
    lines: list[Line] = []
    if event.kind == DISABILITY:
        percent = rules.disability_percent.get(event.disability_grade, 0)
        amount = insured * percent // 100
        lines.append(Line(gettext_noop("意外伤残 %(grade)s 级，按保额 %(insured)s 元的 %(pct)s%% 计 %(amount)s 元"),
                          {"grade": event.disability_grade, "insured": yuan(insured), "pct": percent,
                           "amount": yuan(amount)}))
    else:
        amount = insured
        lines.append(Line(gettext_noop("意外身故，保额 %(insured)s 元"), {"insured": yuan(insured)}))
    room = max(0, insured - already)
    pay = min(amount, room)
    if already:
        lines.append(Line(gettext_noop("意外伤残已付 %(prior)s 元，合计以保额 %(insured)s 元为限，本次赔付 %(pay)s 元"),
                          {"prior": yuan(already), "insured": yuan(insured), "pay": yuan(pay)}))
    if pay < amount:
        flags.add(FLAG_CAP)
    return BenefitResult(ACCIDENT, pay, tuple(lines))


def _illness_death(rules: Rules, prior: Prior, flags: set[str]) -> BenefitResult:
    if prior.illness_death:
        flags.add(FLAG_ALREADY_PAID)
        return BenefitResult(ILLNESS_DEATH_BENEFIT, 0, (Line(gettext_noop("疾病身故金已赔付过")),))
    return BenefitResult(ILLNESS_DEATH_BENEFIT, rules.illness_death_amount,
                         (Line(gettext_noop("疾病身故，赔付 %(amount)s 元"), {"amount": yuan(rules.illness_death_amount)}),))


_BENEFITS_OF = {
    HOSPITAL: (ALLOWANCE, REIMBURSE), DISEASE: (LUMP_DISEASE,), ACCIDENT_DEATH: (ACCIDENT,),
    DISABILITY: (ACCIDENT,), ILLNESS_DEATH: (ILLNESS_DEATH_BENEFIT,),
}


def claim_compute(*, rules: Rules, cover: Cover, event: Event, prior: Prior) -> Result:
    """The payout per benefit of one event, with its explanation and flags."""
    flags: set[str] = set()
    if event.on < cover.starts_on or event.on > cover.ends_on:
        flags.add(FLAG_OUTSIDE)
        line = Line(gettext_noop("事故日 %(day)s 不在保障期 %(start)s 至 %(end)s 内，不予赔付"),
                    {"day": event.on.isoformat(), "start": cover.starts_on.isoformat(),
                     "end": cover.ends_on.isoformat()})
        return Result(tuple(BenefitResult(b, 0, (line,)) for b in _BENEFITS_OF[event.kind]), (FLAG_OUTSIDE,))
    accident = event.kind in (ACCIDENT_DEATH, DISABILITY)
    if not accident and event.on < cover.waiting_until:
        line = Line(gettext_noop("事故日 %(day)s 在等待期内（%(until)s 起才保障疾病），不予赔付"),
                    {"day": event.on.isoformat(), "until": cover.waiting_until.isoformat()})
        return Result(tuple(BenefitResult(b, 0, (line,)) for b in _BENEFITS_OF[event.kind]), (FLAG_WAITING,))
    results: list[BenefitResult] = []
    if event.kind == HOSPITAL:
        for part in (_allowance(rules, event, prior, flags), _reimburse(rules, event, prior, flags)):
            if part is not None:
                results.append(part)
    elif event.kind == DISEASE:
        results.append(_disease(rules, event, prior, flags))
    elif accident:
        results.append(_accident(rules, event, prior, flags))
    elif event.kind == ILLNESS_DEATH:
        results.append(_illness_death(rules, prior, flags))
    return Result(tuple(results), tuple(sorted(flags)))


def prior_add(prior: Prior, result: Result) -> Prior:
    """`prior` after `result` was paid: how a year's claims follow one another."""
    paid = dict(prior.paid)
    diseases = set(prior.diseases)
    death = prior.illness_death
    for r in result.results:
        if r.amount <= 0:
            continue
        paid[r.benefit] = paid.get(r.benefit, 0) + r.amount
        if r.benefit == LUMP_DISEASE:
            diseases.add(r.key)
        if r.benefit == ILLNESS_DEATH_BENEFIT:
            death = True
    return Prior(paid=paid, diseases=frozenset(diseases), illness_death=death)


def annual_cap(rules: Rules, benefit: str) -> int | None:
    """The most one person can receive for `benefit` in one plan year (None: once per key)."""
    return {
        ALLOWANCE: rules.allowance_year_cap, REIMBURSE: rules.reimburse_year_cap, ACCIDENT: rules.accident_amount,
        ILLNESS_DEATH_BENEFIT: rules.illness_death_amount,
    }.get(benefit)


def rules_in_force(versions: list[tuple[dt.date, Rules]], day: dt.date) -> Rules:
    """Of (effective_from, rules) sorted by day, those in force on `day` (the first one for an
    earlier day): the same choice the services make in the database."""
    chosen = versions[0][1]
    for effective_from, rules in versions:
        if effective_from <= day:
            chosen = rules
        else:
            break
    return chosen


# --- premiums ------------------------------------------------------------------------------


def months_between(first: dt.date, last: dt.date) -> int:
    """Calendar months from `first`'s month to `last`'s, both counted (Jan 15 – Dec 31 = 12)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Premium:
    """One person's premium for a cover starting on `starts_on` (prorated for a late joiner)."""

    amount: int  # fen
    months: int  # months of cover paid for
    period_months: int
    price: int  # the full price of the period

    @property
    def prorated(self) -> bool:
        return self.months < self.period_months

    def line(self) -> Line:
        if not self.prorated:
            return Line(gettext_noop("保障期 %(n)s 个月，全额保费 %(price)s 元"),
                        {"n": self.period_months, "price": yuan(self.price)})
        return Line(gettext_noop("保障期 %(n)s 个月，参保当月起剩 %(m)s 个月：%(price)s 元 × %(m)s ÷ %(n)s = %(amount)s 元"),
                    {"n": self.period_months, "m": self.months, "price": yuan(self.price), "amount": yuan(self.amount)})


def premium_for(*, price: int, period_start: dt.date, period_end: dt.date, starts_on: dt.date) -> Premium:
    """The premium of a cover starting on `starts_on` in the period `period_start`–`period_end`.

    A joiner after the period began pays for the months left, the month of joining counted
    whole: price × months left ÷ months of the period, rounded half up to the fen. A cover
    starting on or before the first day of the period pays the full price.
    """
    total = months_between(period_start, period_end)
    if starts_on <= period_start:
        return Premium(amount=price, months=total, period_months=total, price=price)
    left = max(0, months_between(starts_on, period_end))
    amount = (2 * price * left + total) // (2 * total)
    return Premium(amount=amount, months=left, period_months=total, price=price)
