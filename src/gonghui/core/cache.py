"""The cache (Redis in production) is allowed to go away.

Two kinds of use, two behaviours when it does:

- **guards** (rate limits, lock-outs, one-time TOTP codes) fail closed: `cache_required()`
  turns the backend's error into `ServiceUnavailable` ("服务繁忙，请稍后再试", 503), so an
  outage never lets an attacker past a limit and never shows a 500;
- **reads and hints** (progress bars, the stations index token) go on without it:
  `cache_get_quietly` / `cache_set_quietly` log and return the default.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis.exceptions import RedisError

from .errors import ServiceUnavailable

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is away: redis-py's errors, socket errors.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)


@contextmanager
def cache_required(what: str) -> Iterator[None]:
    """Run a guard that must not be skipped; an unreachable cache becomes a 503."""
    try:
        yield
    except CACHE_ERRORS as exc:
        logger.error("cache unavailable for %s: %s", what, exc)
        raise ServiceUnavailable() from exc


def cache_get_quietly(key: str, default: Any = None) -> Any:
    from django.core.cache import cache

    try:
        return cache.get(key, default)
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, reading %s without it: %s", key, exc)
        return default


def cache_set_quietly(key: str, value: Any, timeout: float | None) -> bool:
    from django.core.cache import cache

    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, %s not stored: %s", key, exc)
        return False
    return True
