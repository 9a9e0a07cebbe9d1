"""Django's PostgreSQL backend, with every round trip to the server watched by the stall
guard: a server that stops answering (frozen, or a network that drops packets silently)
no longer holds a request's thread until it comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base

from gonghui.core import stallguard


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._guarded_execute)

    def _socket(self) -> int | None:
        raw = self.connection
        try:
            return int(raw.pgconn.socket) if raw is not None else None
        except Exception:  # closed, or not connected yet
            return None

    def _guarded(self, call: Callable[[], Any], *, cuttable: bool = True) -> Any:
        with stallguard.watched(self._socket() if cuttable else None, self.get_connection_params):
            return call()

    def _guarded_execute(self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any) -> Any:
        # Cut only what leaves no doubt about what was written: anything inside a transaction
        # (never committed if cut), and reads. A write in autocommit mode may be applied by
        # the server after the cut, so it waits.
        cuttable = self.in_atomic_block or not self.autocommit or _is_read(sql)
        return self._guarded(lambda: execute(sql, params, many, context), cuttable=cuttable)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        stallguard.refuse_if_stalled()
        return super().get_new_connection(conn_params)

    def init_connection_state(self) -> None:
        self._guarded(super().init_connection_state)

    def _commit(self) -> Any:
        # Refused before it is sent when the server is stalled (then it was never committed);
        # once sent it is never cut, or the client could be told "failed" about a commit.
        return self._guarded(super()._commit, cuttable=False)  # type: ignore[misc]

    def _rollback(self) -> Any:
        return self._guarded(super()._rollback)  # type: ignore[misc]

    def is_usable(self) -> bool:
        if stallguard.stalled():
            return False
        return bool(self._guarded(super().is_usable))


def _is_read(sql: Any) -> bool:
    return isinstance(sql, str) and sql.lstrip()[:6].upper() in {"SELECT", "SHOW"}
