"""SQLite: the index that joins each full-text hit to its row also holds ``shared_down``, so
that the permission filter (own units, or shared down from the units above) is answered
from it rather than from the wide rows. Nothing to do on PostgreSQL."""

from django.db import migrations

NEW_JOIN_INDEX = [
    "DROP INDEX IF EXISTS core_searchentry_fts_join",
    """
    CREATE INDEX core_searchentry_fts_join
    ON core_searchentry(id, unit_id, shared_down, kind, date, number_key)
    """,
]
OLD_JOIN_INDEX = [
    "DROP INDEX IF EXISTS core_searchentry_fts_join",
    "CREATE INDEX core_searchentry_fts_join ON core_searchentry(id, unit_id, kind, date, number_key)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in NEW_JOIN_INDEX:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    # Before 0005 is undone: its column must not be in an index when it is dropped.
    if schema_editor.connection.vendor == "sqlite":
        for statement in OLD_JOIN_INDEX:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_searchentry_shared_down"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
