"""The periodic reports' part of the daily follow-up (``dangbo.assignments.scan``).

Once a period ends, its reports are drafted for every party unit (``draft_due_reports``). A
report not yet submitted reminds its unit's managers ``periodic.REMIND_DAYS`` days before it
is due (key ``periodic.due_soon:<report>``, once) and flags it every day once it is late (key
``periodic.late:<report>:<day>``). A fixed number of queries per scan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dangbo.assignments import people
from dangbo.core import notifications

from .models import PeriodicReport
from .periodic import REMIND_DAYS


def draft_due_reports(today: dt.date) -> int:
    """The schedule: once a period has ended, draft its report for every party unit that
    makes it (``periodic.CELL_PERIODS``, ``COMMITTEE_PERIODS``) and has none yet, all at once
    (``periodic_draft_many``). Returns how many were drafted. Runs from the daily scan; drafting
    again changes nothing."""
    from django.db.models import Exists, OuterRef, Q

    from dangbo.orgs.models import Unit

    from . import periodic
    from .services import periodic_draft_many

    drafted = 0
    for period in PeriodicReport.Period.values:
        span = periodic.just_ended(period, today)
        if span is None:
            continue
        units = Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today), kind__is_party=True)
        if period not in periodic.CELL_PERIODS:
            units = units.filter(kind__holds_members=False)
        have = PeriodicReport.objects.filter(unit=OuterRef("pk"), period=period, start=span[0])
        todo = list(units.filter(~Exists(have)).only("pk", "path", "depth", "name").order_by("path"))
        if todo:
            drafted += periodic_draft_many(actor=None, units=todo, period=period, start=span[0], today=today)
    return drafted


def scan_periodic(today: dt.date) -> int:
    """Draft the reports due, remind before the due date, flag when late; returns the
    notifications created."""
    draft_due_reports(today)
    pending = list(
        PeriodicReport.objects.filter(state=PeriodicReport.State.DRAFT, due__lte=today + dt.timedelta(days=REMIND_DAYS))
        .select_related("unit").order_by("pk")[:5000]
    )
    if not pending:
        return 0
    managers = people.managers_by_unit({r.unit_id for r in pending})
    users = people.users_by_id({uid for ids in managers.values() for uid in ids})
    notes: list[tuple[Any, dict[str, Any]]] = []
    for report in pending:
        late = report.due < today
        fields = {"due": f"{report.due:%d/%m/%Y}", "report": str(report), "unit": report.unit.name}
        note: dict[str, Any]
        if late:
            note = {"verb": "periodic.late", "level": "warning", "key": f"periodic.late:{report.pk}:{today.isoformat()}",
                    "title": _("Late report: %(report)s of %(unit)s was due %(due)s") % fields}
        else:
            note = {"verb": "periodic.due_soon", "level": "info", "key": f"periodic.due_soon:{report.pk}",
                    "title": _("Report due %(due)s: %(report)s of %(unit)s") % fields}
        note |= {"url": report.get_absolute_url(), "obj": report, "body": report.unit.name}
        notes.extend((users[uid], note) for uid in managers.get(report.unit_id, []) if uid in users)
    with transaction.atomic():
        return notifications.notify_many(notes)
