"""The unit dashboard's counts: folded from (unit, status) groups, checked task by task."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import selectors
from dangbo.assignments.models import Task, UnitTally
from dangbo.core import dates

D = dt.date
TODAY = D(2026, 11, 25)
pytestmark = pytest.mark.django_db


def expected(tasks: list[Task], today: dt.date) -> dict:
    """The counts of ``tasks`` worked out one task at a time."""
    kept = [t for t in tasks if t.status != Task.Status.CANCELLED]
    due = [t for t in kept if t.deadline <= today]
    done = [t for t in due if t.status == Task.Status.DONE]
    return {
        "total": len(kept),
        "open": sum(t.is_open for t in tasks),
        "overdue": sum(t.is_overdue(today) for t in tasks),
        "behind": sum(t.is_behind(today) for t in tasks),
        "due_soon": sum(t.is_active and today <= t.deadline <= today + dt.timedelta(days=7) for t in tasks),
        "long_running": sum(t.is_open and t.start <= dates.add_years(today, -2) for t in tasks),
        "awaiting": sum(t.status == Task.Status.AWAITING for t in tasks),
        "due_total": len(due),
        "done": len(done),
        "on_time": sum(t.done_on is not None and t.done_on <= t.deadline for t in done),
        "progress_sum": sum(t.progress for t in kept),
    }


@pytest.fixture
def spread(cast, make_task):
    """Tasks of every status and timing in the city's own unit and in two branches below it."""
    shapes = [
        # (status, start, deadline, progress, done_on)
        ("assigned", D(2026, 1, 1), D(2026, 11, 20), 10, None),  # overdue
        ("in_progress", D(2026, 1, 1), D(2026, 11, 30), 5, None),  # due soon, behind
        ("in_progress", D(2026, 11, 1), D(2027, 6, 1), 0, None),  # fine
        ("in_progress", D(2024, 1, 1), D(2027, 6, 1), 50, None),  # long-running, behind
        ("awaiting", D(2024, 6, 1), D(2026, 11, 1), 100, None),  # long-running, awaiting
        ("paused", D(2026, 2, 1), D(2026, 10, 1), 30, None),
        ("done", D(2026, 1, 1), D(2026, 6, 1), 100, D(2026, 5, 20)),  # on time
        ("done", D(2025, 1, 1), D(2025, 12, 1), 100, D(2026, 1, 10)),  # late
        ("done", D(2026, 1, 1), D(2026, 12, 20), 100, D(2026, 11, 2)),  # not yet due
        ("cancelled", D(2026, 1, 1), D(2026, 3, 1), 40, None),
    ]
    tasks = []
    for unit in (cast.city, cast.ward1, cast.cell1, cast.ward_dl):
        for status, start, deadline, progress, done_on in shapes:
            task = make_task(unit=unit, start=start, deadline=deadline)
            Task.objects.filter(pk=task.pk).update(status=status, progress=progress, done_on=done_on)
            tasks.append(task.pk)
    for task in Task.objects.filter(pk__in=tasks, status__in=Task.ACTIVE):
        Task.objects.filter(pk=task.pk).update(behind_from=task.compute_behind_from())
    UnitTally.objects.update(day=None)  # the updates above went round the services
    return list(Task.objects.filter(pk__in=tasks))


def test_branch_counts_match_the_tasks_one_by_one(cast, spread):
    for today in (TODAY, D(2026, 6, 1), D(2027, 1, 1)):
        branches = selectors._branch_counts(cast.city, today)
        for branch_path in (cast.city.path, cast.ward1.path, cast.ward_dl.path):
            tasks = [t for t in spread if t.unit_path[: len(cast.city.path) + 4] == branch_path]
            got = {key: branches[branch_path][key] for key in selectors.COUNT_KEYS}
            assert got == expected(tasks, today), (today, branch_path)
        counts = selectors.unit_dashboard(unit=cast.city, today=today)["counts"]
        assert counts["overdue"] == expected(spread, today)["overdue"]
        assert counts["total"] == expected(spread, today)["total"]


def test_monthly_chart_counts_done_and_due_per_month(cast, spread):
    chart = selectors.monthly_chart(unit=cast.city, today=TODAY)
    assert chart["labels"][0] == "12/2025" and chart["labels"][-1] == "11/2026"
    kept = [t for t in spread if t.status != Task.Status.CANCELLED]
    for i, label in enumerate(chart["labels"]):
        month, year = (int(x) for x in label.split("/"))
        due = [t for t in kept if (t.deadline.year, t.deadline.month) == (year, month) and t.deadline <= TODAY]
        done = [t for t in kept if t.status == Task.Status.DONE and t.done_on
                and (t.done_on.year, t.done_on.month) == (year, month) and t.done_on <= TODAY]
        assert (chart["due"][i], chart["done"][i]) == (len(due), len(done)), label


def test_dashboard_runs_the_same_queries_whatever_the_number_of_tasks(cast, login, make_task, spread):
    client = login(cast.clerk)
    url = reverse("assignments:unit_dashboard", args=[cast.city.pk])
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as before:
            assert client.get(url).status_code == 200
        for i in range(15):
            make_task(unit=cast.cell1 if i % 2 else cast.ward_dl, start=D(2026, 1, 1), deadline=D(2026, 11, 1))
        with CaptureQueriesContext(connection) as after:
            response = client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries) <= 15
