"""Gap-tolerant, concurrency-safe counters for human-readable numbers."""

from __future__ import annotations

import re

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import F


def sequence_reserve(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive values of sequence `name`; returns them as a range.

    Runs in its own atomic block and row-locks the counter, so two workers never get the
    same number. A rolled-back caller leaves a gap, which is acceptable for numbering. The
    row lock lasts until the caller's transaction ends: for numbers taken on a hot path use
    `sequence_next`.
    """
    from .models import Sequence

    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        end = Sequence.objects.select_for_update().values_list("value", flat=True).get(name=name)
    return range(end - count + 1, end + 1)


# PostgreSQL sequences this process has taken a number from.
_EXISTING: set[str] = set()


def _pg_sequence_name(name: str) -> str:
    return "gonghui_seq_" + re.sub(r"[^a-z0-9_]", "_", name.lower())[:50]


def _pg_nextval(cursor: object, sequence: str) -> int:
    cursor.execute("SELECT nextval(%s)", [sequence])  # type: ignore[attr-defined]
    return int(cursor.fetchone()[0])  # type: ignore[attr-defined]


def _pg_create(sequence: str, start: int) -> None:
    """Create the sequence on a connection of its own, committed at once: created inside the
    caller's transaction it would stay invisible, and every other intake would wait for
    that transaction to end."""
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            # Identifier made of [a-z0-9_] (see _pg_sequence_name); START is an int.
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{sequence}" START WITH {int(start)}')
    except DatabaseError:  # another process created it at the same moment
        pass
    finally:
        own.close()


def sequence_next(name: str) -> int:
    """The next value of counter `name`, without a lock that lasts until the caller commits.

    On PostgreSQL a database sequence per name (`nextval` is outside transactions: intakes
    never wait for each other; a rolled-back intake leaves a gap in the numbers). It is
    created on first use, continuing from the `Sequence` row of the same name so numbers
    never repeat after an upgrade. SQLite serialises writers anyway: the row counter.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        (value,) = sequence_reserve(name)
        return value
    sequence = _pg_sequence_name(name)
    if sequence in _EXISTING or not connection.in_atomic_block:
        # One round trip. A sequence this process has used exists (sequences are never
        # dropped), so the caller's transaction needs no savepoint around it.
        try:
            with connection.cursor() as cursor:
                value = _pg_nextval(cursor, sequence)
            _EXISTING.add(sequence)
            return value
        except DatabaseError:
            if connection.in_atomic_block:
                raise
    for _attempt in range(3):
        try:
            with transaction.atomic(), connection.cursor() as cursor:  # a savepoint keeps the caller's transaction usable
                value = _pg_nextval(cursor, sequence)
            _EXISTING.add(sequence)
            return value
        except DatabaseError:  # the sequence does not exist yet (first number of the year)
            pass
        from .models import Sequence

        start = (Sequence.objects.filter(name=name).values_list("value", flat=True).first() or 0) + 1
        _pg_create(sequence, start)
    with connection.cursor() as cursor:
        return _pg_nextval(cursor, sequence)
