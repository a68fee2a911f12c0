"""The people of the Đông Hà demo, area by area: members first, then admission, cadres, ratings."""

from __future__ import annotations

from .admission import demo as admission
from .cadres import demo as cadres
from .members import demo as members
from .ratings import demo as ratings


def load(*, today) -> dict[str, int]:
    summary: dict[str, int] = {}
    for area in (members, admission, cadres, ratings):
        summary.update(area.load(today=today))
    return summary
