from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from dangbo.assignments import services
from dangbo.assignments.scan import scan_deadlines
from dangbo.core.models import Notification
from dangbo.orgs.models import Person

D = dt.date
TODAY = D(2026, 11, 25)
pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(cast, make_task):
    member = Person.objects.get(user=cast.member)
    return {
        "soon": make_task(title="Sắp đến hạn", start=D(2026, 11, 1), deadline=D(2026, 11, 30), responsible=member),
        "overdue": make_task(title="Quá hạn", start=D(2026, 9, 1), deadline=D(2026, 11, 20)),
        "escalate": make_task(title="Quá hạn lâu", start=D(2026, 1, 1), deadline=D(2026, 10, 1)),
        "behind": make_task(title="Chậm tiến độ", start=D(2026, 1, 1), deadline=D(2027, 3, 1)),
        "fine": make_task(title="Đúng tiến độ", start=D(2026, 11, 1), deadline=D(2027, 11, 1)),
        "done": make_task(title="Xong", start=D(2026, 1, 1), deadline=D(2026, 10, 1), unit=cast.cell1),
    }


def test_scan_notifies_escalates_and_never_twice(cast, tasks):
    services.task_transition(actor=None, task=tasks["done"], to="awaiting")
    services.task_transition(actor=None, task=tasks["done"], to="done")
    first = scan_deadlines(today=TODAY)
    assert first["due_soon"] == 1 and first["overdue"] == 2
    assert first["behind"] == 2  # the due-soon task with nothing done is behind too
    assert first["escalated"] == 1
    assert first["notified"] > 0
    secretary = Notification.objects.filter(user=cast.ward_secretary)
    assert secretary.filter(verb="task.overdue").count() == 2
    assert secretary.filter(verb="task.due_soon").count() == 1
    assert secretary.filter(verb="task.behind").count() == 1
    assert Notification.objects.filter(user=cast.member, verb="task.due_soon").count() == 1  # responsible
    assert Notification.objects.filter(user=cast.clerk, verb="task.escalated").count() == 1  # head of the city
    assert not Notification.objects.filter(object_id=tasks["fine"].pk).exclude(verb="task.assigned").exists()
    total = Notification.objects.count()
    second = scan_deadlines(today=TODAY)
    assert second == {**first, "escalated": 0, "notified": 0}
    assert Notification.objects.count() == total
    third = scan_deadlines(today=TODAY + dt.timedelta(days=1))  # a new day: reminded again, not escalated again
    assert third["notified"] > 0 and third["escalated"] == 0


def test_command_prints_a_json_summary(cast, tasks):
    out = StringIO()
    call_command("scan_deadlines", "--today", "2026-11-25", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"due_soon", "overdue", "behind", "escalated", "notified"}
    assert summary["overdue"] == 3


def test_settings_choose_the_windows(cast, tasks, settings):
    settings.DANGBO_DUE_SOON_DAYS = 1
    settings.DANGBO_ESCALATE_AFTER_DAYS = 100
    summary = scan_deadlines(today=TODAY)
    assert summary["due_soon"] == 0 and summary["escalated"] == 0


def test_daily_job_is_registered():
    from dangbo.assignments.tasks import scan_deadlines_task
    from dangbo.core import schedule

    assert any(job.name == "scan_deadlines" for job in schedule.jobs())
    assert scan_deadlines_task.call(today="2026-11-25") == {
        "due_soon": 0, "overdue": 0, "behind": 0, "escalated": 0, "notified": 0,
    }


def _quiet_cell(cast, code="moi"):
    """A cell with nobody holding a grant on it: its tasks have nobody to tell unless they name
    a responsible person with an account, or are late enough to go to the assigning unit's head."""
    from dangbo.orgs import services as org_services
    from dangbo.orgs.models import UnitKind

    return org_services.unit_create(actor=None, parent=cast.ward1, kind=UnitKind.objects.get(code="chi-bo"),
                                    name=f"Chi bộ {code}", code=code)


@pytest.mark.parametrize("quiet", [3, 12])
def test_tasks_nobody_is_told_about_are_neither_fetched_nor_written(
    cast, make_task, monkeypatch, django_assert_num_queries, quiet
):
    """The scan's queries do not grow with the tasks nobody is told about (batches of 2 here),
    and their rows are not rewritten every day: only the tasks with someone to tell are read
    and marked handled (``reminded_on``), in the transaction of their notifications."""
    from dangbo.assignments import scan
    from dangbo.assignments.models import Task

    monkeypatch.setattr(scan, "BATCH", 2)
    cell = _quiet_cell(cast)
    member = Person.objects.get(user=cast.member)
    silent = [make_task(unit=cell, assigning_unit=cast.ward1, start=D(2026, 9, 1), deadline=D(2026, 11, 20))
              for _ in range(quiet)]
    told = make_task(unit=cell, assigning_unit=cast.ward1, start=D(2026, 9, 1), deadline=D(2026, 11, 21),
                     responsible=member)
    escalated = make_task(unit=cell, assigning_unit=cast.ward1, start=D(2026, 1, 1), deadline=D(2026, 9, 1))
    Notification.objects.all().delete()
    # 2 rows to fetch (one batch of 2), whatever the number of silent tasks.
    with django_assert_num_queries(14):
        summary = scan._scan(TODAY)
    assert summary["overdue"] == quiet + 2 and summary["escalated"] == 1
    assert not Notification.objects.filter(object_id__in=[t.pk for t in silent]).exists()
    assert Notification.objects.filter(user=cast.member, verb="task.overdue", object_id=told.pk).count() == 1
    assert Notification.objects.filter(user=cast.ward_secretary, verb="task.escalated",
                                       object_id=escalated.pk).count() == 1
    assert set(Task.objects.filter(pk__in=[told.pk, escalated.pk]).values_list("reminded_on", flat=True)) == {TODAY}
    assert set(Task.objects.filter(pk__in=[t.pk for t in silent]).values_list("reminded_on", flat=True)) == {None}
    with django_assert_num_queries(4):  # the three counts and the ids to tell: none left today
        assert scan._scan(TODAY)["notified"] == 0
