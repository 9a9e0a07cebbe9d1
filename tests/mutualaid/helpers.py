"""Mutual aid test helpers: a city plan (the one worked by hand in test_engine_table.py), a
unit's members enrolled in it, and claims."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from gonghui.members.models import Membership, Person
from gonghui.mutualaid import services
from gonghui.mutualaid.models import Claim, Coverage, Enrolment, Plan
from gonghui.orgs.models import Union
from tests.cases.helpers import png
from tests.factories import make_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
Y = 100
ACCOUNT = "6222021234567890123"

RULES: dict[str, Any] = {
    "waiting_days": 90, "allowance_after_days": 3, "allowance_per_day": 50 * Y, "allowance_stay_cap": 1500 * Y,
    "allowance_year_cap": 4500 * Y, "deductible": 1000 * Y, "reimburse_ratio": {"1": 700, "2": 600, "3": 500},
    "reimburse_year_cap": 20000 * Y, "disease_amount": 10000 * Y, "diseases": ["恶性肿瘤", "急性心肌梗塞", "脑中风后遗症"],
    "accident_amount": 30000 * Y, "illness_death_amount": 10000 * Y,
}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def terms(*, price: int = 80 * Y, union_share: int = 50, min_participation: int = 60,
          second_approval_above: int = 10000 * Y, self_enrol: bool = False, self_union_share: int = 0,
          **rules: Any) -> services.Terms:
    return services.Terms(price=price, union_share=union_share, min_participation=min_participation,
                          second_approval_above=second_approval_above, rules={**RULES, **rules},
                          self_enrol=self_enrol, self_union_share=self_union_share)


def make_plan(*, union: Union, actor: Any, starts_on: dt.date | None = None, ends_on: dt.date | None = None,
              **kw: Any) -> Plan:
    today = timezone.localdate()
    starts_on = starts_on or dt.date(today.year, 1, 1)
    ends_on = ends_on or dt.date(starts_on.year, 12, 31)
    return services.plan_create(actor=actor, union=union, name=f"{starts_on.year} 年职工住院互助保障", starts_on=starts_on,
                                ends_on=ends_on, source="city", terms=terms(**kw))


def members_of(union: Union, n: int, *, users: list[Any] | None = None) -> list[Membership]:
    users = users or []
    return [make_member(union=union, name=f"会员{i}", user=users[i] if i < len(users) else None) for i in range(n)]


def enrol_all(*, plan: Plan, union: Union, actor: Any) -> Enrolment:
    return services.enrolment_create(actor=actor, plan=plan, union=union, mode=Enrolment.Mode.WHOLE)


def coverage_of(person: Person, plan: Plan) -> Coverage:
    return Coverage.objects.get(person=person, plan=plan)


def stay(admitted: dt.date, discharged: dt.date, *, cost: int = 0, insurance: int = 0, level: str = "2",
         invoices: tuple[str, ...] = (), **kw: Any) -> services.ClaimInput:
    return services.ClaimInput(kind="hospital", event_on=admitted, discharged_on=discharged, hospital_level=level,
                               hospital="市第一人民医院", diagnosis="急性阑尾炎", cost=cost * Y, insurance_paid=insurance * Y,
                               invoices=invoices, payee_name="王小明", bank_account=ACCOUNT, **kw)


def documents() -> list[tuple[str, Any]]:
    return [("invoice", png("invoice.png")), ("discharge", png("discharge.png"))]


def submit(coverage: Coverage, data: services.ClaimInput, *, with_documents: bool = True) -> Claim:
    user = coverage.person.user
    return services.claim_submit(user=user, coverage=coverage, data=data,
                                 documents=documents() if with_documents else [])


def covered_worker(*, union: Union, staff: Any, user: Any = None) -> Coverage:
    """One member (the given worker's account, if any) covered by a plan of this year of the
    union's city, with the waiting period already over (a plan started 200 days ago)."""
    today = timezone.localdate()
    city = Union.objects.get(pk=int(union.path.strip("/").split("/")[2]))
    plan = Plan.objects.filter(union=city).first() or make_plan(
        union=city, actor=staff, starts_on=today - dt.timedelta(days=200), ends_on=today + dt.timedelta(days=100),
        min_participation=0)
    membership = (Membership.objects.filter(person__user=user, union=union).first() if user is not None else None)
    if membership is None:
        membership = make_member(union=union, user=user)
    existing = Coverage.objects.filter(plan=plan, person=membership.person).first()
    if existing is not None:
        return existing
    services.enrolment_create(actor=staff, plan=plan, union=union, mode=Enrolment.Mode.PICKED,
                              person_ids=[membership.person_id])
    coverage = Coverage.objects.get(plan=plan, person=membership.person)
    Coverage.objects.filter(pk=coverage.pk).update(starts_on=plan.starts_on, waiting_until=plan.starts_on)
    coverage.refresh_from_db()
    return coverage


def claim_for(*, coverage: Coverage) -> Claim:
    today = timezone.localdate()
    return submit(coverage, stay(today - dt.timedelta(days=20), today - dt.timedelta(days=10)))


def new_form_worker(*, union: Union, name: str = "骑手小李") -> Any:
    """A new-form worker (新就业形态) with an account and a membership of `union`."""
    from gonghui.members.models import EmploymentForm
    from tests.factories import make_worker_user

    user = make_worker_user(name=name)
    membership = make_member(union=union, name=name, user=user)
    Person.objects.filter(pk=membership.person_id).update(employment_form=EmploymentForm.NEW_FORM)
    return user


class RecordingSms:
    """An SMS backend that keeps what it was asked to send (settings.SMS_BACKEND)."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def self_enrolment_for(*, union: Union, staff: Any) -> Any:
    """A new-form worker's pending self-enrolment in a plan of the union's city that allows it."""
    today = timezone.localdate()
    city = Union.objects.get(pk=int(union.path.strip("/").split("/")[2]))
    plan = make_plan(union=city, actor=staff, starts_on=today - dt.timedelta(days=30),
                     ends_on=today + dt.timedelta(days=300), min_participation=0, self_enrol=True)
    rider = new_form_worker(union=union)
    return services.self_enrol_apply(user=rider, plan_id=plan.pk, channel="wechat", payment_ref="4200009876543")
