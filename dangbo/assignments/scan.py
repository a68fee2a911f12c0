"""The daily follow-up (đôn đốc): tasks due soon, overdue and behind schedule.

``scan_deadlines`` notifies the people in charge of each such task (its responsible person
and the managers of the unit in charge) and, once a task is ``DANGBO_ESCALATE_AFTER_DAYS``
overdue, the head of the assigning unit. Only the tasks with someone to tell
(``people.someone_to_tell``: their ids in one query) are fetched, in batches of 2,000, with a
fixed number of questions per batch: the notifications of a batch are written by
``notifications.notify_many`` (one ``INSERT … ON CONFLICT DO NOTHING`` a batch), not
one by one. The other tasks of the day (at national scale most of them: few units have a
manager with an account) are neither read nor written: rewriting millions of rows a day to
say nobody was told would be nearly the whole cost of the scan. Running it twice on the same
day sends nothing twice: every notification carries a key (``task.overdue:<task>:<day>``,
``task.escalated:<task>:<deadline>``) the notifications service refuses to repeat, and the
tasks handled today are marked (``reminded_on``, with their notifications) so a second run
does not even look at them.

It also follows the report cadence (``scan_reports``; the rule is in
``dangbo.assignments.cadence``): in the last ``DANGBO_REPORT_REMIND_DAYS`` days of a month
or quarter, the people in charge of each active task that owes a report for it and has not
sent one are reminded (``task.report_due:<task>:<period>``); in the first days of the next
period, those whose task missed the period's report are told so
(``task.report_missing:<task>:<period>``). The period in the key makes each notice go once
per period; the cost is again a fixed number of queries per batch of 2,000 tasks, and none
outside those windows. The summary's keys stay those above; the notices created count in
``notified``.

Other apps add their own overdue items to the same daily run (``register``: the citizens'
cases late to be acknowledged or answered); their notifications count in ``notified``.

Last, it counts the day's per-unit tallies (``tally.warm``), so the first dashboard of the
morning reads rows rather than tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangbo.core import notifications
from dangbo.core.models import Notification

from . import people, tally
from .cadence import CADENCES, Period, filed_exists, owed_q, period_of
from .models import Task, due_soon_days, escalate_after_days

BATCH = 2000
FIELDS = ("pk", "title", "unit_id", "assigning_unit_id", "responsible_id", "deadline",
          "behind_from", "progress", "start", "unit__name")


#: Other apps' daily checks: ``fn(today) -> notifications created`` (see ``register``).
_extra_scans: list[Callable[[dt.date], int]] = []


def register(scan: Callable[[dt.date], int]) -> None:
    """Run ``scan(today)`` in the daily follow-up too (from an app's ``AppConfig.ready``)."""
    if scan not in _extra_scans:
        _extra_scans.append(scan)


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _task_url():
    """``pk → the task's page``, reversing the URL once rather than once per task."""
    marker = "987654321"
    head, tail = reverse("assignments:task_detail", args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def scan_deadlines(*, today: dt.date | None = None) -> dict[str, int]:
    """Find, notify, escalate; returns ``{"due_soon", "overdue", "behind", "escalated", "notified"}``."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        summary = _scan(today)
        summary["notified"] += _scan_reports(today)["notified"]
        for scan in _extra_scans:
            summary["notified"] += scan(today)
    tally.warm(today)  # the day's dashboard counts, before anyone opens a dashboard
    return summary


def scan_reports(*, today: dt.date | None = None) -> dict[str, int]:
    """The report-cadence part of the daily follow-up (``scan_deadlines`` runs it too).

    Returns ``{"report_due": tasks reminded, "report_missing": tasks told a report is
    missing, "notified": notifications created}``; a second run on the same day (or any day
    of the same window) returns zeros."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return _scan_reports(today)


def _scan(today: dt.date) -> dict[str, int]:
    soon_days = due_soon_days()
    escalate_days = escalate_after_days()
    soon_end = today + dt.timedelta(days=soon_days)
    escalate_before = today - dt.timedelta(days=escalate_days)
    summary = {
        "due_soon": Task.objects.due_soon(today, soon_days).count(),
        "overdue": Task.objects.overdue(today).count(),
        "behind": Task.objects.behind(today).count(),
        "escalated": 0,
        "notified": 0,
    }
    pending = (
        Task.objects.filter(status__in=Task.ACTIVE)
        .filter(Q(deadline__lte=soon_end) | Q(behind_from__lte=today))
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    )
    # Only the tasks someone can be told about are fetched, and marked handled today with
    # their notifications; the others (at national scale most of them) are neither read nor
    # written. Their ids in one query (as many as the day's notices), then rows batch by batch.
    to_tell = sorted(row["pk"] for row in people.someone_to_tell(pending, escalate_before))
    managers: dict[int, list[int]] = {}
    heads: dict[int, int | None] = {}
    task_url = _task_url()  # reversing a URL costs milliseconds: once a scan, not once a batch
    for start in range(0, len(to_tell), BATCH):
        rows = list(pending.filter(pk__in=to_tell[start : start + BATCH]).order_by("pk").values(*FIELDS))
        if not rows:
            continue
        with transaction.atomic():
            sent, escalated = _batch(rows, today, soon_end, escalate_before, managers, heads, task_url)
            Task.objects.filter(pk__in=[r["pk"] for r in rows]).update(reminded_on=today)
        summary["notified"] += sent
        summary["escalated"] += escalated
    return summary


def _batch(
    rows: list[dict[str, Any]],
    today: dt.date,
    soon_end: dt.date,
    escalate_before: dt.date,
    managers: dict[int, list[int]],
    heads: dict[int, int | None],
    task_url: Callable[[int], str],
) -> tuple[int, int]:
    new_units = {r["unit_id"] for r in rows} - set(managers)
    managers.update({u: [] for u in new_units})
    managers.update(people.managers_by_unit(new_units))
    escalating = [r for r in rows if r["deadline"] < escalate_before]
    new_heads = {r["assigning_unit_id"] for r in escalating} - set(heads)
    if new_heads:
        found = people.heads_by_unit(new_heads)
        heads.update({u: found.get(u) for u in new_heads})
    responsible = people.users_of_people(r["responsible_id"] for r in rows)
    wanted = {uid for r in rows for uid in managers.get(r["unit_id"], [])}
    wanted |= set(responsible.values())
    wanted |= {heads[r["assigning_unit_id"]] for r in escalating if heads.get(r["assigning_unit_id"])}  # type: ignore[misc]
    users = people.users_by_id(wanted)
    # Each wording translated once a batch, not once a task.
    overdue_title, overdue_body = _("Overdue by %(days)s days: %(title)s"), _("Deadline %(date)s, %(unit)s, %(progress)s%% done.")
    escalated_title = _("Escalated, overdue by %(days)s days: %(title)s")
    escalated_body = _("%(unit)s has not finished this task, due on %(date)s.")
    soon_title, soon_body = _("Due on %(date)s: %(title)s"), _("%(unit)s, %(progress)s%% done.")
    behind_title, behind_body = _("Behind schedule: %(title)s"), _("%(progress)s%% done; due on %(date)s.")
    notes: list[tuple[Any, dict[str, Any]]] = []
    escalations: list[tuple[Any, dict[str, Any]]] = []
    for row in rows:
        ids = list(managers.get(row["unit_id"], []))
        if row["responsible_id"] and responsible.get(row["responsible_id"]):
            ids.insert(0, responsible[row["responsible_id"]])
        recipients = [users[i] for i in dict.fromkeys(ids) if i in users]
        url = task_url(row["pk"])
        title = row["title"][:200]
        # A reference for the notification's object: only the id is known (and needed).
        task = Task.from_db(None, ["id"], (row["pk"],))
        if row["deadline"] < today:
            days = (today - row["deadline"]).days
            note = {
                "verb": "task.overdue",
                "title": overdue_title % {"days": days, "title": title},
                "body": overdue_body
                % {"date": _d(row["deadline"]), "unit": row["unit__name"], "progress": row["progress"]},
                "url": url, "obj": task, "key": f"task.overdue:{row['pk']}:{today.isoformat()}",
            }
            head = heads.get(row["assigning_unit_id"]) if row["deadline"] < escalate_before else None
            if head and head in users:
                escalations.append((users[head], {
                    "verb": "task.escalated",
                    "title": escalated_title % {"days": days, "title": title},
                    "body": escalated_body
                    % {"unit": row["unit__name"], "date": _d(row["deadline"])},
                    "url": url, "obj": task,
                    "key": f"task.escalated:{row['pk']}:{row['deadline'].isoformat()}",
                }))
        elif row["deadline"] <= soon_end:
            note = {
                "verb": "task.due_soon",
                "title": soon_title % {"date": _d(row["deadline"]), "title": title},
                "body": soon_body % {"unit": row["unit__name"], "progress": row["progress"]},
                "url": url, "obj": task, "key": f"task.due_soon:{row['pk']}:{today.isoformat()}",
            }
        elif row["behind_from"] and row["behind_from"] <= today:
            note = {
                "verb": "task.behind",
                "title": behind_title % {"title": title},
                "body": behind_body
                % {"progress": row["progress"], "date": _d(row["deadline"])},
                "url": url, "obj": task, "key": f"task.behind:{row['pk']}:{today.isoformat()}",
            }
        else:
            continue
        notes.extend((user, note) for user in recipients)
    sent = notifications.notify_many(notes)
    # One head per escalated task: each escalation created is one task escalated.
    escalated = notifications.notify_many(escalations)
    return sent + escalated, escalated


# --- Report cadence ------------------------------------------------------------------------

REPORT_FIELDS = ("pk", "title", "unit_id", "responsible_id", "unit__name")


def _scan_reports(today: dt.date) -> dict[str, int]:
    summary = {"report_due": 0, "report_missing": 0, "notified": 0}
    managers: dict[int, list[int]] = {}
    task_url = _task_url()
    for cadence in CADENCES:
        current = period_of(cadence, today)
        jobs: list[tuple[str, Period]] = []
        if current.reminding(today):
            jobs.append(("report_due", current))
        if current.catching_up(today):
            jobs.append(("report_missing", current.previous()))
        for kind, period in jobs:
            pending = Task.objects.filter(owed_q(period)).filter(~filed_exists(period)).order_by("pk")
            last_pk = 0
            while True:
                rows = list(pending.filter(pk__gt=last_pk).values(*REPORT_FIELDS)[:BATCH])
                if not rows:
                    break
                last_pk = rows[-1]["pk"]
                with transaction.atomic():
                    tasks, sent = _report_batch(kind, period, rows, managers, task_url)
                summary[kind] += tasks
                summary["notified"] += sent
    return summary


def _report_batch(
    kind: str, period: Period, rows: list[dict[str, Any]], managers: dict[int, list[int]],
    task_url: Callable[[int], str],
) -> tuple[int, int]:
    """Notify the people in charge of ``rows``; returns (tasks notified, notifications)."""
    new_units = {r["unit_id"] for r in rows} - set(managers)
    managers.update({u: [] for u in new_units})
    managers.update(people.managers_by_unit(new_units))
    responsible = people.users_of_people(r["responsible_id"] for r in rows)
    wanted: dict[int, list[int]] = {}
    for row in rows:
        ids = [responsible.get(row["responsible_id"]), *managers.get(row["unit_id"], [])]
        wanted[row["pk"]] = [i for i in dict.fromkeys(ids) if i]
    keys = {pk: f"task.{kind}:{pk}:{period.key}" for pk in wanted}
    everyone = {uid for ids in wanted.values() for uid in ids}
    stored = set(
        Notification.objects.filter(user_id__in=everyone, key__in=list(keys.values())).values_list(
            "user_id", "key"
        )
    ) if everyone else set()
    fresh = {pk: [uid for uid in ids if (uid, keys[pk]) not in stored] for pk, ids in wanted.items()}
    users = people.users_by_id(uid for ids in fresh.values() for uid in ids)
    due_by = _d(period.end)
    notes: list[tuple[Any, dict[str, Any]]] = []
    notified = 0
    for row in rows:
        recipients = [users[uid] for uid in fresh[row["pk"]] if uid in users]
        if not recipients:
            continue
        notified += 1
        title = row["title"][:200]
        values = {"period": period.label, "date": due_by, "title": title, "unit": row["unit__name"]}
        note: dict[str, Any]
        if kind == "report_due":
            note = {
                "verb": "task.report_due",
                "title": _("Progress report for %(period)s due by %(date)s: %(title)s") % values,
                "body": _("%(unit)s has not reported on this task in %(period)s yet.") % values,
            }
        else:
            note = {
                "verb": "task.report_missing",
                "title": _("No progress report for %(period)s: %(title)s") % values,
                "body": _("The report for %(period)s was due by %(date)s; %(unit)s sent none.") % values,
                "level": "warning",
            }
        note.update(url=task_url(row["pk"]), key=keys[row["pk"]], obj=Task.from_db(None, ["id"], (row["pk"],)))
        notes.extend((user, note) for user in recipients)
    return notified, notifications.notify_many(notes)
