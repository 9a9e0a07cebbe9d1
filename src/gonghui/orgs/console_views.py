"""Staff console pages of the orgs module: the union tree, employers and role grants, under
/console/orgs/. Every object is fetched with `<entity>_get_for_user` (another branch is a 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.console.decorators import console_view
from gonghui.core import jurisdiction
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import SearchForm
from gonghui.core.web import apply_domain_error, page_or_partial, redirect_back, run_service

from . import forms
from . import selectors as org_selectors
from . import services as org_services

PAGE_SIZE = 30


@console_view
def union_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    if q:
        unions = org_selectors.union_list_for_user(user=request.user, q=q).order_by("path")[:100]
    else:
        unions = org_selectors.union_roots_for_user(user=request.user)[:100]
    return page_or_partial(
        request, "orgs/pages/console_unions.html", "orgs/partials/_union_table.html",
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
            return redirect("console:orgs:union_detail", union_id=union.pk)
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
    return render(request, "orgs/pages/console_union_detail.html", context, status=status)


def _ancestors(user: Any, union: Any) -> list[Any]:
    """Breadcrumb: the ancestors the user may see (ids come from the path)."""
    ids = [int(part) for part in union.path.strip("/").split("/")[:-1] if part.isdigit()]
    visible = {u.pk: u for u in org_selectors.union_list_for_user(user=user).filter(pk__in=ids)}
    return [visible[i] for i in ids if i in visible]


@console_view
def union_pick(request: HttpRequest) -> HttpResponse:
    """htmx: unions a member may be transferred to, for the transfer form."""
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    unions = org_selectors.union_search_for_transfer(q=q)
    return render(request, "orgs/partials/_union_pick.html", {"unions": unions, "q": q})


@console_view
def employer_list(request: HttpRequest) -> HttpResponse:
    form = forms.EmployerFilterForm(request.GET)
    q, has_union = "", None
    if form.is_valid():
        q = form.cleaned_data["q"]
        has_union = {"yes": True, "no": False}.get(form.cleaned_data["has_union"])
    qs = org_selectors.employer_list_for_user(user=request.user, q=q, has_union=has_union)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page_or_partial(
        request, "orgs/pages/console_employers.html", "orgs/partials/_employer_table.html",
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
            return redirect("console:orgs:employer_detail", employer_id=employer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "orgs/pages/console_employer_form.html", {"form": form}, status=status)


@console_view
def employer_detail(request: HttpRequest, employer_id: int) -> HttpResponse:
    employer = org_selectors.employer_get_for_user(user=request.user, employer_id=employer_id)
    return render(request, "orgs/pages/console_employer_detail.html", {"employer": employer, "union": getattr(employer, "union", None)})


@console_view
def grant_list(request: HttpRequest) -> HttpResponse:
    grants = org_selectors.role_grant_list_for_user(user=request.user)[:500]
    return render(request, "orgs/pages/console_grants.html", {"grants": grants})


@require_POST
@console_view
def grant_create(request: HttpRequest, union_id: int) -> HttpResponse:
    union = org_selectors.union_get_for_user(user=request.user, union_id=union_id)
    form = forms.GrantForm(request.POST)
    if form.is_valid():
        user = org_selectors.user_get_by_username(username=form.cleaned_data["username"])
        run_service(
            request,
            lambda: org_services.role_grant_create(actor=request.user, user=user, union=union, role=form.cleaned_data["role"]),
            success=_("已授权。"),
        )
    else:
        messages.error(request, _("请填写用户名并选择角色。"))
    return redirect("console:orgs:union_detail", union_id=union.pk)


@require_POST
@console_view
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = org_selectors.role_grant_get_for_user(user=request.user, grant_id=grant_id)
    union_id = grant.union_id
    run_service(request, lambda: org_services.role_grant_revoke(actor=request.user, grant=grant), success=_("已撤销授权。"))
    return redirect_back(request, reverse("console:orgs:union_detail", args=[union_id]))


