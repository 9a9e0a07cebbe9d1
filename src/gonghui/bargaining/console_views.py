"""Staff pages of the bargaining module, under /console/bargaining/: units and their offers,
rounds and contracts; the contract's versions, vote, signing and filing; the minimum-pay
comparison; 集中要约 campaigns; safety checklists, inspections and hazards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error

from . import currencies, pickers, safety, selectors, services
from .forms import (
    AnswerForm,
    CampaignForm,
    ChecklistForm,
    ContractForm,
    FileForm,
    HazardForm,
    InspectionForm,
    ObjectionForm,
    OfferForm,
    PlanForm,
    ReceiptForm,
    RectifyForm,
    ReinspectForm,
    RoundForm,
    SignForm,
    TermsForm,
    UnitEditForm,
    UnitForm,
    VerifyForm,
    VoteForm,
)
from .models import BargainingOffer, CollectiveContract, InspectionPlan, PayPeriod, SafetyHazard


def _post_form(request: HttpRequest, form_class: type[forms.Form], action: Callable[[dict[str, Any]], Any], *,
               success: str) -> bool:
    """Bind a small action form, run the service, and report the result as a page message."""
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return False
    try:
        action(form.cleaned_data)
    except NotFound:
        raise
    except DomainError as exc:
        apply_domain_error(exc, request=request)
        return False
    messages.success(request, success)
    return True


# --- overview and units ----------------------------------------------------------------------


@console_view
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "bargaining/pages/console_index.html", {
        "counts": selectors.bargaining_counts(user=user),
        "units": selectors.unit_list_for_user(user=user)[:100],
        "offers": selectors.offer_list_for_user(user=user)[:50],
        "contracts": selectors.contract_list_for_user(user=user)[:100],
        "campaigns": selectors.campaign_list_for_user(user=user)[:20],
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def unit_create(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user)
    employers = selectors.employer_choices_for_user(user=request.user)
    form = UnitForm(request.POST or None, unions=unions, employers=employers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user, union=d["union"], kind=d["kind"], name=d["name"], employer=d["employer"],
                employers=list(d["employers"]), sector=d["sector"], sector_code=d["sector_code"], employer_party=d["employer_party"],
                union_chief=d["union_chief"], union_representatives=d["union_representatives"], employer_chief=d["employer_chief"],
                employer_representatives=d["employer_representatives"], workers_covered=d["workers_covered"],
                members_covered=d["members_covered"],
            )
            messages.success(request, _("协商单位已登记。"))
            return redirect("console:bargaining:unit", bargaining_unit_id=unit.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_form.html", {"form": form, "title": _("登记协商单位")})



@console_view
def unit_detail(request: HttpRequest, bargaining_unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id)
    return render(request, "bargaining/pages/console_unit.html", {
        "unit": unit, "employers": unit.employers.all()[:200], "offers": unit.offers.all(), "rounds": unit.rounds.all(),
        "contracts": unit.contracts.all(), "offer_form": OfferForm(initial={"sent_on": services.today()}),
        "round_form": RoundForm(initial={"held_on": services.today()}),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def unit_edit(request: HttpRequest, bargaining_unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    initial = {name: getattr(unit, name) for name in UnitEditForm.base_fields}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_update(actor=request.user, unit=unit, **d)
            messages.success(request, _("协商单位已更新。"))
            return redirect("console:bargaining:unit", bargaining_unit_id=unit.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    title = _("补全协商代表") if unit.representatives_pending else _("修改协商单位")
    return render(request, "bargaining/pages/console_form.html", {"form": form, "title": title, "unit": unit})


@console_view
@require_http_methods(["GET"])
def pick(request: HttpRequest, kind: str) -> HttpResponse:
    """The pickers' search (htmx): the chosen ones and up to pickers.PAGE matches as options."""
    if kind == "union":
        queryset: Any = selectors.union_choices_for_user(user=request.user)
    elif kind == "employer":
        queryset = selectors.employer_choices_for_user(user=request.user)
    else:
        raise NotFound()
    field = request.GET.get("field", "")[:40]
    selected = pickers._ids([v for v in request.GET.getlist(field) if v])
    rows = pickers.options(queryset, selected=selected, q=request.GET.get("pick_q", ""), blank=field != "employers")
    return render(request, "bargaining/partials/_pick_options.html", {"rows": rows})


