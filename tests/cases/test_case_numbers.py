"""Case numbers: unique, continuing after an upgrade, and taken without a lock that lasts
until the intake commits (on PostgreSQL a database sequence per year; gaps allowed)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from gonghui.core.models import Sequence
from gonghui.core.sequences import sequence_next


@pytest.mark.django_db
def test_case_numbers_continue_from_the_existing_counter():
    Sequence.objects.create(name="case-2032", value=41)
    assert sequence_next("case-2032") == 42
    assert sequence_next("case-2032") == 43


@pytest.mark.django_db(transaction=True)
def test_a_case_number_is_taken_while_another_intake_is_still_open():
    """Intake A has its number and has not committed; intake B must not wait for it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers anyway")
    taken, release = threading.Event(), threading.Event()
    numbers: list[int] = []

    def open_intake() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                numbers.append(sequence_next("case-2033"))
                taken.set()
                release.wait(30)
        finally:
            own.close()

    other = threading.Thread(target=open_intake)
    other.start()
    try:
        assert taken.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        with transaction.atomic():
            numbers.append(sequence_next("case-2033"))  # a lock wait would raise here
    finally:
        release.set()
        other.join(30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert len(set(numbers)) == 2


@pytest.mark.django_db(transaction=True)
def test_first_numbers_of_a_year_outside_a_transaction():
    assert connection.in_atomic_block is False
    first = sequence_next("case-2034")
    assert sequence_next("case-2034") == first + 1


@pytest.mark.django_db(transaction=True)
def test_partner_intake_round_trips(client):
    """Intake is the hot write path (issue 17: ≥ 0.2× of /healthz at 50 clients): once the
    year's sequence exists, an intake with an `Idempotency-Key` sends no savepoint, takes its
    number in one statement, and does not look the key up before inserting it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite numbers through the locked counter row")
    from django.test.utils import CaptureQueriesContext

    from gonghui.orgs.models import Region
    from tests.browser_support import regions_bulk_load
    from tests.core.test_side_effects_and_retries import CASES, INTAKE, partner_auth
    from tests.factories import Tree

    if not Region.objects.exists():  # flushed by an earlier transactional test
        regions_bulk_load()

    auth = partner_auth(Tree())
    client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="warm-up", **auth)
    with CaptureQueriesContext(connection) as ctx:
        answer = client.post(CASES, INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2", **auth)
    assert answer.status_code == 201
    sqls = [q["sql"] for q in ctx.captured_queries]
    sqls = sqls[: sqls.index("COMMIT") + 1]  # the request; the text message is sent after it
    statements = [sql.split()[0].upper() for sql in sqls]
    assert "SAVEPOINT" not in statements, "\n".join(sql[:90] for sql in sqls)
    assert sum("nextval" in sql for sql in sqls) == 1
    key_statements = [s for s, sql in zip(statements, sqls, strict=True) if "core_idempotencykey" in sql]
    assert key_statements == ["INSERT", "UPDATE"]
    assert len(statements) <= 15, statements  # BEGIN and COMMIT included
