"""Hooks for apps that keep a copy of unit paths.

Lists of tasks (and later other big tables) copy their unit's materialised path onto each row
so a scoped list needs no join. When units move, merge or split, their paths change; the
services call ``paths_changed(unit)`` for every unit whose subtree moved, and each app that
copies paths registers a refresher from its ``AppConfig.ready``::

    hooks.on_paths_changed(lambda unit: task_paths_refresh(unit=unit))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_listeners: list[Callable[[Any], object]] = []


def on_paths_changed(listener: Callable[[Any], object]) -> Callable[[Any], object]:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def paths_changed(unit) -> None:
    """``unit`` and everything below it have new paths: let every copy catch up."""
    from .models import refresh_labels

    refresh_labels(unit.path)
    for listener in _listeners:
        listener(unit)
