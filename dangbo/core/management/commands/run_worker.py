"""``manage.py run_worker [db_worker's options]``: django-tasks-db's worker, with a heartbeat.

The same worker as ``manage.py db_worker`` (same options; no autoreload), which in addition
writes its heartbeat (``dangbo.core.health``) from its loop at most every ``HEARTBEAT_EVERY``
seconds, so ``/healthz`` knows it is turning. SIGTERM and SIGINT stop it gracefully: a task
under way finishes first.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django_tasks_db.management.commands import db_worker

from dangbo.core import health

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 30.0


class HeartbeatWorker(db_worker.Worker):
    """Beats each time its loop asks whether to keep running (once per round)."""

    _last_beat = float("-inf")

    @property  # type: ignore[override]
    def running(self) -> bool:
        if self._running and time.monotonic() - self._last_beat >= HEARTBEAT_EVERY:
            try:
                health.beat(health.WORKER, every=HEARTBEAT_EVERY)
                self._last_beat = time.monotonic()
            except Exception:  # the database is down: the loop copes, /healthz will say so
                logger.exception("Could not write the worker's heartbeat")
        return self._running

    @running.setter
    def running(self, value: bool) -> None:
        self._running = value


class Command(db_worker.Command):
    help = "Run the background worker (django-tasks-db's db_worker) with a heartbeat."

    def handle(self, *, verbosity: int, **options: Any) -> None:
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
