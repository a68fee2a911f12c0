"""/healthz: the database, the worker's and the scheduler's heartbeats; 503 when one fails."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dangbo.core import health
from dangbo.core.models import Heartbeat, ScheduledRun


def get_health(client):
    response = client.get(reverse("core:healthz"))
    return response.status_code, response.json()


def test_healthz_fails_while_no_worker_or_scheduler_has_ever_run(client, db):
    status, body = get_health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["last_beat"] is None
    assert body["checks"]["scheduler"]["ok"] is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_is_ok_once_the_worker_and_the_scheduler_run(client):
    """The real commands write the heartbeats: one round of each (the worker closes its
    connection between rounds, as it should, so the test runs outside a transaction)."""
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)
    call_command("enqueue_daily_jobs", "--interval", "600", stdout=io.StringIO())
    status, body = get_health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["worker"]["age_seconds"] <= 5
    assert body["checks"]["scheduler"]["ok"] is True
    assert client.get(reverse("core:healthz"))["Cache-Control"] == "no-store"


def test_a_silent_worker_makes_healthz_fail(client, db):
    health.beat(health.WORKER, every=30)
    health.beat(health.SCHEDULER, every=600)
    assert get_health(client)[0] == 200
    # Two missed rounds plus the grace (300 s by default) later, the worker counts as gone.
    Heartbeat.objects.filter(name=health.WORKER).update(
        beat_at=timezone.now() - dt.timedelta(seconds=2 * 30 + 300 + 5)
    )
    status, body = get_health(client)
    assert status == 503
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["age_seconds"] >= 365
    assert body["checks"]["scheduler"]["ok"] is True


def test_healthz_shows_the_scheduler_last_run(client, db):
    health.beat(health.WORKER, every=30)
    health.beat(health.SCHEDULER, every=600)
    ScheduledRun.objects.create(name="send_digests", day=dt.date(2026, 3, 2))
    _, body = get_health(client)
    assert body["checks"]["scheduler"]["last_run"]["job"] == "send_digests"
    assert body["checks"]["scheduler"]["last_run"]["day"] == "2026-03-02"


def test_healthz_names_no_one(client, cast):
    """Public endpoint: no user, unit or person in the answer."""
    health.beat(health.WORKER, every=30)
    text = client.get(reverse("core:healthz")).content.decode()
    for name in ("clerk", "Phường", "Nguyễn"):
        assert name not in text
