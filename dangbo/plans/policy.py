"""The plans' entries in the one permission door (``dangbo.core.policy``).

A theme belongs to its unit: read under a view grant on the unit and by the units below it (the
wards adopt the city's theme and serve its items), changed (its text, its items, their milestones
and tasks) under a manage grant. An item and a milestone follow their theme.
A ward's item that serves the city's item stays the ward's: the city reads it because the
ward lies under the city.
"""

from __future__ import annotations

from django.db.models import Q

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import (
    Commitment,
    CommitmentItem,
    CommitmentScan,
    Indicator,
    ItemStatus,
    Milestone,
    Theme,
    ThemeItem,
)


class SharedDownPolicy(TreePolicy):
    """Read under the unit's grants and by the units below it (a city's theme is the wards'
    to adopt and serve); changed by the unit's managers."""

    def may(self, user, action: Action, obj) -> bool:
        if action == Action.VIEW:
            path = self.unit_path(obj)
            if path is not None and path in policy.above_paths(user, Level.VIEW):
                return True
        return super().may(user, action, obj)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        q = super().scope(user, action)
        if action == Action.VIEW:
            q |= Q(**{f"{self.prefix()}path__in": policy.above_paths(user, Level.VIEW)})
        return q


@policy.register(Theme)
class ThemePolicy(SharedDownPolicy):
    """A unit's annual theme: read below the unit's grants and by the units below it,
    changed by its managers."""


@policy.register(ThemeItem)
class ThemeItemPolicy(SharedDownPolicy):
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


@policy.register(Commitment)
class CommitmentPolicy(policy.Policy[Commitment]):
    """A commitment is read by whoever sees the committing unit (the upper level sees it
    too: the committing unit lies below it); the committing unit reports its quarterly status
    and self-evaluates (contribute on it); the upper level records, comments and evaluates
    (change on the upper unit)."""

    RULES: dict[Action, tuple[str, Level]] = {
        Action.VIEW: ("lower_unit", Level.VIEW),
        Action.CONTRIBUTE: ("lower_unit", Level.CONTRIBUTE),
        Action.CHANGE: ("upper_unit", Level.MANAGE),
    }

    def may(self, user, action: Action, obj: Commitment) -> bool:
        rule = self.RULES.get(action)
        if rule is None:
            return False
        field, level = rule
        return policy.covers(user, level, getattr(obj, field).path)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        rule = self.RULES.get(action)
        if rule is None:
            return Q(pk__in=[])
        field, level = rule
        return policy.under_q(user, level, f"{field}__")


@policy.register(CommitmentItem)
class CommitmentItemPolicy(policy.Policy[CommitmentItem]):
    def may(self, user, action: Action, obj: CommitmentItem) -> bool:
        return policy.may(user, action, obj.commitment)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(commitment__in=policy.visible(user, Commitment, action).values("pk"))


@policy.register(ItemStatus)
class ItemStatusPolicy(policy.Policy[ItemStatus]):
    def may(self, user, action: Action, obj: ItemStatus) -> bool:
        return policy.may(user, action, obj.item.commitment)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(item__commitment__in=policy.visible(user, Commitment, action).values("pk"))


@policy.register(Indicator)
class IndicatorPolicy(TreePolicy[Indicator]):
    """An indicator belongs to its unit and is changed (its targets) by its managers. It is read
    under the unit's grants and also by the units below, which enter their own actuals (their
    rows only: the service checks the unit; the pages and the API show the rows of the units
    the user sees)."""

    def may(self, user, action: Action, obj: Indicator) -> bool:
        if action == Action.VIEW and obj.unit.path in policy.above_paths(user, Level.VIEW):
            return True
        return super().may(user, action, obj)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        q = super().scope(user, action)
        if action == Action.VIEW:
            q |= Q(unit__path__in=policy.above_paths(user, Level.VIEW))
        return q


@policy.register(CommitmentScan)
class CommitmentScanPolicy(policy.Policy[CommitmentScan]):
    """The signed scan is part of its commitment."""

    def may(self, user, action: Action, obj: CommitmentScan) -> bool:
        return policy.may(user, action, obj.commitment)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(commitment__in=policy.visible(user, Commitment, action).values("pk"))
