"""`Idempotency-Key` for the POSTs that create things (case intake, station check-in).

A client that timed out or lost the connection cannot know whether its POST went through; it
retries with the same `Idempotency-Key` header and gets the first answer again (marked
`Idempotent-Replayed: true`), never a second case. The key row is written in the same
transaction as the request's writes, so "committed" and "answer stored" cannot disagree.

Keys are scoped to the caller (a hash of the Authorization header, else the session cookie,
else the client address) and kept for `IDEMPOTENCY_KEY_TTL_HOURS` (`manage.py
idempotency_purge`, daily). Reusing a key for a different request is refused (422); a retry
while the first request is still running gets 409. Only successful (2xx) answers are kept: a
refused request may be corrected and sent again with the same key.

Browser forms that create things carry the same protection without any JavaScript: the page
renders a one-time key in a hidden field (`{% idempotency_key_field %}`) and the view is
wrapped in `@idempotent_form`. A double-click, a browser's "resend the form?" or a retried
POST after a lost answer then creates one object and is sent to the first result (the
redirect the first POST answered) with a note that it was already submitted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import problem_response
from .net import client_ip

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
FORM_FIELD = "idempotency_key"
# Headers that carry where a form's answer sends the browser (plain and htmx redirects).
_FORM_REDIRECT_HEADERS = ("Location", "HX-Redirect", "HX-Location")


def _owner(request: HttpRequest) -> str:
    credential = request.headers.get("Authorization", "") or request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not credential:
        credential = f"ip:{client_ip(request)}"
    return hashlib.sha256(credential.encode()).hexdigest()


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _applies(request: HttpRequest) -> bool:
    if request.method != "POST" or HEADER not in request.headers:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in settings.IDEMPOTENT_VIEWS


def _answer(row: object, fingerprint: str) -> HttpResponse:
    from .models import IdempotencyKey

    assert isinstance(row, IdempotencyKey)
    if row.fingerprint != fingerprint:
        return problem_response(422, "idempotency_key_reused", _("该幂等键已用于另一个请求，请换一个新的键。"))
    if not row.status_code:
        response = problem_response(409, "idempotency_in_progress", _("相同的请求正在处理中，请稍后再查询结果。"))
        response["Retry-After"] = "2"
        return response
    response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _applies(request):
            return self.get_response(request)
        from .models import IdempotencyKey

        key = request.headers[HEADER].strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return problem_response(422, "idempotency_key_invalid", _("幂等键应为 1 到 200 个字符。"))
        owner, fingerprint = _owner(request), _fingerprint(request)
        # No look-up first: a key seen before fails the INSERT below (the unique index), and
        # that path answers from the stored row. A new key costs one round trip less.
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(owner=owner, key=key, fingerprint=fingerprint)
                response = self.get_response(request)
                if 200 <= response.status_code < 300 and not response.streaming:
                    IdempotencyKey.objects.filter(pk=row.pk).update(
                        status_code=response.status_code, body=response.content,
                        content_type=response.get("Content-Type", ""),
                    )
                else:
                    # Not an answer to replay; what the view did write (a counted attempt)
                    # stays written. A transaction the failure broke is rolled back whole.
                    try:
                        with transaction.atomic():
                            IdempotencyKey.objects.filter(pk=row.pk).delete()
                    except DatabaseError:
                        transaction.set_rollback(True)
        except IntegrityError:
            # The same key arrived twice at once: the other request holds it.
            existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
            if existing is None:
                raise
            return _answer(existing, fingerprint)
        return response


# --- browser forms ---------------------------------------------------------------------------


def idempotency_key_new() -> str:
    """A fresh one-time key for a form being rendered."""
    return secrets.token_urlsafe(18)


def _form_owner(request: HttpRequest) -> str:
    # Separate from the API's keys of the same caller: a form key never replays an API answer.
    return hashlib.sha256(f"form:{_owner(request)}".encode()).hexdigest()


def _form_replay(request: HttpRequest, row: object) -> HttpResponse:
    from .models import IdempotencyKey

    assert isinstance(row, IdempotencyKey)
    messages.info(request, _("这张表单已经提交过，没有重复提交；下面是第一次提交的结果。"))
    response: HttpResponse
    if not row.status_code:  # the first POST is still running (or its answer was not a redirect)
        response = HttpResponseRedirect(request.get_full_path())
    else:
        headers = json.loads(bytes(row.body) or b"{}")
        response = HttpResponse(status=row.status_code)
        for name, value in headers.items():
            response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponseBase])


def idempotent_form(view: ViewT) -> ViewT:
    """Honour the form's one-time key (`FORM_FIELD`) on a POST that creates something.

    The first POST with a key runs the view inside one transaction with the key's row; if
    it answers with a redirect (the form's success, or a refusal shown as a message on the
    next page) that redirect is stored with it. Any later POST with the same key from the
    same session — whatever its body — is sent to the same place and creates nothing. An
    answer that re-renders the form (its errors) is not kept: the corrected form is new.
    A POST without a key (an old page still open) is handled as before.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        key = (request.POST.get(FORM_FIELD) or "").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return view(request, *args, **kwargs)
        from .models import IdempotencyKey

        owner = _form_owner(request)
        existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if existing is not None:
            return _form_replay(request, existing)
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(owner=owner, key=key, fingerprint="form")
                response = view(request, *args, **kwargs)
                redirect_headers = {h: response[h] for h in _FORM_REDIRECT_HEADERS if h in response}
                if redirect_headers and response.status_code < 400:
                    IdempotencyKey.objects.filter(pk=row.pk).update(
                        status_code=response.status_code, body=json.dumps(redirect_headers).encode(),
                        content_type=response.get("Content-Type", "")[:100],
                    )
                else:
                    IdempotencyKey.objects.filter(pk=row.pk).delete()
        except IntegrityError:
            # The same form arrived twice at once (a double-click): the other POST holds the key.
            existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
            if existing is None:
                raise
            return _form_replay(request, existing)
        return response

    return cast(ViewT, wrapper)


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Forget answers older than IDEMPOTENCY_KEY_TTL_HOURS; returns how many."""
    from .models import IdempotencyKey

    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _detail = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
