"""Staff console pages: thin views over the members and orgs selectors and services.

Each list view serves the full page and, for htmx requests, only the part that changes
(`_is_htmx(request)`). Every object is fetched with `<entity>_get_for_user`, so an object in
another branch of the tree is a 404, exactly as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError, NotFound, PermissionDenied
from gonghui.core.web import apply_domain_error
from gonghui.members import selectors as member_selectors
from gonghui.members import services as member_services
from gonghui.members.models import MembershipApplication
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs import services as org_services

from . import forms
from .decorators import staff_required

PAGE_SIZE = 30


def console_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`staff_required`, and domain errors that escape a view become 404 / 403 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc

    return staff_required(wrapper)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _page_or_partial(request: HttpRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    params = request.GET.copy()
    params.pop("page", None)
    context.setdefault("querystring", params.urlencode())
    return render(request, partial if _is_htmx(request) else page, context)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


def _run(request: HttpRequest, action: Callable[[], Any], *, success: str) -> bool:
    """Run a service; report success or the domain error as a page message."""
    try:
        action()
    except NotFound:
        raise
    except DomainError as exc:  # includes PermissionDenied: the page says why, no dead end
        apply_domain_error(exc, request=request)
        return False
    messages.success(request, success)
    return True


# --- dashboard --------------------------------------------------------------------------------


@console_view
def dashboard(request: HttpRequest) -> HttpResponse:
    counts = {
        **member_selectors.member_counts_for_user(user=request.user),
        **org_selectors.org_counts_for_user(user=request.user),
    }
    roots = org_selectors.union_roots_for_user(user=request.user)[:20]
    return render(request, "console/pages/dashboard.html", {"counts": counts, "roots": roots})


# --- applications -----------------------------------------------------------------------------


@console_view
def application_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("status", MembershipApplication.Status.SUBMITTED)
    form = forms.ApplicationFilterForm(data)
    status = q = ""
    if form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    qs = member_selectors.membership_application_list(user=request.user, status=status or None, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page_or_partial(
        request, "console/pages/applications.html", "console/partials/_application_table.html",
        {"form": form, "page": page},
    )


@console_view
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
    can_decide = jurisdiction.has_action(request.user, "approve", application.union.path)
    return render(request, "console/pages/application_detail.html", {
        "application": application, "can_decide": can_decide,
        "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(),
    })


def _application_decided(request: HttpRequest, application_id: int) -> HttpResponse:
    if _is_htmx(request):
        application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
        return render(request, "console/partials/_application_row.html", {"a": application, "decided": True})
    return redirect("console:application_detail", application_id=application_id)


@require_POST
@console_view
def application_approve(request: HttpRequest, application_id: int) -> HttpResponse:
    application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
    form = forms.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _run(
        request,
        lambda: member_services.membership_application_approve(application=application, actor=request.user, note=note),
        success=_("已批准入会，电子会员卡已发放。"),
    )
    return _application_decided(request, application_id)


@require_POST
@console_view
def application_reject(request: HttpRequest, application_id: int) -> HttpResponse:
    application = member_selectors.application_get_for_user(user=request.user, application_id=application_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: member_services.membership_application_reject(application=application, actor=request.user, reason=reason),
        success=_("已退回该申请。"),
    )
    return _application_decided(request, application_id)


# --- people, memberships, cards -------------------------------------------------------------


@console_view
def person_search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    people = list(member_selectors.person_search(user=request.user, q=q)) if q else []
    return _page_or_partial(
        request, "console/pages/people.html", "console/partials/_people_table.html",
        {"form": form, "people": people, "q": q},
    )


def _person_context(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = member_selectors.person_get_for_user(user=request.user, person_id=person_id)
    history = list(member_selectors.person_membership_history(person=person))
    for membership in history:
        membership.can_change = jurisdiction.has_action(request.user, "change", membership.union.path)  # type: ignore[attr-defined]
    return {
        "person": person,
        "memberships": history,
        "applications": member_selectors.person_application_history(person=person),
        "reveal_form": forms.RevealForm(),
        "can_reveal": any(
            jurisdiction.has_action(request.user, "reveal_pii", m.union.path) for m in history
        ),
    }


@console_view
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    return render(request, "console/pages/person_detail.html", _person_context(request, person_id))


@require_POST
@console_view
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    person = member_selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = forms.RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            value = member_services.person_reveal(
                person=person, actor=request.user, field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )
            revealed = {"field": form.cleaned_data["field"], "value": value}
        except PermissionDenied:
            raise
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    if _is_htmx(request):
        return render(request, "console/partials/_reveal.html", {"person": person, "reveal_form": form, "revealed": revealed})
    context = _person_context(request, person_id)
    context.update({"reveal_form": form, "revealed": revealed})
    return render(request, "console/pages/person_detail.html", context, status=200 if revealed else 422)


@console_view
def membership_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = member_selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    return render(request, "console/pages/membership_detail.html", {
        "membership": membership,
        "can_change": jurisdiction.has_action(request.user, "change", membership.union.path),
        "reason_form": forms.ReasonForm(), "transfer_form": forms.TransferStartForm(),
    })


@require_POST
@console_view
def membership_card_reissue(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = member_selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: member_services.card_reissue(membership=membership, actor=request.user, reason=reason),
        success=_("已补发新卡，原卡已注销。"),
    )
    return redirect("console:membership_detail", membership_id=membership_id)


@console_view
def membership_transfer_start(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = member_selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    form = forms.TransferStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            to_union = org_selectors.union_for_transfer(union_id=form.cleaned_data["to_union"])
            to_employer = org_selectors.employer_for_transfer(employer_id=form.cleaned_data["to_employer"])
            transfer = member_services.membership_transfer_request(
                membership=membership, to_union=to_union, to_employer=to_employer,
                reason=form.cleaned_data["reason"], actor=request.user,
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已发起接转，等待原工会同意转出。"))
            return redirect("console:transfer_detail", transfer_id=transfer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "console/pages/transfer_start.html", {"membership": membership, "form": form}, status=status)


@console_view
def union_pick(request: HttpRequest) -> HttpResponse:
    """htmx: unions a member may be transferred to, for the transfer form."""
    form = forms.SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    unions = org_selectors.union_search_for_transfer(q=q)
    return render(request, "console/partials/_union_pick.html", {"unions": unions, "q": q})


@console_view
def card_detail(request: HttpRequest, card_id: int) -> HttpResponse:
    card = member_selectors.card_get_for_user(user=request.user, card_id=card_id)
    return render(request, "console/pages/card_detail.html", {
        "card": card, "reason_form": forms.ReasonForm(),
        "can_change": jurisdiction.has_action(request.user, "change", card.membership.union.path),
    })


@require_POST
@console_view
def card_revoke(request: HttpRequest, card_id: int) -> HttpResponse:
    card = member_selectors.card_get_for_user(user=request.user, card_id=card_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request, lambda: member_services.card_revoke(card=card, actor=request.user, reason=reason),
        success=_("会员卡已注销。"),
    )
    return redirect("console:card_detail", card_id=card_id)


# --- transfers ----------------------------------------------------------------------------------


@console_view
def transfer_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("direction", "in")
    data.setdefault("status", "open")
    form = forms.TransferFilterForm(data)
    direction = status = ""
    if form.is_valid():
        direction, status = form.cleaned_data["direction"], form.cleaned_data["status"]
    qs = member_selectors.transfer_list(user=request.user, direction=direction, status=status or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page_or_partial(
        request, "console/pages/transfers.html", "console/partials/_transfer_table.html",
        {"form": form, "page": page, "direction": direction},
    )


@console_view
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = member_selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    user = request.user
    from_path, to_path = transfer.from_union.path, transfer.to_union.path
    return render(request, "console/pages/transfer_detail.html", {
        "transfer": transfer, "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(),
        "can_release": jurisdiction.has_action(user, "approve", from_path),
        "can_accept": jurisdiction.has_action(user, "approve", to_path),
        "can_reject": jurisdiction.has_action(user, "approve", from_path) or jurisdiction.has_action(user, "approve", to_path),
        "can_cancel": jurisdiction.has_action(user, "change", from_path) or transfer.requested_by_id == user.pk,
    })


TRANSFER_ACTIONS = {"release", "accept", "reject", "cancel"}


@require_POST
@console_view
def transfer_action(request: HttpRequest, transfer_id: int, action: str) -> HttpResponse:
    if action not in TRANSFER_ACTIONS:
        raise Http404()
    transfer = member_selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    note = (request.POST.get("note") or "")[:300]
    reason = (request.POST.get("reason") or "")[:300]
    actor = request.user
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "release": (lambda: member_services.membership_transfer_release(transfer=transfer, actor=actor, note=note),
                    _("已同意转出，等待转入工会接收。")),
        "accept": (lambda: member_services.membership_transfer_accept(transfer=transfer, actor=actor, note=note),
                   _("已接收，新的会员关系和会员卡已生成。")),
        "reject": (lambda: member_services.membership_transfer_reject(transfer=transfer, actor=actor, reason=reason),
                   _("已退回该接转。")),
        "cancel": (lambda: member_services.membership_transfer_cancel(transfer=transfer, actor=actor),
                   _("已取消该接转。")),
    }
    call, success = calls[action]
    _run(request, call, success=success)
    return redirect("console:transfer_detail", transfer_id=transfer_id)


# --- unions, employers, grants ------------------------------------------------------------------


@console_view
def union_list(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    if q:
        unions = org_selectors.union_list_for_user(user=request.user, q=q).order_by("path")[:100]
    else:
        unions = org_selectors.union_roots_for_user(user=request.user)[:100]
    return _page_or_partial(
        request, "console/pages/unions.html", "console/partials/_union_table.html",
        {"form": form, "unions": unions, "q": q},
    )


@console_view
def union_detail(request: HttpRequest, union_id: int) -> HttpResponse:
    union = org_selectors.union_get_for_user(user=request.user, union_id=union_id)
    form = forms.UnionChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            region = org_selectors.region_get(code=data["region"]) if data["region"] else None
            employer = (
                org_selectors.employer_get_for_user(user=request.user, employer_id=data["employer"])
                if data["employer"] else None
            )
            child = org_services.union_create_child(
                actor=request.user, parent=union, name=data["name"], kind=data["kind"], region=region, employer=employer,
            )
        except NotFound:
            form.add_error("employer", _("未找到该单位，或不在您的辖区。"))
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已建立下级工会：%(name)s") % {"name": child.name})
            return redirect("console:union_detail", union_id=union.pk)
    user = request.user
    context = {
        "union": union,
        "children": org_selectors.union_children_for_user(user=user, union=union)[:500],
        "form": form,
        "can_change": jurisdiction.has_action(user, "change", union.path),
        "can_manage_grants": jurisdiction.has_action(user, "manage_grants", union.path),
        "ancestors": _ancestors(user, union),
    }
    if context["can_manage_grants"]:
        context["grants"] = org_selectors.role_grant_list_for_user(user=user, union=union)
        context["grant_form"] = forms.GrantForm()
    status = 422 if request.method == "POST" else 200
    return render(request, "console/pages/union_detail.html", context, status=status)


def _ancestors(user: Any, union: Any) -> list[Any]:
    """Breadcrumb: the ancestors the user may see (ids come from the path)."""
    ids = [int(part) for part in union.path.strip("/").split("/")[:-1] if part.isdigit()]
    visible = {u.pk: u for u in org_selectors.union_list_for_user(user=user).filter(pk__in=ids)}
    return [visible[i] for i in ids if i in visible]


@console_view
def employer_list(request: HttpRequest) -> HttpResponse:
    form = forms.EmployerFilterForm(request.GET)
    q, has_union = "", None
    if form.is_valid():
        q = form.cleaned_data["q"]
        has_union = {"yes": True, "no": False}.get(form.cleaned_data["has_union"])
    qs = org_selectors.employer_list_for_user(user=request.user, q=q, has_union=has_union)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page_or_partial(
        request, "console/pages/employers.html", "console/partials/_employer_table.html",
        {"form": form, "page": page},
    )


@console_view
def employer_create(request: HttpRequest) -> HttpResponse:
    form = forms.EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employer = org_services.employer_register(
                actor=request.user, uscc=data["uscc"], name=data["name"],
                region=org_selectors.region_get(code=data["region"]), ownership=data["ownership"],
                industry=data["industry"], address=data["address"], headcount=data["headcount"],
                is_platform=data["is_platform"],
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            messages.success(request, _("已登记用人单位：%(name)s") % {"name": employer.name})
            return redirect("console:employer_detail", employer_id=employer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "console/pages/employer_form.html", {"form": form}, status=status)


@console_view
def employer_detail(request: HttpRequest, employer_id: int) -> HttpResponse:
    employer = org_selectors.employer_get_for_user(user=request.user, employer_id=employer_id)
    return render(request, "console/pages/employer_detail.html", {"employer": employer, "union": getattr(employer, "union", None)})


@console_view
def grant_list(request: HttpRequest) -> HttpResponse:
    grants = org_selectors.role_grant_list_for_user(user=request.user)[:500]
    return render(request, "console/pages/grants.html", {"grants": grants})


@require_POST
@console_view
def grant_create(request: HttpRequest, union_id: int) -> HttpResponse:
    union = org_selectors.union_get_for_user(user=request.user, union_id=union_id)
    form = forms.GrantForm(request.POST)
    if form.is_valid():
        user = org_selectors.user_get_by_username(username=form.cleaned_data["username"])
        _run(
            request,
            lambda: org_services.role_grant_create(actor=request.user, user=user, union=union, role=form.cleaned_data["role"]),
            success=_("已授权。"),
        )
    else:
        messages.error(request, _("请填写用户名并选择角色。"))
    return redirect("console:union_detail", union_id=union.pk)


@require_POST
@console_view
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = org_selectors.role_grant_get_for_user(user=request.user, grant_id=grant_id)
    union_id = grant.union_id
    _run(request, lambda: org_services.role_grant_revoke(actor=request.user, grant=grant), success=_("已撤销授权。"))
    return _back(request, reverse("console:union_detail", args=[union_id]))
