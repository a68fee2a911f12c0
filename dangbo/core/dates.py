"""Calendar arithmetic the apps share: months, quarters, the first Monday, the last days.

Plain functions on ``datetime.date``, no time zone, no database: the caller decides what
"today" is (``timezone.localdate()``). A period is a ``Span`` of whole days, both ends
included, so "the last 5 days of December" is ``month(day).last_days(5)``, 27–31 December.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """The days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def first_days(self, n: int) -> Span:
        """The first ``n`` days (at least one; the whole span when it is shorter)."""
        return Span(self.start, min(self.end, self.start + dt.timedelta(days=max(1, n) - 1)))

    def last_days(self, n: int) -> Span:
        """The last ``n`` days (at least one; the whole span when it is shorter)."""
        return Span(max(self.start, self.end - dt.timedelta(days=max(1, n) - 1)), self.end)


def month_start(day: dt.date, months: int = 0) -> dt.date:
    """The first day of ``day``'s month, or of the month ``months`` later (earlier when
    negative): ``month_start(15/12/2025, 1)`` is 01/01/2026."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month (29 February in a leap year)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month(day: dt.date) -> Span:
    """The calendar month holding ``day``."""
    return Span(month_start(day), month_end(day))


def months_ending(last: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months ending with ``last``'s month, oldest first."""
    return [month_start(last, -i) for i in range(count - 1, -1, -1)]


def quarter_number(day: dt.date) -> int:
    """1 to 4: the calendar quarter holding ``day``."""
    return (day.month - 1) // 3 + 1


def quarter(day: dt.date) -> Span:
    """The calendar quarter holding ``day`` (January–March, April–June…)."""
    start = dt.date(day.year, (quarter_number(day) - 1) * 3 + 1, 1)
    return Span(start, month_end(month_start(start, 2)))


def first_monday(year: int, month: int) -> dt.date:
    """The first Monday of a month (the 1st itself when it is a Monday)."""
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (earlier when negative); 29 February becomes the 28th in
    a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
