"""``manage.py enqueue_daily_jobs [--loop] [--interval SECONDS]``: enqueue the daily jobs.

Each registered daily job (``dangbo.core.schedule``) whose time of day has come is enqueued
for the worker, once per day whatever how often this runs. ``--loop`` keeps doing so every
``--interval`` seconds (600 by default) until stopped; ``scripts/serve.sh`` runs it like that
beside the worker.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from dangbo.core import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the daily jobs that are due today and not yet enqueued."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, every --interval seconds.")
        parser.add_argument("--interval", type=int, default=600, help="Seconds between two rounds (--loop).")

    def handle(self, *args, **options):
        if not options["loop"]:
            for name in schedule.enqueue_due():
                self.stdout.write(name)
            return
        while True:
            try:
                for name in schedule.enqueue_due():
                    self.stdout.write(name)
            except Exception:  # a bad round (database busy…) must not stop the loop
                logger.exception("Enqueuing the daily jobs failed; trying again later")
            close_old_connections()
            time.sleep(max(options["interval"], 1))
