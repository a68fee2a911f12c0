"""Links that apps add to the page frame, without core (or its templates) naming them.

Two menus: ``MAIN``, the left-hand navigation of every page, and ``HOME``, the buttons at the
top of the home page (Tổng quan). Each app adds its entries from its ``AppConfig.ready``::

    from dangbo.core import nav
    nav.register_link(nav.MAIN, section="tasks", url_name="assignments:task_list",
                      label=_("Tasks"), order=30)

``section`` marks the link as the current page when a view sets ``request.nav_section`` to
it. ``visible(request)`` may leave the link out for a request (it must not query the
database: it runs on every page). ``primary`` makes a button the page's main action.
Templates read a menu with ``{% load navigation %}{% nav_links "main" as links %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

MAIN = "main"
HOME = "home"

Visible = Callable[[HttpRequest], bool]


@dataclass(frozen=True)
class NavLink:
    menu: str
    url_name: str
    label: Any
    order: int
    section: str = ""
    visible: Visible | None = None
    primary: bool = False


@dataclass(frozen=True)
class RenderedLink:
    """A link ready to show: its text, its address, whether it is the current section."""

    label: str
    url: str
    section: str
    primary: bool
    current: bool


_links: dict[tuple[str, str], NavLink] = {}


def register_link(
    menu: str,
    *,
    url_name: str,
    label: Any,
    order: int,
    section: str = "",
    visible: Visible | None = None,
    primary: bool = False,
) -> None:
    """Add a link to ``menu`` (again with the same URL name: replace it)."""
    if menu not in (MAIN, HOME):
        raise ValueError(f"No menu {menu!r}: use nav.MAIN or nav.HOME.")
    _links[(menu, url_name)] = NavLink(
        menu=menu, url_name=url_name, label=label, order=order, section=section, visible=visible, primary=primary
    )


def links(menu: str) -> list[NavLink]:
    """The registered links of ``menu``, in order (ties by URL name)."""
    return sorted((link for link in _links.values() if link.menu == menu), key=lambda link: (link.order, link.url_name))


def links_for(request: HttpRequest | None, menu: str) -> list[RenderedLink]:
    """The links of ``menu`` this request shows; a link whose URL is not mounted is left out."""
    current = getattr(request, "nav_section", "")
    rendered = []
    for link in links(menu):
        if link.visible is not None and (request is None or not link.visible(request)):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        rendered.append(
            RenderedLink(
                label=str(link.label), url=url, section=link.section, primary=link.primary,
                current=bool(link.section) and link.section == current,
            )
        )
    return rendered
