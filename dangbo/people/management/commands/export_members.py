"""``python manage.py export_members --unit ID FILE.xlsx``: the roster of a unit and the cells
below it, in the shape of the national member database's export (docs/trao-doi-dang-vien.md).
Run as the system: every column is written; the export is audited."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.orgs.models import Unit
from dangbo.people.members import exchange


class Command(BaseCommand):
    help = "Export the party members of a unit (and the cells below it) to an XLSX workbook."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", type=int, required=True, help="The unit's id.")
        parser.add_argument("file", help="The workbook to write (.xlsx).")

    def handle(self, *args, unit: int, file: str, **options) -> None:
        found = Unit.objects.filter(pk=unit).first()
        if found is None:
            raise CommandError(f"No unit has the id {unit}.")
        Path(file).write_bytes(exchange.export_workbook(actor=None, unit=found))
        self.stdout.write(f"{file}: {found.name}")
