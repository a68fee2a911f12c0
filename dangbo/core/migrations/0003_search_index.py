"""The full-text index over ``core_searchentry``, which the model cannot describe.

* SQLite: an FTS5 table with external content (the folded ``*_text`` columns of
  ``core_searchentry``, rowid = ``id``), kept in sync by three triggers, so that every write
  (the ORM, ``bulk_create``, ``update``, a flush) reaches the index; and a narrow index for
  joining the hits back to their rows.
* PostgreSQL: stored generated ``tsvector`` columns (the ``simple`` configuration, since the
  text is folded already): ``search_vector`` (number weight A, title B, body C) with a GIN
  index for matching, and the small ``head_vector`` (number and title) for ranking.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
        number_text, title_text, body_text,
        content='core_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )
    """,
    """
    CREATE TRIGGER core_searchentry_fts_insert AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(rowid, number_text, title_text, body_text)
        VALUES (new.id, new.number_text, new.title_text, new.body_text);
    END
    """,
    """
    CREATE TRIGGER core_searchentry_fts_delete AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, number_text, title_text, body_text)
        VALUES ('delete', old.id, old.number_text, old.title_text, old.body_text);
    END
    """,
    """
    CREATE TRIGGER core_searchentry_fts_update
    AFTER UPDATE OF id, number_text, title_text, body_text ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, number_text, title_text, body_text)
        VALUES ('delete', old.id, old.number_text, old.title_text, old.body_text);
        INSERT INTO core_searchentry_fts(rowid, number_text, title_text, body_text)
        VALUES (new.id, new.number_text, new.title_text, new.body_text);
    END
    """,
    "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('rebuild')",
    # Each full-text hit is joined to its row by id and filtered by unit: this index answers
    # that from a few small pages instead of the wide rows.
    """
    CREATE INDEX core_searchentry_fts_join
    ON core_searchentry(id, unit_id, kind, date, number_key)
    """,
]
SQLITE_BACKWARDS = [
    "DROP INDEX IF EXISTS core_searchentry_fts_join",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_insert",
    "DROP TABLE IF EXISTS core_searchentry_fts",
]

POSTGRESQL_FORWARDS = [
    # Keep rows narrow (bodies and the big vector out of line), so that ranking many hits
    # reads few pages.
    "ALTER TABLE core_searchentry SET (toast_tuple_target = 256)",
    # Every word, for matching through the GIN index (never read back: no recheck needed).
    """
    ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, number_text), 'A')
        || setweight(to_tsvector('simple'::regconfig, title_text), 'B')
        || setweight(to_tsvector('simple'::regconfig, body_text), 'C')
    ) STORED
    """,
    # Number and title only: small, read for every hit to rank it.
    """
    ALTER TABLE core_searchentry ADD COLUMN head_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, number_text), 'A')
        || setweight(to_tsvector('simple'::regconfig, title_text), 'B')
    ) STORED
    """,
    # Kept in the row (compressed at worst): ranking must not fetch it from the TOAST table.
    "ALTER TABLE core_searchentry ALTER COLUMN head_vector SET STORAGE MAIN",
    "CREATE INDEX core_searchentry_search_vector ON core_searchentry USING gin (search_vector)",
    # No statistics on the big vector: with them, PostgreSQL sees that a common word matches
    # most rows and filters row by row, reading every vector back from the TOAST table;
    # without them it always takes the GIN index, which answers without reading them.
    "ALTER TABLE core_searchentry ALTER COLUMN search_vector SET STATISTICS 0",
]
POSTGRESQL_BACKWARDS = [
    "ALTER TABLE core_searchentry RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS core_searchentry_search_vector",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS head_vector",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_search_entry"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
