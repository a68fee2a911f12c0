"""The per-unit tallies the dashboards add up: kept right by the services, counted again when
stale, never overwritten by an older count."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import selectors, services, tally
from dangbo.assignments.models import Task, UnitTally
from dangbo.orgs import services as org_services

D = dt.date
TODAY = D(2026, 11, 25)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC), tick=False):
        yield


def counted_now(unit) -> dict:
    return tally.count(Q(unit_path=unit.path), TODAY).get(unit.path, tally.zero())


def assert_rows_right(*units) -> None:
    for unit in units:
        row = UnitTally.objects.filter(unit=unit, day=TODAY).first()
        assert row is not None, unit
        assert row.counts == counted_now(unit), unit


def test_every_service_keeps_the_counts_of_the_units_it_touches(cast, make_task):
    parent = make_task(unit=cast.ward1, start=D(2026, 1, 1), deadline=D(2026, 12, 31))
    assert_rows_right(cast.ward1)
    assert UnitTally.objects.get(unit=cast.ward1).counts["open"] == 1
    child = services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="Chi bộ triển khai",
                                    start=D(2026, 1, 1), deadline=D(2026, 11, 20))
    assert_rows_right(cast.ward1, cast.cell1)
    assert UnitTally.objects.get(unit=cast.cell1).counts["overdue"] == 1
    services.report_submit(actor=None, task=child, percent=80)
    assert_rows_right(cast.ward1, cast.cell1)  # the parent's progress rolled up too
    assert UnitTally.objects.get(unit=cast.ward1).counts["progress_sum"] == 80
    services.task_transition(actor=None, task=child, to=Task.Status.AWAITING)
    assert UnitTally.objects.get(unit=cast.cell1).counts["awaiting"] == 1
    services.task_transition(actor=None, task=child, to=Task.Status.DONE)
    assert_rows_right(cast.ward1, cast.cell1)
    counts = UnitTally.objects.get(unit=cast.cell1).counts
    assert (counts["overdue"], counts["done"], counts["done_months"][-1]) == (0, 1, 1)
    other = make_task(unit=cast.ward_dl, start=D(2026, 1, 1), deadline=D(2026, 12, 31))
    services.task_update(actor=None, task=other, title=other.title, start=D(2026, 1, 1), deadline=D(2026, 11, 1))
    assert UnitTally.objects.get(unit=cast.ward_dl).counts["overdue"] == 1
    services.task_transition(actor=None, task=other, to=Task.Status.CANCELLED, reason="Không còn phù hợp")
    assert UnitTally.objects.get(unit=cast.ward_dl).counts == tally.zero()


def test_the_dashboard_adds_up_what_a_count_of_every_task_finds(cast, make_task):
    for unit, deadline in [(cast.city, D(2026, 11, 1)), (cast.ward1, D(2026, 12, 1)),
                           (cast.cell1, D(2026, 10, 1)), (cast.ward_dl, D(2027, 3, 1))]:
        make_task(unit=unit, start=D(2024, 1, 1), deadline=deadline)
    UnitTally.objects.all().delete()  # the first read of the day counts everything
    dashboard = selectors.unit_dashboard(unit=cast.city, today=TODAY)
    everything = tally.count(tally.prefix_q("unit_path", cast.city.path), TODAY)
    assert dashboard["counts"]["total"] == sum(c["total"] for c in everything.values()) == 4
    assert dashboard["counts"]["overdue"] == sum(c["overdue"] for c in everything.values()) == 2
    assert dashboard["counts"]["long_running"] == 4
    rows = {row["unit"].pk: row for row in dashboard["rows"]}
    assert rows[cast.ward1.pk]["total"] == 2 and rows[cast.ward_dl.pk]["total"] == 1
    assert UnitTally.objects.filter(day=TODAY).count() == UnitTally.objects.count() > 4


def test_a_row_of_another_day_is_counted_again(cast, make_task):
    make_task(unit=cast.cell1, start=D(2026, 1, 1), deadline=D(2026, 12, 10))
    assert selectors._branch_counts(cast.ward1, TODAY)[cast.cell1.path]["overdue"] == 0
    later = D(2026, 12, 15)
    assert selectors._branch_counts(cast.ward1, later)[cast.cell1.path]["overdue"] == 1
    assert UnitTally.objects.get(unit=cast.cell1).day == later


def test_a_reader_never_overwrites_a_fresher_row(cast, make_task):
    make_task(unit=cast.cell1)
    fresh = UnitTally.objects.get(unit=cast.cell1).counts
    tally._store_if_older({cast.cell1.pk: tally.zero()}, TODAY)  # a count taken before the write
    assert UnitTally.objects.get(unit=cast.cell1).counts == fresh
    UnitTally.objects.filter(unit=cast.cell1).update(day=TODAY - dt.timedelta(days=1))
    tally._store_if_older({cast.cell1.pk: tally.zero()}, TODAY)
    row = UnitTally.objects.get(unit=cast.cell1)
    assert (row.day, row.counts) == (TODAY, tally.zero())


def test_moving_a_unit_takes_its_counts_along(cast, make_task):
    make_task(unit=cast.cell1, start=D(2026, 1, 1), deadline=D(2026, 11, 1))
    assert selectors.unit_dashboard(unit=cast.ward1, today=TODAY)["counts"]["overdue"] == 1
    org_services.unit_move(actor=None, unit=cast.cell1, new_parent=cast.ward_dl)
    assert selectors.unit_dashboard(unit=cast.ward1, today=TODAY)["counts"]["overdue"] == 0
    assert selectors.unit_dashboard(unit=cast.ward_dl, today=TODAY)["counts"]["overdue"] == 1


def test_warming_counts_each_stale_row_once(cast, make_task):
    make_task(unit=cast.cell_dl)
    UnitTally.objects.all().delete()
    assert tally.warm(TODAY) > 5
    assert tally.warm(TODAY) == 0
    assert_rows_right(cast.cell_dl, cast.city)


def test_a_fresh_dashboard_reads_no_task_counts(cast, login, make_task):
    """Once the day's rows exist, the dashboard counts no task: its queries do not group tasks."""
    make_task(unit=cast.cell1)
    client = login(cast.clerk)
    url = reverse("assignments:unit_dashboard", args=[cast.city.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert not [sql for sql in grouped if "assignments_task" in sql]
    # The tallies are added up in SQL, by the unit below the city: one grouped query.
    assert len(grouped) == 1 and "assignments_unittally" in grouped[0]


def test_the_dashboard_adds_up_in_sql_whatever_the_number_of_units(cast, login, make_task, django_assert_num_queries):
    """The central dashboard's sums are one grouped query over the tallies: as many queries
    with 40 more units below, and the same sums as adding the rows up one by one."""
    from dangbo.orgs.models import UnitKind

    make_task(unit=cast.cell1, start=D(2026, 1, 1), deadline=D(2026, 11, 1))
    client = login(cast.clerk)
    url = reverse("assignments:unit_dashboard", args=[cast.city.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(40):
        cell = org_services.unit_create(actor=None, parent=cast.ward_dl if i % 2 else cast.ward1, kind=kind,
                                        name=f"Chi bộ Số {i}", code=f"so-{i}")
        make_task(unit=cell, start=D(2026, 1, 1), deadline=D(2026, 11, 1) if i % 3 else D(2026, 12, 20))
    tally.warm(TODAY)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    summed = tally.branches(cast.city, TODAY)
    by_python = tally.fold(tally.read(cast.city, TODAY), cast.city)
    assert summed == by_python
    assert summed[cast.ward1.path]["total"] == 21 and summed[cast.ward1.path]["overdue"] == 14
    assert sum(summed[cast.ward1.path]["due_months"]) == 14


def test_branches_are_one_query_when_every_row_is_of_today(cast, make_task, django_assert_num_queries):
    """The grouped sums also say which branches hold rows of another day: when none does, the
    dashboard's sums are that one query; when one does, its units are counted again and the
    answer is the same as adding the rows up one by one."""
    make_task(unit=cast.cell1, start=D(2026, 1, 1), deadline=D(2026, 11, 1))
    make_task(unit=cast.cell_dl, start=D(2026, 1, 1), deadline=D(2026, 12, 20))
    tally.warm(TODAY)
    with django_assert_num_queries(1):
        summed = tally.branches(cast.city, TODAY)
    assert summed == tally.fold(tally.read(cast.city, TODAY), cast.city)
    UnitTally.objects.filter(unit=cast.cell1).update(day=TODAY - dt.timedelta(days=1), counts=tally.zero())
    again = tally.branches(cast.city, TODAY)
    assert again == summed and again[cast.ward1.path]["overdue"] == 1
    assert UnitTally.objects.get(unit=cast.cell1).day == TODAY  # counted again and stored
