"""Database indexes the queues rely on."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_branch_queue_index_serves_prefix_searches_on_postgresql():
    """Branches are found by `union_path LIKE '/1/7/%'`: under a zh_CN or en_US collation
    PostgreSQL uses a btree index for that only with a pattern operator class."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("operator classes are a PostgreSQL matter (this runs in the PostgreSQL pass)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_queue_idx'")
        (indexdef,) = cursor.fetchone()
    assert "union_path varchar_pattern_ops" in indexdef
