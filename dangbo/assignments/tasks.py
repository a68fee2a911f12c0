"""Background jobs of the tasks app (django-tasks), and their daily schedule."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from dangbo.core import schedule


@task()
def scan_deadlines_task(today: str | None = None) -> dict[str, int]:
    """The daily follow-up: see ``dangbo.assignments.scan``."""
    from .scan import scan_deadlines

    return scan_deadlines(today=dt.date.fromisoformat(today) if today else None)


schedule.daily("scan_deadlines", "dangbo.assignments.tasks.scan_deadlines_task", at=dt.time(5, 0))
