"""A union move re-files the ledger under the union's new ancestors, and nothing else changes.

The ledger's transactions stay append-only in the database, with one narrow exception:
an UPDATE may change `union_path` and `counterparty_path` only, and only to the current
path of the union (and of the counterparty) the row already names (`orgs_union.path`).
That is exactly what `orgs.services.union_move` writes after it has moved the unions, so
a move can re-file the books, while an edit of an amount, an account, a date, a memo —
or a path set to anything but the union's own — is still refused. Legs carry no path and
stay fully immutable. Deletes stay refused on PostgreSQL (migration 0002).
"""

from django.db import migrations

PATH_COLUMNS = ("union_path", "counterparty_path")
# Every other column of assistance_ledgertransaction (SQLite needs them by name; PostgreSQL
# compares the whole row less the paths, so a column added later is covered there as well).
OTHER_COLUMNS = ("id", "union_id", "counterparty_id", "kind", "source", "booked_on", "month", "amount", "memo",
                 "payee_name", "reverses_id", "refund_of_id", "idempotency_key", "created_by_id", "created_at")

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION assistance_ledger_transaction_refile() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND (to_jsonb(NEW) - 'union_path' - 'counterparty_path')
               = (to_jsonb(OLD) - 'union_path' - 'counterparty_path')
           AND NEW.union_path = (SELECT path FROM orgs_union WHERE id = NEW.union_id)
           AND NEW.counterparty_path = COALESCE((SELECT path FROM orgs_union WHERE id = NEW.counterparty_id), '')
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'ledger rows are append-only: correct them with a reversing transaction'
            USING ERRCODE = 'restrict_violation';
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS assistance_ledgertransaction_append_only ON assistance_ledgertransaction",
    """
    CREATE TRIGGER assistance_ledgertransaction_append_only BEFORE UPDATE OR DELETE ON assistance_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION assistance_ledger_transaction_refile()
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS assistance_ledgertransaction_append_only ON assistance_ledgertransaction",
    """
    CREATE TRIGGER assistance_ledgertransaction_append_only BEFORE UPDATE OR DELETE ON assistance_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION assistance_ledger_append_only()
    """,
    "DROP FUNCTION IF EXISTS assistance_ledger_transaction_refile()",
]

_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in OTHER_COLUMNS)
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS assistance_ledgertransaction_no_update",
    f"""
    CREATE TRIGGER assistance_ledgertransaction_no_update BEFORE UPDATE ON assistance_ledgertransaction
    WHEN NOT ({_UNCHANGED}
              AND NEW.union_path IS (SELECT path FROM orgs_union WHERE id = NEW.union_id)
              AND NEW.counterparty_path IS COALESCE((SELECT path FROM orgs_union WHERE id = NEW.counterparty_id), ''))
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: correct them with a reversing transaction'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS assistance_ledgertransaction_no_update",
    """
    CREATE TRIGGER assistance_ledgertransaction_no_update BEFORE UPDATE ON assistance_ledgertransaction
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: correct them with a reversing transaction'); END
    """,
]


def forward(apps, schema_editor):
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0011_hardship_required_documents"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
