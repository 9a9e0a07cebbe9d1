"""Medical mutual aid's key figures (see gonghui/stats/registry.py for the contract).

Everything counts at the grassroots union whose members are covered (the enrolling union),
so premiums and payouts meet at the same union and the loss ratio rolls up the tree: a city
union's ratio is that of every unit below it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import Benefit, Claim, ClaimLine, Coverage, Enrolment


def covered(day: dt.date) -> Iterable[Row]:
    """People whose cover includes `day` (waiting period or not)."""
    qs = Coverage.objects.filter(starts_on__lte=day, ends_on__gte=day)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def premiums(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Enrolment.objects.filter(created_at__gte=start, created_at__lt=end)
    return ((u, "", int(n or 0)) for u, n in qs.values_list("union_id").annotate(n=Sum("premium")).order_by())


def claims_paid(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    # Approved, or under appeal against a lowered amount (its payout stands): a payout exists.
    qs = Claim.objects.filter(payout__isnull=False, decided_at__gte=start, decided_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def amount_paid(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = ClaimLine.objects.filter(approved=True, claim__payout__isnull=False, claim__decided_at__gte=start,
                                  claim__decided_at__lt=end)
    rows = qs.values_list("claim__union_id", "benefit").annotate(n=Sum("amount")).order_by()
    return ((u, benefit, int(n or 0)) for u, benefit, n in rows)


FIGURES = (
    Figure(
        key="mutualaid.covered", label=_("互助保障参保人数"), unit=_("人"), kind="stock", compute=covered,
        headline=True, phrase=_("{value} 名职工参加医疗互助保障"),
        definition=_("当日在保障期内的参保人数（含等待期内的新参保人员），计入为会员参保的基层工会。"),
        records_url="console:mutualaid:plans",
    ),
    Figure(
        key="mutualaid.premiums", label=_("互助保障保费"), unit=_("元"), money=True, compute=premiums,
        definition=_("统计期内登记参保时记账的保费（工会和个人承担部分合计），按参保日期计入参保的基层工会。"),
        records_url="console:mutualaid:report",
    ),
    Figure(
        key="mutualaid.claims_paid", label=_("互助金赔付人次"), unit=_("人次"), compute=claims_paid, headline=True,
        phrase=_("赔付互助金 {value} 人次"),
        definition=_("统计期内核准赔付的申请件数（一人多次计多人次），按核准日期计入参保的基层工会。"),
        records_url="console:mutualaid:queue", records_query="status=approved", records_action="approve",
    ),
    Figure(
        key="mutualaid.amount_paid", label=_("互助金赔付金额"), unit=_("元"), money=True, compute=amount_paid,
        phrase=_("赔付互助金 {value} 元"),
        definition=_("统计期内核准的互助金金额，按保障责任分类，按核准日期计入参保的基层工会。"),
        dimension=_("保障责任"), dimension_choices=tuple(Benefit.choices),
        records_url="console:mutualaid:queue", records_query="status=approved", records_action="approve",
    ),
    Figure(
        key="mutualaid.loss_ratio", label=_("互助保障赔付率"), unit="%", kind="rate",
        numerator="mutualaid.amount_paid", denominator="mutualaid.premiums",
        phrase=_("互助保障赔付率 {value}"),
        definition=_("统计期内核准的互助金金额除以同期登记的保费。"),
    ),
)
