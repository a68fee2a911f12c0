"""Health of the running system, for ``/healthz`` (the reverse proxy and monitoring).

Three checks, each ``{"ok": bool, ...}``:

- ``database``: a ``SELECT 1`` answers.
- ``worker``: the task worker (``manage.py run_worker``) wrote its heartbeat recently.
- ``scheduler``: the daily scheduler (``manage.py enqueue_daily_jobs --loop``) did, and the
  last daily job it enqueued (name, day, time) is shown.

A process writes :func:`beat` every ``every`` seconds; it counts as silent once its last
heartbeat is older than ``2 × every + DANGBO_HEALTH_GRACE_SECONDS`` (one missed round and a
long task are not an alarm). Nothing here names a user or a unit: the endpoint is public.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Heartbeat, ScheduledRun

WORKER = "worker"
SCHEDULER = "scheduler"


def beat(name: str, *, every: float) -> None:
    """Record that the process ``name`` is alive and will beat again within ``every`` seconds."""
    Heartbeat.objects.update_or_create(
        name=name,
        defaults={
            "beat_at": timezone.now(),
            "every_seconds": max(int(every), 1),
            "pid": os.getpid(),
        },
    )


def _process(name: str, now: dt.datetime) -> dict[str, Any]:
    hb = Heartbeat.objects.filter(name=name).first()
    if hb is None:
        return {"ok": False, "last_beat": None, "age_seconds": None}
    age = (now - hb.beat_at).total_seconds()
    limit = 2 * hb.every_seconds + settings.DANGBO_HEALTH_GRACE_SECONDS
    return {"ok": age <= limit, "last_beat": hb.beat_at.isoformat(), "age_seconds": round(age)}


def report(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The three checks and ``status`` ("ok" when all pass, else "fail")."""
    now = now or timezone.now()
    checks: dict[str, dict[str, Any]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except DatabaseError as exc:
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    if checks["database"]["ok"]:
        checks["worker"] = _process(WORKER, now)
        checks["scheduler"] = _process(SCHEDULER, now)
        last = ScheduledRun.objects.order_by("-enqueued_at").first()
        checks["scheduler"]["last_run"] = (
            None
            if last is None
            else {"job": last.name, "day": last.day.isoformat(), "at": last.enqueued_at.isoformat()}
        )
    else:
        checks["worker"] = {"ok": False, "error": "database unreachable"}
        checks["scheduler"] = {"ok": False, "error": "database unreachable"}
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "fail", "checks": checks}
