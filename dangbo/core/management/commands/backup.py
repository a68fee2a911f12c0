"""``manage.py backup [PATH]``: one archive with the database and the uploaded files.

Without PATH the archive goes under ``var/backups/`` (``DANGBO_VAR_DIR``) with the time in its
name; a PATH that is a folder gets such a name inside it. Prints where it wrote. See
``dangbo.core.backup`` for what the archive holds and docs/van-hanh.md for scheduling it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangbo.core import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the archive (.tar).")

    def handle(self, *args, **options):
        try:
            written = backup.backup_create(Path(options["path"]) if options["path"] else None)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Backup written to %(path)s") % {"path": written})
