"""Reads of medical mutual aid, shared by pages and the API, scoped by jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from gonghui.core import jurisdiction
from gonghui.orgs.models import Union

from .models import Claim, Coverage, Enrolment, Plan, PlanTotal, SelfEnrolment


def plan_list_for_user(*, user: Any) -> QuerySet[Plan]:
    return Plan.objects.visible_to(user).select_related("union").order_by("-starts_on", "pk")


def plan_get_for_user(*, user: Any, plan_id: int, action: str = "view") -> Plan:
    return jurisdiction.get_or_404(Plan.objects.visible_to(user, action).select_related("union"), pk=plan_id)


def plans_open_to_union(*, union: Union) -> QuerySet[Plan]:
    """Plans a grassroots union may enrol in: those of the unions above it."""
    ancestors = [p for p in union.path.strip("/").split("/") if p]
    return Plan.objects.filter(union_id__in=[int(a) for a in ancestors]).select_related("union").order_by("-starts_on")


def plan_list_for_enrolling_staff(*, user: Any) -> list[Plan]:
    """Plans the user may enrol some union of theirs in: their own plans and those above."""
    paths = jurisdiction.union_paths_for(user, "change")
    if paths is None:
        return list(Plan.objects.select_related("union").order_by("-starts_on")[:200])
    ids: set[int] = set()
    for path in paths:
        ids.update(int(p) for p in path.strip("/").split("/") if p)
    from django.db.models import Q

    condition = Q(union_id__in=ids)
    for path in paths:
        condition |= Q(union_path__startswith=path)
    return list(Plan.objects.filter(condition).select_related("union").order_by("-starts_on")[:200])


def enrolling_unions_for_user(*, user: Any, plan: Plan) -> QuerySet[Union]:
    unions = jurisdiction.scope(Union.objects.filter(path__startswith=plan.union_path), user, path_field="path",
                                action="change")
    return unions.filter(kind__in=Union.MEMBER_KINDS, status=Union.Status.ACTIVE).order_by("path")


def enrolment_list(*, user: Any, plan: Plan) -> QuerySet[Enrolment]:
    return Enrolment.objects.visible_to(user).filter(plan=plan).select_related("union").order_by("-pk")


def enrolment_get_for_user(*, user: Any, enrolment_id: int) -> Enrolment:
    return jurisdiction.get_or_404(Enrolment.objects.visible_to(user).select_related("plan", "union"),
                                   pk=enrolment_id)


def coverage_list_for_enrolment(*, enrolment: Enrolment) -> QuerySet[Coverage]:
    return enrolment.coverages.select_related("person").order_by("pk")


def coverage_get_for_user(*, user: Any, coverage_id: int) -> Coverage:
    return jurisdiction.get_or_404(Coverage.objects.visible_to(user).select_related("plan", "union", "person"),
                                   pk=coverage_id)


def my_coverages(*, user: Any) -> QuerySet[Coverage]:
    if not getattr(user, "is_authenticated", False):
        return Coverage.objects.none()
    return Coverage.objects.filter(person__user=user).select_related("plan", "union").order_by("-ends_on")


def my_coverage_get(*, user: Any, coverage_id: int) -> Coverage:
    return jurisdiction.get_or_404(my_coverages(user=user), pk=coverage_id)


def my_claims(*, user: Any) -> QuerySet[Claim]:
    if not getattr(user, "is_authenticated", False):
        return Claim.objects.none()
    return Claim.objects.filter(user=user).select_related("coverage__plan", "payout", "appeal_payout").order_by("-pk")


def my_claim_get(*, user: Any, claim_id: int) -> Claim:
    return jurisdiction.get_or_404(my_claims(user=user).prefetch_related("lines", "documents"), pk=claim_id)


def claim_queue(*, user: Any, status: str = "") -> QuerySet[Claim]:
    qs = Claim.objects.visible_to(user).select_related("coverage__plan", "coverage__person", "union", "appeal_payout")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at", "pk")


def claim_get_for_user(*, user: Any, claim_id: int, action: str = "view") -> Claim:
    return jurisdiction.get_or_404(
        Claim.objects.visible_to(user, action).select_related("coverage__plan__union", "coverage__person", "union",
                                                              "version", "payout", "appeal_payout").prefetch_related("lines",
                                                                                                    "documents"),
        pk=claim_id,
    )


@dataclass(frozen=True)
class LossRatio:
    plan_id: int
    plan_name: str
    union_name: str
    people: int
    premiums: int
    paid: int
    claims_paid: int
    by_benefit: dict[str, int]

    @property
    def ratio(self) -> float | None:
        return self.paid / self.premiums if self.premiums else None

    @property
    def ratio_text(self) -> str:
        return "—" if self.ratio is None else f"{self.ratio * 100:.1f}%"


def loss_ratio(*, plans: QuerySet[Plan]) -> list[LossRatio]:
    """Per plan: people covered, premiums booked, approved payouts (总额, 人次, by benefit)
    and the loss ratio (payouts / premiums). Three grouped queries over small tables (the
    enrolments and the plans' running totals) whatever the number of claims."""
    plan_rows = list(plans.values_list("pk", "name", "union__name"))
    ids = [p[0] for p in plan_rows]
    enrolled = {p: (s or 0, n or 0) for p, s, n in Enrolment.objects.filter(plan_id__in=ids).values_list(
        "plan_id").annotate(s=Sum("premium"), n=Sum("count")).order_by()}
    totals: dict[int, dict[str, tuple[int, int]]] = {}
    for p, benefit, amount, count in PlanTotal.objects.filter(plan_id__in=ids).values_list(
            "plan_id", "benefit", "amount", "count"):
        totals.setdefault(p, {})[benefit] = (amount, count)
    rows = []
    for pk, name, union in plan_rows:
        plan_totals = totals.get(pk, {})
        paid, claims = plan_totals.get("", (0, 0))
        rows.append(LossRatio(
            plan_id=pk, plan_name=name, union_name=union, people=enrolled.get(pk, (0, 0))[1],
            premiums=enrolled.get(pk, (0, 0))[0], paid=paid, claims_paid=claims,
            by_benefit={b: a for b, (a, _n) in plan_totals.items() if b and a}))
    return rows


def plan_get_for_enrolment(*, user: Any, plan_id: int) -> Plan:
    """A plan the user may enrol some union of theirs in (theirs, or a plan above them)."""
    plan = Plan.objects.select_related("union").filter(pk=plan_id).first()
    if plan is None:
        raise jurisdiction.NotFound()
    paths = jurisdiction.union_paths_for(user, "change")
    if paths is None or any(p.startswith(plan.union_path) or plan.union_path.startswith(p) for p in paths):
        return plan
    raise jurisdiction.NotFound()


def enrolment_roster(*, plan: Plan, union: Union) -> list[dict[str, Any]]:
    """The unit's live members (up to 2,000 shown), each marked when already covered."""
    from gonghui.members.models import Membership

    covered = set(Coverage.objects.filter(plan=plan).values_list("person_id", flat=True))
    rows = (Membership.objects.filter(union=union, status=Membership.Status.ACTIVE)
            .values_list("person_id", "person__name", "number").order_by("number")[:2000])
    return [{"person_id": pid, "name": name, "number": number, "covered": pid in covered} for pid, name, number in rows]


def plan_unions_for_user(*, user: Any) -> QuerySet[Union]:
    """Province and city unions where the user may set up a plan."""
    return Union.objects.visible_to(user, "change").filter(
        kind__in=[Union.Kind.PROVINCIAL, Union.Kind.CITY], status=Union.Status.ACTIVE).order_by("path")


def plan_only(*, plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(pk=plan.pk)


def self_enrolment_list(*, user: Any, status: str = "") -> QuerySet[SelfEnrolment]:
    """New-form workers' own enrolments at the unions in the user's branch, oldest first."""
    qs = SelfEnrolment.objects.visible_to(user).select_related("plan", "person", "union")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("pk")


def self_enrolment_get_for_user(*, user: Any, request_id: int, action: str = "view") -> SelfEnrolment:
    return jurisdiction.get_or_404(
        SelfEnrolment.objects.visible_to(user, action).select_related("plan", "person", "union"), pk=request_id)


def my_self_enrolments(*, user: Any) -> QuerySet[SelfEnrolment]:
    if not getattr(user, "is_authenticated", False):
        return SelfEnrolment.objects.none()
    return SelfEnrolment.objects.filter(user=user).select_related("plan").order_by("-pk")


def coverage_of_self_enrolment(request: SelfEnrolment) -> Coverage | None:
    if request.enrolment_id is None:
        return None
    return Coverage.objects.filter(enrolment_id=request.enrolment_id).first()


def member_numbers(*, enrolment: Enrolment) -> dict[int, str]:
    """Membership numbers of the enrolment's people at the enrolling union (one query)."""
    from gonghui.members.models import Membership

    people = Coverage.objects.filter(enrolment=enrolment).values("person_id")
    return dict(Membership.objects.filter(union_id=enrolment.union_id, person_id__in=people)
                .values_list("person_id", "number"))
