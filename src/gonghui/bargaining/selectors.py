"""Reads for bargaining and safety, scoped by jurisdiction (`visible_to`); pages and the API
share them. Also the computed views of terms: changes between versions and the comparison
of minimum pay across contracts in one currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from gonghui.core.jurisdiction import get_or_404, scope
from gonghui.core.jurisdiction import union_paths_for as scope_paths
from gonghui.members.models import Membership
from gonghui.orgs.models import Employer, Union

from . import clocks, currencies
from .models import (
    BargainingOffer,
    BargainingRound,
    BargainingUnit,
    CollectiveContract,
    CongressVote,
    ContractVersion,
    InspectionPlan,
    OfferCampaign,
    SafetyChecklist,
    SafetyHazard,
    SafetyInspection,
    SafetyPhoto,
)
from .services import TEXT_TERMS, today


def union_choices_for_user(*, user: Any) -> QuerySet[Union]:
    return Union.objects.visible_to(user, "change").filter(status=Union.Status.ACTIVE).order_by("path")


def union_for_user(*, user: Any, union_id: Any) -> Union:
    return get_or_404(Union.objects.visible_to(user, "change"), pk=union_id)


def employer_choices_for_user(*, user: Any) -> QuerySet[Employer]:
    """Employers with a union in the user's subtree (a union's employers are the ones it can
    bargain with or inspect), plus platform branches of those."""
    return scope(Employer.objects.filter(union__isnull=False), user, path_field="union__path").order_by("name")


def employers_for_user(*, user: Any, ids: list[int]) -> list[Employer]:
    found = list(scope(Employer.objects.filter(pk__in=ids, union__isnull=False), user, path_field="union__path"))
    if len(found) != len(set(ids)):
        from gonghui.core.errors import NotFound

        raise NotFound()
    return found


def employers_with_union_under(*, union: Union, limit: int) -> QuerySet[Employer]:
    """Employers whose union lies in `union`'s subtree (a 集中要约 to all of them)."""
    return Employer.objects.filter(union__path__startswith=union.path).order_by("name")[:limit]


def campaign_units_pending(*, campaign: OfferCampaign) -> list[BargainingUnit]:
    """The campaign's units whose representatives are still 待定."""
    from .models import PENDING

    return list(BargainingUnit.objects.filter(offers__campaign=campaign).filter(
        Q(union_chief=PENDING) | Q(employer_chief=PENDING)).distinct().order_by("name")[:500])


def unit_list_for_user(*, user: Any) -> QuerySet[BargainingUnit]:
    return BargainingUnit.objects.visible_to(user).select_related("union", "employer")


def unit_get_for_user(*, user: Any, unit_id: int, action: str = "view") -> BargainingUnit:
    return get_or_404(BargainingUnit.objects.visible_to(user, action).select_related("union", "employer"), pk=unit_id)


def offer_list_for_user(*, user: Any, status: str = "") -> QuerySet[BargainingOffer]:
    qs = BargainingOffer.objects.visible_to(user).select_related("unit__union")
    return qs.filter(status=status) if status else qs


def offer_get_for_user(*, user: Any, offer_id: int, action: str = "view") -> BargainingOffer:
    return get_or_404(BargainingOffer.objects.visible_to(user, action).select_related("unit__union", "escalation_case"), pk=offer_id)


def offer_waiting_count(user: Any) -> int:
    """Offers still waiting for an answer, or flagged silent (the console badge)."""
    return BargainingOffer.objects.visible_to(user).filter(status__in=[BargainingOffer.Status.SENT, BargainingOffer.Status.SILENT],
                                                           escalation_case__isnull=True).count()


def round_get_for_user(*, user: Any, round_id: int, action: str = "view") -> BargainingRound:
    return get_or_404(BargainingRound.objects.visible_to(user, action).select_related("unit__union"), pk=round_id)


def contract_list_for_user(*, user: Any) -> QuerySet[CollectiveContract]:
    return CollectiveContract.objects.visible_to(user).select_related("unit__union")


def contract_get_for_user(*, user: Any, contract_id: int, action: str = "view") -> CollectiveContract:
    return get_or_404(CollectiveContract.objects.visible_to(user, action).select_related("unit__union"), pk=contract_id)


