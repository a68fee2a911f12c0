"""Background jobs of core, run by the django-tasks worker (``manage.py db_worker``)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from . import notifications, schedule


@task()
def send_daily_digests_task(today: str | None = None) -> int:
    """Send the daily digest e-mails of ``today`` (ISO date; default: today). Returns how
    many were sent."""
    day = dt.date.fromisoformat(today) if today else None
    return notifications.send_daily_digests(today=day)


# At 07:00 in Asia/Ho_Chi_Minh: after the night's scans, before the working day.
schedule.daily("send_digests", "dangbo.core.tasks.send_daily_digests_task", at=dt.time(7, 0))
