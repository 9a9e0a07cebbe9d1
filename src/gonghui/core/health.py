"""What the service depends on, checked for `/healthz` without ever waiting on it for long.

Each check runs in a small shared thread pool and is given `HEALTHZ_TIMEOUT_SECONDS`: a
stalled database (a frozen primary, a full connection queue) makes its check answer
"timeout" instead of holding the load balancer's probe. At most one check per dependency is
in flight; while one is still stuck, later probes report "timeout" at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from time import monotonic
from urllib.parse import urlparse

from django.conf import settings
from django.db import close_old_connections, connections

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")
_inflight: dict[str, Future[None]] = {}
_inflight_lock = threading.Lock()


def _check_database() -> None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # The probe's thread must not keep a broken or idle connection for the next probe.
        close_old_connections()
        connections["default"].close()


def _check_cache() -> None:
    from django.core.cache import cache

    cache.set("healthz:probe", "1", 10)
    if cache.get("healthz:probe") != "1":
        raise RuntimeError("cache did not return what was stored")


def _check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    timeout = settings.HEALTHZ_TIMEOUT_SECONDS
    if urlparse(url).scheme in {"redis", "rediss"}:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return
    from gonghui.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)


def _checks() -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {"database": _check_database}
    if "locmem" not in str(settings.CACHES["default"]["BACKEND"]).lower():
        checks["cache"] = _check_cache
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker
    return checks


def health_report(timeout: float | None = None) -> dict[str, str]:
    """{"database": "ok" | "error: …" | "timeout", "cache": …, "broker": …} for the
    dependencies this process is configured to use."""
    timeout = settings.HEALTHZ_TIMEOUT_SECONDS if timeout is None else timeout
    futures: dict[str, Future[None]] = {}
    with _inflight_lock:
        for name, check in _checks().items():
            running = _inflight.get(name)
            if running is not None and not running.done():
                futures[name] = running  # still stuck from an earlier probe: do not pile up
            else:
                futures[name] = _inflight[name] = _pool.submit(check)
    deadline = monotonic() + timeout
    report: dict[str, str] = {}
    for name, future in futures.items():
        try:
            future.result(timeout=max(0.0, deadline - monotonic()))
        except FutureTimeout:
            report[name] = "timeout"
        except Exception as exc:  # any failure of a dependency is "down", with its reason
            report[name] = f"error: {type(exc).__name__}: {exc}"[:200]
        else:
            report[name] = "ok"
    return report
