"""API authentication: the page session (with CSRF) or a partner's bearer token — never both.

A request is authenticated by exactly one method. When it carries an `Authorization`
header, only that header counts: an unknown, revoked or malformed token is a 401 problem
document, and the session cookie sent along with it is ignored (the middleware has already
hidden the session user, see `accounts.middleware.ApiCredentialMiddleware`). Without the
header, the session is used, with Django's CSRF check on unsafe methods.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken
from .services import api_token_create, token_hash

__all__ = ["SessionOnlyAuth", "TokenAuth", "api_token_create", "session_or_token", "token_hash"]


def has_credential_header(request: HttpRequest) -> bool:
    return bool(request.headers.get("Authorization", "").strip())


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        if not has_credential_header(request):
            return None  # no header: the session may answer
        scheme, _sep, token = request.headers["Authorization"].strip().partition(" ")
        user = self.authenticate(request, token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            # A header was sent, so the caller chose token authentication: never fall back.
            raise AuthenticationError()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token:
            return None
        now = timezone.now()
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if found is None:
            return None
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionOnlyAuth(SessionAuth):
    """The page session, only for requests without an Authorization header."""

    def __call__(self, request: HttpRequest) -> Any:
        if has_credential_header(request):
            return None
        return super().__call__(request)


session_or_token = [TokenAuth(), SessionOnlyAuth()]
