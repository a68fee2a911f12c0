"""Leave a fifth of each page of ``assignments_task`` free (PostgreSQL's ``fillfactor``).

The daily scan marks every task it handles (``reminded_on``) and reporting progress rewrites a
task row: neither column is in any of the table's indexes, so with room on the page PostgreSQL
writes the new row version beside the old one (a HOT update) instead of a new entry in each of
the table's indexes. On the province bench (150,000 tasks, 26 indexes) the scan's marking went
from about 11 s to under 2 s. Rows written from now on use it; a table that already holds
data takes it for its old pages at the next ``VACUUM FULL assignments_task`` (or pg_repack),
see docs/van-hanh.md. Nothing to do on SQLite.
"""

from django.db import migrations

FILLFACTOR = 80


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE assignments_task SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE assignments_task RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("assignments", "0005_report_rolled_up")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
