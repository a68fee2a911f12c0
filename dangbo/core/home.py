"""Panels that apps add to the home page (Tổng quan), without core knowing those apps.

Imports run ``core`` ← ``orgs`` ← the apps, so the home page cannot ask the apps for their
numbers; each app hands its panel in from its ``AppConfig.ready``::

    from dangbo.core.home import register_home_panel
    register_home_panel(10, "assignments/_home_panel.html", home.panel_context)

``context_fn(request, today)`` returns the panel's context, or ``None`` to leave the panel
out for this request. The home page includes each template, in ``order``, with that
context as ``panel`` (and the page's own context: ``request``, ``user``, ``today``).

``place`` says where: ``"panels"`` (the default), the cards of what to act on;
``"lead"``, above them (a notice such as "you have no position yet"); ``"after"``, full-width
sections below them (my units, my positions). The buttons at the top of the page are links
of the ``HOME`` menu of ``dangbo.core.nav``.

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

from dangbo.core.http import Request

ContextFn = Callable[[Request, dt.date], Mapping[str, Any] | None]


PLACES = ("lead", "panels", "after")


@dataclass(frozen=True)
class HomePanel:
    order: int
    template: str
    context_fn: ContextFn
    place: str = "panels"


@dataclass(frozen=True)
class RenderedPanel:
    """A panel ready to include: its template and its context for this request."""

    template: str
    context: Mapping[str, Any]
    place: str = "panels"


_panels: dict[str, HomePanel] = {}


def register_home_panel(order: int, template: str, context_fn: ContextFn, *, place: str = "panels") -> None:
    """Add a panel to the home page (again with the same template: replace it)."""
    if place not in PLACES:
        raise ValueError(f"No place {place!r} on the home page: use one of {PLACES}.")
    _panels[template] = HomePanel(order=order, template=template, context_fn=context_fn, place=place)


def home_panels(place: str | None = None) -> list[HomePanel]:
    """The registered panels (of one ``place``), in order (ties by template name)."""
    chosen = (panel for panel in _panels.values() if place is None or panel.place == place)
    return sorted(chosen, key=lambda panel: (panel.order, panel.template))


def panels_for(request: Request, today: dt.date) -> list[RenderedPanel]:
    """Each panel's context for ``request``, leaving out those that answer ``None``."""
    rendered = []
    for panel in home_panels():
        context = panel.context_fn(request, today)
        if context is not None:
            rendered.append(RenderedPanel(template=panel.template, context=context, place=panel.place))
    return rendered
