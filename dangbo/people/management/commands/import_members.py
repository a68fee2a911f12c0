"""``python manage.py import_members FILE.xlsx [--dry-run]``: import a roster shaped like the
national member database's export; prints ``{"created", "updated", "unchanged", "refused",
"errors": [{"row", "message"}]}``. A file with any bad row changes nothing (exit status 1)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from dangbo.core.uploads import XLSX
from dangbo.people.members import exchange


class Command(BaseCommand):
    help = "Import party members from an XLSX workbook shaped like the national member database's export."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The workbook to read (.xlsx).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change, change nothing.")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
        try:
            result = exchange.import_workbook(actor=None, upload=upload, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(result.as_json())
        if result.errors:
            raise SystemExit(1)
