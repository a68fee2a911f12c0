"""Panels that other areas add to a cadre's record page (the annual ratings and discipline of the
ratings area), without the cadres area knowing them.

An area registers, from its ``setup.ready``, a template and a function
``context(request, profile) -> dict | None`` (``None``: nothing to show); the record page
includes each template with ``panel`` (that dict), ``profile`` and ``request`` in its context.
A panel runs a fixed number of queries and shows only what the one policy lets the user see.
While no panel is registered the page keeps a placeholder for the ratings and discipline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ContextFn = Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: ContextFn
    order: int = 50


_panels: dict[str, Panel] = {}


def register(template: str, context: ContextFn, *, order: int = 50) -> None:
    """Add (or replace, under the same template) a panel of the record page."""
    _panels[template] = Panel(template=template, context=context, order=order)


def unregister(template: str) -> None:
    _panels.pop(template, None)


def record_panels(request, profile) -> list[dict]:
    """The registered panels with their context, in order; those with nothing to show left out."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.template)):
        context = panel.context(request, profile)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown


def any_registered() -> bool:
    return bool(_panels)
