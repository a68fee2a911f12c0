"""Evidence for the ratings' tests: tasks done on time or late, held meetings with roll-calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dangbo.assignments import services as tasks
from dangbo.assignments.models import Task, UnitTally
from dangbo.meetings import services as meetings
from dangbo.meetings.models import MeetingKind
from dangbo.orgs.models import Person, Unit


def task(cast, *, responsible: Person | None = None, unit=None, deadline=dt.date(2025, 6, 30),
         done_on: dt.date | None = None, start=dt.date(2025, 1, 1)) -> Task:
    unit = unit or cast.cell1
    t = tasks.task_assign(
        actor=None, title="Việc", unit=unit, assigning_unit=Unit.objects.get(path=unit.parent_path), start=start, deadline=deadline,
        responsible=responsible, notify=False,
    )
    if done_on is not None:
        Task.objects.filter(pk=t.pk).update(status=Task.Status.DONE, done_on=done_on, progress=100)
        UnitTally.objects.update(day=None)
    return t


def meeting(cast, *, day: dt.date, present: list[Person], absent: Sequence[Person] = ()):
    m = meetings.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=day)
    meetings.meeting_record(actor=None, meeting=m, duration_minutes=95)
    entries = [{"person_id": p.pk, "status": "present"} for p in present]
    entries += [{"person_id": p.pk, "status": "unexcused"} for p in absent]
    meetings.meeting_roll_call(actor=None, meeting=m, entries=entries)
    return m
