"""Periodic reports (monthly, quarterly, six-month, nine-month, annual) drafted from data.

``bounds(period, day)`` gives the period that holds ``day`` (a six-month report covers January
to June, a nine-month one January to September, the year-to-date figures the party's reports
use); ``due(end)`` the day it is due, ``DUE_DAYS`` after the period ends; ``compose`` the
figures: tasks assigned and done, overdue work, meetings held and their quality, cases received
and answered, the reports of the units below (the roll-up), members admitted (not tracked yet).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from dangbo.core import dates
from dangbo.core.text import number, percent
from dangbo.orgs.models import Unit

#: Days after a period's end its report is due.
DUE_DAYS = 5
#: Days before the due date the unit's managers are reminded.
REMIND_DAYS = 3
#: Which reports each party unit makes: a cell (it holds the members) monthly, quarterly and
#: yearly; a committee also at six and nine months.
CELL_PERIODS = ("month", "quarter", "year")
COMMITTEE_PERIODS = ("month", "quarter", "half", "nine", "year")


def bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if period == "month":
        span = dates.month(day)
        return span.start, span.end
    if period == "quarter":
        span = dates.quarter(day)
        return span.start, span.end
    if period == "half":
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    if period == "nine":
        return dt.date(day.year, 1, 1), dt.date(day.year, 9, 30)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def due(end: dt.date) -> dt.date:
    return end + dt.timedelta(days=DUE_DAYS)


def just_ended(period: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period of this kind that ended before ``today`` and is not yet past due, if any."""
    for back in range(1, DUE_DAYS + 2):
        start, end = bounds(period, today - dt.timedelta(days=back))
        if end < today <= due(end):
            return start, end
    return None


def _line(key: str, text: str, value: Any, url: str = "") -> dict[str, Any]:
    return {"key": key, "text": text, "value": value, "url": url}


def compose(*, unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    from dangbo.assignments.models import Task
    from dangbo.citizens.models import Case
    from dangbo.meetings.models import Meeting, MeetingKind

    from .models import PeriodicReport

    under = Q(unit__path__startswith=unit.path)
    tasks = Task.objects.filter(assigning_path__startswith=unit.path).exclude(status=Task.Status.CANCELLED)
    assigned = tasks.filter(start__range=(start, end)).count()
    done = tasks.filter(done_on__range=(start, end)).count()
    overdue = tasks.filter(deadline__lte=end, deadline__lt=today, status__in=Task.ACTIVE).count()
    meetings = Meeting.objects.filter(under, kind=MeetingKind.REGULAR, date__range=(start, end),
                                      status=Meeting.Status.HELD).aggregate(
        n=Count("id"), scored=Count("id", filter=Q(score__isnull=False)), good=Count("id", filter=Q(grade_rank=1)))
    cases = Case.objects.filter(under, received_on__range=(start, end)).aggregate(
        n=Count("id"), answered=Count("id", filter=Q(answered_on__isnull=False)))
    below = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).values_list("pk", flat=True))
    reports = PeriodicReport.objects.filter(unit_id__in=below, start=start, end=end)
    submitted = reports.filter(state=PeriodicReport.State.SUBMITTED).count()
    good = percent(100 * meetings["good"] / meetings["scored"]) if meetings["scored"] else "—"
    lines = [
        _line("tasks", f"Nhiệm vụ được giao trong kỳ: {number(assigned)}; hoàn thành trong kỳ: {number(done)}.",
              {"assigned": assigned, "done": done}, reverse("assignments:task_list")),
        _line("overdue", f"Nhiệm vụ quá hạn chưa hoàn thành: {number(overdue)}.", overdue, reverse("assignments:task_list")),
        _line("meetings", f"Sinh hoạt chi bộ thường kỳ: {number(meetings['n'])} buổi; được chấm điểm: "
              f"{number(meetings['scored'])}; đạt loại Tốt: {good}.", meetings,
              f"{reverse('meetings:meeting_list')}?unit={unit.pk}"),
        _line("cases", f"Ý kiến, phản ánh, kiến nghị tiếp nhận: {number(cases['n'])}; đã trả lời: "
              f"{number(cases['answered'])}.", cases, f"{reverse('citizens:case_list')}?unit={unit.pk}"),
        _line("admissions", "Kết nạp đảng viên: chưa được theo dõi trên hệ thống.", None),
    ]
    if below:
        lines.append(_line("below", f"Báo cáo của đơn vị trực thuộc đã nộp: {submitted}/{len(below)}.",
                           {"submitted": submitted, "units": len(below)}))
    return {"start": start.isoformat(), "end": end.isoformat(), "lines": lines}
