"""The cases' part of the daily follow-up (``dangbo.assignments.scan.scan_deadlines``).

Every case late to be acknowledged or answered notifies the managers of its handling unit,
once a day (key ``case.overdue:<case>:<day>``), in a fixed number of queries per batch of
2,000 cases. Like a late task, a case late by more than ``DANGBO_ESCALATE_AFTER_DAYS`` is
escalated to the head of the unit above, once per deadline missed
(``case.escalated:<case>:<deadline>``). The notification names the case by its kind and
code, never its petitioners.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dangbo.assignments import people
from dangbo.assignments.models import escalate_after_days
from dangbo.core import notifications
from dangbo.orgs.models import Unit

from .models import Case

BATCH = 2000
FIELDS = ("pk", "code", "kind", "state", "unit_id", "acknowledge_by", "answer_by", "unit__name", "unit__path")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def scan_cases(today: dt.date) -> int:
    """Notify the managers of each overdue case's unit; returns the notifications created."""
    pending = Case.objects.overdue(today).order_by("pk")
    marker = "987654321"
    head_url, tail = reverse("citizens:case_detail", args=[int(marker)]).split(marker)
    managers: dict[int, list[int]] = {}
    heads: dict[str, int | None] = {}  # the path of the unit above → its head's user id
    escalate_before = today - dt.timedelta(days=escalate_after_days())
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
        for row in rows:
            late_ack = row["state"] == Case.State.RECEIVED and row["acknowledge_by"] < today
            row["missed"] = row["acknowledge_by"] if late_ack else row["answer_by"]
            row["above"] = row["unit__path"][: -Unit.steplen]
        _heads_above({r["above"] for r in rows if r["missed"] < escalate_before and r["above"]} - set(heads), heads)
        wanted = {uid for r in rows for uid in managers[r["unit_id"]]} | {h for h in heads.values() if h}
        users = people.users_by_id(wanted)
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
            head = heads.get(row["above"]) if row["missed"] < escalate_before else None
            if head and head in users:
                notes.append((users[head], {
                    "verb": "case.escalated", "title": _("Escalated: %(title)s") % {"title": title},
                    "body": row["unit__name"], "level": "urgent",
                    "url": f"{head_url}{row['pk']}{tail}", "obj": Case.from_db(None, ["id"], (row["pk"],)),
                    "key": f"case.escalated:{row['pk']}:{row['missed'].isoformat()}",
                }))
            note = {
                "verb": "case.overdue", "title": title, "body": row["unit__name"], "level": "warning",
                "url": f"{head_url}{row['pk']}{tail}", "obj": Case.from_db(None, ["id"], (row["pk"],)),
                "key": f"case.overdue:{row['pk']}:{today.isoformat()}",
            }
            notes.extend((users[uid], note) for uid in managers[row["unit_id"]] if uid in users)
        with transaction.atomic():
            sent += notifications.notify_many(notes)


def _heads_above(paths: set[str], heads: dict[str, int | None]) -> None:
    """Fill ``heads`` with the head (user id) of the unit at each of ``paths``."""
    if not paths:
        return
    units = dict(Unit.objects.filter(path__in=paths).values_list("pk", "path"))
    found = people.heads_by_unit(units)
    heads.update({path: None for path in paths})
    heads.update({units[pk]: user_id for pk, user_id in found.items()})
