"""The cadres' entries in the one permission door (``dangbo.core.policy``).

A cadre's record belongs to the unit that manages the cadre: read under a view grant on that
unit, changed (education, theory level, training, awards) under a manage grant. A plan belongs
to its unit, its candidates follow it. A rotation or appointment belongs to the unit the cadre
goes to, whose managers decide it; the unit the cadre leaves reads it. Staff streamlining belongs to its unit. The planning rules
are public data: every signed-in person reads them, nobody changes them here.
"""

from __future__ import annotations

from django.db.models import Q

from dangbo.core import policy
from dangbo.core.policy import Action, Level, PartPolicy, TreePolicy

from .models import (
    Award,
    CadreProfile,
    Move,
    Plan,
    PlanCandidate,
    PlanningRule,
    Streamlining,
    Training,
)


@policy.register(CadreProfile)
class CadreProfilePolicy(TreePolicy[CadreProfile]):
    """A cadre's record: read and changed under the managing unit's grants."""


@policy.register(Training)
class TrainingPolicy(PartPolicy[Training]):
    via = "profile"


@policy.register(Award)
class AwardPolicy(PartPolicy[Award]):
    via = "profile"


@policy.register(Plan)
class PlanPolicy(TreePolicy[Plan]):
    """A unit's planning for a term: read under the unit's grants, changed by its managers."""


@policy.register(PlanCandidate)
class CandidatePolicy(PartPolicy[PlanCandidate]):
    via = "plan"


@policy.register(Move)
class MovePolicy(TreePolicy[Move]):
    """A rotation or appointment: the unit the cadre goes to decides it; the unit of the post the
    cadre leaves reads it too."""

    def may(self, user, action: Action, obj: Move) -> bool:
        if super().may(user, action, obj):
            return True
        leaving = obj.from_position
        return action == Action.VIEW and leaving is not None and policy.covers(user, Level.VIEW, leaving.unit.path)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        q = super().scope(user, action)
        if action == Action.VIEW:
            q |= policy.under_q(user, Level.VIEW, "from_position__unit__")
        return q


@policy.register(Streamlining)
class StreamliningPolicy(TreePolicy[Streamlining]):
    pass


@policy.register(PlanningRule)
class PlanningRulePolicy(policy.Policy[PlanningRule]):
    """Rules are data every signed-in person reads; they change by migration, not by a page."""

    superuser_may_all = False

    def may(self, user, action: Action, obj: PlanningRule) -> bool:
        return action == Action.VIEW

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q() if action == Action.VIEW else Q(pk__in=[])
