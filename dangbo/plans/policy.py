"""The plans' entries in the one permission door (``dangbo.core.policy``).

A theme belongs to its unit: read under a view grant on the unit, changed (its text, its items,
their milestones and tasks) under a manage grant. An item and a milestone follow their theme.
A ward's item that serves the city's item stays the ward's: the city reads it because the
ward lies under the city.
"""

from __future__ import annotations

from django.db.models import Q

from dangbo.core import policy
from dangbo.core.policy import Action, TreePolicy

from .models import Milestone, Theme, ThemeItem


@policy.register(Theme)
class ThemePolicy(TreePolicy[Theme]):
    """A unit's annual theme: read below the unit's grants, changed by its managers."""


@policy.register(ThemeItem)
class ThemeItemPolicy(TreePolicy[ThemeItem]):
    """An item follows its theme's unit."""

    def unit_path(self, obj: ThemeItem) -> str | None:
        return obj.theme.unit.path

    def prefix(self) -> str:
        return "theme__unit__"


@policy.register(Milestone)
class MilestonePolicy(policy.Policy[Milestone]):
    def may(self, user, action: Action, obj: Milestone) -> bool:
        return policy.may(user, action, obj.item)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(item__in=policy.visible(user, ThemeItem, action).values("pk"))
