"""The worker app shell: 首页, 服务, 消息 and 我的. Each module's own pages live in its app and
plug in through its navigation declaration (core/modules.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import modules as navigation
from gonghui.members import selectors as member_selectors
from gonghui.members.models import MembershipTransfer
from gonghui.notices import selectors as notice_selectors
from gonghui.notices import services as notice_services
from gonghui.notices.models import Audience

worker_login_required = login_required(login_url="accounts:worker_login")

# How many services 首页 shows as tiles (the rest are one tap away under 服务).
HOME_QUICK_SERVICES = 8

# How long the large-text choice is remembered (a year; it is a preference, not a secret).
TEXT_SIZE_COOKIE_AGE = 365 * 24 * 3600


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """首页: the member card one tap away, what waits for me, the nearest station, news."""
    context: dict[str, object] = {
        "home_cards": [card for module in navigation.modules() for card in module.home_cards],
        "quick": [entry for group in navigation.worker_services() for entry in group.entries][:HOME_QUICK_SERVICES],
    }
    user = request.user
    if user.is_authenticated:
        context["membership"] = member_selectors.membership_live_for_worker(user=user)
        context["pending"] = (
            member_selectors.application_list_for_worker(user=user).filter(status="submitted").first()
        )
        context["waiting"] = navigation.waiting_for(user)
        context["latest_notices"] = list(
            notice_selectors.notice_list_for_user(user=user, audience=Audience.WORKER).filter(read_at__isnull=True)[:3]
        )
    return render(request, "web/pages/home.html", context)


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """服务: every module's services, grouped, searchable (the search also works without JS)."""
    q = (request.GET.get("q") or "")[:30]
    return render(request, "web/pages/services.html", {"groups": navigation.worker_services(q), "q": q})


@worker_login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """消息: one inbox for every module's notices. Opening it marks the shown page read."""
    qs = notice_selectors.notice_list_for_user(user=request.user, audience=Audience.WORKER)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    unread_ids = [n.pk for n in rows if n.read_at is None]
    response = render(request, "web/pages/inbox.html", {"page": page, "notices": rows})
    notice_services.notice_mark_read(user=request.user, audience=Audience.WORKER, ids=unread_ids)
    return response


@worker_login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    notice_services.notice_mark_read(user=request.user, audience=Audience.WORKER)
    return redirect("web:inbox")


@worker_login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """我的: profile, card, applications, transfers, settings."""
    user = request.user
    membership = member_selectors.membership_live_for_worker(user=user)
    transfers = list(member_selectors.transfer_list_for_worker(user=user)[:10])
    open_statuses = {MembershipTransfer.Status.REQUESTED, MembershipTransfer.Status.RELEASED}
    return render(request, "web/pages/me.html", {
        "person": member_selectors.person_for_user(user=user),
        "applications": member_selectors.application_list_for_worker(user=user)[:10],
        "membership": membership,
        "transfers": transfers,
        "open_transfer": next((t for t in transfers if t.status in open_statuses), None),
    })


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """适老化: switch large text on or off; remembered in a cookie on this phone."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/me/"
    response = redirect(target)
    if request.POST.get("size") == "large":
        response.set_cookie("text_size", "large", max_age=TEXT_SIZE_COOKIE_AGE, samesite="Lax")
    else:
        response.delete_cookie("text_size")
    return response
