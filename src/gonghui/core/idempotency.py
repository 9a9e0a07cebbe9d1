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
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import problem_response
from .net import client_ip

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


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
        existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if existing is not None:
            return _answer(existing, fingerprint)
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


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Forget answers older than IDEMPOTENCY_KEY_TTL_HOURS; returns how many."""
    from .models import IdempotencyKey

    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _detail = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
