"""Reports in the one permission door (``dangbo.core.policy``).

A term review and a periodic report belong to their unit: read below the unit's grants,
drafted, edited, refreshed and submitted by its managers.
"""

from __future__ import annotations

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import PeriodicReport, Review


@policy.register(Review)
class ReviewPolicy(TreePolicy[Review]):
    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.MANAGE}


@policy.register(PeriodicReport)
class PeriodicReportPolicy(TreePolicy[PeriodicReport]):
    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.MANAGE}
