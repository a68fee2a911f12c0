"""Report cadence (báo cáo định kỳ): the monthly or quarterly progress reports a task owes.

The assigning unit sets a task's ``cadence`` ("monthly" or "quarterly"); what is owed and
what is missing is computed from the task's dates and its progress reports, never typed.
The rule, applied alike by the daily scan (``dangbo.assignments.scan``), the task page and
"My work":

* **Periods** are calendar months or calendar quarters (``2026-11``, ``2026-Q4``).
* **Reminder window**: the last N days of a period, N = ``DANGBO_REPORT_REMIND_DAYS``
  (default 5): 26–30 November for November, 27–31 December for the fourth quarter.
* **Owed**: a period is owed by a task that is active (assigned or in progress) and that had
  started, and had been entered in the system, by the first day of the period's reminder
  window. A task assigned inside the window owes its first report for the next period; one
  entered late with an earlier start date owes nothing for the periods before it existed.
  Paused, awaiting-confirmation, done and cancelled tasks owe nothing.
* **Filed**: a period is filed when a progress report was made within it (its
  ``reported_at``, in the site's time zone), or a report is labelled with it
  (``ProgressReport.period``, e.g. a late report for ``2026-10`` sent through the API).
* **Reminder**: in the reminder window of the current period, a task that owes it and has not
  filed it reminds the people in charge once (notification key
  ``task.report_due:<task>:<period>``).
* **Missing**: in the first N days of a period (the first scan of the period, or the next one
  if that day's run was missed), a task still active that owed the previous period and did
  not file it sends a "report missing" notice once (key ``task.report_missing:<task>:<period>``).
  The task page shows "report for <period> missing" through the whole following period.
* **Next report due by**: the end of the current period when it is owed and not filed yet,
  otherwise the end of the next period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import dates

from .models import ProgressReport, Task

REMIND_DAYS_DEFAULT = 5
CADENCES = (Task.Cadence.MONTHLY, Task.Cadence.QUARTERLY)
ROMAN = ("I", "II", "III", "IV")


def remind_days() -> int:
    """N: the reminder window is the last N days of a period (at least 1)."""
    return max(1, int(getattr(settings, "DANGBO_REPORT_REMIND_DAYS", REMIND_DAYS_DEFAULT)))


def _aware(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class Period:
    """A calendar month or quarter; ``end`` is its last day."""

    cadence: str
    start: dt.date
    end: dt.date

    @property
    def span(self) -> dates.Span:
        return dates.Span(self.start, self.end)

    @property
    def key(self) -> str:
        """``2026-11`` or ``2026-Q4``: the value of ``ProgressReport.period`` and of the
        notification keys."""
        if self.cadence == Task.Cadence.QUARTERLY:
            return f"{self.start.year}-Q{dates.quarter_number(self.start)}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        """``month 11/2026`` (tháng 11/2026) or ``quarter IV/2026`` (quý IV/2026)."""
        if self.cadence == Task.Cadence.QUARTERLY:
            return _("quarter %(quarter)s/%(year)s") % {
                "quarter": ROMAN[dates.quarter_number(self.start) - 1], "year": self.start.year,
            }
        return _("month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}

    def previous(self) -> Period:
        return period_of(self.cadence, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.cadence, self.end + dt.timedelta(days=1))

    def window_open(self, days: int | None = None) -> dt.date:
        """The first day of the reminder window (the last N days)."""
        return self.span.last_days(remind_days() if days is None else days).start

    def reminding(self, today: dt.date, days: int | None = None) -> bool:
        """``today`` is in the period's last N days."""
        return today in self.span.last_days(remind_days() if days is None else days)

    def catching_up(self, today: dt.date, days: int | None = None) -> bool:
        """``today`` is in the period's first N days (when the previous one is checked)."""
        return today in self.span.first_days(remind_days() if days is None else days)


