"""Staff pages of 送温暖 campaigns, under /console/assistance/relief/: campaigns, one campaign
(completion by union, budget allocation, the household list, payment), one household (edit,
visit with photo, remove). Selectors read, `relief` services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError
from gonghui.core.money import fen_to_yuan
from gonghui.core.web import apply_domain_error

from .. import relief, selectors
from ..forms import (
    ReasonForm,
    ReliefAddForm,
    ReliefAllocateForm,
    ReliefCampaignForm,
    ReliefPayForm,
    ReliefTargetForm,
    ReliefVisitForm,
)
from ..models import HardshipGrade, ReliefCampaign, ReliefTarget


@console_view
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user, action="approve")
    form = ReliefCampaignForm(request.POST or None, unions=unions,
                              initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = relief.relief_campaign_create(
                union=d["union"], name=d["name"], year=d["year"], source=d["source"], budget=d["budget"],
                grade_amounts=form.grade_amounts(), starts_on=d["starts_on"], ends_on=d["ends_on"], by=request.user,
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("活动已创建。下一步：下拨预算，生成慰问名单。"))
            return redirect("console:assistance:relief_detail", relief_campaign_id=campaign.pk)
    return render(request, "assistance/pages/console_relief_list.html", {
        "form": form, "can_create": unions.exists(),
        "campaigns": selectors.relief_campaign_list_for_user(user=request.user)[:200],
    })


def _detail(request: HttpRequest, campaign: ReliefCampaign, *, status: int = 200,
            bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    raw = request.GET.get("union", "")
    union = selectors.relief_union_for_user(user=request.user, campaign=campaign,
                                            union_id=int(raw) if raw.isdigit() else None)
    total, rows = relief.relief_progress(campaign=campaign, union=union)
    children = selectors.relief_child_unions(user=request.user, campaign=campaign)
    payers = selectors.union_choices_for_user(user=request.user, action="finance").filter(
        path__startswith=campaign.union_path)
    target_status = request.GET.get("status", "")
    step_forms: dict[str, forms.Form] = {
        "allocate": ReliefAllocateForm(unions=children), "pay": ReliefPayForm(unions=payers),
        "add": ReliefAddForm(files=selectors.relief_addable_files(user=request.user, campaign=campaign)[:500]),
    } | (bound or {})
    return render(request, "assistance/pages/console_relief.html", {
        "campaign": campaign, "union": union, "total": total, "rows": rows, "forms": step_forms,
        "grade_amounts": _grade_rows(campaign),
        "targets": selectors.relief_target_list_for_user(
            user=request.user, campaign=campaign, union=union,
            status=target_status if target_status in ReliefTarget.Status.values else "")[:300],
        "statuses": ReliefTarget.Status.choices, "status": target_status,
        "allocations": selectors.relief_allocations_for_user(user=request.user, campaign=campaign)[:300],
        "can_generate": jurisdiction.has_action(request.user, "approve", campaign.union_path),
        "can_allocate": children.exists(), "can_pay": payers.exists(),
    }, status=status)


def _grade_rows(campaign: ReliefCampaign) -> list[tuple[str, int]]:
    return [(str(label), int(campaign.grade_amounts.get(value) or 0)) for value, label in HardshipGrade.choices]


@console_view
def campaign_detail(request: HttpRequest, relief_campaign_id: int) -> HttpResponse:
    return _detail(request, selectors.relief_campaign_get_for_user(user=request.user,
                                                                   relief_campaign_id=relief_campaign_id))


CAMPAIGN_STEPS = ("allocate", "generate", "pay", "add", "close")


@console_view
@require_POST
def campaign_step(request: HttpRequest, relief_campaign_id: int, step: str) -> HttpResponse:
    campaign = selectors.relief_campaign_get_for_user(user=request.user, relief_campaign_id=relief_campaign_id)
    if step not in CAMPAIGN_STEPS:
        return _detail(request, campaign, status=404)
    form: forms.Form
    if step == "allocate":
        form = ReliefAllocateForm(request.POST, unions=selectors.relief_child_unions(user=request.user,
                                                                                    campaign=campaign))
    elif step == "pay":
        form = ReliefPayForm(request.POST, unions=selectors.union_choices_for_user(
            user=request.user, action="finance").filter(path__startswith=campaign.union_path))
    elif step == "add":
        form = ReliefAddForm(request.POST, files=selectors.relief_addable_files(user=request.user, campaign=campaign))
    else:
        form = forms.Form(request.POST)
    if not form.is_valid():
        return _detail(request, campaign, status=422, bound={step: form})
    d = form.cleaned_data
    try:
        if step == "allocate":
            relief.relief_allocate(campaign=campaign, to_union=d["to_union"], amount=d["amount"], by=request.user)
            messages.success(request, _("已下拨。"))
        elif step == "generate":
            added = relief.relief_targets_generate(campaign=campaign, by=request.user)
            messages.success(request, _("已按标准生成名单，新增 %(n)s 户。") % {"n": added})
        elif step == "add":
            file = selectors.relief_file_get_for_user(user=request.user, hardship_file_id=d["hardship_file"])
            relief.relief_target_add(campaign=campaign, file=file, by=request.user)
            messages.success(request, _("已列入名单。"))
        elif step == "close":
            relief.relief_campaign_close(campaign=campaign, by=request.user)
            messages.success(request, _("活动已结束。"))
        else:
            result = relief.relief_payment_batch_create(campaign=campaign, union=d["union"], by=request.user)
            text = _("已生成代发批次（%(n)s 户），请下载批量代发文件交银行。") % {"n": result.queued}
            if result.missing_account:
                text += _("以下户缺少银行账号，未发放：%(names)s。") % {"names": "、".join(result.missing_account[:20])}
            messages.success(request, text)
            return redirect("console:assistance:batch_detail", payment_batch_id=result.batch.pk)
    except DomainError as exc:
        if step in ("generate", "close"):
            messages.error(request, str(exc.message))
            return redirect("console:assistance:relief_detail", relief_campaign_id=campaign.pk)
        apply_domain_error(exc, form=form)
        return _detail(request, campaign, status=422, bound={step: form})
    return redirect("console:assistance:relief_detail", relief_campaign_id=campaign.pk)


def _target_page(request: HttpRequest, target: ReliefTarget, *, status: int = 200,
                 bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    step_forms: dict[str, forms.Form] = {
        "update": ReliefTargetForm(initial={"amount": fen_to_yuan(target.amount), "goods": target.goods,
                                            "bank_name": target.bank_name}),
        "visit": ReliefVisitForm(initial={"cash": fen_to_yuan(target.amount), "goods": target.goods,
                                          "visited_on": timezone.localdate()}),
        "remove": ReasonForm(),
    } | (bound or {})
    return render(request, "assistance/pages/console_relief_target.html", {
        "target": target, "campaign": target.campaign, "forms": step_forms,
        "least": int(target.campaign.grade_amounts.get(target.grade) or 0),
        "can_change": jurisdiction.has_action(request.user, "change", target.union_path),
    }, status=status)


@console_view
def target_detail(request: HttpRequest, relief_target_id: int) -> HttpResponse:
    return _target_page(request, selectors.relief_target_get_for_user(user=request.user,
                                                                      relief_target_id=relief_target_id))


TARGET_FORMS: dict[str, type[forms.Form]] = {"update": ReliefTargetForm, "visit": ReliefVisitForm,
                                              "remove": ReasonForm}


@console_view
@require_POST
def target_step(request: HttpRequest, relief_target_id: int, step: str) -> HttpResponse:
    target = selectors.relief_target_get_for_user(user=request.user, relief_target_id=relief_target_id)
    form_class = TARGET_FORMS.get(step)
    if form_class is None:
        return _target_page(request, target, status=404)
    form = form_class(request.POST, request.FILES or None)
    if not form.is_valid():
        return _target_page(request, target, status=422, bound={step: form})
    d: dict[str, Any] = form.cleaned_data
    try:
        if step == "update":
            relief.relief_target_update(target=target, by=request.user, amount=d["amount"], goods=d["goods"],
                                        bank_account=d["bank_account"], bank_name=d["bank_name"])
        elif step == "visit":
            relief.relief_visit_record(target=target, by=request.user, visited_on=d["visited_on"],
                                       visitors=d["visitors"], cash=d["cash"], goods=d["goods"], photo=d.get("photo"))
        else:
            relief.relief_target_remove(target=target, by=request.user, reason=d["reason"])
    except DomainError as exc:
        apply_domain_error(exc, form=form)
        return _target_page(request, target, status=422, bound={step: form})
    messages.success(request, _("已保存。"))
    return redirect("console:assistance:relief_target", relief_target_id=target.pk)
