"""``manage.py load_meetings_demo``: add the meetings of the Đông Hà demo (after ``load_demo``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.meetings import demo


class Command(BaseCommand):
    help = "Add 24 months of cell meetings, scores and leaders' visits to the Đông Hà demo."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(_("Enter a valid date.")) from None
        counts = demo.load(today=today)
        if not counts:
            raise CommandError(_("Load the Đông Hà demo first (manage.py load_demo)."))
        if not counts.get("meetings"):
            self.stdout.write(_("The meetings demo is already loaded."))
            return
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
