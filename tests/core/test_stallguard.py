"""A database that stops answering (frozen, or a network that silently drops packets) must
not hold request threads until it comes back: a round trip waiting on it is cut once the
server also fails a fresh `SELECT 1`, new queries are refused at once, and everything works
again as soon as it answers. A slow query on a server that answers is never cut.

The server is frozen through a TCP proxy that stops moving bytes (as the fault bench does)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from bench.faults import FreezableProxy
from django.db import connections
from django.db.utils import OperationalError

from gonghui.core import stallguard
from tests.concurrency import postgres_only_fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
postgres_only = postgres_only_fixture("the stall guard watches PostgreSQL connections")

# Liveness bounds, not timings: without the guard these calls never return while frozen.
NEVER = 20.0


@pytest.fixture
def proxy(settings) -> Iterator[FreezableProxy]:
    settings.DB_STALL_SECONDS = 0.5
    settings.DB_STALL_PING_SECONDS = 0.5
    db = connections["default"].settings_dict
    proxy = FreezableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    stallguard.reset()
    yield proxy
    proxy.thaw()
    wait_until(lambda: not stallguard.stalled(), "the stall to end after the thaw")
    proxy.close()
    stallguard.reset()


def through(proxy: FreezableProxy) -> Any:
    from gonghui.core.pgbackend.base import DatabaseWrapper

    settings_dict = {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": proxy.port}
    conn = DatabaseWrapper(settings_dict, alias="through_proxy")
    conn.inc_thread_sharing()  # used from the test's threads
    return conn


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + NEVER
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {NEVER} s for {what}")
        time.sleep(0.05)


def in_thread(call: Callable[[], Any]) -> BaseException | str:
    """Run `call` in a thread; its exception, or "ok". Fails the test if it never returns."""
    outcome: list[BaseException | str] = []

    def run() -> None:
        try:
            call()
            outcome.append("ok")
        except BaseException as exc:  # noqa: BLE001 (returned to the test)
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(NEVER)
    assert outcome, f"still waiting on the database after {NEVER} s: nothing cut it short"
    return outcome[0]


def select_one(conn: Any, sql: str = "SELECT 1") -> None:
    with conn.cursor() as cursor:
        cursor.execute(sql)
        if cursor.description:
            cursor.fetchone()


def test_a_query_on_a_frozen_server_is_cut_and_new_ones_are_refused_until_it_answers(proxy):
    conn = through(proxy)
    select_one(conn)
    proxy.freeze()

    cut = in_thread(lambda: select_one(conn))
    assert isinstance(cut, OperationalError)
    assert stallguard.stalled()
    conn.close()

    refused = in_thread(lambda: select_one(conn))  # a new connection, while still frozen
    assert isinstance(refused, OperationalError)
    assert stallguard.STALLED_MESSAGE in str(refused)

    proxy.thaw()
    wait_until(lambda: not stallguard.stalled(), "the guard to see the server answer again")
    assert in_thread(lambda: select_one(conn)) == "ok"
    conn.close()


def test_a_statement_inside_a_transaction_is_cut_and_nothing_is_written(proxy):
    conn = through(proxy)
    select_one(conn, "CREATE TABLE IF NOT EXISTS stallguard_probe (n int)")
    conn.set_autocommit(False)
    select_one(conn, "INSERT INTO stallguard_probe VALUES (1)")
    proxy.freeze()
    assert isinstance(in_thread(lambda: select_one(conn, "INSERT INTO stallguard_probe VALUES (2)")), OperationalError)
    assert isinstance(in_thread(conn.commit), OperationalError)  # refused before it is sent
    proxy.thaw()
    wait_until(lambda: not stallguard.stalled(), "the guard to see the server answer again")
    conn.close()
    with connections["default"].cursor() as cursor:
        # The server got the second INSERT late, then found the client gone: rolled back.
        wait_until(lambda: _probe_rows(cursor) == 0, "the cut transaction to be rolled back")
        cursor.execute("DROP TABLE stallguard_probe")


def test_a_commit_already_sent_is_never_cut_so_the_caller_is_never_told_a_written_row_failed(proxy):
    conn = through(proxy)
    select_one(conn, "CREATE TABLE IF NOT EXISTS stallguard_probe (n int)")
    conn.set_autocommit(False)
    select_one(conn, "INSERT INTO stallguard_probe VALUES (1)")
    proxy.freeze()
    outcome: list[Any] = []
    committing = threading.Thread(target=lambda: outcome.append(in_thread(conn.commit)), daemon=True)
    committing.start()
    # The waiting commit makes the guard ask the server; it does not answer: stalled, and a
    # new query elsewhere is refused at once …
    wait_until(stallguard.stalled, "the guard to find the server stalled")
    other = through(proxy)
    assert isinstance(in_thread(lambda: select_one(other)), OperationalError)
    # … but the commit is still waiting, and succeeds when the server answers.
    assert committing.is_alive()
    proxy.thaw()
    committing.join(NEVER)
    assert outcome == ["ok"]
    conn.close()
    other.close()
    wait_until(lambda: not stallguard.stalled(), "the guard to see the server answer again")
    with connections["default"].cursor() as cursor:
        assert _probe_rows(cursor) == 1
        cursor.execute("DROP TABLE stallguard_probe")


def _probe_rows(cursor: Any) -> int:
    cursor.execute("SELECT count(*) FROM stallguard_probe")
    return int(cursor.fetchone()[0])


def test_a_slow_query_on_a_server_that_answers_is_not_cut(proxy):
    conn = through(proxy)
    assert in_thread(lambda: select_one(conn, "SELECT pg_sleep(1.5)")) == "ok"  # 3× the stall time
    assert not stallguard.stalled()
    conn.close()
