from django.db import migrations

# Keyword search is `search_text LIKE '%q%'` (a substring anywhere in the title, its pinyin
# initials or full pinyin). The trigram index of 0006 serves keywords of three characters or more
# only: most Chinese job words are two characters (保安, 焊工), and a rare one scanned every open
# posting (6.6 s at 1,000,000). This index holds each open posting's distinct 1- and 2-character
# substrings (`jobs_search_grams`); a keyword is looked up by all its 2-character substrings (a
# single character by itself), and LIKE then re-checks the few postings found. The database keeps
# the index with every write of `search_text` or `status`: nothing to maintain in the services.
UP = [
    """
    CREATE OR REPLACE FUNCTION jobs_search_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
            SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
            UNION ALL
            SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
        ) AS grams
    $$
    """,
    # fastupdate off: a posting's keys go into the index when it is written, not into a pending
    # list that every search would have to read through (postings are written far less often
    # than searched, and a long pending list also makes the planner shun the index).
    "CREATE INDEX IF NOT EXISTS posting_search_grams ON jobs_posting USING gin (jobs_search_grams(search_text)) "
    "WITH (fastupdate = off) WHERE status = 'published'",
]
DOWN = [
    "DROP INDEX IF EXISTS posting_search_grams",
    "DROP FUNCTION IF EXISTS jobs_search_grams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0006_posting_covering_indexes"),
    ]

    operations = [
        migrations.RunPython(_run(UP), _run(DOWN)),
    ]
