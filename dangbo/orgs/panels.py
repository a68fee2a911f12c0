"""Panels that other apps add to a unit's page, without orgs knowing those apps.

An app registers a template from its ``AppConfig.ready``; the unit page includes each one with
``unit`` and ``request`` in its context. A panel must run a fixed number of queries.
"""

from __future__ import annotations

_panels: list[str] = []


def register(template_name: str) -> None:
    if template_name not in _panels:
        _panels.append(template_name)


def unit_panels() -> list[str]:
    return list(_panels)
