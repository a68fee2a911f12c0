"""The tasks' evidence for the ratings (``dangbo.core.evidence``): the tasks due in the period
of a person (they are responsible) or of a unit (in its charge), done, done on time, and done
ahead of time (the "vượt yêu cầu" the gates ask for; a rater corrects it with a reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangbo.assignments.models import Task
from dangbo.core.evidence import Figure
from dangbo.orgs.models import Unit

#: A task done this share of its time span (or more) before its deadline counts as exceeded.
EARLY_SHARE = 0.1

LABELS = {
    "tasks_done": _("Tasks done"),
    "tasks_on_time": _("Tasks done on time"),
    "tasks_exceeded": _("Tasks done ahead of time (exceeded)"),
}


def exceeded(start: dt.date, deadline: dt.date, done_on: dt.date | None) -> bool:
    if done_on is None:
        return False
    span = max((deadline - start).days, 1)
    return (deadline - done_on).days >= max(1, round(span * EARLY_SHARE))


def task_figures(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    """A person's tasks, a unit's (in its charge), or those of a unit and every unit below it
    (``unit_tree``: one prefix query on the tasks' copied unit paths)."""
    if subject == "unit_tree":
        return _tree_figures(ids, start, end)
    key = {"person": "responsible_id", "unit": "unit_id"}.get(subject)
    if key is None:
        return {}
    rows = (
        Task.objects.filter(**{f"{key}__in": ids}, deadline__gte=start, deadline__lte=end)
        .exclude(status=Task.Status.CANCELLED)
        .values_list(key, "unit_id", "start", "deadline", "status", "done_on")
    )
    counts: dict[int, list[int]] = {}
    units: dict[int, int] = {}
    for pk, unit_id, begin, deadline, status, done_on in rows:
        _count(counts.setdefault(pk, [0, 0, 0, 0]), begin, deadline, status, done_on)
        units[pk] = unit_id
    return _figures(counts, units, start, end)


def _count(c: list[int], begin: dt.date, deadline: dt.date, status: str, done_on: dt.date | None) -> None:
    done = status == Task.Status.DONE
    c[0] += 1
    c[1] += done
    c[2] += done and done_on is not None and done_on <= deadline
    c[3] += done and exceeded(begin, deadline, done_on)


def _tree_figures(ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    paths = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "path"))
    if not paths:
        return {}
    within = Q()
    for path in paths.values():
        within |= Q(unit_path__startswith=path)
    rows = (
        Task.objects.filter(within, deadline__gte=start, deadline__lte=end)
        .exclude(status=Task.Status.CANCELLED)
        .values_list("unit_path", "start", "deadline", "status", "done_on")
    )
    counts: dict[int, list[int]] = {pk: [0, 0, 0, 0] for pk in paths}
    # Each task counts for every asked unit its path starts with: its path's prefixes looked
    # up (a few per task), not every asked unit tried (a province's cells times its tasks).
    by_path: dict[str, list[int]] = {}
    for pk, path in paths.items():
        by_path.setdefault(path, []).append(pk)
    step = Unit.steplen
    for unit_path, begin, deadline, status, done_on in rows:
        for end_at in range(step, len(unit_path) + 1, step):
            for pk in by_path.get(unit_path[:end_at], ()):
                _count(counts[pk], begin, deadline, status, done_on)
    return _figures({pk: c for pk, c in counts.items() if c[0]}, {pk: pk for pk in paths}, start, end)


def _figures(counts: dict[int, list[int]], units: dict[int, int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    base = reverse("assignments:task_list")
    result = {}
    for pk, (total, done, on_time, ahead) in counts.items():
        url = base + "?" + urlencode({
            "unit": units[pk], "deadline_from": start.isoformat(), "deadline_to": end.isoformat(),
        })
        result[pk] = [
            Figure("tasks_done", LABELS["tasks_done"], done, total, url),
            Figure("tasks_on_time", LABELS["tasks_on_time"], on_time, total, url),
            Figure("tasks_exceeded", LABELS["tasks_exceeded"], ahead, total, url),
        ]
    return result
