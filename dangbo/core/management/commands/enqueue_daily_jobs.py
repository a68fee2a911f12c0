"""``manage.py enqueue_daily_jobs [--loop] [--interval SECONDS]``: enqueue the daily jobs.

Each registered daily job (``dangbo.core.schedule``) whose time of day has come is enqueued
for the worker, once per day whatever how often this runs. ``--loop`` keeps doing so every
``--interval`` seconds (600 by default) until stopped; ``scripts/serve.sh`` runs it like that
beside the worker. Each round writes the scheduler's heartbeat (``dangbo.core.health``).
SIGTERM stops the loop between two rounds.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from dangbo.core import health, schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the daily jobs that are due today and not yet enqueued."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, every --interval seconds.")
        parser.add_argument("--interval", type=int, default=600, help="Seconds between two rounds (--loop).")

    def handle(self, *args, **options):
        interval = max(options["interval"], 1)
        if not options["loop"]:
            for name in schedule.enqueue_due():
                self.stdout.write(name)
            health.beat(health.SCHEDULER, every=interval)
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            try:
                for name in schedule.enqueue_due():
                    self.stdout.write(name)
                health.beat(health.SCHEDULER, every=interval)
            except Exception:  # a bad round (database busy…) must not stop the loop
                logger.exception("Enqueuing the daily jobs failed; trying again later")
            close_old_connections()
            stop.wait(interval)
        logger.info("The daily scheduler stopped.")
