"""Reads of the fund ledger, scoped to the user's branch of the union tree.

Balances and the 收支表 read the pre-aggregated `AccountMonthTotal` rows (one per account,
month and kind of transaction), never the legs: a province's year is a sum over its
unions' monthly rows, found by the union path index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Left, StrIndex, Substr
from django.utils.translation import gettext as _

from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.jurisdiction import get_or_404
from gonghui.core.jurisdiction import scope as jurisdiction_scope
from gonghui.orgs.models import Union

from .models import (
    FUND_KINDS,
    AccountKind,
    AccountMonthTotal,
    EducationTier,
    FundAccount,
    FundSource,
    Grant,
    GrantDocument,
    GrantKind,
    GrantObjection,
    GrantProgram,
    HardshipDocument,
    HardshipFile,
    HardshipFileEvent,
    HardshipObjection,
    HardshipStandard,
    LedgerEntry,
    LedgerPeriod,
    LedgerTransaction,
    PaymentBatch,
    PaymentLine,
    PaymentReturn,
    Payout,
    ReliefAllocation,
    ReliefCampaign,
    ReliefTarget,
    TransactionKind,
)


def union_choices_for_user(*, user: Any, action: str = "view") -> QuerySet[Union]:
    return Union.objects.visible_to(user, action).active().order_by("path")


def ledger_union_get_for_user(*, user: Any, union_id: int, action: str = "view") -> Union:
    return get_or_404(Union.objects.visible_to(user, action), pk=union_id)


def fund_account_list_for_user(
    *, user: Any, union: Union | None = None, source: str = "", kind: str = ""
) -> QuerySet[FundAccount]:
    accounts = FundAccount.objects.visible_to(user).select_related("union")
    if union is not None:
        accounts = accounts.filter(union=union)
    if source:
        accounts = accounts.filter(source=source)
    if kind:
        accounts = accounts.filter(kind=kind)
    return accounts.order_by("union_path", "source", "kind")


def fund_account_get_for_user(*, user: Any, fund_account_id: int, action: str = "view") -> FundAccount:
    return get_or_404(FundAccount.objects.visible_to(user, action).select_related("union"), pk=fund_account_id)


def ledger_entries_for_account(*, account: FundAccount) -> QuerySet[LedgerEntry]:
    return account.entries.select_related("transaction").order_by("-pk")


def ledger_transaction_list_for_user(
    *, user: Any, union: Union | None = None, kind: str = "", source: str = "",
) -> QuerySet[LedgerTransaction]:
    txns = LedgerTransaction.objects.visible_to(user).select_related("union", "counterparty")
    if union is not None:
        txns = txns.filter(Q(union=union) | Q(counterparty=union))
    if kind:
        txns = txns.filter(kind=kind)
    if source:
        txns = txns.filter(source=source)
    return txns.order_by("-pk")


def ledger_transaction_get_for_user(*, user: Any, transaction_id: int, action: str = "view") -> LedgerTransaction:
    return get_or_404(
        LedgerTransaction.objects.visible_to(user, action).select_related(
            "union", "counterparty", "reverses", "refund_of", "created_by"
        ),
        pk=transaction_id,
    )


def ledger_transaction_legs(*, txn: LedgerTransaction) -> list[LedgerEntry]:
    return list(txn.legs.select_related("account", "account__union").order_by("pk"))


def ledger_transaction_reversal(*, txn: LedgerTransaction) -> LedgerTransaction | None:
    return LedgerTransaction.objects.filter(reverses=txn).first()


def ledger_period_list_for_user(*, user: Any, union: Union | None = None) -> QuerySet[LedgerPeriod]:
    periods = LedgerPeriod.objects.visible_to(user).select_related("union", "closed_by")
    if union is not None:
        periods = periods.filter(union=union)
    return periods.order_by("union_path", "-month")


# --- balances and the 收支表 ---------------------------------------------------------------


@dataclass
class StatementRow:
    """One line of the 收支表 in fen: opening + receipts + allocations − spent + refunds = closing."""

    label: str
    source: str = ""
    opening: int = 0
    receipts: int = 0
    allocations: int = 0
    spent: int = 0
    refunds: int = 0
    closing: int = 0

    def add(self, other: StatementRow) -> None:
        for name in ("opening", "receipts", "allocations", "spent", "refunds", "closing"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Statement:
    union: Union
    month_from: dt.date
    month_to: dt.date
    subtree: bool
    rows: list[StatementRow]
    total: StatementRow
    children: list[StatementRow] = field(default_factory=list)


def _totals(union: Union, *, subtree: bool) -> QuerySet[AccountMonthTotal]:
    if subtree:
        return AccountMonthTotal.objects.filter(union_path__startswith=union.path)
    return AccountMonthTotal.objects.filter(union=union)


def _fold(rows: dict[str, StatementRow], item: dict[str, Any]) -> None:
    """Add one aggregated (source, account kind, transaction kind) item to the rows by source."""
    row = rows.get(item["source"])
    if row is None:
        row = rows[item["source"]] = StatementRow(label=str(FundSource(item["source"]).label), source=item["source"])
    before, during = item["before"] or 0, item["during"] or 0
    account_kind, txn_kind = item["account_kind"], item["txn_kind"]
    if account_kind in FUND_KINDS:
        row.opening += before
        row.closing += before + during
        if txn_kind == TransactionKind.ALLOCATION:
            row.allocations += during
    elif account_kind == AccountKind.EXTERNAL:
        row.receipts -= during
    elif account_kind == AccountKind.EXPENSE:
        if txn_kind == TransactionKind.REFUND:
            row.refunds -= during
        else:
            row.spent += during


def _aggregated(totals: QuerySet[AccountMonthTotal], month_from: dt.date, month_to: dt.date,
                *group: str) -> QuerySet[AccountMonthTotal, dict[str, Any]]:
    return (
        totals.filter(month__lte=month_to)
        .values(*group, "source", "account_kind", "txn_kind")
        .annotate(before=Sum("net", filter=Q(month__lt=month_from)), during=Sum("net", filter=Q(month__gte=month_from)))
        .order_by()
    )


def _rows(totals: QuerySet[AccountMonthTotal], month_from: dt.date, month_to: dt.date) -> dict[str, StatementRow]:
    rows: dict[str, StatementRow] = {}
    for item in _aggregated(totals, month_from, month_to):
        _fold(rows, item)
    return rows


def month_range_check(*, year: int, month_from: int = 1, month_to: int = 12) -> tuple[dt.date, dt.date]:
    if not (2000 <= year <= 2100) or not (1 <= month_from <= month_to <= 12):
        raise ValidationFailed(_("期间不正确：年份 2000–2100，起止月份 1–12 且起不晚于止。"), code="invalid_period")
    return dt.date(year, month_from, 1), dt.date(year, month_to, 1)


def income_statement(
    *, union: Union, month_from: dt.date, month_to: dt.date, subtree: bool = True, children: bool = True,
) -> Statement:
    """The 收支表 of `union` (its whole subtree, or the union alone) for the months given.

    With the breakdown by direct child: one grouped query over the subtree's monthly rows,
    grouped by the path segment below the union (the child; empty for the union's own rows),
    each group folded into both the total and its child's line."""
    rows: dict[str, StatementRow] = {}
    kids: list[Union] = []
    by_child: dict[str, dict[str, StatementRow]] = {}
    if subtree and children:
        kids = list(union.children.filter(status=Union.Status.ACTIVE).order_by("path")[:200])
        by_child = {child.path: {} for child in kids}
        rest = Substr("union_path", len(union.path) + 1)
        grouped = _totals(union, subtree=True).annotate(
            child_head=Case(When(union_path=union.path, then=Value("")),
                            default=Left(rest, StrIndex(rest, Value("/")))))
        for item in _aggregated(grouped, month_from, month_to, "child_head"):
            _fold(rows, item)
            rows_of_child = by_child.get(f"{union.path}{item['child_head']}") if item["child_head"] else None
            if rows_of_child is not None:
                _fold(rows_of_child, item)
    else:
        rows = _rows(_totals(union, subtree=subtree), month_from, month_to)
    ordered = [rows[s] for s in FundSource.values if s in rows]
    total = StatementRow(label=_("合计"))
    for row in ordered:
        total.add(row)
    statement = Statement(union=union, month_from=month_from, month_to=month_to, subtree=subtree,
                          rows=ordered, total=total)
    for child in kids:
        line = StatementRow(label=child.name)
        for row in by_child[child.path].values():
            line.add(row)
        statement.children.append(line)
    return statement


@dataclass
class BalanceRow:
    source: str
    label: str
    available: int = 0
    payable: int = 0
    spent: int = 0
    received: int = 0

    @property
    def funds(self) -> int:
        return self.available + self.payable


def fund_balances(*, union: Union, as_of: dt.date | None = None, subtree: bool = True) -> list[BalanceRow]:
    """Balances by fund source of the union (and its subtree) now, or at the end of `as_of`'s month."""
    rows: dict[str, BalanceRow] = {}
    if as_of is None:
        accounts = (FundAccount.objects.filter(union_path__startswith=union.path) if subtree
                    else FundAccount.objects.filter(union=union))
        aggregated = accounts.values("source", "kind").annotate(total=Sum("balance")).order_by()
        items = [(a["source"], a["kind"], a["total"] or 0) for a in aggregated]
    else:
        totals = _totals(union, subtree=subtree).filter(month__lte=as_of.replace(day=1))
        aggregated_totals = totals.values("source", "account_kind").annotate(total=Sum("net")).order_by()
        items = [(a["source"], a["account_kind"], a["total"] or 0) for a in aggregated_totals]
    for source, kind, amount in items:
        row = rows.setdefault(source, BalanceRow(source=source, label=str(FundSource(source).label)))
        if kind == AccountKind.AVAILABLE:
            row.available += amount
        elif kind == AccountKind.PAYABLE:
            row.payable += amount
        elif kind == AccountKind.EXPENSE:
            row.spent += amount
        else:
            row.received -= amount
    return [rows[s] for s in FundSource.values if s in rows]


# --- payouts ----------------------------------------------------------------------------------


def payout_list_for_user(*, user: Any, union: Union | None = None, status: str = "") -> QuerySet[Payout]:
    payouts = Payout.objects.visible_to(user).select_related("union")
    if union is not None:
        payouts = payouts.filter(union=union)
    if status:
        payouts = payouts.filter(status=status)
    return payouts.order_by("-pk")


def payout_get_for_user(*, user: Any, payout_id: int, action: str = "view") -> Payout:
    return get_or_404(Payout.objects.visible_to(user, action).select_related("union", "created_by"), pk=payout_id)


def payout_lines(*, payout: Payout) -> QuerySet[PaymentLine]:
    return payout.lines.select_related("batch", "payout_txn", "settle_txn").order_by("pk")


def payment_batch_list_for_user(*, user: Any, union: Union | None = None) -> QuerySet[PaymentBatch]:
    batches = PaymentBatch.objects.visible_to(user).select_related("union")
    if union is not None:
        batches = batches.filter(union=union)
    return batches.order_by("-pk")


def payment_batch_get_for_user(*, user: Any, payment_batch_id: int, action: str = "view") -> PaymentBatch:
    return get_or_404(PaymentBatch.objects.visible_to(user, action).select_related("union"), pk=payment_batch_id)


def payment_batch_lines(*, batch: PaymentBatch) -> QuerySet[PaymentLine]:
    return batch.lines.select_related("payout").order_by("seq")


def payment_batch_returns(*, batch: PaymentBatch) -> QuerySet[PaymentReturn]:
    return batch.returns.select_related("imported_by").order_by("-pk")


# --- hardship files ---------------------------------------------------------------------------


def hardship_file_list_for_user(
    *, user: Any, status: str = "", grade: str = "", review_due_by: dt.date | None = None,
    appeal_pending: bool = False,
) -> QuerySet[HardshipFile]:
    files = HardshipFile.objects.visible_to(user).select_related("union", "appeal_union")
    if appeal_pending:
        files = files.filter(appeal_union__isnull=False, appeal_outcome="",
                             status__in=[HardshipFile.Status.REJECTED, HardshipFile.Status.EXITED])
    if status:
        files = files.filter(status=status)
    if grade:
        files = files.filter(grade=grade)
    if review_due_by is not None:
        files = files.filter(status=HardshipFile.Status.ACTIVE, review_due__lte=review_due_by)
    return files.order_by("-pk")


def hardship_file_get_for_user(*, user: Any, hardship_file_id: int, action: str = "view") -> HardshipFile:
    return get_or_404(HardshipFile.objects.visible_to(user, action).select_related("union", "standard",
                                                                                    "appeal_union"),
                      pk=hardship_file_id)


def hardship_objections(*, file: HardshipFile) -> QuerySet[HardshipObjection]:
    return file.objections.select_related("answered_by").order_by("at", "pk")


def hardship_objection_get_for_user(*, user: Any, objection_id: int, action: str = "view") -> HardshipObjection:
    """An objection to a file in the user's branch (404 otherwise, like the file itself)."""
    queryset = jurisdiction_scope(HardshipObjection.objects.select_related("file"), user,
                                  path_field="file__union_path", action=action)
    return get_or_404(queryset, pk=objection_id)


def hardship_notices_public(*, today: dt.date) -> QuerySet[HardshipFile]:
    """Hardship files on public notice today: masked name, union and grade only."""
    return (HardshipFile.objects.filter(status=HardshipFile.Status.NOTICE, notice_until__gte=today)
            .select_related("union").order_by("notice_until", "pk"))


def hardship_notice_get(*, hardship_file_id: int, today: dt.date) -> HardshipFile:
    found = hardship_notices_public(today=today).filter(pk=hardship_file_id).first()
    if found is None:
        raise NotFound()
    return found


def hardship_file_list_for_worker(*, user: Any) -> QuerySet[HardshipFile]:
    if not getattr(user, "is_authenticated", False):
        return HardshipFile.objects.none()
    return HardshipFile.objects.filter(user_id=user.pk).select_related("union", "appeal_union").order_by("-pk")


def hardship_required_documents_for_worker(*, user: Any) -> list[str]:
    """The documents the worker's union's regional standard requires of an application."""
    from gonghui.members.selectors import membership_live_for_worker

    from .hardship import required_documents_for

    membership = membership_live_for_worker(user=user)
    return required_documents_for(membership.union) if membership is not None else []


def hardship_file_get_for_worker(*, user: Any, hardship_file_id: int) -> HardshipFile:
    found = hardship_file_list_for_worker(user=user).filter(pk=hardship_file_id).first()
    if found is None:
        raise NotFound()
    return found


def hardship_file_events(*, file: HardshipFile) -> QuerySet[HardshipFileEvent]:
    return file.events.select_related("by").order_by("at", "pk")


def hardship_file_documents(*, file: HardshipFile, worker: bool = False) -> QuerySet[HardshipDocument]:
    documents = file.documents.order_by("pk")
    return documents.filter(is_visit=False) if worker else documents


def hardship_standard_list(*, region_prefix: str = "") -> QuerySet[HardshipStandard]:
    standards = HardshipStandard.objects.all()
    if region_prefix:
        standards = standards.filter(region__startswith=region_prefix)
    return standards.order_by("region", "-year")


def payout_list_for_worker(*, user: Any) -> QuerySet[Payout]:
    """Every payment made (or being made) to the worker, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Payout.objects.none()
    return (Payout.objects.filter(beneficiary_id=user.pk).exclude(status=Payout.Status.CANCELLED)
            .select_related("union").order_by("-pk"))


# --- grants -----------------------------------------------------------------------------------


def grant_program_list_for_user(*, user: Any) -> QuerySet[GrantProgram]:
    return GrantProgram.objects.visible_to(user).select_related("union").order_by("union_path", "name")


def grant_program_get_for_user(*, user: Any, grant_program_id: int, action: str = "view") -> GrantProgram:
    return get_or_404(GrantProgram.objects.visible_to(user, action).select_related("union"), pk=grant_program_id)


def grant_programs_for_worker(*, user: Any) -> list[GrantProgram]:
    """Active programs of the worker's union and its ancestors."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None:
        return []
    path = membership.union.path
    programs = GrantProgram.objects.filter(active=True).select_related("union").order_by("union_path", "name")
    ancestors = [path[:i] for i in range(1, len(path) + 1)]
    return list(programs.filter(union_path__in=ancestors)[:100])


def grant_program_for_worker(*, user: Any, grant_program_id: int) -> GrantProgram:
    found = next((p for p in grant_programs_for_worker(user=user) if p.pk == grant_program_id), None)
    if found is None:
        raise NotFound()
    return found


def grant_list_for_user(*, user: Any, status: str = "") -> QuerySet[Grant]:
    grants = Grant.objects.visible_to(user).select_related("program", "union", "approving_union").prefetch_related(
        "documents")
    if status:
        grants = grants.filter(status=status)
    return grants.order_by("-pk")


def grant_get_for_user(*, user: Any, grant_id: int, action: str = "view") -> Grant:
    return get_or_404(
        Grant.objects.visible_to(user, action).select_related("program", "union", "approving_union", "payout"),
        pk=grant_id,
    )


def grant_list_for_worker(*, user: Any) -> QuerySet[Grant]:
    if not getattr(user, "is_authenticated", False):
        return Grant.objects.none()
    return (Grant.objects.filter(user_id=user.pk).select_related("program", "union", "approving_union", "payout")
            .prefetch_related("documents").order_by("-pk"))


def grant_get_for_worker(*, user: Any, grant_id: int) -> Grant:
    found = grant_list_for_worker(user=user).filter(pk=grant_id).first()
    if found is None:
        raise NotFound()
    return found


def grant_documents(*, grant: Grant) -> QuerySet[GrantDocument]:
    return grant.documents.order_by("pk")


def grant_review_list_for_user(*, user: Any) -> QuerySet[Grant]:
    """Reviews waiting for a union of the user's branch that approves."""
    from gonghui.core import jurisdiction

    paths = jurisdiction.union_paths_for(user, "approve")
    grants = Grant.objects.filter(review_union__isnull=False, review_outcome="")
    if paths is not None:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(review_union__path__startswith=path)
        grants = grants.filter(condition)
    return grants.select_related("program", "union", "review_union").order_by("review_due", "pk")


def education_tier_list(*, region_prefix: str = "") -> QuerySet[EducationTier]:
    tiers = EducationTier.objects.all()
    if region_prefix:
        tiers = tiers.filter(region__startswith=region_prefix)
    return tiers.order_by("region", "-year", "level")


def membership_for_staff(*, user: Any, id_number: str) -> Any:
    """A live membership in the user's branch, found by the person's ID number (blind index)."""
    from gonghui.core.pii import id_number_index, normalize_id_number
    from gonghui.members.models import Membership

    found = (Membership.objects.visible_to(user, "change")
             .filter(person__id_number_index=id_number_index(normalize_id_number(id_number or "")),
                     status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING])
             .select_related("person", "person__user", "union").first())
    if found is None:
        raise ValidationFailed(_("在您管辖的工会中没有找到该身份证号的在册会员。"), code="member_not_found",
                               field="id_number")
    return found


