"""The stall guard: a frozen database must not hold every request thread until it answers.

A database that refuses connections fails fast by itself (connect timeout, 503). One that
*stops answering* — a frozen primary, a network that drops packets silently — enforces none
of its own timeouts: each request waits on its open connection, every gunicorn thread ends up
waiting, and even requests that need no database (the nearby station search) find no thread.

So every round trip to PostgreSQL (statement, commit, rollback, health check; see
`core/pgbackend`) is registered here with its socket and start time. A watchdog thread, once
some round trip has been waiting longer than `DB_STALL_SECONDS` (2 s), asks the server
`SELECT 1` on a fresh connection of its own; if that gets no answer within
`DB_STALL_PING_SECONDS` (3 s), the database is **stalled**:

- the sockets of the round trips waiting longer than `DB_STALL_SECONDS` are shut down, if
  cutting them cannot leave the caller wrong about what was written: statements inside a
  transaction (the server rolls the transaction back when it resumes and finds the client
  gone, so nothing is half-written), reads, and the connection's own checks. Their requests
  get a database error at once, which the API answers as a 503 problem and the pages as
  "服务繁忙，请稍后再试". A COMMIT, or a write outside a transaction, is never cut: its bytes
  may already be on their way, and the server would then apply it after telling the client
  it failed — those few requests wait for the server, as before;
- new round trips and new connections are refused at once, without touching the network;
- the watchdog keeps asking every second; the first answer ends the stall.

A slow query on a database that answers is never cut: only a server that cannot answer a
`SELECT 1` within the ping time is treated as stalled.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.utils import OperationalError

logger = logging.getLogger(__name__)

STALLED_MESSAGE = "database stalled: not answering, request refused without waiting"

_lock = threading.Lock()
Params = Callable[[], dict[str, Any]]
# token -> (socket fd or None when it must not be cut, started, how to connect)
_waiting: dict[int, tuple[int | None, float, Params]] = {}
_next_token = 0
_stalled_since: float | None = None
_stalled_params: Params | None = None  # how to reach the stalled server, to ask it again
_answered_at = 0.0  # the last ping the server answered: a long query is not asked about again at once
_watchdog: threading.Thread | None = None
_ping_thread: threading.Thread | None = None


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def stalled() -> bool:
    return _stalled_since is not None


def refuse_if_stalled() -> None:
    if _stalled_since is not None:
        raise OperationalError(STALLED_MESSAGE)


@contextlib.contextmanager
def watched(fd: int | None, params: Params) -> Iterator[None]:
    """Around one round trip on the socket `fd` of a connection opened with `params()`;
    `fd` None: it may not be cut (it still counts as waiting, and is refused when stalled)."""
    global _next_token
    refuse_if_stalled()
    with _lock:
        _next_token += 1
        token = _next_token
        _waiting[token] = (fd, time.monotonic(), params)
    _watchdog_ensure()
    try:
        yield
    finally:
        with _lock:
            del _waiting[token]


def _watchdog_ensure() -> None:
    global _watchdog
    if _watchdog is not None and _watchdog.is_alive():
        return
    with _lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="db-stall-guard", daemon=True)
            _watchdog.start()


def _ping(how: Params) -> bool:
    """Does the server answer `SELECT 1` on a new connection within the ping time? At most
    one ping is in flight: while an earlier one is still stuck, the answer is no."""
    global _ping_thread
    if _ping_thread is not None and _ping_thread.is_alive():
        return False
    answered = threading.Event()
    # libpq's own settings only (not Django's cursor class or adapters).
    params = {k: v for k, v in how().items() if isinstance(v, str | int) and not isinstance(v, bool)}
    timeout = _setting("DB_STALL_PING_SECONDS", 3.0)

    def ping() -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        try:
            params["connect_timeout"] = max(1, int(timeout))
            with psycopg.connect(make_conninfo("", **params)) as conn:
                conn.execute("SELECT 1")
            answered.set()
        except Exception as exc:  # any failure to answer is "no answer"
            logger.info("database ping failed: %s: %s", type(exc).__name__, exc)

    _ping_thread = threading.Thread(target=ping, name="db-stall-ping", daemon=True)
    _ping_thread.start()
    return answered.wait(timeout)


def _cut(older_than: float) -> int:
    """Shut down the sockets of round trips waiting since before `older_than`. Under the lock,
    so a registered socket is still the connection's own (its round trip has not returned)."""
    cut = 0
    with _lock:
        for fd, started, _how in _waiting.values():
            if fd is None or started > older_than:
                continue
            try:
                dup = socket.socket(fileno=socket.dup(fd))
            except OSError:
                continue
            with contextlib.suppress(OSError):
                dup.shutdown(socket.SHUT_RDWR)
                cut += 1
            dup.close()
    return cut


def check(now: float | None = None) -> None:
    """One round of the watchdog (the tests call it directly)."""
    global _stalled_since, _stalled_params, _answered_at
    now = time.monotonic() if now is None else now
    stall = _setting("DB_STALL_SECONDS", 2.0)
    with _lock:
        long_waits = [(started, how) for _fd, started, how in _waiting.values() if started <= now - stall]
    how = min(long_waits, key=lambda wait: wait[0])[1] if long_waits else _stalled_params
    if how is None:
        return
    if _stalled_since is None and time.monotonic() - _answered_at < stall:
        return  # it answered a moment ago: one ping per DB_STALL_SECONDS while queries run long
    if _ping(how):
        _answered_at = time.monotonic()
        if _stalled_since is not None:
            logger.warning("database answers again after %.1f s: requests go through", time.monotonic() - _stalled_since)
            _stalled_since = None
            _stalled_params = None
        return
    if _stalled_since is None:
        _stalled_since = time.monotonic()
        _stalled_params = how
        logger.error("database not answering: refusing new queries and cutting those waiting over %.1f s", stall)
    cut = _cut(time.monotonic() - stall)
    if cut:
        logger.error("database stalled: cut %s waiting connection(s)", cut)


def _watch() -> None:
    while True:
        time.sleep(0.25 if _stalled_since is None else 1.0)
        try:
            check()
        except Exception:  # the guard must never die
            logger.exception("stall guard check failed")


def reset() -> None:
    """Forget a stall (tests)."""
    global _stalled_since, _stalled_params, _answered_at
    _stalled_since = None
    _stalled_params = None
    _answered_at = 0.0
