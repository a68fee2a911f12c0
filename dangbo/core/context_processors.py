from __future__ import annotations

import functools

from django.http import HttpRequest

from .notifications import unread_count


def navigation(request: HttpRequest) -> dict:
    """The left-hand navigation; later apps add their entries here as they land."""
    return {"nav_section": getattr(request, "nav_section", "")}


def notifications(request: HttpRequest) -> dict:
    """``unread_notifications`` for the bell: one indexed COUNT, made only when a template
    reads it, and none for anonymous users."""

    @functools.cache
    def unread() -> int:
        return unread_count(getattr(request, "user", None))

    return {"unread_notifications": unread}
