"""Daily jobs. django-tasks has no clock, so this is the small, honest scheduler.

An app registers a daily job in its ``tasks.py`` (found the way Django's admin finds
``admin.py``: every installed app's ``tasks`` module is imported)::

    from django_tasks import task
    from dangbo.core import schedule

    @task()
    def scan_deadlines_task(today: str) -> int:
        return services.deadlines_scan(today=dt.date.fromisoformat(today))

    schedule.daily("scan_deadlines", "dangbo.assignments.tasks.scan_deadlines_task", at=dt.time(5, 0))

:func:`enqueue_due` enqueues each job whose time of day (Asia/Ho_Chi_Minh) has come, at most
once per day: a ``ScheduledRun(name, day)`` row, unique, is written in the same transaction
as the enqueue. The task receives the day as ``today="YYYY-MM-DD"``, so a job that runs late
still works on the day it was meant for. ``manage.py enqueue_daily_jobs`` calls it once;
``--loop`` keeps calling it (``scripts/serve.sh`` runs that beside the worker). Calling it
again, from several places at once, or after a restart enqueues nothing twice. A day the
scheduler was not running is not caught up: jobs are written so that the next run covers it
(the digest sends whatever has not been e-mailed).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string

from .models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    name: str
    task_path: str
    at: dt.time


_DAILY: dict[str, DailyJob] = {}


def daily(name: str, task_path: str, *, at: dt.time = dt.time(0, 0)) -> DailyJob:
    """Register the django-tasks task at ``task_path`` to be enqueued once a day, from ``at``
    (local time) on. Registering the same job again is harmless; another job under a name
    already taken is an error."""
    job = DailyJob(name=name, task_path=task_path, at=at)
    existing = _DAILY.get(name)
    if existing is not None and existing != job:
        raise ValueError(f"A daily job named {name!r} is already registered: {existing}")
    _DAILY[name] = job
    return job


def jobs() -> list[DailyJob]:
    """Every registered daily job, in the order of their time of day."""
    autodiscover_modules("tasks")
    return sorted(_DAILY.values(), key=lambda job: (job.at, job.name))


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue each daily job due by ``now`` (default: the clock) and not yet enqueued that
    day. Returns the names enqueued. A job that cannot be enqueued is logged and left for the
    next call; the others still go."""
    local = timezone.localtime(now or timezone.now(), timezone.get_default_timezone())
    day = local.date()
    enqueued = []
    for job in jobs():
        if local.time() < job.at:
            continue
        try:
            with transaction.atomic():
                run, created = ScheduledRun.objects.get_or_create(name=job.name, day=day)
                if not created:
                    continue
                result = import_string(job.task_path).enqueue(today=day.isoformat())
                run.task_result_id = str(result.id)[:64]
                run.save(update_fields=["task_result_id"])
        except Exception:
            logger.exception("Could not enqueue the daily job %s for %s", job.name, day)
            continue
        logger.info("Enqueued the daily job %s for %s", job.name, day)
        enqueued.append(job.name)
    return enqueued
