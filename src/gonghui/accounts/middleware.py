"""Staff must finish TOTP before reaching the console when STAFF_REQUIRE_TOTP is on."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors

TOTP_SESSION_KEY = "gonghui_totp_verified"
GUARDED_PREFIXES = ("/console/", "/admin/")
# Modules mount their staff pages under their own prefix too, e.g. /cases/console/.
GUARDED_SEGMENT = "/console/"
# Leaving must always be possible; the public nearby search needs no login at all (and so
# keeps answering from its in-memory index while the database, and so the session, is away).
EXEMPT_PATHS = ("/admin/logout/", "/api/v1/stations/nearby")


def totp_mark_verified(request: HttpRequest) -> None:
    """Record in the session that this user passed the TOTP step (cleared on logout)."""
    request.session[TOTP_SESSION_KEY] = request.user.pk
    request.session.cycle_key()


def totp_is_verified(request: HttpRequest) -> bool:
    return request.session.get(TOTP_SESSION_KEY) == getattr(request.user, "pk", None)


class StaffTotpMiddleware:
    """A staff user (role grants, is_staff or superuser) needs the TOTP step for the console,
    the admin and session-authenticated API calls; workers are never affected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        blocked = self._check(request)
        return blocked if blocked is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.STAFF_REQUIRE_TOTP:
            return None
        path = request.path
        is_api = path.startswith("/api/")
        guarded = is_api or path.startswith(GUARDED_PREFIXES) or GUARDED_SEGMENT in path
        if not guarded or path.startswith(EXEMPT_PATHS):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if is_api and request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None  # partner tokens are their own credential
        if totp_is_verified(request) or not selectors.user_needs_totp(user):
            return None
        if is_api:
            body = {
                "type": "https://gonghui.example/errors/totp_required",
                "title": _("请先完成动态口令验证。"),
                "status": 403,
                "code": "totp_required",
            }
            return JsonResponse(body, status=403, content_type="application/problem+json",
                                json_dumps_params={"ensure_ascii": False})
        target = "accounts:totp_verify" if user.totp_confirmed else "accounts:totp_setup"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