def period_of(cadence: str, day: dt.date) -> Period:
    """The month or quarter of ``cadence`` holding ``day``."""
    if cadence == Task.Cadence.QUARTERLY:
        span = dates.quarter(day)
    elif cadence == Task.Cadence.MONTHLY:
        span = dates.month(day)
    else:
        raise ValueError(f"No report periods for cadence {cadence!r}")
    return Period(cadence=cadence, start=span.start, end=span.end)


# --- In the database: the same rule as Q objects ---------------------------------------------


def filed_q(period: Period) -> Q:
    """Progress reports that count for ``period``."""
    return Q(reported_at__gte=_aware(period.start), reported_at__lt=_aware(period.end + dt.timedelta(days=1))) | Q(
        period=period.key
    )


def filed_exists(period: Period) -> Exists:
    """For a task queryset: the task has a report counting for ``period``."""
    return Exists(ProgressReport.objects.filter(task=OuterRef("pk")).filter(filed_q(period)))


def owed_q(period: Period) -> Q:
    """Tasks that owe a report for ``period`` (see the module's rule)."""
    opens = period.window_open()
    return Q(
        cadence=period.cadence,
        status__in=Task.ACTIVE,
        start__lte=opens,
        created_at__lt=_aware(opens + dt.timedelta(days=1)),
    )


def needs_report_q(today: dt.date) -> Q:
    """Tasks that should send a report now: the current period is owed, not filed and in its
    reminder window; or the previous period was owed and missed, and nothing was filed since."""
    result = Q(pk__in=[])
    for cadence in CADENCES:
        current = period_of(cadence, today)
        previous = current.previous()
        result |= owed_q(previous) & Q(~filed_exists(previous)) & Q(~filed_exists(current))
        if current.reminding(today):
            result |= owed_q(current) & Q(~filed_exists(current))
    return result


# --- For tasks in memory ---------------------------------------------------------------------


def owes(task: Any, period: Period) -> bool:
    """The Python twin of ``owed_q`` for one task."""
    opens = period.window_open()
    created = _local_day(task.created_at) if task.created_at else task.start
    return (
        task.cadence == period.cadence
        and task.status in Task.ACTIVE
        and task.start <= opens
        and created <= opens
    )


@dataclass(frozen=True)
class ReportState:
    """Where a task with a cadence stands on ``today``."""

    period: Period  # the current period
    owed: bool  # the current period is owed
    filed: bool  # … and a report counts for it
    due_by: dt.date  # the next report is due by this day
    reminding: bool  # owed, not filed, in the reminder window
    missing: Period | None  # the previous period, owed and not filed

    @property
    def due(self) -> bool:
        """A report should be sent now (what "My work" lists)."""
        return self.reminding or (self.missing is not None and not self.filed)


def state_of(task: Any, today: dt.date, reports: list[tuple[dt.datetime, str]]) -> ReportState | None:
    """``task``'s report state from its reports ``(reported_at, period)`` in the previous and
    current periods; None when the task owes no reports (no cadence, or not active)."""
    if task.cadence not in CADENCES or task.status not in Task.ACTIVE:
        return None
    current = period_of(task.cadence, today)
    previous = current.previous()

    def filed(period: Period) -> bool:
        return any(
            label == period.key or period.start <= _local_day(moment) <= period.end
            for moment, label in reports
        )

    owed, done = owes(task, current), filed(current)
    missing = previous if owes(task, previous) and not filed(previous) else None
    return ReportState(
        period=current,
        owed=owed,
        filed=done,
        due_by=current.end if owed and not done else current.next().end,
        reminding=owed and not done and current.reminding(today),
        missing=missing,
    )


def reports_window(tasks: list[Any], today: dt.date) -> Q:
    """Reports of ``tasks`` that may count for their previous or current period."""
    earliest = min(period_of(t.cadence, today).previous().start for t in tasks)
    keys = {p.key for t in tasks for p in (period_of(t.cadence, today), period_of(t.cadence, today).previous())}
    return Q(task__in=[t.pk for t in tasks]) & (Q(reported_at__gte=_aware(earliest)) | Q(period__in=keys))
