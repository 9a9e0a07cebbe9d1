"""The members module's key figures (see gonghui/stats/registry.py for the contract).

A membership belongs to one union for a stretch of days (joined_on … ended_on); a transfer
ends one stretch and opens the next at the new union, so a member moved mid-period counts at
the old union before the move and at the new one after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import EmploymentForm, MemberCard, Membership, MembershipTransfer


def _on_roll(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def members_total(day: dt.date) -> Iterable[Row]:
    qs = Membership.objects.filter(_on_roll(day))
    return qs.values_list("union_id", "person__employment_form").annotate(n=Count("id")).order_by()


def members_joined(day: dt.date) -> Iterable[Row]:
    qs = Membership.objects.filter(joined_on=day).exclude(source="transfer")
    return qs.values_list("union_id", "person__employment_form").annotate(n=Count("id")).order_by()


def members_new_form_joined(day: dt.date) -> Iterable[Row]:
    qs = Membership.objects.filter(joined_on=day, person__employment_form=EmploymentForm.NEW_FORM)
    rows = qs.exclude(source="transfer").values_list("union_id").annotate(n=Count("id")).order_by()
    return ((union_id, "", n) for union_id, n in rows)


def members_transfers_in(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = MembershipTransfer.objects.filter(
        status=MembershipTransfer.Status.ACCEPTED, decided_at__gte=start, decided_at__lt=end
    )
    return ((u, "", n) for u, n in qs.values_list("to_union_id").annotate(n=Count("id")).order_by())


def members_cards_issued(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = MemberCard.objects.filter(issued_at__gte=start, issued_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("membership__union_id").annotate(n=Count("id")).order_by())


FIGURES = (
    Figure(
        key="members.total", phrase=_("共有会员 {value} 人"), label=_("会员总数"), unit=_("人"), kind="stock", compute=members_total,
        definition=_("当日日终在册的会员人数（含接转中），按会员关系所属工会统计；按用工形式分类。"),
        dimension=_("用工形式"), dimension_choices=tuple(EmploymentForm.choices), headline=True,
        records_url="console:members:people",
    ),
    Figure(
        key="members.joined", phrase=_("新发展会员 {value} 人"), label=_("新入会会员"), unit=_("人"), compute=members_joined,
        definition=_("入会日期在统计期内的会员人数（申请入会和花名册导入，不含接转转入），按用工形式分类。"),
        dimension=_("用工形式"), dimension_choices=tuple(EmploymentForm.choices), headline=True,
        records_url="console:members:people",
    ),
    Figure(
        key="members.new_form_joined", phrase=_("其中新就业形态劳动者 {value} 人"), label=_("新就业形态劳动者入会"), unit=_("人"), compute=members_new_form_joined,
        definition=_("统计期内入会的新就业形态劳动者人数（快递员、外卖送餐员、网约车司机、货车司机等）。"),
        headline=True,
    ),
    Figure(
        key="members.transfers_in", phrase=_("办结会员关系接转 {value} 人"), label=_("接转转入"), unit=_("人"), compute=members_transfers_in,
        definition=_("统计期内办结的会员关系接转，计入转入工会。"),
        records_url="console:members:transfers",
    ),
    Figure(
        key="members.cards_issued", label=_("发放电子会员卡"), unit=_("张"), compute=members_cards_issued,
        definition=_("统计期内发放的电子会员卡张数，计入持卡会员所属工会。"),
    ),
)
