"""The database's own checks on the ledger, beyond the service's.

PostgreSQL: at commit (deferred constraint triggers) every transaction has at least two
legs that sum to zero and whose debits equal its amount; ledger rows can be neither updated
nor deleted (TRUNCATE, which only a database owner runs, is not a row operation).
SQLite: ledger rows cannot be updated. SQLite has no deferred triggers, so the balance of
a transaction is checked by the service and by `ledger_verify` there; deletes are refused
by the models (a DELETE trigger would also refuse the test runner's flush).
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION assistance_ledger_check_transaction(txn_id bigint) RETURNS void AS $$
    DECLARE
        total bigint; legs integer; debits bigint; declared bigint;
    BEGIN
        SELECT COALESCE(SUM(amount), 0), COUNT(*), COALESCE(SUM(CASE WHEN amount > 0 THEN amount END), 0)
          INTO total, legs, debits FROM assistance_ledgerentry WHERE transaction_id = txn_id;
        SELECT amount INTO declared FROM assistance_ledgertransaction WHERE id = txn_id;
        IF total <> 0 OR legs < 2 OR debits <> declared THEN
            RAISE EXCEPTION 'ledger transaction % does not balance (sum %, legs %, debits %, amount %)',
                txn_id, total, legs, debits, declared USING ERRCODE = 'check_violation';
        END IF;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION assistance_ledger_entry_balanced() RETURNS trigger AS $$
    BEGIN PERFORM assistance_ledger_check_transaction(NEW.transaction_id); RETURN NULL; END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION assistance_ledger_transaction_balanced() RETURNS trigger AS $$
    BEGIN PERFORM assistance_ledger_check_transaction(NEW.id); RETURN NULL; END $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER assistance_ledgerentry_balanced AFTER INSERT ON assistance_ledgerentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION assistance_ledger_entry_balanced()
    """,
    """
    CREATE CONSTRAINT TRIGGER assistance_ledgertransaction_balanced AFTER INSERT ON assistance_ledgertransaction
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION assistance_ledger_transaction_balanced()
    """,
    """
    CREATE OR REPLACE FUNCTION assistance_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger rows are append-only: correct them with a reversing transaction'
            USING ERRCODE = 'restrict_violation';
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER assistance_ledgerentry_append_only BEFORE UPDATE OR DELETE ON assistance_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION assistance_ledger_append_only()
    """,
    """
    CREATE TRIGGER assistance_ledgertransaction_append_only BEFORE UPDATE OR DELETE ON assistance_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION assistance_ledger_append_only()
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS assistance_ledgertransaction_append_only ON assistance_ledgertransaction",
    "DROP TRIGGER IF EXISTS assistance_ledgerentry_append_only ON assistance_ledgerentry",
    "DROP TRIGGER IF EXISTS assistance_ledgertransaction_balanced ON assistance_ledgertransaction",
    "DROP TRIGGER IF EXISTS assistance_ledgerentry_balanced ON assistance_ledgerentry",
    "DROP FUNCTION IF EXISTS assistance_ledger_append_only()",
    "DROP FUNCTION IF EXISTS assistance_ledger_transaction_balanced()",
    "DROP FUNCTION IF EXISTS assistance_ledger_entry_balanced()",
    "DROP FUNCTION IF EXISTS assistance_ledger_check_transaction(bigint)",
]
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER assistance_{table}_no_update BEFORE UPDATE ON assistance_{table}
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: correct them with a reversing transaction'); END
    """
    for table in ("ledgerentry", "ledgertransaction")
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS assistance_{t}_no_update" for t in ("ledgerentry", "ledgertransaction")]


def forward(apps, schema_editor):
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