def grant_programs_for_union(*, union: Union) -> list[GrantProgram]:
    """Active programs serving a union: its own and its ancestors'."""
    path = union.path
    ancestors = [path[:i] for i in range(1, len(path) + 1)]
    return list(GrantProgram.objects.filter(active=True, union_path__in=ancestors).select_related("union")
                .order_by("union_path", "name")[:100])


def grant_objections(*, grant: Grant) -> QuerySet[GrantObjection]:
    return grant.objections.order_by("at", "pk")


def grant_notices_public(*, today: dt.date) -> QuerySet[Grant]:
    """Grants on public notice today: shown with masked names only."""
    return (Grant.objects.filter(status=Grant.Status.NOTICE, notice_until__gte=today)
            .select_related("program", "union", "approving_union").order_by("notice_until", "pk"))


def school_results_years() -> list[int]:
    """School years with 金秋助学 results (approved awards), newest first."""
    years = (Grant.objects.filter(program__kind=GrantKind.SCHOOL, status=Grant.Status.APPROVED,
                                  academic_year__isnull=False)
             .values_list("academic_year", flat=True).distinct().order_by("-academic_year")[:10])
    return [year for year in years if year is not None]


def school_results_public(*, academic_year: int) -> QuerySet[Grant]:
    """金秋助学 results of a school year (结果公示): approved awards, shown with masked names only."""
    return (Grant.objects.filter(program__kind=GrantKind.SCHOOL, status=Grant.Status.APPROVED,
                                 academic_year=academic_year)
            .select_related("union").order_by("union_path", "pk"))