def version_get_for_user(*, user: Any, version_id: int) -> ContractVersion:
    return get_or_404(ContractVersion.objects.visible_to(user).select_related("contract__unit__union"), pk=version_id)


def vote_get_for_user(*, user: Any, vote_id: int) -> CongressVote:
    return get_or_404(CongressVote.objects.visible_to(user).select_related("contract"), pk=vote_id)


def campaign_list_for_user(*, user: Any) -> QuerySet[OfferCampaign]:
    return OfferCampaign.objects.visible_to(user).select_related("union")


def campaign_get_for_user(*, user: Any, campaign_id: int) -> OfferCampaign:
    return get_or_404(OfferCampaign.objects.visible_to(user).select_related("union"), pk=campaign_id)


def campaign_tally(*, campaign: OfferCampaign) -> dict[str, int]:
    rows = dict(campaign.offers.values_list("status").annotate(n=Count("id")).order_by())
    return {status: rows.get(status, 0) for status in BargainingOffer.Status.values} | {"total": sum(rows.values())}


# --- terms -------------------------------------------------------------------------------


def pct_text(bp: int | None) -> str:
    if bp is None:
        return ""
    return f"{Decimal(bp) / 100:.2f}%"


def min_pay_text(version: ContractVersion) -> str:
    if version.min_pay_minor is None or not version.min_pay_currency:
        return ""
    return f"{currencies.display(version.min_pay_minor, version.min_pay_currency)} / {version.get_min_pay_period_display()}"


def percent_change(old: int, new: int) -> Decimal | None:
    """(new − old) / old in percent, one decimal, half up: 23900 → 29300 is +22.6."""
    if old == 0:
        return None
    return (Decimal(new - old) * 100 / Decimal(old)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TermChange:
    field: str
    label: str
    old: str
    new: str
    change_pct: Decimal | None = None

    @property
    def change_text(self) -> str:
        if self.change_pct is None:
            return ""
        return f"{'+' if self.change_pct > 0 else ''}{self.change_pct}%"


def version_changes(old: ContractVersion, new: ContractVersion) -> list[TermChange]:
    """What changed from `old` to `new`, term by term. Minimum pay in the same currency and
    period shows its change in percent; across currencies no percentage is computed."""
    changes: list[TermChange] = []
    label = lambda name: ContractVersion.label_of(name)  # noqa: E731
    if old.wage_adjustment_bp != new.wage_adjustment_bp:
        changes.append(TermChange("wage_adjustment", label("wage_adjustment_bp").replace("（万分之一）", ""),
                                  pct_text(old.wage_adjustment_bp), pct_text(new.wage_adjustment_bp)))
    old_pay, new_pay = (old.min_pay_minor, old.min_pay_currency, old.min_pay_period), (new.min_pay_minor, new.min_pay_currency, new.min_pay_period)
    if old_pay != new_pay:
        pct = None
        if (old.min_pay_minor is not None and new.min_pay_minor is not None and old.min_pay_currency == new.min_pay_currency
                and old.min_pay_period == new.min_pay_period):
            pct = percent_change(old.min_pay_minor, new.min_pay_minor)
        changes.append(TermChange("min_pay", str(_min_pay_label()), min_pay_text(old), min_pay_text(new), pct))
    if old.weekly_hours != new.weekly_hours:
        changes.append(TermChange("weekly_hours", label("weekly_hours"), str(old.weekly_hours or ""), str(new.weekly_hours or "")))
    for name in TEXT_TERMS:
        if getattr(old, name) != getattr(new, name):
            changes.append(TermChange(name, label(name), getattr(old, name), getattr(new, name)))
    return changes


def _min_pay_label() -> str:
    from django.utils.translation import gettext

    return gettext("最低工资标准")


@dataclass(frozen=True)
class PayRow:
    contract: CollectiveContract
    amount_minor: int
    text: str


def min_pay_comparison(*, user: Any, currency: str, period: str) -> list[PayRow]:
    """The minimum pay of the latest text of each visible contract, in ONE currency and pay
    period, highest first (one query). Contracts in other currencies are not converted: they
    are left out (the page lists which currencies exist, `min_pay_currencies`)."""
    latest = ContractVersion.objects.filter(contract=OuterRef("contract")).order_by("-number").values("number")[:1]
    versions = (ContractVersion.objects.visible_to(user)
                .filter(number=Subquery(latest), min_pay_currency=currency, min_pay_period=period, min_pay_minor__isnull=False)
                .select_related("contract__unit__union").order_by("-min_pay_minor", "contract_id")[:1000])
    return [PayRow(v.contract, v.min_pay_minor or 0, min_pay_text(v)) for v in versions]


def min_pay_currencies(*, user: Any) -> list[tuple[str, str, str, int]]:
    """(currency, period, period label, how many contracts) among visible contracts' texts."""
    from .models import PayPeriod

    qs = ContractVersion.objects.visible_to(user).exclude(min_pay_currency="").values_list("min_pay_currency", "min_pay_period")
    return [(c, p, str(PayPeriod(p).label), n)
            for c, p, n in qs.annotate(n=Count("contract", distinct=True)).order_by("min_pay_currency", "min_pay_period")]


# --- the worker's contracts ----------------------------------------------------------------


def contracts_for_worker(*, user: Any) -> list[CollectiveContract]:
    """我的集体合同: contracts in force whose unit covers the worker's employer (through their
    live membership) or whose unit belongs to their union."""
    memberships = Membership.objects.filter(person__user=user, status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING])
    employer_ids = {e for e in memberships.values_list("employer_id", flat=True) if e}
    union_ids = set(memberships.values_list("union_id", flat=True))
    if not employer_ids and not union_ids:
        return []
    condition = Q(unit__employer_id__in=employer_ids) | Q(unit__employers__in=employer_ids) | Q(unit__union_id__in=union_ids)
    qs = CollectiveContract.objects.filter(condition, status=CollectiveContract.Status.IN_FORCE).select_related("unit__union")
    return list(qs.distinct().order_by("-in_force_on", "-pk")[:20])


