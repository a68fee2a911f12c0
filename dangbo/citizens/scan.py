"""The cases' part of the daily follow-up (``dangbo.assignments.scan.scan_deadlines``).

Every case late to be acknowledged or answered notifies the managers of its handling unit,
once a day (key ``case.overdue:<case>:<day>``), in a fixed number of queries per batch of
2,000 cases. The notification names the case by its kind and code, never its petitioners.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dangbo.assignments import people
from dangbo.core import notifications

from .models import Case

BATCH = 2000
FIELDS = ("pk", "code", "kind", "state", "unit_id", "acknowledge_by", "answer_by", "unit__name")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def scan_cases(today: dt.date) -> int:
    """Notify the managers of each overdue case's unit; returns the notifications created."""
    pending = Case.objects.overdue(today).order_by("pk")
    marker = "987654321"
    head, tail = reverse("citizens:case_detail", args=[int(marker)]).split(marker)
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
        users = people.users_by_id(uid for r in rows for uid in managers[r["unit_id"]])
        notes: list[tuple[Any, dict[str, Any]]] = []
        for row in rows:
            what = Case.Kind(row["kind"]).label
            code = f"{row['code'][:5]}-{row['code'][5:]}"
            if row["state"] == Case.State.RECEIVED and row["acknowledge_by"] < today:
                title = _("%(kind)s %(code)s: acknowledge by %(date)s is past") % {
                    "kind": what, "code": code, "date": _d(row["acknowledge_by"])}
            else:
                title = _("%(kind)s %(code)s: answer by %(date)s is past") % {
                    "kind": what, "code": code, "date": _d(row["answer_by"])}
            note = {
                "verb": "case.overdue", "title": title, "body": row["unit__name"], "level": "warning",
                "url": f"{head}{row['pk']}{tail}", "obj": Case.from_db(None, ["id"], (row["pk"],)),
                "key": f"case.overdue:{row['pk']}:{today.isoformat()}",
            }
            notes.extend((users[uid], note) for uid in managers[row["unit_id"]] if uid in users)
        with transaction.atomic():
            sent += notifications.notify_many(notes)
