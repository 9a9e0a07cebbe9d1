"""Health probes and the answers given when a dependency is down."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .errors import problem_response
from .health import health_report

# How long a client should wait before retrying after a 503.
RETRY_AFTER_SECONDS = 5


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness, for the load balancer: 200 when the database, the cache and the broker
    answer, else 503 naming what is down. Never waits longer than HEALTHZ_TIMEOUT_SECONDS."""
    report = health_report()
    healthy = all(value == "ok" for value in report.values())
    down = sorted(name for name, value in report.items() if value != "ok")
    body = {"status": "ok" if healthy else "unavailable", "checks": report, **({"down": down} if down else {})}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness, for the process supervisor: the process answers. Touches nothing else, so
    a database or Redis outage never gets healthy workers restarted."""
    return JsonResponse({"status": "alive"})


def is_unavailable(exc: BaseException | None) -> bool:
    """A database that cannot be reached or did not answer in time (connection refused,
    timeout, statement cancelled): the request may succeed if retried later."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 for a dependency outage: a problem document for the API, a plain page (which
    needs neither the database nor the session) for people."""
    if request.path.startswith("/api/"):
        response = problem_response(503, "service_unavailable", _("服务繁忙，请稍后再试。"))
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage becomes a 503 (retry later), not Django's 500 page."""
    exc = sys.exc_info()[1]
    if is_unavailable(exc):
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return problem_response(500, "server_error", _("服务器内部错误，请稍后再试。"))
    from django.views.defaults import server_error as django_server_error

    return django_server_error(request)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def moved(request: HttpRequest, rest: str = "", *, to: str) -> HttpResponse:
    """An address from before the modules moved into the shells (bookmarks, printed guides):
    a permanent redirect to where the page lives now, query string kept."""
    target = to + rest
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(target)
