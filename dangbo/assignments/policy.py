"""Who may see and do what with a task, on top of ``dangbo.orgs.policy``.

* See: a grant over the unit in charge or over the assigning unit (lists filter with
  ``task_scope_q`` inside the query); a coordinating unit may also open the task.
* Report progress, start, ask for confirmation: contribute rights on the unit in charge.
* Cascade (sub-tasks for its own units): manage rights on the unit in charge.
* Change, pause, cancel, confirm completion, return, reopen: manage rights on the assigning
  unit. The unit in charge cannot confirm its own work.
"""

from __future__ import annotations

from enum import StrEnum
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from dangbo.orgs.policy import Action, can, scope_q


class TaskAction(StrEnum):
    VIEW = "view"
    REPORT = "report"
    CASCADE = "cascade"
    MANAGE = "manage"


def task_scope_q(user, action: Action | str = Action.VIEW) -> Q:
    """Tasks whose unit in charge or assigning unit lies under one of the user's grants."""
    return scope_q(user, action, prefix="unit_") | scope_q(user, action, prefix="assigning_")


def _at(path: str) -> SimpleNamespace:
    return SimpleNamespace(path=path)


def can_task(user, action: TaskAction | str, task) -> bool:
    action = TaskAction(action)
    if action == TaskAction.VIEW:
        if can(user, Action.VIEW, _at(task.unit_path)) or can(
            user, Action.VIEW, _at(task.assigning_path)
        ):
            return True
        if task.pk is None:
            return False
        return any(
            can(user, Action.VIEW, unit) for unit in task.coordinating_units.only("path")
        )
    if action == TaskAction.REPORT:
        return can(user, Action.CONTRIBUTE, _at(task.unit_path))
    if action == TaskAction.CASCADE:
        return can(user, Action.CHANGE, _at(task.unit_path))
    return can(user, Action.CHANGE, _at(task.assigning_path))


def check_task(user, task, action: TaskAction | str = TaskAction.VIEW) -> None:
    """404 when the task is not visible, 403 when ``action`` is not allowed."""
    if not can_task(user, TaskAction.VIEW, task):
        raise Http404
    if not can_task(user, action, task):
        raise PermissionDenied


def permissions(user, task) -> dict[str, bool]:
    return {
        "can_report": can_task(user, TaskAction.REPORT, task),
        "can_cascade": can_task(user, TaskAction.CASCADE, task),
        "can_manage": can_task(user, TaskAction.MANAGE, task),
    }
