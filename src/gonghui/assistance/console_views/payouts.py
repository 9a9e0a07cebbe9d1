"""Finance staff pages of payouts, under /console/assistance/payouts/ and …/batches/: the
queue, a payout (bank account masked; reveal audited), batches, the bank's batch file and
the import of its return file. Selectors read, `payouts` services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotency_key_new
from gonghui.core.web import apply_domain_error, run_service

from .. import payouts, selectors
from ..forms import BatchCreateForm, PayoutForm, ReturnFileForm, RevealForm
from ..models import Payout

WRITE = "finance"  # the fund ledger and payouts: admin, staff and the finance role


@console_view
@require_http_methods(["GET", "POST"])
def payout_queue(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user, action=WRITE)
    form = PayoutForm(request.POST or None, unions=unions, initial={"idempotency_key": idempotency_key_new()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            payout = payouts.payout_create(
                union=d["union"], source=d["source"], amount=d["amount"], payee_name=d["payee_name"],
                bank_account=d["bank_account"], bank_name=d["bank_name"], memo=d["memo"],
                idempotency_key=d["idempotency_key"], actor=request.user,
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已加入待发放队列。"))
            return redirect("console:assistance:payout_detail", payout_id=payout.pk)
    status = request.GET.get("status", "")
    return render(request, "assistance/pages/console_payouts.html", {
        "form": form, "batch_form": BatchCreateForm(unions=unions), "status": status,
        "statuses": Payout.Status.choices,
        "payouts": selectors.payout_list_for_user(
            user=request.user, status=status if status in Payout.Status.values else "")[:200],
    })


@console_view
def payout_detail(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = selectors.payout_get_for_user(user=request.user, payout_id=payout_id)
    return render(request, "assistance/pages/console_payout.html", {
        "payout": payout, "lines": selectors.payout_lines(payout=payout), "reveal_form": RevealForm(),
        "can_reveal": jurisdiction.has_action(request.user, "reveal_pii", payout.union_path),
    })


@console_view
@require_POST
def payout_reveal(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = selectors.payout_get_for_user(user=request.user, payout_id=payout_id)
    form = RevealForm(request.POST)
    revealed = ""
    if form.is_valid():
        try:
            revealed = payouts.payout_bank_account_reveal(payout=payout, actor=request.user,
                                                         reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "assistance/pages/console_payout.html", {
        "payout": payout, "lines": selectors.payout_lines(payout=payout), "reveal_form": form,
        "revealed": revealed, "can_reveal": jurisdiction.has_action(request.user, "reveal_pii", payout.union_path),
    }, status=200 if revealed or form.is_valid() else 422)


@console_view
@require_POST
def payout_cancel(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = selectors.payout_get_for_user(user=request.user, payout_id=payout_id, action=WRITE)
    run_service(request, lambda: payouts.payout_cancel(payout=payout, reason=_("经办人取消"), actor=request.user),
                success=_("已取消。"))
    return redirect("console:assistance:payout_detail", payout_id=payout.pk)


@console_view
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user, action=WRITE)
    form = BatchCreateForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        result: dict[str, Any] = {}

        def create() -> None:
            result["batch"] = payouts.payment_batch_create(union=form.cleaned_data["union"], actor=request.user)

        if run_service(request, create, success=_("已生成代发批次，请下载批量代发文件交银行。")):
            return redirect("console:assistance:batch_detail", payment_batch_id=result["batch"].pk)
    return render(request, "assistance/pages/console_batches.html", {
        "form": form, "batches": selectors.payment_batch_list_for_user(user=request.user)[:200],
    })


def _batch_page(request: HttpRequest, batch: Any, form: ReturnFileForm, status: int = 200) -> HttpResponse:
    return render(request, "assistance/pages/console_batch.html", {
        "batch": batch, "lines": selectors.payment_batch_lines(batch=batch)[:1000],
        "returns": selectors.payment_batch_returns(batch=batch), "form": form,
    }, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def batch_detail(request: HttpRequest, payment_batch_id: int) -> HttpResponse:
    batch = selectors.payment_batch_get_for_user(user=request.user, payment_batch_id=payment_batch_id)
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        batch = selectors.payment_batch_get_for_user(user=request.user, payment_batch_id=payment_batch_id,
                                                     action=WRITE)
        if not form.is_valid():
            return _batch_page(request, batch, form, status=422)
        try:
            imported, new = payouts.payment_return_import(batch=batch, upload=form.cleaned_data["file"],
                                                          actor=request.user)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
            return _batch_page(request, batch, form, status=422)
        if new:
            messages.success(request, _("回盘已导入：成功 %(paid)s 笔，失败 %(failed)s 笔（已退回待发放队列），"
                                        "已处理过 %(same)s 笔。")
                             % {"paid": imported.paid, "failed": imported.failed, "same": imported.unchanged})
        else:
            messages.info(request, _("该回盘文件已导入过，没有任何变化。"))
        return redirect("console:assistance:batch_detail", payment_batch_id=batch.pk)
    return _batch_page(request, batch, form)


@console_view
def batch_file(request: HttpRequest, payment_batch_id: int) -> HttpResponse:
    batch = selectors.payment_batch_get_for_user(user=request.user, payment_batch_id=payment_batch_id,
                                                 action=WRITE)
    response = HttpResponse(
        payouts.payment_batch_file(batch=batch, actor=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.xlsx"'
    return response


@console_view
def batch_file_csv(request: HttpRequest, payment_batch_id: int) -> HttpResponse:
    batch = selectors.payment_batch_get_for_user(user=request.user, payment_batch_id=payment_batch_id,
                                                 action=WRITE)
    response = HttpResponse(payouts.payment_batch_file(batch=batch, actor=request.user, file_format="csv"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.csv"'
    return response
