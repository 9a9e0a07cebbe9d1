from django.db import migrations

# The planner needs to know how common a key is to choose between the key index (a rare keyword:
# a handful of postings, then sorted) and the freshest-first index (a common keyword: the first 20
# matches come at once). Statistics of a *partial* index's expression are not used for that, so
# they are kept as extended statistics on the expression (PostgreSQL 14+), and gathered now
# rather than at autovacuum's next pass.
UP = [
    "CREATE STATISTICS IF NOT EXISTS posting_search_grams_stats ON (jobs_search_grams(search_text)) FROM jobs_posting",
    "ANALYZE jobs_posting",
]
DOWN = ["DROP STATISTICS IF EXISTS posting_search_grams_stats"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0007_posting_search_grams"),
    ]

    operations = [
        migrations.RunPython(_run(UP), _run(DOWN)),
    ]
