"""How far a theme item is, computed from the tasks that deliver it (never typed).

An item's tasks are its own linked tasks and those of the items below it that serve it (a
ward's item under the city's). Its progress is the mean progress of those tasks, cancelled
ones left out. Its state:

* ``no_tasks``: nothing delivers it yet;
* ``done``: every task is done;
* ``at_risk``: a task is overdue or behind schedule, or the progress is below what the last
  milestone already due expected;
* ``on_track``: otherwise.

``item_progress(items, today)`` computes every item of a page in three queries, whatever the
number of items and tasks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from dangbo.assignments.models import Task
from dangbo.core import dates

from .models import Milestone, ThemeItem

STATES = {
    "no_tasks": _("No tasks yet"),
    "done": _("Done"),
    "at_risk": _("At risk"),
    "on_track": _("On track"),
}


def milestone_due(year: int, period: str, number: int) -> dt.date:
    """The last day of the month or quarter ``number`` of ``year``."""
    if period == Milestone.Period.QUARTER:
        return dates.quarter(dt.date(year, (number - 1) * 3 + 1, 1)).end
    return dates.month_end(dt.date(year, number, 1))


@dataclass
class ItemProgress:
    progress: int = 0
    state: str = "no_tasks"
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    behind: int = 0
    #: The progress the last milestone already due expected (``None``: none due yet).
    expected: int | None = None
    task_ids: list[int] = field(default_factory=list)

    @property
    def on_track(self) -> bool:
        return self.state in ("on_track", "done")

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


def _expected(milestones: Iterable[tuple[int, str, int, int]], today: dt.date) -> int | None:
    due = [(milestone_due(year, period, number), pct) for year, period, number, pct in milestones]
    passed = [pct for day, pct in sorted(due) if day <= today]
    return passed[-1] if passed else None


def item_progress(items: Iterable[ThemeItem], today: dt.date) -> dict[int, ItemProgress]:
    """``{item id: ItemProgress}`` for ``items`` (three queries)."""
    items = list(items)
    ids = [item.pk for item in items]
    if not ids:
        return {}
    targets: dict[int, set[int]] = defaultdict(set)
    for pk in ids:
        targets[pk].add(pk)
    for pk, upper_id in ThemeItem.objects.filter(upper_id__in=ids).values_list("pk", "upper_id"):
        targets[pk].add(upper_id)
    links = ThemeItem.tasks.through.objects.filter(themeitem_id__in=list(targets)).values_list(
        "themeitem_id", "task_id", "task__progress", "task__status", "task__deadline", "task__behind_from",
    )
    rows: dict[int, dict[int, tuple]] = defaultdict(dict)
    for item_id, task_id, *task in links:
        for target in targets[item_id]:
            rows[target][task_id] = tuple(task)
    marks: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
    for item_id, year, period, number, pct in Milestone.objects.filter(item_id__in=ids).values_list(
        "item_id", "item__theme__year", "period", "number", "expected_progress"
    ):
        marks[item_id].append((year, period, number, pct))
    result: dict[int, ItemProgress] = {}
    for pk in ids:
        p = ItemProgress(expected=_expected(marks[pk], today))
        tasks = rows.get(pk, {})
        p.task_ids = sorted(tasks)
        counted = [t for t in tasks.values() if t[1] != Task.Status.CANCELLED]
        p.tasks = len(counted)
        if counted:
            p.done = sum(1 for t in counted if t[1] == Task.Status.DONE)
            p.progress = round(sum(100 if t[1] == Task.Status.DONE else t[0] for t in counted) / len(counted))
            active = [t for t in counted if t[1] in Task.ACTIVE]
            p.overdue = sum(1 for t in active if t[2] < today)
            p.behind = sum(1 for t in active if t[2] >= today and t[3] is not None and t[3] <= today)
            if p.done == p.tasks:
                p.state = "done"
            elif p.overdue or p.behind or (p.expected is not None and p.progress < p.expected):
                p.state = "at_risk"
            else:
                p.state = "on_track"
        result[pk] = p
    return result


@dataclass
class Confidence:
    """The delivery confidence of an item: the latest month's ratings, whether the raters
    disagree by two steps or more, and the monthly mean over the last 12 months."""

    month: dt.date | None = None
    levels: list[int] = field(default_factory=list)
    trend: list[tuple[dt.date, float]] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return sum(self.levels) / len(self.levels) if self.levels else None

    @property
    def disagree(self) -> bool:
        return len(self.levels) > 1 and max(self.levels) - min(self.levels) >= 2


def item_confidence(items: Iterable[ThemeItem], today: dt.date) -> dict[int, Confidence]:
    """``{item id: Confidence}`` over the 12 months up to ``today`` (one query)."""
    from .models import ConfidenceRating

    ids = [item.pk for item in items]
    since = dates.month_start(today, -11)
    by_item: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for item_id, month, level in ConfidenceRating.objects.filter(
        item_id__in=ids, month__gte=since, month__lte=today
    ).values_list("item_id", "month", "level"):
        by_item[item_id][month].append(level)
    result = {}
    for pk in ids:
        months = by_item.get(pk, {})
        c = Confidence()
        if months:
            c.month = max(months)
            c.levels = sorted(months[c.month])
            c.trend = [(m, sum(v) / len(v)) for m, v in sorted(months.items())]
        result[pk] = c
    return result
