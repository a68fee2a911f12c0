"""Covering indexes for the hot read paths at province scale (see ``bench/tasks_bench.py``).

* ``task_active_unit_cover``: the active tasks by the unit-in-charge path, with the deadline
  and the assigning path in the index, so "how many overdue tasks below this unit" (the
  list's count, the dashboard's lists) is an index-only scan of that unit's active tasks.
* ``task_unit_cover``: every task by the unit-in-charge path with the columns the unit
  dashboard counts (status, dates, progress, depth), so the dashboard's grouped counts read
  the index alone instead of one heap page per task.

They are database-specific (PostgreSQL ``varchar_pattern_ops`` + ``INCLUDE`` for ``LIKE
'prefix%'``; plain composite indexes on SQLite, used through range conditions), so they live
here as SQL rather than in ``Task.Meta.indexes``: the model state does not know them, and
``makemigrations`` leaves them alone.
"""

from django.db import migrations

ACTIVE = "status IN ('assigned', 'in_progress')"

POSTGRES = [
    "CREATE INDEX IF NOT EXISTS task_active_unit_cover ON assignments_task "
    f"(unit_path varchar_pattern_ops, deadline) INCLUDE (assigning_path, id) WHERE {ACTIVE}",
    "CREATE INDEX IF NOT EXISTS task_unit_cover ON assignments_task (unit_path varchar_pattern_ops) "
    "INCLUDE (status, deadline, start, behind_from, done_on, progress, depth, id)",
]
SQLITE = [
    "CREATE INDEX IF NOT EXISTS task_active_unit_cover ON assignments_task "
    f"(unit_path, deadline, assigning_path) WHERE {ACTIVE}",
    "CREATE INDEX IF NOT EXISTS task_unit_cover ON assignments_task "
    "(unit_path, status, deadline, start, behind_from, done_on, progress, depth, id)",
]
DROP = ["DROP INDEX IF EXISTS task_active_unit_cover", "DROP INDEX IF EXISTS task_unit_cover"]


def _run(schema_editor, statements) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("assignments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