@console_view
@require_POST
def offer_send(request: HttpRequest, bargaining_unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    made: list[BargainingOffer] = []
    ok = _post_form(request, OfferForm, lambda d: made.append(services.offer_send(
        actor=request.user, unit=unit, topics=d["topics"], body=d["body"], sent_on=d["sent_on"], recipient=d["recipient"],
        from_side=d["from_side"])), success=_("要约书已生成。"))
    if ok:
        return redirect("console:bargaining:offer", bargaining_offer_id=made[0].pk)
    return redirect("console:bargaining:unit", bargaining_unit_id=unit.pk)


@console_view
@require_POST
def round_add(request: HttpRequest, bargaining_unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    _post_form(request, RoundForm, lambda d: services.round_add(
        actor=request.user, unit=unit, held_on=d["held_on"], place=d["place"], attendees=d["attendees"],
        union_position=d["union_position"], employer_position=d["employer_position"], agreed_points=d["agreed_points"],
        minutes=d["minutes"]), success=_("协商会议已登记。"))
    return redirect("console:bargaining:unit", bargaining_unit_id=unit.pk)


# --- offers ----------------------------------------------------------------------------------


@console_view
def offer_detail(request: HttpRequest, bargaining_offer_id: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id)
    return render(request, "bargaining/pages/console_offer.html", {
        "offer": offer, "days_left": selectors.offer_days_left(offer),
        "receipt_form": ReceiptForm(initial={"received_on": services.today()}),
        "answer_form": AnswerForm(initial={"answered_on": services.today()}),
    })


@console_view
def offer_pdf(request: HttpRequest, bargaining_offer_id: int) -> FileResponse:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id)
    if not offer.pdf:
        raise NotFound()
    return FileResponse(offer.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"{offer.number}.pdf")


@console_view
@require_POST
def offer_receipt(request: HttpRequest, bargaining_offer_id: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id, action="change")
    _post_form(request, ReceiptForm, lambda d: services.offer_receipt_record(actor=request.user, offer=offer, received_on=d["received_on"]),
               success=_("已登记送达，回应期限开始计算。"))
    return redirect("console:bargaining:offer", bargaining_offer_id=offer.pk)


@console_view
@require_POST
def offer_answer(request: HttpRequest, bargaining_offer_id: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id, action="change")
    _post_form(request, AnswerForm, lambda d: services.offer_answer_record(
        actor=request.user, offer=offer, accepted=d["accepted"], answered_on=d["answered_on"], answer=d["answer"]),
        success=_("已登记对方回应。"))
    return redirect("console:bargaining:offer", bargaining_offer_id=offer.pk)


@console_view
@require_POST
def offer_escalate(request: HttpRequest, bargaining_offer_id: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, offer_id=bargaining_offer_id, action="change")
    try:
        case = services.offer_escalate(actor=request.user, offer=offer, note=request.POST.get("note", "")[:1000])
        messages.success(request, _("已报上级工会，诉求编号 %(number)s。") % {"number": case.number})
    except NotFound:
        raise
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("console:bargaining:offer", bargaining_offer_id=offer.pk)


# --- contracts ---------------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def contract_create(request: HttpRequest, bargaining_unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=bargaining_unit_id, action="change")
    form = ContractForm(request.POST or None, initial={"title": f"{unit.name}集体合同"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contract = services.contract_create(actor=request.user, unit=unit, kind=d["kind"], title=d["title"],
                                                starts_on=d["starts_on"], ends_on=d["ends_on"], terms=form.terms(), note=d["note"])
            messages.success(request, _("合同草案已保存。"))
            return redirect("console:bargaining:contract", collective_contract_id=contract.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_terms.html", {"form": form, "title": _("起草集体合同"), "unit": unit,
                                                                  "codes": currencies.ISO_4217})


@console_view
def contract_detail(request: HttpRequest, collective_contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id)
    versions = list(contract.versions.all())
    changes = []
    for older, newer in zip(versions, versions[1:], strict=False):
        changes.append((older, newer, selectors.version_changes(older, newer)))
    current = versions[-1] if versions else None
    return render(request, "bargaining/pages/console_contract.html", {
        "contract": contract, "versions": versions, "current": current, "changes": changes,
        "current_pay": selectors.min_pay_text(current) if current else "",
        "current_pct": selectors.pct_text(current.wage_adjustment_bp) if current else "",
        "current_texts": selectors.version_texts(current),
        "votes": contract.votes.all(), "renewal_on": selectors.contract_renewal_on(contract),
        "vote_form": VoteForm(initial={"held_on": services.today()}), "sign_form": SignForm(initial={"signed_on": services.today()}),
        "file_form": FileForm(initial={"filed_on": services.today()}), "objection_form": ObjectionForm(),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def version_add(request: HttpRequest, collective_contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=collective_contract_id, action="change")
    current = contract.current_version
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in services.TEXT_TERMS}
        initial["weekly_hours"] = current.weekly_hours
        if current.wage_adjustment_bp is not None:
            initial["wage_adjustment_pct"] = selectors.pct_text(current.wage_adjustment_bp).rstrip("%")
        if current.min_pay_minor is not None:
            initial.update(min_pay_amount=str(currencies.from_minor(current.min_pay_minor, current.min_pay_currency)),
                           min_pay_currency=current.min_pay_currency, min_pay_period=current.min_pay_period)
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_version_add(actor=request.user, contract=contract, terms=form.terms(), note=form.cleaned_data["note"])
            messages.success(request, _("新版本已保存。"))
            return redirect("console:bargaining:contract", collective_contract_id=contract.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_terms.html", {"form": form, "title": _("修改合同文本（新版本）"),
                                                                  "contract": contract, "codes": currencies.ISO_4217})


def _contract_action(request: HttpRequest, contract_id: int, form_class: type[forms.Form],
                     action: Callable[[CollectiveContract, dict[str, Any]], Any], success: str) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id, action="change")
    _post_form(request, form_class, lambda d: action(contract, d), success=success)
    return redirect("console:bargaining:contract", collective_contract_id=contract.pk)


@console_view
@require_POST
def contract_vote(request: HttpRequest, collective_contract_id: int) -> HttpResponse:
    def run(c: CollectiveContract, d: dict[str, Any]) -> None:
        vote = services.vote_record(actor=request.user, contract=c, body=d["body"], held_on=d["held_on"], total=d["total"],
                                    present=d["present"], in_favour=d["in_favour"], against=d["against"], abstained=d["abstained"])
        if not vote.adopted:
            messages.warning(request, _("未达到法定人数。") if not vote.quorum_met else _("赞成票未超过全体代表半数，草案未获通过。"))
    return _contract_action(request, collective_contract_id, VoteForm, run, _("表决结果已登记。"))


@console_view
@require_POST
def contract_sign(request: HttpRequest, collective_contract_id: int) -> HttpResponse:
    return _contract_action(request, collective_contract_id, SignForm,
                            lambda c, d: services.contract_sign(actor=request.user, contract=c, signed_on=d["signed_on"]),
                            _("已登记签订，请在 10 日内报送审查。"))


@console_view
@require_POST
def contract_file(request: HttpRequest, collective_contract_id: int) -> HttpResponse:
    return _contract_action(request, collective_contract_id, FileForm,
                            lambda c, d: services.contract_file(actor=request.user, contract=c, filed_on=d["filed_on"],
                                                                labour_department=d["labour_department"]),
                            _("已登记报送，审查期开始计算。"))


@console_view
@require_POST
def contract_objection(request: HttpRequest, collective_contract_id: int) -> HttpResponse:
    return _contract_action(request, collective_contract_id, ObjectionForm,
                            lambda c, d: services.contract_objection_record(actor=request.user, contract=c, objection=d["objection"]),
                            _("已登记异议，合同退回修改。"))


@console_view
def pay_compare(request: HttpRequest) -> HttpResponse:
    currency = (request.GET.get("currency") or "CNY").strip().upper()[:3]
    period = request.GET.get("period") or PayPeriod.MONTH
    error = ""
    if not currencies.is_currency(currency):
        error, currency = _("币种 %(code)s 不是 ISO 4217 货币代码。") % {"code": currency}, "CNY"
    if period not in PayPeriod.values:
        period = PayPeriod.MONTH
    return render(request, "bargaining/pages/console_compare.html", {
        "rows": selectors.min_pay_comparison(user=request.user, currency=currency, period=period), "currency": currency,
        "period": period, "periods": PayPeriod.choices, "available": selectors.min_pay_currencies(user=request.user), "error": error,
    })


# --- 集中要约行动 -------------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user),
                        employers=selectors.employer_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            employers = list(d["employers"])
            if d["all_in_subtree"]:
                employers += list(selectors.employers_with_union_under(union=d["union"], limit=501))
            campaign = services.offer_campaign_launch(actor=request.user, union=d["union"], name=d["name"], topics=d["topics"],
                                                      body=d["body"], employers=employers)
            messages.success(request, _("已向 %(n)s 家单位发出要约。") % {"n": campaign.offers.count()})
            return redirect("console:bargaining:campaign", offer_campaign_id=campaign.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_campaign_form.html", {"form": form})


@console_view
def campaign_detail(request: HttpRequest, offer_campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=offer_campaign_id)
    return render(request, "bargaining/pages/console_campaign.html", {
        "campaign": campaign, "tally": selectors.campaign_tally(campaign=campaign),
        "offers": campaign.offers.select_related("unit")[:500], "pending": selectors.campaign_units_pending(campaign=campaign),
    })


# --- safety -------------------------------------------------------------------------------------


@console_view
def safety_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "bargaining/pages/console_safety.html", {
        "counts": selectors.safety_counts(user=user), "checklists": selectors.checklist_list_for_user(user=user)[:50],
        "inspections": selectors.inspection_list_for_user(user=user)[:50],
        "plans": selectors.plan_list_for_user(user=user, status=InspectionPlan.Status.PLANNED)[:50],
        "hazards": selectors.hazard_list_for_user(user=user).exclude(status__in=[SafetyHazard.Status.CLOSED, SafetyHazard.Status.DISMISSED])[:100],
        "today": services.today(),
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def checklist_create(request: HttpRequest) -> HttpResponse:
    form = ChecklistForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            safety.checklist_create(actor=request.user, union=d["union"], trade=d["trade"], name=d["name"], items=d["items"],
                                    shared=d["shared"])
            messages.success(request, _("检查表已保存。"))
            return redirect("console:bargaining:safety")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_form.html", {"form": form, "title": _("新建检查表")})


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def inspection_create(request: HttpRequest) -> HttpResponse:
    checklists = selectors.checklist_list_for_user(user=request.user)
    plan_id = request.GET.get("plan") or request.POST.get("plan") or ""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=int(plan_id), action="change") if plan_id.isdigit() else None
    initial: dict[str, Any] = {"inspected_on": services.today()}
    if plan is not None:
        initial.update(union=plan.union_id, employer=plan.employer_id, checklist=plan.checklist_id, inspectors=plan.inspectors)
    form = InspectionForm(request.POST or None, request.FILES or None, unions=selectors.union_choices_for_user(user=request.user),
                          employers=selectors.employer_choices_for_user(user=request.user), checklists=checklists,
                          initial=initial)
    checklist = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        checklist = d["checklist"]
        results = {item: request.POST.get(f"item_{checklist.pk}_{i}", "") for i, item in enumerate(checklist.item_list)} if checklist else {}
        try:
            inspection = safety.inspection_record(
                actor=request.user, union=d["union"], employer=d["employer"], checklist=checklist, inspected_on=d["inspected_on"],
                inspectors=d["inspectors"], findings=d["findings"], results=results, photos=request.FILES.getlist("photos"),
                plan=plan)
            messages.success(request, _("检查已登记，请逐条登记发现的隐患。"))
            return redirect("console:bargaining:inspection", safety_inspection_id=inspection.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_inspection_form.html", {"form": form, "checklists": checklists, "plan": plan})


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user),
                    employers=selectors.employer_choices_for_user(user=request.user),
                    checklists=selectors.checklist_list_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = safety.plan_create(actor=request.user, union=d["union"], employer=d["employer"], planned_on=d["planned_on"],
                                      inspectors=d["inspectors"], topic=d["topic"], checklist=d["checklist"])
            messages.success(request, _("检查计划已保存，当天会提醒。"))
            return redirect("console:bargaining:plan", inspection_plan_id=plan.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "bargaining/pages/console_form.html", {"form": form, "title": _("安排检查计划")})


@console_view
def plan_detail(request: HttpRequest, inspection_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=inspection_plan_id)
    return render(request, "bargaining/pages/console_plan.html", {"plan": plan, "today": services.today()})


@console_view
@require_POST
def plan_cancel(request: HttpRequest, inspection_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=inspection_plan_id, action="change")
    try:
        safety.plan_cancel(actor=request.user, plan=plan)
        messages.success(request, _("检查计划已取消。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("console:bargaining:plan", inspection_plan_id=plan.pk)


@console_view
def inspection_detail(request: HttpRequest, safety_inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, inspection_id=safety_inspection_id)
    return render(request, "bargaining/pages/console_inspection.html", {
        "inspection": inspection, "hazards": inspection.hazards.all(), "photos": inspection.photos.all(),
        "hazard_form": HazardForm(), "results": sorted(inspection.results.items()),
    })


@console_view
@require_POST
def hazard_add(request: HttpRequest, safety_inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, inspection_id=safety_inspection_id, action="change")
    _post_form(request, HazardForm, lambda d: safety.hazard_record(
        actor=request.user, inspection=inspection, description=d["description"], severity=d["severity"],
        rectify_days=d["rectify_days"], location=d["location"], photos=request.FILES.getlist("photos")),
        success=_("隐患已登记，整改期限已计算。"))
    return redirect("console:bargaining:inspection", safety_inspection_id=inspection.pk)


@console_view
def hazard_detail(request: HttpRequest, safety_hazard_id: int) -> HttpResponse:
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id)
    return render(request, "bargaining/pages/console_hazard.html", {
        "hazard": hazard, "photos": hazard.photos.all(), "today": services.today(),
        "verify_form": VerifyForm(), "rectify_form": RectifyForm(initial={"rectified_on": services.today()}),
        "reinspect_form": ReinspectForm(initial={"reinspected_on": services.today()}),
    })


def _hazard_action(request: HttpRequest, hazard_id: int, form_class: type[forms.Form],
                   action: Callable[[SafetyHazard, dict[str, Any]], Any], success: str) -> HttpResponse:
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=hazard_id, action="change")
    _post_form(request, form_class, lambda d: action(hazard, d), success=success)
    return redirect("console:bargaining:hazard", safety_hazard_id=hazard.pk)


@console_view
@require_POST
def hazard_verify(request: HttpRequest, safety_hazard_id: int) -> HttpResponse:
    return _hazard_action(request, safety_hazard_id, VerifyForm, lambda h, d: safety.hazard_verify(
        actor=request.user, hazard=h, confirmed=d["confirmed"], severity=d["severity"], rectify_days=d["rectify_days"] or 0,
        note=d["note"]), _("已核实。"))


@console_view
@require_POST
def hazard_rectify(request: HttpRequest, safety_hazard_id: int) -> HttpResponse:
    return _hazard_action(request, safety_hazard_id, RectifyForm, lambda h, d: safety.hazard_rectification_record(
        actor=request.user, hazard=h, rectified_on=d["rectified_on"], rectification=d["rectification"],
        evidence=request.FILES.getlist("evidence")), _("已登记整改，等待复查。"))


@console_view
@require_POST
def hazard_reinspect(request: HttpRequest, safety_hazard_id: int) -> HttpResponse:
    return _hazard_action(request, safety_hazard_id, ReinspectForm, lambda h, d: safety.hazard_reinspect(
        actor=request.user, hazard=h, reinspected_on=d["reinspected_on"], passed=d["passed"], note=d["note"],
        rectify_days=d["rectify_days"] or 0), _("复查结果已登记。"))


@console_view
@require_POST
def hazard_escalate(request: HttpRequest, safety_hazard_id: int) -> HttpResponse:
    hazard = selectors.hazard_get_for_user(user=request.user, hazard_id=safety_hazard_id, action="change")
    try:
        letter = safety.hazard_escalate(actor=request.user, hazard=hazard)
        messages.success(request, _("已转诉求并制发提示函 %(number)s。") % {"number": letter.number})
    except NotFound:
        raise
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("console:bargaining:hazard", safety_hazard_id=hazard.pk)