def contract_get_for_worker(*, user: Any, contract_id: int) -> CollectiveContract:
    for contract in contracts_for_worker(user=user):
        if contract.pk == contract_id:
            return contract
    from gonghui.core.errors import NotFound

    raise NotFound()


# --- clocks as people read them -------------------------------------------------------------


def offer_days_left(offer: BargainingOffer, on: dt.date | None = None) -> int | None:
    if offer.answer_due is None or offer.status != BargainingOffer.Status.SENT:
        return None
    return (offer.answer_due - (on or today())).days


def contract_renewal_on(contract: CollectiveContract) -> dt.date:
    return clocks.renewal_reminder_on(contract.ends_on)


# --- safety -------------------------------------------------------------------------------


def _ancestor_paths(paths: list[str]) -> set[str]:
    """Every union path above (and at) the given ones: "/1/5/9/" → "/1/", "/1/5/", "/1/5/9/"."""
    out: set[str] = set()
    for path in paths:
        parts = [p for p in path.split("/") if p]
        for i in range(1, len(parts) + 1):
            out.add("/" + "/".join(parts[:i]) + "/")
    return out


def checklist_list_for_user(*, user: Any) -> QuerySet[SafetyChecklist]:
    """The checklists a staff member may use: their branch's own, and the templates shared by
    the unions above them (national, provincial …), inherited down the tree."""
    paths = scope_paths(user)
    own = SafetyChecklist.objects.visible_to(user)
    if paths is None:
        return own.select_related("union")
    inherited = SafetyChecklist.objects.filter(shared=True, union__path__in=_ancestor_paths(paths))
    return (own | inherited).distinct().select_related("union")


def checklist_get_for_user(*, user: Any, checklist_id: int) -> SafetyChecklist:
    return get_or_404(checklist_list_for_user(user=user), pk=checklist_id)


def checklist_is_inherited(*, user: Any, checklist: SafetyChecklist) -> bool:
    """A template from above: usable, not editable by this user."""
    return not SafetyChecklist.objects.visible_to(user, "change").filter(pk=checklist.pk).exists()


