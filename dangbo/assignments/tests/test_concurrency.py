"""Two people reporting at the same moment lose nothing (real requests, PostgreSQL only)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.request

import pytest
from django.conf import settings
from django.db.models import Q

from dangbo.assignments import services, tally
from dangbo.assignments.models import ProgressReport, Task, UnitTally
from dangbo.core.models import ApiToken

D = dt.date

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers need PostgreSQL (SQLite serialises every write)",
)


def _post(url: str, token: str, data: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 - the live test server
        url, data=json.dumps(data).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live test server
        return response.status


def _at_once(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # reported below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _tallies_are_right(*units) -> None:
    """The stored per-unit counts equal a count made now, task by task."""
    for unit in units:
        row = UnitTally.objects.get(unit=unit)
        assert row.counts == tally.count(Q(unit_path=unit.path), row.day).get(unit.path, tally.zero())


def test_concurrent_reports_on_one_task_and_on_siblings(
    django_db_serialized_rollback, transactional_db, cast, live_server
):
    _token, secretary = ApiToken.issue(user=cast.ward_secretary)
    _token, cell = ApiToken.issue(user=cast.cell_secretary)
    parent = services.task_assign(actor=None, title="Cha", unit=cast.ward1, assigning_unit=cast.city,
                                  start=D(2026, 1, 1), deadline=D(2026, 12, 31))
    children = [
        services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title=f"Con {i}",
                                start=D(2026, 1, 1), deadline=D(2026, 12, 1))
        for i in range(2)
    ]
    base = f"{live_server.url}/api/v1/tasks"
    for round_ in range(5):
        # Two people, one task.
        a, b = 10 + round_, 60 + round_
        results = _at_once([
            lambda a=a: _post(f"{base}/{children[0].pk}/reports", secretary, {"percent": a}),
            lambda b=b: _post(f"{base}/{children[0].pk}/reports", cell, {"percent": b}),
        ])
        assert results == [201, 201], results
        latest = ProgressReport.objects.filter(task=children[0]).order_by("-reported_at", "-id").first()
        assert Task.objects.get(pk=children[0].pk).progress == latest.percent
        # Two siblings at once: the parent's roll-up sees both.
        results = _at_once([
            lambda: _post(f"{base}/{children[0].pk}/reports", secretary, {"percent": 100}),
            lambda r=round_: _post(f"{base}/{children[1].pk}/reports", cell, {"percent": 40 + r}),
        ])
        assert results == [201, 201], results
        assert Task.objects.get(pk=parent.pk).progress == round((100 + 40 + round_) / 2)
        _tallies_are_right(cast.ward1, cast.cell1)
    assert ProgressReport.objects.filter(task=children[0]).count() == 15
    assert ProgressReport.objects.filter(task=children[1]).count() == 5


def test_concurrent_changes_to_one_unit_leave_its_counts_right(
    django_db_serialized_rollback, transactional_db, cast, live_server
):
    """Two tasks of one cell with no common parent: nothing serialises the two requests but
    the tally's row lock, and the cell's counts must still hold both reports."""
    _token, secretary = ApiToken.issue(user=cast.ward_secretary)
    _token, cell = ApiToken.issue(user=cast.cell_secretary)
    tasks = [
        services.task_assign(actor=None, title=f"Việc {i}", unit=cast.cell1, assigning_unit=cast.ward1,
                             start=D(2026, 1, 1), deadline=D(2026, 12, 31))
        for i in range(2)
    ]
    base = f"{live_server.url}/api/v1/tasks"
    for round_ in range(5):
        results = _at_once([
            lambda r=round_: _post(f"{base}/{tasks[0].pk}/reports", secretary, {"percent": 10 + r}),
            lambda r=round_: _post(f"{base}/{tasks[1].pk}/reports", cell, {"percent": 50 + r}),
        ])
        assert results == [201, 201], results
        _tallies_are_right(cast.cell1)
        assert UnitTally.objects.get(unit=cast.cell1).counts["progress_sum"] == 60 + 2 * round_
