from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """The left-hand navigation; later apps add their entries here as they land."""
    return {"nav_section": getattr(request, "nav_section", "")}