def plan_list_for_user(*, user: Any, status: str = "") -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.visible_to(user).select_related("union", "employer", "checklist")
    return qs.filter(status=status) if status else qs


def plan_get_for_user(*, user: Any, plan_id: int, action: str = "view") -> InspectionPlan:
    return get_or_404(InspectionPlan.objects.visible_to(user, action).select_related("union", "employer", "checklist"), pk=plan_id)


def inspection_list_for_user(*, user: Any) -> QuerySet[SafetyInspection]:
    return SafetyInspection.objects.visible_to(user).select_related("union", "employer").annotate(n_hazards=Count("hazards"))


def inspection_get_for_user(*, user: Any, inspection_id: int, action: str = "view") -> SafetyInspection:
    return get_or_404(SafetyInspection.objects.visible_to(user, action).select_related("union", "employer", "checklist"), pk=inspection_id)


def hazard_list_for_user(*, user: Any, status: str = "", overdue: bool = False) -> QuerySet[SafetyHazard]:
    qs = SafetyHazard.objects.visible_to(user).select_related("union")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=SafetyHazard.Status.OPEN, rectify_due__lt=today())
    return qs


def hazard_get_for_user(*, user: Any, hazard_id: int, action: str = "view") -> SafetyHazard:
    return get_or_404(SafetyHazard.objects.visible_to(user, action).select_related("union", "inspection", "escalation_letter", "escalation_case"), pk=hazard_id)


def hazard_open_count(user: Any) -> int:
    return SafetyHazard.objects.visible_to(user).filter(status__in=[SafetyHazard.Status.REPORTED, SafetyHazard.Status.OPEN]).count()


def hazards_reported_by(*, user: Any) -> QuerySet[SafetyHazard]:
    return SafetyHazard.objects.filter(reported_by=user).order_by("-created_at")


def photo_get_for_user(*, user: Any, photo_id: int) -> SafetyPhoto:
    return get_or_404(SafetyPhoto.objects.visible_to(user), pk=photo_id)


@dataclass(frozen=True)
class SafetyCounts:
    inspections: int
    hazards: int
    rectified_on_time: int
    rectified_late: int
    overdue: int


def safety_counts(*, user: Any, on: dt.date | None = None) -> SafetyCounts:
    on = on or today()
    hazards = SafetyHazard.objects.visible_to(user).exclude(status__in=[SafetyHazard.Status.REPORTED, SafetyHazard.Status.DISMISSED])
    done = hazards.filter(rectified_on__isnull=False, status__in=[SafetyHazard.Status.RECTIFIED, SafetyHazard.Status.CLOSED])
    from django.db.models import F

    return SafetyCounts(
        inspections=SafetyInspection.objects.visible_to(user).count(),
        hazards=hazards.count(),
        rectified_on_time=done.filter(rectified_on__lte=F("rectify_due")).count(),
        rectified_late=done.filter(rectified_on__gt=F("rectify_due")).count(),
        overdue=hazards.filter(status=SafetyHazard.Status.OPEN, rectify_due__lt=on).count(),
    )


def bargaining_counts(*, user: Any) -> dict[str, int]:
    contracts = contract_list_for_user(user=user).filter(status=CollectiveContract.Status.IN_FORCE)
    return {
        "units": unit_list_for_user(user=user).count(),
        "offers_waiting": offer_waiting_count(user),
        "in_force": contracts.count(),
        "workers": sum(contracts.values_list("unit__workers_covered", flat=True)),
    }


def version_texts(version: ContractVersion | None) -> list[tuple[str, str]]:
    """The text terms of a version that are filled in, with their labels, in order."""
    if version is None:
        return []
    return [(ContractVersion.label_of(name), getattr(version, name))
            for name in TEXT_TERMS if getattr(version, name)]


def employer_name_for_worker(*, user: Any) -> str:
    """The employer of the worker's live membership, to prefill a hazard report."""
    membership = (Membership.objects.filter(person__user=user, status=Membership.Status.ACTIVE, employer__isnull=False)
                  .select_related("employer").order_by("-joined_on").first())
    return membership.employer.name if membership and membership.employer else ""
