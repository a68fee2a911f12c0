"""The response times in the dashboards: the home page's panel and the unit page's panel
(registered in ``apps.py``; see ``dangbo.core.home`` and ``dangbo.orgs.panels``)."""

from __future__ import annotations

import datetime as dt

from dangbo.core import policy
from dangbo.core.http import Request
from dangbo.orgs.models import Unit

from . import selectors

#: How many units below the panel compares (those with the most overdue cases first).
PANEL_UNITS = 6


def top_unit(user) -> Unit | None:
    """The highest unit the user may see cases of (their own committee): one query."""
    if policy.is_everything(user):
        return Unit.objects.filter(depth=1).order_by("path").first()
    paths = sorted((p for p, _role in policy.grants(user)), key=lambda p: (len(p), p))
    return Unit.objects.filter(path=paths[0]).first() if paths else None


def figures(*, user, unit: Unit, today: dt.date) -> dict:
    """The year's response figures of ``unit`` (with everything below it) and the units below
    with the most overdue cases: the queries of ``selectors.response_times``."""
    start = dt.date(today.year, 1, 1)
    total, rows = selectors.response_times(user=user, unit=unit, start=start, end=today, today=today)
    busiest = sorted((t for t in rows if t.received), key=lambda t: (-t.overdue, -t.received, t.unit.path))
    return {"unit": unit, "total": total, "rows": busiest[:PANEL_UNITS], "start": start}


def panel_context(request: Request, today: dt.date) -> dict | None:
    """Response times of my committee this year; no panel for someone who sees no unit."""
    unit = top_unit(request.user)
    if unit is None:
        return None
    return figures(user=request.user, unit=unit, today=today)
