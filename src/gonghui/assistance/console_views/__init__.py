"""Finance staff pages of the fund ledger, under /console/assistance/: accounts and balances,
transactions (book, refund, reverse), monthly close, the 收支表 and its XLSX export.
Views are thin: selectors read (scoped to the user's branch), services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError
from gonghui.core.web import apply_domain_error, run_service

from .. import selectors, services
from ..excel import statement_write_xlsx
from ..forms import PeriodCloseForm, PostForm, RefundForm, ReverseForm, StatementForm
from ..models import FundSource, TransactionKind

WRITE = "finance"  # the fund ledger and payouts: admin, staff and the finance role


def _union_from_get(request: HttpRequest) -> Any:
    unions = selectors.union_choices_for_user(user=request.user)
    raw = request.GET.get("union", "")
    if raw.isdigit():
        return selectors.ledger_union_get_for_user(user=request.user, union_id=int(raw))
    return unions.first()


@console_view
def ledger_overview(request: HttpRequest) -> HttpResponse:
    union = _union_from_get(request)
    accounts = selectors.fund_account_list_for_user(user=request.user, union=union) if union else []
    balances = selectors.fund_balances(union=union) if union else []
    return render(request, "assistance/pages/console_ledger.html", {
        "union": union, "unions": selectors.union_choices_for_user(user=request.user)[:500],
        "accounts": accounts, "balances": balances,
    })


@console_view
def fund_account_detail(request: HttpRequest, fund_account_id: int) -> HttpResponse:
    account = selectors.fund_account_get_for_user(user=request.user, fund_account_id=fund_account_id)
    entries = selectors.ledger_entries_for_account(account=account)[:200]
    return render(request, "assistance/pages/console_account.html", {"account": account, "entries": entries})


@console_view
def transaction_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    source = request.GET.get("source", "")
    txns = selectors.ledger_transaction_list_for_user(
        user=request.user, kind=kind if kind in TransactionKind.values else "",
        source=source if source in FundSource.values else "",
    )
    return render(request, "assistance/pages/console_transactions.html", {
        "transactions": txns[:200], "kind": kind, "source": source,
        "kinds": TransactionKind.choices, "sources": FundSource.choices,
    })


@console_view
@require_http_methods(["GET", "POST"])
def transaction_post(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user, action=WRITE)
    form = PostForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {"union": d["union"], "source": d["source"], "amount": d["amount"], "memo": d["memo"],
                  "booked_on": d["booked_on"], "actor": request.user}
        try:
            if d["kind"] == "allocation":
                txn = services.fund_allocate(to_union=d["to_union"], **common)
            elif d["kind"] == "disbursement":
                txn = services.fund_disburse(payee_name=d["payee_name"], **common)
            else:
                txn = services.fund_receipt(**common)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            return redirect("console:assistance:transaction_detail", transaction_id=txn.pk)
    return render(request, "assistance/pages/console_post.html", {"form": form})


@console_view
def transaction_detail(request: HttpRequest, transaction_id: int) -> HttpResponse:
    txn = selectors.ledger_transaction_get_for_user(user=request.user, transaction_id=transaction_id)
    return render(request, "assistance/pages/console_transaction.html", {
        "txn": txn, "legs": selectors.ledger_transaction_legs(txn=txn),
        "reversal": selectors.ledger_transaction_reversal(txn=txn),
        "refunds": txn.refunds.order_by("pk"),
        "refundable": txn.kind in services.REFUNDABLE and not txn.is_reversal,
        "reverse_form": ReverseForm(), "refund_form": RefundForm(),
    })


@console_view
@require_POST
def transaction_reverse(request: HttpRequest, transaction_id: int) -> HttpResponse:
    txn = selectors.ledger_transaction_get_for_user(user=request.user, transaction_id=transaction_id, action=WRITE)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        apply_domain_error(DomainError(_("请填写冲销原因（不超过 150 个字）。")), request=request)
        return redirect("console:assistance:transaction_detail", transaction_id=txn.pk)
    result: dict[str, Any] = {}

    def reverse() -> None:
        result["txn"] = services.ledger_transaction_reverse(txn=txn, reason=form.cleaned_data["reason"],
                                                            actor=request.user)

    if run_service(request, reverse, success=_("已冲销。")):
        return redirect("console:assistance:transaction_detail", transaction_id=result["txn"].pk)
    return redirect("console:assistance:transaction_detail", transaction_id=txn.pk)


@console_view
@require_POST
def transaction_refund(request: HttpRequest, transaction_id: int) -> HttpResponse:
    txn = selectors.ledger_transaction_get_for_user(user=request.user, transaction_id=transaction_id, action=WRITE)
    form = RefundForm(request.POST)
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        apply_domain_error(DomainError(errors), request=request)
    else:
        run_service(request, lambda: services.fund_refund(
            disbursement=txn, amount=form.cleaned_data["amount"], memo=form.cleaned_data["memo"], actor=request.user,
        ), success=_("退回已入账。"))
    return redirect("console:assistance:transaction_detail", transaction_id=txn.pk)


@console_view
@require_http_methods(["GET", "POST"])
def period_list(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user, action=WRITE)
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    form = PeriodCloseForm(request.POST or None, unions=unions, initial={"month": last_month})
    if request.method == "POST" and form.is_valid():
        try:
            month = dt.datetime.strptime(form.cleaned_data["month"], "%Y-%m").date()  # noqa: DTZ007 (a month)
        except ValueError:
            form.add_error("month", _("月份格式应为 YYYY-MM，例如 2025-03。"))
        else:
            try:
                services.ledger_period_close(union=form.cleaned_data["union"], month=month, actor=request.user)
            except DomainError as exc:
                apply_domain_error(exc, form=form)
            else:
                return redirect("console:assistance:periods")
    return render(request, "assistance/pages/console_periods.html", {
        "form": form, "periods": selectors.ledger_period_list_for_user(user=request.user)[:200],
    })


def _statement(request: HttpRequest) -> tuple[StatementForm, selectors.Statement | None]:
    unions = selectors.union_choices_for_user(user=request.user)
    today = timezone.localdate()
    data = request.GET if "union" in request.GET else None
    form = StatementForm(data, unions=unions, initial={
        "union": unions.first(), "year": today.year, "month_from": 1, "month_to": today.month, "subtree": True,
    })
    if data is None:
        first = unions.first()
        if first is None:
            return form, None
        start, end = dt.date(today.year, 1, 1), today.replace(day=1)
        return form, selectors.income_statement(union=first, month_from=start, month_to=end)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    start, end = selectors.month_range_check(year=d["year"], month_from=d["month_from"], month_to=d["month_to"])
    return form, selectors.income_statement(union=d["union"], month_from=start, month_to=end, subtree=d["subtree"])


@console_view
def statement(request: HttpRequest) -> HttpResponse:
    form, result = _statement(request)
    return render(request, "assistance/pages/console_statement.html", {
        "form": form, "statement": result, "querystring": request.GET.urlencode(),
    })


@console_view
def statement_export(request: HttpRequest) -> HttpResponse:
    form, result = _statement(request)
    if result is None:
        return render(request, "assistance/pages/console_statement.html", {"form": form, "statement": None},
                      status=422)
    response = HttpResponse(
        statement_write_xlsx(result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"statement-{result.union.pk}-{result.month_from:%Y%m}-{result.month_to:%Y%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
