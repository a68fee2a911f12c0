"""Working days in Việt Nam: add N working days, count them, find the next one.

A working day is a Monday to Friday that is not a public holiday, or a weekend day the
government made a working day. Three sources, the later winning for its date:

1. Saturdays and Sundays are off;
2. the public holidays of the ``holidays`` package (country VN): New Year, Tết, the Hùng
   Kings, 30/4, 1/5, National Day, with the day off in lieu when one falls on a weekend, and
   the swaps the package already knows (a Friday off against a Saturday worked);
3. the days each year's government announcement moves (``CalendarDay`` rows: an extra day off
   or a make-up working day, with its source document), which the office edits as data.

Deadlines count from the day after the start: ``add(day, 10)`` is the tenth working day after
``day``, and ``between(day, add(day, n)) == n``. A ``WorkCalendar`` reads each year once
(one query); the module functions build one per call.

From the shell: ``python -m dangbo.core.workdays add 2026-04-24 3`` prints ``2026-05-04``
(27/4 is the Hùng Kings' day in lieu, 30/4 and 1/5 are off); ``… between 2026-04-24 2026-05-04``
prints ``3``.
"""

from __future__ import annotations

import datetime as dt
import sys

import holidays as holiday_data
from django.db import DatabaseError

ONE_DAY = dt.timedelta(days=1)
#: A guard against a calendar without working days (a bad table): no deadline is this far.
MAX_DAYS = 366 * 20


class WorkCalendar:
    """The working days of the years it has read; reads a year the first time it is asked."""

    def __init__(self) -> None:
        self._off: set[dt.date] = set()
        self._work: set[dt.date] = set()
        self._years: set[int] = set()
        #: Per year, the working days from 1 January up to and including each day (by the
        #: day's ordinal in the year): ``between`` in constant time once a year is read.
        self._running: dict[int, list[int]] = {}
        #: ``between`` answers by pair of dates: a report asks the same pairs again and again.
        self._between: dict[tuple[dt.date, dt.date], int] = {}

    def _load(self, year: int) -> None:
        from .models import CalendarDay

        public = holiday_data.country_holidays("VN", years=year)
        off = {day for day in public if day.year == year}
        work = {day for day in public.weekend_workdays if day.year == year}
        try:
            rows = list(CalendarDay.objects.filter(year=year).values_list("date", "kind"))
        except DatabaseError:  # no table yet (a fresh checkout before migrate)
            rows = []
        for day, kind in rows:
            if kind == CalendarDay.Kind.OFF:
                off.add(day)
                work.discard(day)
            else:
                work.add(day)
                off.discard(day)
        self._off |= off
        self._work |= work
        self._years.add(year)

    def is_working_day(self, day: dt.date) -> bool:
        if day.year not in self._years:
            self._load(day.year)
        if day in self._work:
            return True
        return day.weekday() < 5 and day not in self._off

    def add(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (before it when ``n`` is negative; ``day``
        itself when ``n`` is 0)."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        left = abs(n)
        for _ in range(MAX_DAYS):
            if not left:
                return day
            day += step
            if self.is_working_day(day):
                left -= 1
        raise ValueError("no working days in the calendar")

    def between(self, start: dt.date, end: dt.date) -> int:
        """The working days after ``start`` up to and including ``end`` (negative when ``end``
        is before ``start``)."""
        known = self._between.get((start, end))
        if known is not None:
            return known
        if end < start:
            return -self.between(end, start)
        if (end - start).days > MAX_DAYS:
            raise ValueError("the dates are too far apart")
        count = self._upto(end) - self._upto(start)
        for year in range(start.year, end.year):
            count += self._running_of(year)[-1]
        self._between[start, end] = count
        return count

    def _running_of(self, year: int) -> list[int]:
        running = self._running.get(year)
        if running is None:
            day, total, running = dt.date(year, 1, 1), 0, []
            while day.year == year:
                total += self.is_working_day(day)
                running.append(total)
                day += ONE_DAY
            self._running[year] = running
        return running

    def _upto(self, day: dt.date) -> int:
        """The working days of ``day``'s year up to and including ``day``."""
        return self._running_of(day.year)[day.toordinal() - dt.date(day.year, 1, 1).toordinal()]

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after ``day``."""
        return self.add(day, 1)


def is_working_day(day: dt.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day``."""
    return WorkCalendar().add(day, n)


def between(start: dt.date, end: dt.date) -> int:
    """The number of working days after ``start`` up to and including ``end``."""
    return WorkCalendar().between(start, end)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after ``day``."""
    return WorkCalendar().next_working_day(day)


USAGE = (
    "usage: python -m dangbo.core.workdays add DATE N\n"
    "       python -m dangbo.core.workdays between DATE DATE\n"
    "       python -m dangbo.core.workdays next DATE\n"
)


def main(argv: list[str]) -> int:
    """The command line: prints an ISO date (``add``, ``next``) or a count (``between``)."""
    try:
        command, *args = argv
        if command == "add" and len(args) == 2:
            print(add(dt.date.fromisoformat(args[0]), int(args[1])).isoformat())
        elif command == "between" and len(args) == 2:
            print(between(dt.date.fromisoformat(args[0]), dt.date.fromisoformat(args[1])))
        elif command == "next" and len(args) == 1:
            print(next_working_day(dt.date.fromisoformat(args[0])).isoformat())
        else:
            raise ValueError("unknown command")
    except ValueError as error:
        sys.stderr.write(f"{error}\n{USAGE}")
        return 2
    return 0


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    django.setup()
    sys.exit(main(sys.argv[1:]))
