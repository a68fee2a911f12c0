"""What other apps add to a document's page, without documents knowing those apps.

An app registers a template from its ``AppConfig.ready``: ``place="actions"`` for buttons
beside the page's heading, ``place="panels"`` for a section below the document's card. The
page includes each one with ``document`` and ``request`` in its context. A template must run
a fixed number of queries.
"""

from __future__ import annotations

from typing import Literal

Place = Literal["actions", "panels"]
_templates: dict[str, list[str]] = {"actions": [], "panels": []}


def register(template_name: str, *, place: Place = "panels") -> None:
    if template_name not in _templates[place]:
        _templates[place].append(template_name)


def templates(place: Place) -> list[str]:
    return list(_templates[place])
