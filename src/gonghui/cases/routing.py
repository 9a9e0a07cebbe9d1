"""Which union handles a new case, and when it is due.

Routing order: a configured `RoutingRule` for the category (most specific region first,
then priority); the employer's own union; for new-form workers the new-form federation of
the place; the union of the place (county, else city, else province); finally the national
union, so no case is ever left without a handler.
"""

from __future__ import annotations

import datetime as dt

from gonghui.core.workdays import Deadline, deadline_after
from gonghui.orgs.models import Employer, Region, Union, region_prefix
from gonghui.orgs.selectors import new_form_federations_for_region

from .models import (
    ACCEPT_WORKDAYS,
    DEFAULT_RESOLVE_WORKDAYS,
    DEFAULT_RESOLVE_WORKDAYS_OTHER,
    CategoryDeadline,
    RoutingRule,
)

_PLACE_KINDS = (Union.Kind.COUNTY, Union.Kind.CITY, Union.Kind.PROVINCIAL)


def _rule_matches(rule: RoutingRule, region: Region | None) -> bool:
    if rule.region_id is None:
        return True
    if region is None:
        return False
    return region.code.startswith(region_prefix(rule.region_id))


def case_route(*, category: str, employer: Employer | None, region: Region | None, is_new_form: bool) -> Union:
    """The union that should handle a case with these facts."""
    rules = [
        r for r in RoutingRule.objects.filter(category=category, is_active=True, union__status=Union.Status.ACTIVE)
        .select_related("union")
        if _rule_matches(r, region)
    ]
    if rules:
        # A rule for a narrower region wins over a broader one; then the lower priority number.
        rules.sort(key=lambda r: (-len(region_prefix(r.region_id)) if r.region_id else 0, r.priority, r.pk))
        return rules[0].union
    if employer is not None:
        employer_union = Union.objects.filter(employer=employer, status=Union.Status.ACTIVE).first()
        if employer_union is not None:
            return employer_union
        if region is None:
            region = employer.region
    if region is not None:
        if is_new_form:
            federation = new_form_federations_for_region(region_code=region.code).first()
            if federation is not None:
                return federation
        return union_of_place(region)
    return _root_union()


def union_of_place(region: Region) -> Union:
    """The county union of the region; climbing to city and province unions when missing."""
    codes = [region.code, region.code[:4] + "00", region.code[:2] + "0000"]
    for code in dict.fromkeys(codes):
        found = (
            Union.objects.active()
            .filter(region_id=code, kind__in=_PLACE_KINDS)
            .order_by("depth", "pk")
            .first()
        )
        if found is not None:
            return found
    return _root_union()


def _root_union() -> Union:
    root = Union.objects.active().filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise RuntimeError("no root union configured")
    return root


def resolve_workdays_for(category: str) -> int:
    configured = CategoryDeadline.objects.filter(category=category).values_list("resolve_workdays", flat=True).first()
    if configured is not None:
        return int(configured)
    return DEFAULT_RESOLVE_WORKDAYS.get(category, DEFAULT_RESOLVE_WORKDAYS_OTHER)


def accept_deadline_for(day: dt.date) -> Deadline:
    return deadline_after(day, ACCEPT_WORKDAYS)


def resolve_deadline_for(category: str, day: dt.date) -> Deadline:
    return deadline_after(day, resolve_workdays_for(category))


def accept_due_for(day: dt.date) -> dt.date:
    return accept_deadline_for(day).on


def resolve_due_for(category: str, day: dt.date) -> dt.date:
    return resolve_deadline_for(category, day).on
