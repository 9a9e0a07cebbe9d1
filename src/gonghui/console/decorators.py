"""Access to the staff console: signed in, and holding at least one role grant."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gonghui.core.jurisdiction import is_staff_user


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "accounts:staff_login")
        if not is_staff_user(request.user):
            return render(request, "console/pages/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
