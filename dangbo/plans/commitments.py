"""What a commitment's quarterly status and an indicator's result are, computed (never typed).

Framework-light: plain functions over values the selectors read.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Indicator, ItemStatus

S = ItemStatus.Status


def suggest_status(tasks: Iterable[tuple[str, int]]) -> str:
    """The status a commitment item's linked tasks suggest (``(status, progress)`` pairs):
    empty when nothing evidences it; done when every counted task is done; else by the mean
    progress — 0 not started, under 35 partly, under 65 in progress, else mostly."""
    counted = [(status, progress) for status, progress in tasks if status != "cancelled"]
    if not counted:
        return ""
    if all(status == "done" for status, _p in counted):
        return S.DONE
    mean = sum(100 if status == "done" else progress for status, progress in counted) / len(counted)
    if mean == 0:
        return S.NOT_STARTED
    if mean < 35:
        return S.PARTLY
    if mean < 65:
        return S.IN_PROGRESS
    return S.MOSTLY


RESULTS = {"exceeded": _("Exceeded"), "reached": _("Reached"), "missed": _("Not reached")}


def indicator_result(direction: str, target: Decimal | None, actual: Decimal | None) -> str:
    """``exceeded`` (vượt), ``reached`` (đạt), ``missed`` (không đạt), or ``""`` when the target
    or the actual is missing. A milestone is reached when its actual is 1 (0: not reached)."""
    if actual is None:
        return ""
    if direction == Indicator.Direction.MILESTONE:
        return "reached" if actual >= 1 else "missed"
    if target is None:
        return ""
    if actual == target:
        return "reached"
    better = actual > target if direction == Indicator.Direction.HIGHER else actual < target
    return "exceeded" if better else "missed"
