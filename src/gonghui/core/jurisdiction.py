"""Jurisdiction: the one place that decides which branch of the union tree a user may touch.

A staff user's role grants each name a union; a grant covers that union's whole subtree
(materialized path on `Union.path`, e.g. ``/1/7/42/``). Every selector scopes its queryset
with `scope()`; `get_or_404()` fetches one object the same way and raises `NotFound`, so an
object in another branch is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from .errors import NotFound

M = TypeVar("M", bound=models.Model)
# The concrete queryset class (e.g. UnionQuerySet) survives scoping, so chained custom
# methods stay typed.
QS = TypeVar("QS", bound="models.QuerySet[Any]")

# What each role may do inside its subtree. `finance`: book the fund ledger and run payouts
# (payment batches, bank files, return files) — the finance role has it without `approve`, so
# who pays is not who approves the grant; admin and staff keep both (a small union has one clerk).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"view", "change", "approve", "reveal_pii", "manage_grants", "import", "finance"}),
    "staff": frozenset({"view", "change", "approve", "import", "finance"}),
    "finance": frozenset({"view", "finance"}),
    "operator": frozenset({"view", "change"}),
    "legal": frozenset({"view", "change", "reveal_pii"}),
    "station": frozenset({"view", "change"}),
    "viewer": frozenset({"view"}),
}


def _grants(user: Any) -> list[tuple[str, str]]:
    """The user's (role, union path) grants on active unions, read once per request."""
    cache_attr = "_gonghui_grant_paths"
    grants: list[tuple[str, str]] | None = getattr(user, cache_attr, None)
    if grants is None:
        from gonghui.accounts.models import RoleGrant

        grants = list(
            RoleGrant.objects.filter(user=user, union__status="active").values_list(
                "role", "union__path"
            )
        )
        setattr(user, cache_attr, grants)
    return grants


def roles_of(user: Any) -> frozenset[str]:
    """The roles the user holds anywhere (for menus: which entries to show)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(role for role, _path in _grants(user))


def union_paths_for(user: Any, action: str = "view") -> list[str] | None:
    """Paths of the subtrees `user` may act on; None means everywhere (superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    grants = _grants(user)
    paths = sorted({path for role, path in grants if action in ROLE_ACTIONS.get(role, ())})
    # Drop paths already covered by an ancestor path: fewer OR terms in every query.
    minimal: list[str] = []
    for path in paths:
        if not any(path.startswith(p) for p in minimal):
            minimal.append(path)
    return minimal


def has_action(user: Any, action: str, union_path: str) -> bool:
    paths = union_paths_for(user, action)
    if paths is None:
        return True
    return any(union_path.startswith(p) for p in paths)


def is_staff_user(user: Any) -> bool:
    paths = union_paths_for(user, "view")
    return paths is None or bool(paths)


def scope(
    queryset: QS, user: Any, *, path_field: str = "union__path", action: str = "view"
) -> QS:
    """Restrict `queryset` to rows whose union lies in one of the user's subtrees."""
    paths = union_paths_for(user, action)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path_field}__startswith": path})
    return queryset.filter(condition)


def get_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
