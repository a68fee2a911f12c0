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
import operator
from collections.abc import Iterable, Sequence
from functools import reduce
from typing import Any

from django.db.models import Count, Q, Sum
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


#: The figures of a report (``figures``): each added up over the unit's subtree, but ``below``
#: (the units directly below) and ``submitted`` (how many of them submitted theirs).
FIGURES = ("assigned", "done", "overdue", "held", "scored", "good", "cases", "answered", "admitted", "target",
           "below", "submitted")
_INDEX = {name: i for i, name in enumerate(FIGURES)}


def compose(*, unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    """The report as the term review's content (``review.compose``): sections of sentences,
    each a template with its named figures, so the wording is edited and the figures refreshed
    the same way (``review.merge``)."""
    counts = figures([unit], start=start, end=end, today=today)[unit.path]
    return build(unit=unit, start=start, end=end, counts=named(counts))


def named(values: Sequence[int]) -> dict[str, int]:
    """A unit's ``figures`` by name."""
    return dict(zip(FIGURES, values, strict=True))


def _roots(paths: Iterable[str]) -> list[str]:
    """The fewest paths whose subtrees hold every path of ``paths``."""
    roots: list[str] = []
    for path in sorted(paths):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


#: Past this many separate subtrees, the grouped queries read the whole tables.
_ROOTS_LIMIT = 50


def figures(units: Sequence[Unit], *, start: dt.date, end: dt.date, today: dt.date) -> dict[str, list[int]]:
    """The figures (``FIGURES``) of the reports of ``units`` for ``start``–``end``, by unit
    path: each counted over the unit's subtree (tasks by the unit that assigned them). One
    grouped query per kind of figure whatever the number of units (the schedule drafts every
    unit of the country at once): rows by exact path, added up to every unit above them here.
    Kept as lists (``named`` gives one unit's by name): a country's are 315,000 of them."""
    from dangbo.assignments.models import Task
    from dangbo.citizens.models import Case
    from dangbo.meetings.models import Meeting, MeetingKind
    from dangbo.people.admission.models import AdmissionTarget, Candidate

    from .models import PeriodicReport

    roots = _roots(u.path for u in units)

    def under(field: str) -> Q:
        if len(roots) > _ROOTS_LIMIT:
            return Q()
        return reduce(operator.or_, (Q(**{f"{field}__startswith": root}) for root in roots), Q(pk__in=[]))

    S = Task.Status
    past_due = Q(deadline__lte=end, deadline__lt=today, status__in=Task.ACTIVE)
    grouped: list[tuple[str, Any]] = [
        ("assigning_path", Task.objects.filter(
            under("assigning_path"), Q(start__range=(start, end)) | Q(done_on__range=(start, end)) | past_due)
         .exclude(status=S.CANCELLED).values("assigning_path").order_by()
         .annotate(assigned=Count("id", filter=Q(start__range=(start, end))),
                   done=Count("id", filter=Q(done_on__range=(start, end))), overdue=Count("id", filter=past_due))),
        ("unit__path", Meeting.objects.filter(under("unit__path"), kind=MeetingKind.REGULAR, date__range=(start, end),
                                              status=Meeting.Status.HELD)
         .values("unit__path").order_by()
         .annotate(held=Count("id"), scored=Count("id", filter=Q(score__isnull=False)),
                   good=Count("id", filter=Q(grade_rank=1)))),
        ("unit__path", Case.objects.filter(under("unit__path"), received_on__range=(start, end))
         .values("unit__path").order_by()
         .annotate(cases=Count("id"), answered=Count("id", filter=Q(answered_on__isnull=False)))),
        ("unit__path", Candidate.objects.filter(under("unit__path"), decision_on__range=(start, end))
         .values("unit__path").order_by().annotate(admitted=Count("id"))),
        ("unit__path", AdmissionTarget.objects.filter(under("unit__path"), year=start.year)
         .values("unit__path").order_by().annotate(target=Sum("total"))),
    ]
    rows: list[tuple[str, dict[str, int]]] = []
    for key, query in grouped:
        for row in query:
            values = dict(row)
            rows.append((values.pop(key), values))
    totals: dict[str, list[int]] = {u.path: [0] * len(FIGURES) for u in units}
    step = Unit.steplen
    for path, values in rows:
        pairs = [(_INDEX[name], value or 0) for name, value in values.items()]
        for cut in range(step, len(path) + 1, step):
            total = totals.get(path[:cut])
            if total is not None:
                for i, value in pairs:
                    total[i] += value
    # The units directly below, and which of them submitted the report of this span.
    wanted = {u.path for u in units}
    for path in Unit.objects.filter(under("path")).values_list("path", flat=True):
        if path[:-step] in wanted:
            totals[path[:-step]][_INDEX["below"]] += 1
    submitted = (
        PeriodicReport.objects.filter(under("unit__path"), start=start, end=end, state=PeriodicReport.State.SUBMITTED)
        .values("unit__path").order_by().annotate(n=Count("id")).values_list("unit__path", "n")
    )
    for path, n in submitted:
        if path[:-step] in wanted:
            totals[path[:-step]][_INDEX["submitted"]] += n
    return totals


def build(*, unit: Unit, start: dt.date, end: dt.date, counts: dict[str, int]) -> dict[str, Any]:
    """One unit's report from its ``counts`` (``figures``)."""
    c = counts
    tasks_url = reverse("assignments:task_list")
    meetings_url = _url("meetings:meeting_list", unit=unit.pk)
    cases_url = _url("citizens:case_list", unit=unit.pk)
    admitted_url = _url("people:admission_pipeline", unit=unit.pk)
    work = [
        Sentence("periodic.tasks", "Trong kỳ, được giao {assigned}; hoàn thành {done}.", {
            "assigned": Figure(c["assigned"], f"{number(c['assigned'])} nhiệm vụ", tasks_url, "Nhiệm vụ"),
            "done": Figure(c["done"], f"{number(c['done'])} nhiệm vụ", tasks_url, "Nhiệm vụ")}),
        Sentence("periodic.overdue", "Còn {overdue} quá hạn chưa hoàn thành.", {
            "overdue": Figure(c["overdue"], f"{number(c['overdue'])} nhiệm vụ", tasks_url, "Nhiệm vụ")}),
    ]
    meeting_figures = {
        "held": Figure(c["held"], f"{number(c['held'])} buổi", meetings_url, "Sinh hoạt chi bộ"),
        "scored": Figure(c["scored"], number(c["scored"]), meetings_url, "Sinh hoạt chi bộ"),
    }
    template = "Sinh hoạt chi bộ thường kỳ {held}; được chấm điểm {scored}"
    if c["scored"]:
        share = 100 * c["good"] / c["scored"]
        meeting_figures["good"] = Figure(round(share, 1), percent(share), meetings_url, "Sinh hoạt chi bộ")
        template += ", đạt loại Tốt {good}"
    citizens = [Sentence("periodic.cases", "Tiếp nhận {cases}; đã trả lời {answered}.", {
        "cases": Figure(c["cases"], f"{number(c['cases'])} ý kiến, phản ánh, kiến nghị", cases_url, "Ý kiến của công dân"),
        "answered": Figure(c["answered"], number(c["answered"]), cases_url, "Ý kiến của công dân")})]
    admitted_figures = {"admitted": Figure(c["admitted"], f"{number(c['admitted'])} đảng viên", admitted_url,
                                           "Phát triển đảng viên")}
    members_template = "Kết nạp {admitted}"
    if c["target"]:
        admitted_figures["target"] = Figure(c["target"], number(c["target"]), _url("people:admission_targets", unit=unit.pk),
                                            "Chỉ tiêu phát triển đảng viên")
        members_template += f" (chỉ tiêu năm {start.year}: " + "{target})"
    sections = [
        ("tasks", "1. Thực hiện nhiệm vụ", work),
        ("meetings", "2. Sinh hoạt chi bộ", [Sentence("periodic.meetings", template + ".", meeting_figures)]),
        ("citizens", "3. Tiếp nhận, trả lời ý kiến của Nhân dân", citizens),
        ("members", "4. Phát triển đảng viên",
         [Sentence("periodic.admitted", members_template + ".", admitted_figures)]),
    ]
    if c["below"]:
        sections.append(("below", "5. Báo cáo của đơn vị trực thuộc", [Sentence(
            "periodic.below", "Đơn vị trực thuộc đã nộp báo cáo: {submitted}.", {
                "submitted": Figure(c["submitted"], f"{c['submitted']}/{c['below']}",
                                    _url("reports:periodic_list", unit=unit.pk), "Báo cáo định kỳ")})]))
    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "sections": [{"key": key, "title": heading, "sentences": [s.as_json() for s in items]}
                     for key, heading, items in sections],
    }


def lines(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Every sentence of a report, in order (the API's ``lines``)."""
    return [sentence for _section, sentence in sentences(content)]
