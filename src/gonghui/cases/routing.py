"""Which union handles a new case, and when it is due.

Routing order: a configured `RoutingRule` for the category (most specific region first,
then priority); the employer's own union; for new-form workers the new-form federation of
the place; the union of the place (county, else city, else province); for a known worker who
gave neither place nor employer, the union of their membership (or of their pending
application); finally the national union, so no case is ever left without a handler.
"""

from __future__ import annotations

import datetime as dt

from gonghui.core.workdays import Deadline, deadline_after
from gonghui.members.models import Membership, MembershipApplication, Person
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


def member_union_for(person: Person | None) -> Union | None:
    """The union a known worker belongs to: their live membership's union, else the union of
    their pending membership application; None for someone the union does not know yet."""
    if person is None or person.pk is None:
        return None
    membership = (
        Membership.objects.filter(
            person=person, status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING],
            union__status=Union.Status.ACTIVE,
        ).select_related("union").order_by("-joined_on", "-pk").first()
    )
    if membership is not None:
        return membership.union
    application = (
        MembershipApplication.objects.filter(
            person=person, status=MembershipApplication.Status.SUBMITTED, union__status=Union.Status.ACTIVE,
        ).select_related("union").order_by("-submitted_at", "-pk").first()
    )
    return application.union if application is not None else None


def case_route(
    *, category: str, employer: Employer | None, region: Region | None, is_new_form: bool,
    member_union: Union | None = None,
) -> Union:
    """The union that should handle a case with these facts. `member_union` is the reporter's
    own union (`member_union_for`): it takes a case that names neither place nor employer, and
    its region stands in for the place when matching routing rules."""
    rule_region = region
    if rule_region is None and employer is None and member_union is not None:
        rule_region = member_union.region
    rules = [
        r for r in RoutingRule.objects.filter(category=category, is_active=True, union__status=Union.Status.ACTIVE)
        .select_related("union")
        if _rule_matches(r, rule_region)
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
    if member_union is not None:
        return member_union
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
