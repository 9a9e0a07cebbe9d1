"""Races on PostgreSQL: run one call from many threads released at the same instant.

    pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
    postgres_only = postgres_only_fixture("row locks need PostgreSQL")   # module-level autouse fixture

    results, errors = race(lambda i: services.fund_disburse(...))
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

THREADS = 20


def postgres_only_fixture(reason: str = "concurrent transactions need PostgreSQL") -> Any:
    """An autouse fixture: skip on SQLite; reload the regions a transactional test flushed."""

    @pytest.fixture(autouse=True)
    def _postgres_only() -> None:
        if connection.vendor != "postgresql":
            pytest.skip(reason)
        from gonghui.orgs.models import Region
        from tests.browser_support import regions_bulk_load

        if not Region.objects.exists():
            regions_bulk_load()

    return _postgres_only


def race(call: Callable[[int], Any], threads: int = THREADS) -> tuple[list[Any], list[BaseException]]:
    """`call(i)` in `threads` threads started together; their results and their exceptions."""
    start = threading.Barrier(threads)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            start.wait()
            value = call(i)
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 (collected and asserted on by the caller)
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    return results, errors
