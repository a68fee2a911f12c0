"""The candidates' part of the daily follow-up (``dangbo.assignments.scan.scan_deadlines``).

The managers of each candidate's cell (the cell's secretary and committee, by their grants on
the cell) are told, once each:

* a step due within ``DANGBO_DUE_SOON_DAYS`` days (``candidate.due_soon:<candidate>:<due>``);
* a step late (``candidate.late:<candidate>:<due>``), once per deadline missed;
* a probationary member from the 11th month on (two months before probation ends) (``candidate.probation_11:<candidate>:<end>``), so the
  cell prepares the review.

The notifications go to the bell and the daily e-mail digest. The cost is a fixed number of
queries per batch of 2,000 candidates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dangbo.assignments import people
from dangbo.assignments.models import due_soon_days
from dangbo.core import notifications

from .models import Candidate, Stage
from .rules import add_months

BATCH = 2000
FIELDS = ("pk", "stage", "due_date", "probation_end", "unit_id", "unit__name", "person__full_name")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def scan_candidates(today: dt.date) -> int:
    """Notify the managers of the cells of candidates due soon, late, or in probation's
    11th month; returns the notifications created."""
    soon = today + dt.timedelta(days=due_soon_days())
    eleventh = Q(stage=Stage.PROBATION, probation_end__gt=today, probation_end__lte=add_months(today, 2))
    pending = Candidate.objects.open().filter(Q(due_date__lte=soon) | eleventh).order_by("pk")
    marker = "987654321"
    head, tail = reverse("people:candidate_detail", args=[int(marker)]).split(marker)
    managers: dict[int, list[int]] = {}
    sent = 0
    last_pk = 0
    while True:
        rows = list(pending.filter(pk__gt=last_pk).values(*FIELDS)[:BATCH])
        if not rows:
            return sent
        last_pk = rows[-1]["pk"]
        new_units = {r["unit_id"] for r in rows} - set(managers)
        managers.update({u: [] for u in new_units})
        managers.update(people.managers_by_unit(new_units))
        users = people.users_by_id({uid for r in rows for uid in managers[r["unit_id"]]})
        notes: list[tuple[Any, dict[str, Any]]] = []
        for row in rows:
            stage = Stage(row["stage"]).label
            name = row["person__full_name"]
            base = {"body": row["unit__name"], "url": f"{head}{row['pk']}{tail}",
                    "obj": Candidate.from_db(None, ["id"], (row["pk"],))}
            found: list[dict[str, Any]] = []
            due = row["due_date"]
            if due is not None and due < today:
                found.append({
                    "verb": "candidate.late", "level": "warning",
                    "title": _("%(name)s: “%(stage)s” was due by %(date)s") % {"name": name, "stage": stage, "date": _d(due)},
                    "key": f"candidate.late:{row['pk']}:{due.isoformat()}",
                })
            elif due is not None and due <= soon:
                found.append({
                    "verb": "candidate.due_soon", "level": "info",
                    "title": _("%(name)s: “%(stage)s” is due by %(date)s") % {"name": name, "stage": stage, "date": _d(due)},
                    "key": f"candidate.due_soon:{row['pk']}:{due.isoformat()}",
                })
            end = row["probation_end"]
            if row["stage"] == Stage.PROBATION and end and today < end <= add_months(today, 2):
                found.append({
                    "verb": "candidate.probation_11", "level": "info",
                    "title": _("%(name)s: probation ends on %(date)s, prepare the cell's review") % {
                        "name": name, "date": _d(end)},
                    "key": f"candidate.probation_11:{row['pk']}:{end.isoformat()}",
                })
            for note in found:
                notes.extend((users[uid], base | note) for uid in managers[row["unit_id"]] if uid in users)
        with transaction.atomic():
            sent += notifications.notify_many(notes)
