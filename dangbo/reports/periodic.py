"""Periodic reports (monthly, quarterly, six-month, nine-month, annual) drafted from data.

``bounds(period, day)`` gives the period that holds ``day`` (a six-month report covers January
to June, a nine-month one January to September, the year-to-date figures the party's reports
use); ``due(end)`` the day it is due, ``DUE_DAYS`` after the period ends; ``compose`` the
figures: tasks assigned and done, overdue work, meetings held and their quality, cases received
and answered, members admitted (``people.admission``, as the term review reads them) and the
reports of the units below (the roll-up). The content has the term review's shape, so a
person rewords a sentence, the figures stay linked and "làm mới số liệu" refreshes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from dangbo.core import dates
from dangbo.core.text import number, percent
from dangbo.orgs.models import Unit

from .review import Figure, Sentence, _url, sentences

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


def title(period: str, start: dt.date) -> str:
    """How the party's reports name the period: "tháng 3 năm 2026", "quý I năm 2026"…"""
    if period == "month":
        return f"tháng {start.month} năm {start.year}"
    if period == "quarter":
        return f"quý {'I II III IV'.split()[(start.month - 1) // 3]} năm {start.year}"
    if period == "half":
        return f"6 tháng đầu năm {start.year}"
    if period == "nine":
        return f"9 tháng năm {start.year}"
    return f"năm {start.year}"


def compose(*, unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    """The report as the term review's content (``review.compose``): sections of sentences,
    each a template with its named figures, so the wording is edited and the figures refreshed
    the same way (``review.merge``)."""
    from dangbo.assignments.models import Task
    from dangbo.citizens.models import Case
    from dangbo.meetings.models import Meeting, MeetingKind
    from dangbo.people.admission.models import AdmissionTarget, Candidate

    from .models import PeriodicReport

    under = Q(unit__path__startswith=unit.path)
    tasks = Task.objects.filter(assigning_path__startswith=unit.path).exclude(status=Task.Status.CANCELLED).aggregate(
        assigned=Count("id", filter=Q(start__range=(start, end))),
        done=Count("id", filter=Q(done_on__range=(start, end))),
        overdue=Count("id", filter=Q(deadline__lte=end, deadline__lt=today, status__in=Task.ACTIVE)))
    meetings = Meeting.objects.filter(under, kind=MeetingKind.REGULAR, date__range=(start, end),
                                      status=Meeting.Status.HELD).aggregate(
        n=Count("id"), scored=Count("id", filter=Q(score__isnull=False)), good=Count("id", filter=Q(grade_rank=1)))
    cases = Case.objects.filter(under, received_on__range=(start, end)).aggregate(
        n=Count("id"), answered=Count("id", filter=Q(answered_on__isnull=False)))
    admitted = Candidate.objects.filter(under, decision_on__range=(start, end)).count()
    target = sum(AdmissionTarget.objects.filter(under, year=start.year).values_list("total", flat=True))
    below = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).aggregate(
        n=Count("id", distinct=True), submitted=Count("periodic_reports", filter=Q(
            periodic_reports__start=start, periodic_reports__end=end,
            periodic_reports__state=PeriodicReport.State.SUBMITTED)))

    tasks_url = reverse("assignments:task_list")
    meetings_url = _url("meetings:meeting_list", unit=unit.pk)
    cases_url = _url("citizens:case_list", unit=unit.pk)
    admitted_url = _url("people:admission_pipeline", unit=unit.pk)
    work = [
        Sentence("periodic.tasks", "Trong kỳ, được giao {assigned}; hoàn thành {done}.", {
            "assigned": Figure(tasks["assigned"], f"{number(tasks['assigned'])} nhiệm vụ", tasks_url, "Nhiệm vụ"),
            "done": Figure(tasks["done"], f"{number(tasks['done'])} nhiệm vụ", tasks_url, "Nhiệm vụ")}),
        Sentence("periodic.overdue", "Còn {overdue} quá hạn chưa hoàn thành.", {
            "overdue": Figure(tasks["overdue"], f"{number(tasks['overdue'])} nhiệm vụ", tasks_url, "Nhiệm vụ")}),
    ]
    meeting_figures = {
        "held": Figure(meetings["n"], f"{number(meetings['n'])} buổi", meetings_url, "Sinh hoạt chi bộ"),
        "scored": Figure(meetings["scored"], number(meetings["scored"]), meetings_url, "Sinh hoạt chi bộ"),
    }
    template = "Sinh hoạt chi bộ thường kỳ {held}; được chấm điểm {scored}"
    if meetings["scored"]:
        share = 100 * meetings["good"] / meetings["scored"]
        meeting_figures["good"] = Figure(round(share, 1), percent(share), meetings_url, "Sinh hoạt chi bộ")
        template += ", đạt loại Tốt {good}"
    citizens = [Sentence("periodic.cases", "Tiếp nhận {cases}; đã trả lời {answered}.", {
        "cases": Figure(cases["n"], f"{number(cases['n'])} ý kiến, phản ánh, kiến nghị", cases_url, "Ý kiến của công dân"),
        "answered": Figure(cases["answered"], number(cases["answered"]), cases_url, "Ý kiến của công dân")})]
    admitted_figures = {"admitted": Figure(admitted, f"{number(admitted)} đảng viên", admitted_url, "Phát triển đảng viên")}
    members_template = "Kết nạp {admitted}"
    if target:
        admitted_figures["target"] = Figure(target, number(target), _url("people:admission_targets", unit=unit.pk),
                                            "Chỉ tiêu phát triển đảng viên")
        members_template += f" (chỉ tiêu năm {start.year}: " + "{target})"
    sections = [
        ("tasks", "1. Thực hiện nhiệm vụ", work),
        ("meetings", "2. Sinh hoạt chi bộ", [Sentence("periodic.meetings", template + ".", meeting_figures)]),
        ("citizens", "3. Tiếp nhận, trả lời ý kiến của Nhân dân", citizens),
        ("members", "4. Phát triển đảng viên",
         [Sentence("periodic.admitted", members_template + ".", admitted_figures)]),
    ]
    if below["n"]:
        sections.append(("below", "5. Báo cáo của đơn vị trực thuộc", [Sentence(
            "periodic.below", "Đơn vị trực thuộc đã nộp báo cáo: {submitted}.", {
                "submitted": Figure(below["submitted"], f"{below['submitted']}/{below['n']}",
                                    _url("reports:periodic_list", unit=unit.pk), "Báo cáo định kỳ")})]))
    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "sections": [{"key": key, "title": heading, "sentences": [s.as_json() for s in items]}
                     for key, heading, items in sections],
    }


def lines(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Every sentence of a report, in order (the API's ``lines``)."""
    return [sentence for _section, sentence in sentences(content)]
