"""The cases module's key figures (see gonghui/stats/registry.py for the contract).

A case counts at the union handling it: a case transferred to another union moves there (the
transfer marks the days already counted for a re-run). Received is counted on the day the case
was registered, resolved on the day it was resolved, a rating on the day it was given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import Case, CaseRating, Category, Channel, LegalAidDecision, Mediation, Rating


def _one(rows: Iterable[tuple[int, int | None]]) -> Iterable[Row]:
    return ((u, "", int(n or 0)) for u, n in rows)


def cases_received(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    return qs.values_list("union_id", "channel").annotate(n=Count("id")).order_by()


def cases_by_category(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    return qs.values_list("union_id", "category").annotate(n=Count("id")).order_by()


def cases_new_form(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Case.objects.filter(created_at__gte=start, created_at__lt=end, is_new_form=True)
    return _one(qs.values_list("union_id").annotate(n=Count("id")).order_by())


def _resolved(day: dt.date) -> Q:
    start, end = day_bounds(day)
    return Q(resolved_at__gte=start, resolved_at__lt=end)


def cases_resolved(day: dt.date) -> Iterable[Row]:
    return _one(Case.objects.filter(_resolved(day)).values_list("union_id").annotate(n=Count("id")).order_by())


def cases_resolved_on_time(day: dt.date) -> Iterable[Row]:
    # Resolved on `day`, and `day` is not later than the resolution deadline.
    qs = Case.objects.filter(_resolved(day)).filter(Q(resolve_due__isnull=True) | Q(resolve_due__gte=day))
    return _one(qs.values_list("union_id").annotate(n=Count("id")).order_by())


def cases_recovered(day: dt.date) -> Iterable[Row]:
    qs = Case.objects.filter(_resolved(day), recovered_fen__gt=0)
    return _one(qs.values_list("union_id").annotate(n=Sum("recovered_fen")).order_by())


def cases_people_paid(day: dt.date) -> Iterable[Row]:
    qs = Case.objects.filter(_resolved(day), people_paid__gt=0)
    return _one(qs.values_list("union_id").annotate(n=Sum("people_paid")).order_by())


def cases_rated(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = CaseRating.objects.filter(at__gte=start, at__lt=end)
    return qs.values_list("case__union_id", "rating").annotate(n=Count("id")).order_by()


def cases_satisfied(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = CaseRating.objects.filter(at__gte=start, at__lt=end, rating__in=[Rating.SATISFIED, Rating.BASICALLY])
    return _one(qs.values_list("case__union_id").annotate(n=Count("id")).order_by())


def cases_open(day: dt.date) -> Iterable[Row]:
    _start, end = day_bounds(day)
    qs = Case.objects.filter(created_at__lt=end).filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
    return _one(qs.values_list("union_id").annotate(n=Count("id")).order_by())


def cases_mediations(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Mediation.objects.filter(created_at__gte=start, created_at__lt=end)
    return _one(qs.values_list("case__union_id").annotate(n=Count("id")).order_by())


def cases_mediations_agreed(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Mediation.objects.filter(closed_at__gte=start, closed_at__lt=end, outcome=Mediation.Outcome.AGREEMENT)
    return _one(qs.values_list("case__union_id").annotate(n=Count("id")).order_by())


def cases_mediations_closed(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Mediation.objects.filter(closed_at__gte=start, closed_at__lt=end).exclude(outcome="")
    return _one(qs.values_list("case__union_id").annotate(n=Count("id")).order_by())


def cases_legal_aid(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = LegalAidDecision.objects.filter(decided_at__gte=start, decided_at__lt=end, eligible=True)
    return _one(qs.values_list("case__union_id").annotate(n=Count("id")).order_by())


_RECORDS: dict[str, Any] = {"records_url": "console:cases:queue", "records_query": "queue=all"}

FIGURES = (
    Figure(
        key="cases.received", phrase=_("受理职工诉求 {value} 件（其中 12351 热线 {hotline} 件）"), label=_("受理职工诉求"), unit=_("件"), compute=cases_received, headline=True,
        definition=_("统计期内登记的职工诉求件数（12351 热线、职工之家应用、来访和合作方系统），按渠道分类；计入承办工会。"),
        dimension=_("渠道"), dimension_choices=tuple(Channel.choices), **_RECORDS,
    ),
    Figure(
        key="cases.by_category", label=_("诉求类别"), unit=_("件"), compute=cases_by_category,
        definition=_("统计期内登记的职工诉求件数，按诉求类别分类（欠薪讨薪、劳动合同、社会保险等）。"),
        dimension=_("类别"), dimension_choices=tuple(Category.choices), **_RECORDS,
    ),
    Figure(
        key="cases.new_form", label=_("新就业形态劳动者诉求"), unit=_("件"), compute=cases_new_form,
        definition=_("统计期内登记的、反映人为新就业形态劳动者的诉求件数。"), **_RECORDS,
    ),
    Figure(
        key="cases.resolved", phrase=_("办结 {value} 件"), label=_("办结诉求"), unit=_("件"), compute=cases_resolved,
        definition=_("统计期内办结的诉求件数（按办结日期；重新办理的诉求以最后一次办结为准）。"), **_RECORDS,
    ),
    Figure(
        key="cases.resolved_on_time", label=_("按期办结"), unit=_("件"), compute=cases_resolved_on_time,
        definition=_("统计期内办结、且办结日期不晚于办结期限的诉求件数。"), **_RECORDS,
    ),
    Figure(
        key="cases.on_time_rate", phrase=_("按期办结率 {value}"), label=_("按期办结率"), unit="%", kind="rate", headline=True,
        numerator="cases.resolved_on_time", denominator="cases.resolved",
        definition=_("按期办结件数 ÷ 办结件数；上级工会由下级的件数重新计算，不取平均。"),
    ),
    Figure(
        key="cases.rated", label=_("回访评价"), unit=_("次"), compute=cases_rated,
        definition=_("统计期内职工对办理结果作出的评价次数，按评价分类（满意、基本满意、不满意）。"),
        dimension=_("评价"), dimension_choices=tuple(Rating.choices),
    ),
    Figure(
        key="cases.satisfied", label=_("满意及基本满意"), unit=_("次"), compute=cases_satisfied,
        definition=_("统计期内评价为“满意”或“基本满意”的次数。"),
    ),
    Figure(
        key="cases.satisfaction", phrase=_("职工满意度达 {value}"), label=_("职工满意度"), unit="%", kind="rate", headline=True,
        numerator="cases.satisfied", denominator="cases.rated",
        definition=_("（满意 + 基本满意）÷ 评价次数；上级工会由下级的次数重新计算，不取平均。"),
    ),
    Figure(
        key="cases.recovered", phrase=_("追回欠薪 {value} 元"), label=_("追回欠薪金额"), unit=_("元"), compute=cases_recovered, money=True,
        headline=True, definition=_("统计期内办结的诉求中登记的追回金额合计。"), **_RECORDS,
    ),
    Figure(
        key="cases.people_paid", phrase=_("兑付职工 {value} 人"), label=_("兑付职工人数"), unit=_("人"), compute=cases_people_paid,
        definition=_("统计期内办结的诉求中登记的已兑付人数合计。"),
    ),
    Figure(
        key="cases.open", label=_("在办诉求"), unit=_("件"), kind="stock", compute=cases_open,
        definition=_("当日日终已登记、尚未办结的诉求件数。"), **_RECORDS,
    ),
    Figure(
        key="cases.mediations", phrase=_("工会劳动争议调解立案 {value} 件"), label=_("劳动争议调解立案"), unit=_("件"), compute=cases_mediations, headline=True,
        definition=_("统计期内工会劳动争议调解立案件数。"),
    ),
    Figure(
        key="cases.mediations_closed", label=_("调解结案"), unit=_("件"), compute=cases_mediations_closed,
        definition=_("统计期内调解结束的件数（达成协议、调解不成、撤回或转仲裁）。"),
    ),
    Figure(
        key="cases.mediations_agreed", label=_("调解成功"), unit=_("件"), compute=cases_mediations_agreed,
        definition=_("统计期内达成调解协议的件数。"),
    ),
    Figure(
        key="cases.mediation_success", phrase=_("调解成功率 {value}"), label=_("调解成功率"), unit="%", kind="rate",
        numerator="cases.mediations_agreed", denominator="cases.mediations_closed",
        definition=_("调解成功件数 ÷ 调解结案件数。"),
    ),
    Figure(
        key="cases.legal_aid", phrase=_("提供法律援助 {value} 件"), label=_("提供法律援助"), unit=_("件"), compute=cases_legal_aid,
        definition=_("统计期内决定给予法律援助的件数。"),
    ),
)
