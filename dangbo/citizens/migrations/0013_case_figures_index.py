"""An index that answers the response-time figures without reading the cases' rows.

The response-time page of a province reads every case received in a year (about 60,000) for
its counts and medians, but only a few narrow columns of each. This index, ordered by
``received_on``, carries them all, so the database walks it (an index-only scan on
PostgreSQL, a covering index on SQLite) instead of fetching each wide row (the content) from
the table: on 300,000 cases it halved the page's SQL time (bench/RESULTS.md).

PostgreSQL keeps the figures' columns as non-key columns (``INCLUDE``); SQLite has no
``INCLUDE``, so there they are trailing key columns (its ``id`` is the rowid, always there).
Not in ``Case.Meta.indexes``: Django would warn on SQLite that ``include`` is ignored.
"""

from django.db import migrations

NAME = "case_received_figures"
COLUMNS = (
    "unit_id, state, kind, ack_outcome, acknowledge_by, acknowledged_on, answer_by, answered_on, "
    "ack_days, answer_days"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {NAME} ON citizens_case (received_on) INCLUDE (id, {COLUMNS})")
    elif vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX {NAME} ON citizens_case (received_on, {COLUMNS})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0012_answer_rules_complex_remote"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
