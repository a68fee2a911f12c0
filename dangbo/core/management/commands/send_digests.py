"""``manage.py send_digests [--today YYYY-MM-DD]``: send the daily digest e-mails now.

The same as the daily job ``send_digests``; safe to run again the same day (nobody gets a
second digest that day). Prints how many e-mails were sent.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangbo.core import notifications


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Write the day as YYYY-MM-DD, e.g. 2026-11-25.")) from None


class Command(BaseCommand):
    help = "Send each person their daily digest of notifications (one e-mail per person)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day of the digest, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        today = _day(options["today"]) if options["today"] else None
        sent = notifications.send_daily_digests(today=today)
        self.stdout.write(str(sent))
