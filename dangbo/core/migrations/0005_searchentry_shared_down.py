"""``SearchEntry.shared_down`` (with a partial index: the few shared entries of a unit);
on SQLite, the search triggers and join index again.

SQLite adds a NOT NULL column by rebuilding the table, which drops the triggers that keep the
FTS5 index in sync (and the join index); the rows keep their ids, so the FTS5 index itself
stays valid. This recreates them (see 0003).
"""

from django.db import migrations, models

SQLITE_AGAIN = [
    """
    CREATE TRIGGER IF NOT EXISTS core_searchentry_fts_insert AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(rowid, number_text, title_text, body_text)
        VALUES (new.id, new.number_text, new.title_text, new.body_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_searchentry_fts_delete AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, number_text, title_text, body_text)
        VALUES ('delete', old.id, old.number_text, old.title_text, old.body_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_searchentry_fts_update
    AFTER UPDATE OF id, number_text, title_text, body_text ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, number_text, title_text, body_text)
        VALUES ('delete', old.id, old.number_text, old.title_text, old.body_text);
        INSERT INTO core_searchentry_fts(rowid, number_text, title_text, body_text)
        VALUES (new.id, new.number_text, new.title_text, new.body_text);
    END
    """,
    """
    CREATE INDEX IF NOT EXISTS core_searchentry_fts_join
    ON core_searchentry(id, unit_id, kind, date, number_key)
    """,
]


def sqlite_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_AGAIN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_notifications'),
    ]

    operations = [
        # Backwards, the RemoveField rebuilds the table again: recreate them after it.
        migrations.RunPython(migrations.RunPython.noop, sqlite_again),
        migrations.AddField(
            model_name='searchentry',
            name='shared_down',
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name='searchentry',
            index=models.Index(
                condition=models.Q(('shared_down', True)),
                fields=['unit_id'],
                name='searchentry_shared_unit',
            ),
        ),
        migrations.RunPython(sqlite_again, migrations.RunPython.noop),
    ]
