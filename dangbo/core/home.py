"""Panels that apps add to the home page (Tổng quan), without core knowing those apps.

Imports run ``core`` ← ``orgs`` ← the apps, so the home page cannot ask the apps for their
numbers; each app hands its panel in from its ``AppConfig.ready``::

    from dangbo.core.home import register_home_panel
    register_home_panel(10, "assignments/_home_panel.html", home.panel_context)

``context_fn(request, today)`` returns the panel's context, or ``None`` to leave the panel
out for this request. The home page includes each template, in ``order``, with that
context as ``panel`` (and the page's own context: ``request``, ``user``, ``today``).

A panel's contract:

* it shows only what its app's own pages would show the user (the same selectors, the same
  policy): an outsider sees nothing of a sibling ward;
* it runs a fixed number of queries whatever the data size (the home page's test counts
  them with little and with much data);
* when there is nothing to show, it says so and what to do next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

ContextFn = Callable[[HttpRequest, dt.date], Mapping[str, Any] | None]


@dataclass(frozen=True)
class HomePanel:
    order: int
    template: str
    context_fn: ContextFn


@dataclass(frozen=True)
class RenderedPanel:
    """A panel ready to include: its template and its context for this request."""

    template: str
    context: Mapping[str, Any]


_panels: dict[str, HomePanel] = {}


def register_home_panel(order: int, template: str, context_fn: ContextFn) -> None:
    """Add a panel to the home page (again with the same template: replace it)."""
    _panels[template] = HomePanel(order=order, template=template, context_fn=context_fn)


def home_panels() -> list[HomePanel]:
    """The registered panels, in order (ties by template name)."""
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.template))


def panels_for(request: HttpRequest, today: dt.date) -> list[RenderedPanel]:
    """Each panel's context for ``request``, leaving out those that answer ``None``."""
    rendered = []
    for panel in home_panels():
        context = panel.context_fn(request, today)
        if context is not None:
            rendered.append(RenderedPanel(template=panel.template, context=context))
    return rendered
