"""``manage.py restore ARCHIVE``: restore an archive of ``manage.py backup``.

Into an empty database only (PostgreSQL: a database without tables; SQLite: a file that does
not exist yet) and an empty media folder; every checksum is verified before anything is
written. Stop the web server, the worker and the scheduler first (docs/van-hanh.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangbo.core import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media folder."
    requires_system_checks: list[str] = []  # the checks would touch a database not there yet

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive written by manage.py backup.")

    def handle(self, *args, **options):
        try:
            restored = backup.backup_restore(Path(options["archive"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored %(archive)s: %(tables)d tables, %(files)d files.")
            % {"archive": restored.archive, "tables": restored.tables, "files": restored.files}
        )
