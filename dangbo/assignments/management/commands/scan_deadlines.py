"""``manage.py scan_deadlines [--today YYYY-MM-DD]``: the daily follow-up, by hand."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.assignments.scan import scan_deadlines


class Command(BaseCommand):
    help = "Find tasks due soon, overdue and behind schedule; notify and escalate; print a JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The day to scan for (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today must be YYYY-MM-DD, not {options['today']!r}") from error
        summary = scan_deadlines(today=today)
        self.stdout.write(json.dumps(summary))
