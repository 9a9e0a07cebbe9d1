"""Worker pages of the members module, under /members/: join the union, the e-member card,
membership transfers and withdrawing an application. They render inside the app shell."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error
from gonghui.orgs import selectors as org_selectors

from . import selectors as member_selectors
from . import services as member_services
from .card_qr import card_qr
from .forms import EmployerPickMixin, JoinForm, TransferForm
from .models import EmploymentForm


def _employer_results(q: str, selected: Any = None) -> list[Any]:
    results = list(org_selectors.employer_search(q=q[:100]))
    if selected is not None and all(e.pk != selected.pk for e in results):
        results.insert(0, selected)
    return results


def _federation_results(q: str, selected: Any = None, region_code: str = "") -> list[Any]:
    """Federations matching `q` (name or city); a 6-digit region code, or the picked
    employer's region, lists the federations of that county, city and province first."""
    q = q.strip()[:50]
    if len(q) == 6 and q.isdigit():
        region_code, q = q, ""
    results: list[Any] = []
    if region_code and not q:
        results = list(org_selectors.new_form_federations_for_region(region_code=region_code).select_related("region"))
    if not results:
        results = list(org_selectors.new_form_federation_list(q=q, limit=30))
    if selected is not None and all(u.pk != selected.pk for u in results):
        results.insert(0, selected)
    return results


def _picked(form: EmployerPickMixin) -> tuple[Any, Any]:
    """The employer / union a worker picked, as objects; bad ids become form errors."""
    employer = union = None
    try:
        employer = member_selectors.employer_for_application(employer_id=form.cleaned_data.get("employer"))
    except DomainError as exc:
        apply_domain_error(exc, form=form)
    if employer is None and not form.cleaned_data.get("employer") and not form.cleaned_data.get("union"):
        # An exact 统一社会信用代码 leaves nothing to choose: that employer is the pick.
        employer = org_selectors.employer_for_uscc_typed(q=form.cleaned_data.get("employer_q") or "")
    try:
        union = member_selectors.union_for_application(union_id=form.cleaned_data.get("union"))
    except DomainError as exc:
        apply_domain_error(exc, form=form)
    return employer, union


def _picker_context(form: EmployerPickMixin, employer: Any, union: Any) -> dict[str, Any]:
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    employer_q = data.get("employer_q") or ""
    fed_q = data.get("fed_q") or ""
    return {
        "employers": _employer_results(employer_q, employer),
        "employer_q": employer_q,
        "selected_employer": employer.pk if employer else None,
        "federations": _federation_results(fed_q, union, employer.region_id if employer else ""),
        "selected_union": union.pk if union else None,
    }


@require_GET
def join_employers(request: HttpRequest) -> HttpResponse:
    """htmx search-as-you-type: employers by name, pinyin initials or USCC."""
    q = request.GET.get("employer_q", "")[:100]
    exact = org_selectors.employer_for_uscc_typed(q=q)
    return render(request, "members/partials/_employer_results.html", {
        "employers": _employer_results(q), "employer_q": q, "selected_employer": exact.pk if exact else None,
    })


@require_GET
def join_federations(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("fed_q", "")
    return render(request, "members/partials/_federation_results.html", {"federations": _federation_results(q), "selected_union": None})


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def join(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if member_selectors.membership_live_for_worker(user=user) is not None:
        messages.info(request, _("您已是工会会员。"))
        return redirect("members:card")
    person = member_selectors.person_for_user(user=user)
    employer = union = None
    if request.method == "POST":
        form = JoinForm(request.POST)
        valid = form.is_valid()
        employer, union = _picked(form)
        if valid and request.POST.get("action") != "search" and not form.errors:
            try:
                member_services.membership_application_submit(
                    user=user, name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"],
                    phone=form.cleaned_data["phone"], employment_form=form.cleaned_data["employment_form"],
                    new_form_kind=form.cleaned_data["new_form_kind"] or "",
                    is_migrant_worker=form.cleaned_data["is_migrant_worker"],
                    employer=employer, union=union,
                )
            except DomainError as exc:
                apply_domain_error(exc, form=form)
            else:
                messages.success(request, _("入会申请已提交，工会审核后会通知您。"))
                return redirect("web:me")
    else:
        initial = {"phone": user.phone}
        if person is not None:
            initial.update(name=person.name, employment_form=person.employment_form,
                           new_form_kind=person.new_form_kind, is_migrant_worker=person.is_migrant_worker)
        form = JoinForm(initial=initial)
        form.cleaned_data = {}
    context = {"form": form, "new_form_value": EmploymentForm.NEW_FORM}
    context.update(_picker_context(form, employer, union))
    return render(request, "members/pages/join.html", context)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        application = member_selectors.application_get_for_worker(user=request.user, application_id=application_id)
        member_services.membership_application_withdraw(application=application, user=request.user)
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    else:
        messages.success(request, _("入会申请已撤回。"))
    return redirect("web:me")


@login_required
def card(request: HttpRequest) -> HttpResponse:
    """The e-member card; its dynamic QR code links to the public verification endpoint.
    An htmx request for `?part=qr` gets only the QR partial (the page refreshes it)."""
    current = member_selectors.card_current_for_worker(user=request.user)
    context: dict[str, Any] = {"card": current}
    if current is not None:
        context["qr"] = card_qr(request, current)  # dynamic: changes every minute
        context["membership"] = current.membership
        if getattr(request, "htmx", False) and request.GET.get("part") == "qr":
            return render(request, "members/partials/_card_qr.html", context)
    else:
        context["pending"] = member_selectors.application_list_for_worker(user=request.user).filter(status="submitted").first()
    return render(request, "members/pages/card.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def transfer(request: HttpRequest) -> HttpResponse:
    """Ask to move the membership to a new employer's union (or a federation)."""
    membership = member_selectors.membership_live_for_worker(user=request.user)
    if membership is None:
        messages.info(request, _("您还不是工会会员，请先申请入会。"))
        return redirect("members:join")
    employer = union = None
    if request.method == "POST":
        form = TransferForm(request.POST)
        valid = form.is_valid()
        employer, union = _picked(form)
        if valid and request.POST.get("action") != "search" and not form.errors:
            try:
                to_employer, to_union = member_selectors.transfer_target_for_worker(
                    employer_id=employer.pk if employer else None, union_id=union.pk if union else None
                )
                member_services.membership_transfer_request(
                    membership=membership, to_union=to_union, to_employer=to_employer,
                    reason=form.cleaned_data["reason"], actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(exc, form=form)
            else:
                messages.success(request, _("接转申请已提交，原工会和新工会办理后即完成。"))
                return redirect("web:me")
    else:
        form = TransferForm()
        form.cleaned_data = {}
    context: dict[str, Any] = {"form": form, "membership": membership}
    context.update(_picker_context(form, employer, union))
    return render(request, "members/pages/transfer.html", context)


@login_required
@require_POST
def transfer_cancel(request: HttpRequest, transfer_id: int) -> HttpResponse:
    try:
        found = member_selectors.transfer_get_for_worker(user=request.user, transfer_id=transfer_id)
        member_services.membership_transfer_cancel(transfer=found, actor=request.user)
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    else:
        messages.success(request, _("接转申请已取消。"))
    return redirect("web:me")
