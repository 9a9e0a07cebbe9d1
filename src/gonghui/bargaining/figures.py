"""The bargaining module's key figures (see gonghui/stats/registry.py for the contract).

Contracts count at the union of their bargaining unit (the union side), inspections and
hazards at the union that inspected or follows them; every figure rolls up the tree.
Stocks are read from each record's dates, so a past day can be computed again: a contract
is in force on a day from its `in_force_on` to its `ends_on`; a hazard is overdue on a day
after its deadline while it was not yet rectified."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row

from .models import (
    CollectiveContract,
    ContractKind,
    SafetyHazard,
    SafetyInspection,
    Sector,
    UnitKind,
)

SECTOR_CHOICES = (*Sector.choices, ("", _("未填行业门类")))


def _in_force_on(day: dt.date) -> Q:
    return Q(in_force_on__lte=day, ends_on__gte=day,
             status__in=[CollectiveContract.Status.IN_FORCE, CollectiveContract.Status.EXPIRED])


def contracts_in_force(day: dt.date) -> Iterable[Row]:
    qs = CollectiveContract.objects.filter(_in_force_on(day))
    return qs.values_list("unit__union_id", "kind").annotate(n=Count("id")).order_by()


def workers_covered(day: dt.date) -> Iterable[Row]:
    qs = CollectiveContract.objects.filter(_in_force_on(day))
    return ((u, k, n or 0) for u, k, n in qs.values_list("unit__union_id", "unit__kind").annotate(n=Sum("unit__workers_covered")).order_by())


def workers_covered_by_sector(day: dt.date) -> Iterable[Row]:
    """The same workers as `workers_covered`, broken down by the unit's 行业门类 ("" when not set)."""
    qs = CollectiveContract.objects.filter(_in_force_on(day))
    return ((u, k or "", n or 0) for u, k, n in
            qs.values_list("unit__union_id", "unit__sector_code").annotate(n=Sum("unit__workers_covered")).order_by())


def contracts_in_force_by_sector(day: dt.date) -> Iterable[Row]:
    qs = CollectiveContract.objects.filter(_in_force_on(day))
    return ((u, k or "", n) for u, k, n in qs.values_list("unit__union_id", "unit__sector_code").annotate(n=Count("id")).order_by())


def employers_covered(day: dt.date) -> Iterable[Row]:
    """Employers under a contract in force: the unit's own employer (a platform's HQ) and the
    employers it lists (a sector's, a region's, a platform's branches)."""
    qs = CollectiveContract.objects.filter(_in_force_on(day)).values_list("unit__union_id", "unit__kind").annotate(
        listed=Count("unit__employers", distinct=True), own=Count("unit__employer", distinct=True)).order_by()
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for union_id, kind, listed, own in qs:
        totals[(union_id, kind)] += listed + own
    return ((u, k, n) for (u, k), n in totals.items())


def inspections(day: dt.date) -> Iterable[Row]:
    qs = SafetyInspection.objects.filter(inspected_on=day)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def hazards_found(day: dt.date) -> Iterable[Row]:
    qs = SafetyHazard.objects.filter(found_on=day).exclude(status__in=[SafetyHazard.Status.REPORTED, SafetyHazard.Status.DISMISSED])
    return qs.values_list("union_id", "severity").annotate(n=Count("id")).order_by()


def hazards_rectified_on_time(day: dt.date) -> Iterable[Row]:
    qs = SafetyHazard.objects.filter(rectified_on=day, rectify_due__gte=day)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def hazards_overdue(day: dt.date) -> Iterable[Row]:
    qs = SafetyHazard.objects.filter(rectify_due__lt=day).filter(
        Q(status=SafetyHazard.Status.OPEN) | Q(rectified_on__gt=day))
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


FIGURES = (
    Figure(
        key="bargaining.contracts_in_force", label=_("生效集体合同"), unit=_("份"), kind="stock", compute=contracts_in_force,
        headline=True, phrase=_("生效集体合同 {value} 份"),
        definition=_("当天处于有效期内的集体合同份数（审查期满无异议生效之日起至期限结束），按合同类型分类，计入职工方工会。"),
        dimension=_("合同类型"), dimension_choices=tuple(ContractKind.choices),
    ),
    Figure(
        key="bargaining.workers_covered", label=_("集体合同覆盖职工"), unit=_("人"), kind="stock", compute=workers_covered,
        phrase=_("覆盖职工 {value} 人"),
        definition=_("当天生效集体合同所覆盖的职工人数之和（同一协商单位的综合合同和专项合同各计一次），按协商类型分类。"),
        dimension=_("协商类型"), dimension_choices=tuple(UnitKind.choices),
    ),
    Figure(
        key="bargaining.employers_covered", label=_("集体合同覆盖单位"), unit=_("家"), kind="stock", compute=employers_covered,
        definition=_("当天生效集体合同覆盖的用人单位数（平台总部及分支机构、行业性区域性合同的每家单位），按协商类型分类。"),
        dimension=_("协商类型"), dimension_choices=tuple(UnitKind.choices),
    ),
    Figure(
        key="bargaining.contracts_by_sector", label=_("生效集体合同（按行业）"), unit=_("份"), kind="stock",
        compute=contracts_in_force_by_sector,
        definition=_("当天处于有效期内的集体合同份数，按协商单位的国民经济行业门类（GB/T 4754）分类；未填门类的单列。"),
        dimension=_("行业门类"), dimension_choices=SECTOR_CHOICES,
    ),
    Figure(
        key="bargaining.workers_covered_by_sector", label=_("集体合同覆盖职工（按行业）"), unit=_("人"), kind="stock",
        compute=workers_covered_by_sector,
        definition=_("当天生效集体合同所覆盖的职工人数之和，按协商单位的国民经济行业门类（GB/T 4754）分类；未填门类的单列。"),
        dimension=_("行业门类"), dimension_choices=SECTOR_CHOICES,
    ),
    Figure(
        key="bargaining.inspections", label=_("安全监督检查"), unit=_("次"), compute=inspections,
        phrase=_("开展群众性安全生产监督检查 {value} 次"),
        definition=_("统计期内工会劳动保护监督检查员开展的安全检查次数（按检查日期），计入检查工会。"),
    ),
    Figure(
        key="bargaining.hazards_found", label=_("发现安全隐患"), unit=_("处"), compute=hazards_found,
        phrase=_("发现安全隐患 {value} 处"),
        definition=_("统计期内检查发现或职工报告并经核实的安全隐患（按发现日期），按隐患等级分类。"),
        dimension=_("等级"), dimension_choices=tuple(SafetyHazard.Severity.choices),
    ),
    Figure(
        key="bargaining.hazards_on_time", label=_("按期整改隐患"), unit=_("处"), compute=hazards_rectified_on_time,
        definition=_("统计期内在整改期限内完成整改的隐患数（按整改完成日期）。"),
    ),
    Figure(
        key="bargaining.hazards_overdue", label=_("逾期未整改隐患"), unit=_("处"), kind="stock", compute=hazards_overdue,
        definition=_("当天已过整改期限仍未完成整改的隐患数。"),
    ),
)
