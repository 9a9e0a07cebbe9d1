"""The console's shared decorators: signed in, and holding at least one role grant.

Every module's `console_views.py` wraps its views in `console_view`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from gonghui.core.jurisdiction import is_staff_user
from gonghui.core.web import domain_errors


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "accounts:staff_login")
        if not is_staff_user(request.user):
            return render(request, "console/pages/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def console_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponse]:
    """`staff_required`, and domain errors that escape the view become 404 / 403 pages."""
    return staff_required(domain_errors(view))
