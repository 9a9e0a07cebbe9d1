"""Who the request is, and whether a staff member has finished the TOTP step.

Two rules, each enforced once here rather than in every view:

- **One credential per request.** An API request that carries an `Authorization` header is
  authenticated by that header alone: the session user is hidden from it, so a wrong token
  can never fall back to the browser's session (`ApiCredentialMiddleware`).
- **TOTP on every path.** With STAFF_REQUIRE_TOTP on, a session-authenticated staff member
  who has not passed the TOTP step reaches nothing but the sign-in steps themselves:
  pages, the API, exports and file downloads all answer with the TOTP step
  (`StaffTotpMiddleware`). The list is of what is *allowed*, so a new module's URLs are
  guarded without anyone remembering to add them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from gonghui.core.errors import problem_response

from . import selectors

TOTP_SESSION_KEY = "gonghui_totp_verified"
API_PREFIX = "/api/"
# URL names a staff member may reach before the TOTP step: signing in, the step itself,
# leaving, the language switch, the health probes, and the public nearby search (it needs no
# login at all, and so keeps answering from its in-memory index while the database, and
# with it the session, is away).
TOTP_EXEMPT_URL_NAMES = (
    "accounts:worker_login",
    "accounts:staff_login",
    "accounts:totp_setup",
    "accounts:totp_verify",
    "accounts:logout",
    "admin:logout",
    "set_language",
    "healthz",
    "livez",
    "stations_nearby_api",
)


def totp_mark_verified(request: HttpRequest) -> None:
    """Record in the session that this user passed the TOTP step (cleared on logout)."""
    request.session[TOTP_SESSION_KEY] = request.user.pk
    request.session.cycle_key()


def totp_is_verified(request: HttpRequest) -> bool:
    return request.session.get(TOTP_SESSION_KEY) == getattr(request.user, "pk", None)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def carries_credential_header(request: HttpRequest) -> bool:
    return bool(request.headers.get("Authorization", "").strip())


@lru_cache(maxsize=1)
def _exempt_paths() -> frozenset[str]:
    paths = set()
    for name in TOTP_EXEMPT_URL_NAMES:
        try:
            paths.add(reverse(name))
        except NoReverseMatch:  # an optional URL (e.g. the admin) not mounted
            continue
    return frozenset(paths)


def totp_exempt(path: str) -> bool:
    static_url = str(settings.STATIC_URL or "/static/")
    return path in _exempt_paths() or path.startswith(static_url)


class ApiCredentialMiddleware:
    """On the API, an `Authorization` header replaces the session: the session user is
    hidden so that only the header can authenticate the request (see `accounts.auth`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request) and carries_credential_header(request):
            request.user = AnonymousUser()
        return self.get_response(request)


class StaffTotpMiddleware:
    """A staff user (role grants, is_staff or superuser) signed in by session needs the
    TOTP step for every path except the exempt ones; workers are never affected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        blocked = self._check(request)
        return blocked if blocked is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.STAFF_REQUIRE_TOTP or totp_exempt(request.path_info):
            return None
        user = getattr(request, "user", None)
        # Token-authenticated API calls reach this point with the session user hidden
        # (ApiCredentialMiddleware), so they are anonymous here: a token is its own credential.
        if user is None or not user.is_authenticated:
            return None
        if totp_is_verified(request) or not selectors.user_needs_totp(user):
            return None
        if is_api_request(request):
            return problem_response(403, "totp_required", _("请先完成动态口令验证。"))
        target = "accounts:totp_verify" if user.totp_confirmed else "accounts:totp_setup"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # An htmx fragment request would swap the TOTP page into a fragment: move the page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