def grant_notice_get(*, grant_id: int, today: dt.date) -> Grant:
    found = grant_notices_public(today=today).filter(pk=grant_id).first()
    if found is None:
        raise NotFound()
    return found


# --- 送温暖 campaigns -------------------------------------------------------------------------


def relief_campaign_list_for_user(*, user: Any) -> QuerySet[ReliefCampaign]:
    return ReliefCampaign.objects.visible_to(user).select_related("union").order_by("-year", "-pk")


def relief_campaign_get_for_user(*, user: Any, relief_campaign_id: int, action: str = "view") -> ReliefCampaign:
    return get_or_404(ReliefCampaign.objects.visible_to(user, action).select_related("union"), pk=relief_campaign_id)


def relief_union_for_user(*, user: Any, campaign: ReliefCampaign, union_id: int | None = None) -> Union:
    """The union whose completion the user looks at: one of the campaign's subtree in the
    user's branch (by default the campaign's union, else the user's highest union in it)."""
    unions = Union.objects.visible_to(user).filter(path__startswith=campaign.union_path)
    if union_id is not None:
        return get_or_404(unions, pk=union_id)
    found = unions.order_by("depth", "path").first()
    if found is None:
        raise NotFound()
    return found


def relief_child_unions(*, user: Any, campaign: ReliefCampaign) -> QuerySet[Union]:
    """Unions of the campaign's subtree the user may pass budget to (children of unions where
    the user approves)."""
    approving = Union.objects.visible_to(user, "approve").filter(path__startswith=campaign.union_path)
    return Union.objects.filter(parent__in=approving).active().order_by("path")


