"""Reads for accounts, shared by pages, the admin and the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from gonghui.core.jurisdiction import is_staff_user

from .models import ApiToken, User


def user_is_staff(user: Any) -> bool:
    """Someone who may use the console or the admin: role grants, is_staff or superuser."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or is_staff_user(user))


def user_needs_totp(user: Any) -> bool:
    """Whether the TOTP step applies to this user (only staff, only when the setting is on)."""
    return bool(settings.STAFF_REQUIRE_TOTP) and user_is_staff(user)


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
