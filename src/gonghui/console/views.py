"""The console's own page: the overview of the staff member's branch. Every other staff page
lives in its module's `console_views.py`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.members import selectors as member_selectors
from gonghui.notices import selectors as notice_selectors
from gonghui.notices import services as notice_services
from gonghui.notices.models import Audience
from gonghui.orgs import selectors as org_selectors
from gonghui.stats import selectors as stats_selectors

from .decorators import console_view


@console_view
def dashboard(request: HttpRequest) -> HttpResponse:
    counts = {
        **member_selectors.member_counts_for_user(user=request.user),
        **org_selectors.org_counts_for_user(user=request.user),
    }
    roots = org_selectors.union_roots_for_user(user=request.user)[:20]
    # The year so far, from the figures the modules registered with statistics.
    headline = stats_selectors.headline_for_user(user=request.user)
    return render(request, "console/pages/dashboard.html", {"counts": counts, "roots": roots, "headline": headline})



@console_view
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """我的提醒: the staff member's notices from every module, newest first."""
    qs = notice_selectors.notice_list_for_user(user=request.user, audience=Audience.STAFF)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "console/pages/notices.html", {
        "page": page, "unread": notice_selectors.notice_unread_count(user=request.user, audience=Audience.STAFF),
    })


@console_view
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    """全部标为已读."""
    count = notice_services.notice_mark_read(user=request.user, audience=Audience.STAFF)
    messages.success(request, _("已将 %(n)s 条提醒标为已读。") % {"n": count})
    return redirect("console:notices")