def relief_target_list_for_user(
    *, user: Any, campaign: ReliefCampaign, status: str = "", union: Union | None = None,
) -> QuerySet[ReliefTarget]:
    targets = ReliefTarget.objects.visible_to(user).filter(campaign=campaign).select_related("union", "payout")
    if status:
        targets = targets.filter(status=status)
    if union is not None:
        targets = targets.filter(union_path__startswith=union.path)
    return targets.order_by("union_path", "pk")


def relief_target_get_for_user(*, user: Any, relief_target_id: int, action: str = "view") -> ReliefTarget:
    return get_or_404(
        ReliefTarget.objects.visible_to(user, action).select_related("campaign", "union", "hardship_file", "payout"),
        pk=relief_target_id,
    )


def relief_allocations_for_user(*, user: Any, campaign: ReliefCampaign) -> QuerySet[ReliefAllocation]:
    """Allocations given or received by unions in the user's branch."""
    paths = Union.objects.visible_to(user).filter(path__startswith=campaign.union_path).values("pk")
    return (campaign.allocations.filter(Q(from_union__in=paths) | Q(to_union__in=paths))
            .select_related("from_union", "to_union").order_by("pk"))


def relief_addable_files(*, user: Any, campaign: ReliefCampaign) -> QuerySet[HardshipFile]:
    """Active files of the user's branch inside the campaign, not on its list yet."""
    listed = ReliefTarget.objects.filter(campaign=campaign).values("hardship_file_id")
    return (HardshipFile.objects.visible_to(user, "change")
            .filter(status=HardshipFile.Status.ACTIVE, union_path__startswith=campaign.union_path)
            .exclude(pk__in=listed).select_related("union").order_by("union_path", "pk"))


def relief_file_get_for_user(*, user: Any, hardship_file_id: int) -> HardshipFile:
    return get_or_404(HardshipFile.objects.visible_to(user, "change"), pk=hardship_file_id)


def relief_list_for_worker(*, user: Any) -> QuerySet[ReliefTarget]:
    """送温暖 the worker received: visited households whose file is the worker's."""
    if not getattr(user, "is_authenticated", False):
        return ReliefTarget.objects.none()
    return (ReliefTarget.objects.filter(hardship_file__user_id=user.pk, status=ReliefTarget.Status.VISITED)
            .select_related("campaign", "union", "payout").order_by("-visited_on", "-pk"))
