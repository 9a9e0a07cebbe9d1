"""What every module's pages share: domain errors mapped onto pages (one place), htmx
full-page-or-partial rendering, safe redirects back, and running one service call."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from .errors import DomainError, NotFound, PermissionDenied


class HtmxHttpRequest(HttpRequest):
    """Type of `request` in views that read `request.htmx` (set by django-htmx's middleware).

    Annotate ``def view(request: HtmxHttpRequest)`` and mypy knows ``request.htmx``.
    """

    htmx: HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx request (works for any HttpRequest, typed or not)."""
    return bool(getattr(request, "htmx", False))


def apply_domain_error(exc: DomainError, *, form: forms.Form | None = None, request: HttpRequest | None = None) -> None:
    """Attach the error to the form field it names (or the form), else to page messages."""
    if form is not None:
        field: Any = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
    elif request is not None:
        messages.error(request, str(exc.message))


def domain_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponse]:
    """Domain errors that escape a view: a missing object (or one in another branch) is a
    404, a refused action a 403 — the same answers the API gives."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            # Typed as HttpResponse for the decorators above it; file downloads are streamed.
            return cast(HttpResponse, view(request, *args, **kwargs))
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc

    return wrapper


def page_or_partial(request: HttpRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """The full page, or for an htmx request only the part that changes (a list and its pager)."""
    params = request.GET.copy()
    params.pop("page", None)
    context.setdefault("querystring", params.urlencode())
    return render(request, partial if is_htmx(request) else page, context)


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page named by the form's `next` field, if it is on this site."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


def run_service(request: HttpRequest, action: Callable[[], Any], *, success: str) -> bool:
    """Run one service call; report success, or the domain error, as a page message.

    `NotFound` propagates (the page is a 404); a refusal (`PermissionDenied`) becomes a
    message, so the user sees why instead of a dead end.
    """
    try:
        action()
    except NotFound:
        raise
    except DomainError as exc:
        apply_domain_error(exc, request=request)
        return False
    messages.success(request, success)
    return True
