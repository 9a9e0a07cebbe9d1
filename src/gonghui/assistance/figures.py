"""The assistance module's key figures (see gonghui/stats/registry.py for the contract).

Money counts at the union whose books it moved, on the booking date; a payout at the paying
union on the day the bank confirmed it; a hardship file at the union holding it; a grant at
the union that handled the application, on the day it was approved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row

from .models import (
    AccountKind,
    FundSource,
    Grant,
    HardshipFile,
    HardshipGrade,
    LedgerEntry,
    Payout,
    ReliefTarget,
)


def _one(rows: Iterable[tuple[int, int | None]]) -> Iterable[Row]:
    return ((u, "", int(n or 0)) for u, n in rows)


def funds_paid(day: dt.date) -> Iterable[Row]:
    """Net movement of the expense accounts booked on `day`: paid out, less refunds and reversals."""
    qs = LedgerEntry.objects.filter(account__kind=AccountKind.EXPENSE, transaction__booked_on=day)
    rows = qs.values_list("account__union_id", "account__source").annotate(n=Sum("amount")).order_by()
    return ((u, source, int(n or 0)) for u, source, n in rows)


def people_paid(day: dt.date) -> Iterable[Row]:
    qs = Payout.objects.filter(status=Payout.Status.PAID, paid_on=day)
    return _one(qs.values_list("union_id").annotate(n=Count("id")).order_by())


def files_on_register(day: dt.date) -> Iterable[Row]:
    """Files approved by the end of `day` and not closed by then, by their current grade."""
    qs = HardshipFile.objects.filter(approved_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    return qs.values_list("union_id", "grade").annotate(n=Count("id")).order_by()


def files_opened(day: dt.date) -> Iterable[Row]:
    return _one(HardshipFile.objects.filter(approved_on=day).values_list("union_id").annotate(n=Count("id"))
                .order_by())


def grants_approved(day: dt.date) -> Iterable[Row]:
    qs = Grant.objects.filter(status=Grant.Status.APPROVED, decided_on=day)
    return _one(qs.values_list("union_id").annotate(n=Count("id")).order_by())


def grants_amount(day: dt.date) -> Iterable[Row]:
    qs = Grant.objects.filter(status=Grant.Status.APPROVED, decided_on=day)
    return _one(qs.values_list("union_id").annotate(n=Sum("amount")).order_by())


def _school(day: dt.date) -> QuerySet[Grant]:
    return Grant.objects.filter(status=Grant.Status.APPROVED, decided_on=day).exclude(student_id_index="")


def school_students(day: dt.date) -> Iterable[Row]:
    return _one(_school(day).values_list("union_id").annotate(n=Count("id")).order_by())


def school_amount(day: dt.date) -> Iterable[Row]:
    return _one(_school(day).values_list("union_id").annotate(n=Sum("amount")).order_by())


def relief_households(day: dt.date) -> Iterable[Row]:
    qs = ReliefTarget.objects.filter(status=ReliefTarget.Status.VISITED, visited_on=day)
    return _one(qs.values_list("union_id").annotate(n=Count("id")).order_by())


def relief_amount(day: dt.date) -> Iterable[Row]:
    qs = ReliefTarget.objects.filter(status=ReliefTarget.Status.VISITED, visited_on=day)
    return _one(qs.values_list("union_id").annotate(n=Sum("cash_given")).order_by())


FIGURES = (
    Figure(
        key="assistance.funds_paid", label=_("帮扶资金支出"), unit=_("元"), money=True, compute=funds_paid,
        headline=True, phrase=_("支出帮扶资金 {value} 元"),
        definition=_("统计期内记入帮扶支出的金额（直接支出和银行代发成功），减去退回和冲销；按记账日期计入记账工会，按资金来源分类。"),
        dimension=_("资金来源"), dimension_choices=tuple(FundSource.choices),
        records_url="console:assistance:transactions", records_query="kind=disbursement",
    ),
    Figure(
        key="assistance.people_paid", label=_("帮扶到人"), unit=_("人次"), compute=people_paid, headline=True,
        phrase=_("帮扶职工 {value} 人次"),
        definition=_("统计期内银行代发成功到账的笔数（一人多次计多人次），按到账日期计入发放工会。"),
        records_url="console:assistance:payouts", records_query="status=paid", records_action="approve",
    ),
    Figure(
        key="assistance.files", label=_("在档困难职工"), unit=_("户"), kind="stock", compute=files_on_register,
        phrase=_("在档困难职工 {value} 户（其中深度困难 {deep} 户）"),
        definition=_("期末已审批建档、尚未退档的困难职工档案数，按当前困难类别分类，计入建档工会。"),
        dimension=_("困难类别"), dimension_choices=tuple(HardshipGrade.choices),
        records_url="console:assistance:hardship_list", records_query="status=active",
    ),
    Figure(
        key="assistance.files_opened", label=_("新建档困难职工"), unit=_("户"), compute=files_opened,
        definition=_("统计期内审批建档的困难职工档案数，按建档日期计入建档工会。"),
        records_url="console:assistance:hardship_list", records_query="status=active",
    ),
    Figure(
        key="assistance.grants", label=_("批准救助"), unit=_("件"), compute=grants_approved,
        phrase=_("批准救助申请 {value} 件"),
        definition=_("统计期内公示期满后批准的救助申请件数，按决定日期计入受理工会。"),
        records_url="console:assistance:grants", records_query="status=approved",
    ),
    Figure(
        key="assistance.grants_amount", label=_("批准救助金额"), unit=_("元"), money=True, compute=grants_amount,
        definition=_("统计期内批准的救助申请金额合计，按决定日期计入受理工会。"),
        records_url="console:assistance:grants", records_query="status=approved",
    ),
    Figure(
        key="assistance.relief_households", label=_("送温暖慰问户数"), unit=_("户"), compute=relief_households,
        phrase=_("送温暖慰问困难职工 {value} 户"),
        definition=_("统计期内登记慰问的送温暖对象户数，按慰问日期计入慰问工会。"),
        records_url="console:assistance:relief_list",
    ),
    Figure(
        key="assistance.relief_amount", label=_("送温暖慰问金"), unit=_("元"), money=True, compute=relief_amount,
        definition=_("统计期内登记慰问时送出的慰问金合计（由银行代发），按慰问日期计入慰问工会；慰问物品不计。"),
        records_url="console:assistance:relief_list",
    ),
    Figure(
        key="assistance.school_students", label=_("金秋助学资助学生"), unit=_("人"), compute=school_students,
        phrase=_("金秋助学资助学生 {value} 人"),
        definition=_("统计期内批准的金秋助学申请数（每名学生每学年最多一次），按决定日期计入受理工会。"),
        records_url="console:assistance:grants", records_query="status=approved",
    ),
    Figure(
        key="assistance.school_amount", label=_("金秋助学资助金额"), unit=_("元"), money=True, compute=school_amount,
        definition=_("统计期内批准的金秋助学金额合计，按决定日期计入受理工会。"),
        records_url="console:assistance:grants", records_query="status=approved",
    ),
)
