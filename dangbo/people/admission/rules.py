"""The admission rules' arithmetic, free of the database: ages counted in months, months added
to a date, the end of probation, the month of probation a day falls in.

``age_in_months(birth, day)`` counts full months: someone born on 15/06/2008 is 215 months old
on 14/06/2026 and 216 (full 18 years) on 15/06/2026. ``add_months(31/01, 1)`` is the last day of
February. The official date is the end of the probation months after the ceremony, whatever
the delays of the review or the decision (232-QĐ/TW).
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), the month's last day when the
    month is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_in_months(birth: dt.date, day: dt.date) -> int:
    """Full months of age on ``day``."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    if day.day < birth.day and not (day.day == calendar.monthrange(day.year, day.month)[1]):
        months -= 1
    return months


def age_allowed(birth: dt.date, day: dt.date, *, min_months: int, max_months: int) -> bool:
    """From full ``min_months`` to full ``max_months`` of age (both included), counted in months."""
    age = age_in_months(birth, day)
    return min_months <= age <= max_months


def probation_end(ceremony: dt.date, months: int = 12) -> dt.date:
    """The day probation ends: ``months`` after the ceremony; the official date."""
    return add_months(ceremony, months)


def probation_month(ceremony: dt.date, day: dt.date) -> int:
    """The month of probation ``day`` falls in: 1 in the first month after the ceremony, 12 in
    the last, 13 and more after the end."""
    months = (day.year - ceremony.year) * 12 + day.month - ceremony.month
    if day.day < ceremony.day:
        months -= 1
    return max(1, months + 1)
